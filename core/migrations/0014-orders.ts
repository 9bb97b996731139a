import { Migration } from '@mikro-orm/migrations';

/**
 * Orders: what was bought, as checkout priced it (never recomputed), three separate statuses, and
 * a timeline of everything that happened to the order.
 */
export class CreateOrders extends Migration {
  override up(): void {
    // 1001, 1002, …: from a sequence, so numbers never repeat (a rolled-back checkout leaves a gap)
    this.addSql(`create sequence cw_order_number_seq start with 1001`);
    this.addSql(`create table cw_order (
      id varchar(64) primary key,
      number bigint not null unique,
      -- guest orders: SHA-256 of the order token that lets the buyer follow the order without an account
      token_hash varchar(64) null unique,
      customer_id varchar(64) null references cw_user (id) on delete set null,
      cart_id varchar(64) null references cw_cart (id) on delete set null,
      email varchar(320) not null,
      currency_code varchar(3) not null check (currency_code ~ '^[A-Z]{3}$'),
      prices_include_tax boolean not null,
      status varchar(12) not null check (status in ('pending', 'confirmed', 'cancelled', 'completed')),
      payment_status varchar(20) not null check (payment_status in ('not_paid', 'authorized', 'partially_paid', 'paid', 'partially_refunded', 'refunded', 'voided')),
      fulfillment_status varchar(20) not null check (fulfillment_status in ('not_fulfilled', 'partially_fulfilled', 'fulfilled', 'shipped', 'delivered', 'returned')),
      payment_method varchar(64) not null,
      shipping_address jsonb not null,
      billing_address jsonb not null,
      shipping jsonb not null default '[]',
      discounts jsonb not null default '[]',
      taxes jsonb not null default '[]',
      subtotal bigint not null check (subtotal >= 0),
      discount_total bigint not null check (discount_total >= 0),
      shipping_total bigint not null check (shipping_total >= 0),
      tax_total bigint not null check (tax_total >= 0),
      total bigint not null check (total >= 0),
      version integer not null default 1,
      placed_at timestamptz not null,
      updated_at timestamptz not null,
      cancelled_at timestamptz null,
      completed_at timestamptz null
    )`);
    this.addSql(`create index cw_order_customer_idx on cw_order (customer_id, placed_at desc) where customer_id is not null`);
    this.addSql(`create index cw_order_placed_idx on cw_order (placed_at desc, id desc)`);
    this.addSql(`create index cw_order_email_idx on cw_order (lower(email))`);
    this.addSql(`create index cw_order_status_idx on cw_order (status, placed_at desc)`);
    this.addSql(`create table cw_order_line (
      id varchar(64) primary key,
      order_id varchar(64) not null references cw_order (id) on delete cascade,
      position integer not null,
      variant_id varchar(64) null references cw_product_variant (id) on delete set null,
      product_id varchar(64) null,
      vendor_id varchar(64) null,
      product_title varchar(300) not null,
      variant_title varchar(300) not null,
      sku varchar(100) not null,
      options jsonb not null default '{}',
      tax_class varchar(64) null,
      thumbnail_url text null,
      quantity integer not null check (quantity > 0),
      unit_price bigint not null check (unit_price >= 0),
      subtotal bigint not null check (subtotal >= 0),
      discount bigint not null check (discount >= 0),
      discounts jsonb not null default '[]',
      taxes jsonb not null default '[]',
      tax_total bigint not null check (tax_total >= 0),
      total bigint not null check (total >= 0),
      unique (order_id, position)
    )`);
    this.addSql(`create index cw_order_line_vendor_idx on cw_order_line (vendor_id, order_id) where vendor_id is not null`);
    this.addSql(`create index cw_order_line_variant_idx on cw_order_line (variant_id)`);
    this.addSql(`create table cw_order_event (
      id varchar(64) primary key,
      order_id varchar(64) not null references cw_order (id) on delete cascade,
      kind varchar(64) not null,
      message varchar(1000) not null,
      visible_to_customer boolean not null,
      data jsonb not null default '{}',
      actor_kind varchar(20) not null,
      actor_id varchar(64) null,
      created_at timestamptz not null
    )`);
    this.addSql(`create index cw_order_event_order_idx on cw_order_event (order_id, created_at, id)`);
  }

  override down(): void {
    for (const table of ['cw_order_event', 'cw_order_line', 'cw_order']) this.addSql(`drop table ${table}`);
    this.addSql(`drop sequence cw_order_number_seq`);
  }
}
