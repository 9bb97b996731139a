import { Migration } from '@mikro-orm/migrations';

/**
 * Purchase order receipts: one record per delivery (when, who, where, a note) with the lines it
 * brought. The stock itself still moves through the ledger (`receipt` movements referencing the PO
 * number), written in the same transaction as the receipt.
 */
export class CreatePurchaseReceipts extends Migration {
  override up(): void {
    this.addSql(`create table cw_purchase_order_receipt (
      id varchar(64) primary key,
      purchase_order_id varchar(64) not null references cw_purchase_order (id) on delete cascade,
      location_id varchar(64) not null references cw_stock_location (id) on delete restrict,
      actor_kind varchar(20) not null,
      actor_id varchar(64) null,
      note varchar(1000) null,
      received_at timestamptz not null
    )`);
    this.addSql(`create index cw_purchase_order_receipt_po_idx on cw_purchase_order_receipt (purchase_order_id, received_at)`);
    this.addSql(`create table cw_purchase_order_receipt_line (
      id varchar(64) primary key,
      receipt_id varchar(64) not null references cw_purchase_order_receipt (id) on delete cascade,
      purchase_order_line_id varchar(64) not null references cw_purchase_order_line (id) on delete cascade,
      variant_id varchar(64) not null references cw_product_variant (id) on delete restrict,
      quantity integer not null check (quantity > 0)
    )`);
    this.addSql(`create index cw_purchase_order_receipt_line_receipt_idx on cw_purchase_order_receipt_line (receipt_id)`);
  }

  override down(): void {
    this.addSql('drop table cw_purchase_order_receipt_line');
    this.addSql('drop table cw_purchase_order_receipt');
  }
}
