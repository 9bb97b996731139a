import { Migration } from '@mikro-orm/migrations';

/**
 * Purchasing: suppliers, and purchase orders of variants to be received into a stock location.
 * Receiving a line adds stock through the inventory ledger (reason `receipt`, referencing the PO number).
 */
export class CreatePurchasing extends Migration {
  override up(): void {
    this.addSql(`create table cw_supplier (
      id varchar(64) primary key,
      name varchar(200) not null,
      email varchar(320) null,
      phone varchar(64) null,
      notes varchar(2000) null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    // PO-00001, PO-00002, …: numbers come from a sequence, so they never repeat (gaps are possible)
    this.addSql(`create sequence cw_purchase_order_number_seq`);
    this.addSql(`create table cw_purchase_order (
      id varchar(64) primary key,
      number varchar(32) not null unique,
      supplier_id varchar(64) not null references cw_supplier (id) on delete restrict,
      location_id varchar(64) not null references cw_stock_location (id) on delete restrict,
      status varchar(20) not null check (status in ('draft', 'ordered', 'partially_received', 'received', 'cancelled')),
      currency varchar(3) not null check (currency ~ '^[A-Z]{3}$'),
      notes varchar(2000) null,
      ordered_at timestamptz null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    this.addSql(`create index cw_purchase_order_supplier_idx on cw_purchase_order (supplier_id)`);
    this.addSql(`create index cw_purchase_order_status_idx on cw_purchase_order (status, created_at desc)`);
    this.addSql(`create table cw_purchase_order_line (
      id varchar(64) primary key,
      purchase_order_id varchar(64) not null references cw_purchase_order (id) on delete cascade,
      position integer not null,
      variant_id varchar(64) not null references cw_product_variant (id) on delete restrict,
      quantity_ordered integer not null check (quantity_ordered > 0),
      quantity_received integer not null default 0 check (quantity_received >= 0),
      unit_cost integer not null check (unit_cost >= 0),
      constraint cw_purchase_order_line_received_check check (quantity_received <= quantity_ordered)
    )`);
    this.addSql(`create index cw_purchase_order_line_po_idx on cw_purchase_order_line (purchase_order_id, position)`);
  }

  override down(): void {
    for (const table of ['cw_purchase_order_line', 'cw_purchase_order', 'cw_supplier']) this.addSql(`drop table ${table}`);
    this.addSql(`drop sequence cw_purchase_order_number_seq`);
  }
}
