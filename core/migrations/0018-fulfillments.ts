import { Migration } from '@mikro-orm/migrations';

/**
 * Fulfillments: which units of an order's lines leave from which stock location, and how far they
 * got (created → shipped → delivered, or cancelled). Carriers and labels come with shipping.
 */
export class CreateFulfillments extends Migration {
  override up(): void {
    this.addSql(`create table cw_fulfillment (
      id varchar(64) primary key,
      order_id varchar(64) not null references cw_order (id) on delete cascade,
      location_id varchar(64) not null references cw_stock_location (id),
      status varchar(12) not null check (status in ('created', 'shipped', 'delivered', 'cancelled')),
      carrier varchar(100) null,
      tracking_number varchar(200) null,
      tracking_url varchar(2000) null,
      shipped_at timestamptz null,
      delivered_at timestamptz null,
      created_at timestamptz not null
    )`);
    this.addSql(`create index cw_fulfillment_order_idx on cw_fulfillment (order_id, created_at, id)`);
    this.addSql(`create table cw_fulfillment_line (
      fulfillment_id varchar(64) not null references cw_fulfillment (id) on delete cascade,
      order_line_id varchar(64) not null references cw_order_line (id) on delete cascade,
      quantity integer not null check (quantity > 0),
      primary key (fulfillment_id, order_line_id)
    )`);
    this.addSql(`create index cw_fulfillment_line_line_idx on cw_fulfillment_line (order_line_id)`);
  }

  override down(): void {
    this.addSql(`drop table cw_fulfillment_line`);
    this.addSql(`drop table cw_fulfillment`);
  }
}
