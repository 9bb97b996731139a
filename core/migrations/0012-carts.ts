import { Migration } from '@mikro-orm/migrations';

/**
 * Carts and their lines. A cart stores what the shopper chose (variants and quantities, contact and
 * addresses), never a price: prices, availability and totals are worked out from the catalog each
 * time the cart is read.
 */
export class CreateCarts extends Migration {
  override up(): void {
    this.addSql(`create table cw_cart (
      id varchar(64) primary key,
      -- guest carts: SHA-256 of the cart token; null once a customer owns the cart
      token_hash varchar(64) null unique,
      customer_id varchar(64) null references cw_user (id) on delete cascade,
      status varchar(12) not null check (status in ('active', 'merged', 'completed', 'expired')),
      currency_code varchar(3) not null check (currency_code ~ '^[A-Z]{3}$'),
      email varchar(320) null,
      shipping_address jsonb null,
      billing_address jsonb null,
      merged_into varchar(64) null references cw_cart (id) on delete set null,
      version integer not null default 1 check (version >= 1),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      closed_at timestamptz null,
      check (token_hash is not null or customer_id is not null)
    )`);
    // one cart per customer at a time, so every device the customer signs in on finds the same one
    this.addSql(`create unique index cw_cart_customer_active_unique on cw_cart (customer_id) where status = 'active' and customer_id is not null`);
    this.addSql(`create index cw_cart_active_updated_idx on cw_cart (updated_at) where status = 'active'`);
    this.addSql(`create table cw_cart_line (
      id varchar(64) primary key,
      cart_id varchar(64) not null references cw_cart (id) on delete cascade,
      variant_id varchar(64) not null references cw_product_variant (id) on delete cascade,
      quantity integer not null check (quantity > 0),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      unique (cart_id, variant_id)
    )`);
  }

  override down(): void {
    this.addSql(`drop table cw_cart_line`);
    this.addSql(`drop table cw_cart`);
  }
}
