import { Migration } from '@mikro-orm/migrations';

const REASONS = `'adjustment', 'reservation', 'release', 'sale', 'return', 'receipt', 'transfer'`;

/**
 * Returns and exchanges of delivered order lines: the request (lines, reason, images), the
 * decision, the return label, what was received in which condition, the money given back and the
 * exchange order. A write-off of units returned unsellable is a `write_off` stock movement.
 */
export class CreateReturns extends Migration {
  override up(): void {
    this.addSql(`create table cw_return (
      id varchar(64) primary key,
      order_id varchar(64) not null references cw_order (id) on delete cascade,
      kind varchar(10) not null check (kind in ('refund', 'exchange')),
      status varchar(12) not null check (status in ('requested', 'approved', 'rejected', 'cancelled', 'received', 'refunded', 'exchanged')),
      reason varchar(30) not null,
      note varchar(2000) null,
      image_ids jsonb not null default '[]',
      -- the vendor owning every line of the return; null when the store's own or mixed (staff only)
      vendor_id varchar(64) null,
      vendor_ids jsonb not null default '[]',
      decision_note varchar(2000) null,
      label jsonb null,
      items_amount bigint null check (items_amount >= 0),
      shipping_amount bigint not null default 0 check (shipping_amount >= 0),
      refunded_amount bigint not null default 0 check (refunded_amount >= 0),
      refund_error varchar(1000) null,
      exchange_order_id varchar(64) null references cw_order (id) on delete set null,
      exchange_total bigint null,
      requested_at timestamptz not null,
      decided_at timestamptz null,
      received_at timestamptz null,
      settled_at timestamptz null,
      updated_at timestamptz not null
    )`);
    this.addSql(`create index cw_return_order_idx on cw_return (order_id, requested_at)`);
    this.addSql(`create index cw_return_status_idx on cw_return (status, requested_at desc)`);
    this.addSql(`create index cw_return_vendor_idx on cw_return (vendor_id, requested_at desc) where vendor_id is not null`);
    this.addSql(`create table cw_return_line (
      return_id varchar(64) not null references cw_return (id) on delete cascade,
      order_line_id varchar(64) not null references cw_order_line (id) on delete cascade,
      position integer not null,
      quantity integer not null check (quantity > 0),
      reason varchar(30) null,
      replacement_variant_id varchar(64) null,
      received_quantity integer null check (received_quantity >= 0 and received_quantity <= quantity),
      condition varchar(12) null check (condition in ('resellable', 'damaged', 'unsellable')),
      stock_action varchar(12) null check (stock_action in ('restocked', 'written_off', 'none')),
      location_id varchar(64) null,
      amount bigint null check (amount >= 0),
      primary key (return_id, order_line_id)
    )`);
    this.addSql(`create index cw_return_line_line_idx on cw_return_line (order_line_id)`);
    this.addSql(`alter table cw_stock_movement drop constraint cw_stock_movement_reason_check`);
    this.addSql(`alter table cw_stock_movement add constraint cw_stock_movement_reason_check check (reason in (${REASONS}, 'write_off'))`);
  }

  override down(): void {
    this.addSql(`alter table cw_stock_movement drop constraint cw_stock_movement_reason_check`);
    this.addSql(`alter table cw_stock_movement add constraint cw_stock_movement_reason_check check (reason in (${REASONS}))`);
    this.addSql(`drop table cw_return_line`);
    this.addSql(`drop table cw_return`);
  }
}
