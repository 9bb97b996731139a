import { Migration } from '@mikro-orm/migrations';

/**
 * Deadlines for stock reservations, and shoppers' back-in-stock subscriptions. What a reservation
 * holds stays in the ledger (cw_stock_movement); this table only says until when.
 */
export class CreateStockReservationsAndAlerts extends Migration {
  override up(): void {
    this.addSql(`create table cw_stock_reservation (
      reference varchar(200) primary key,
      expires_at timestamptz not null,
      created_at timestamptz not null
    )`);
    this.addSql(`create index cw_stock_reservation_expires_idx on cw_stock_reservation (expires_at)`);
    this.addSql(`create table cw_stock_subscription (
      id varchar(64) primary key,
      product_id varchar(64) not null references cw_product (id) on delete cascade,
      variant_id varchar(64) not null references cw_product_variant (id) on delete cascade,
      user_id varchar(64) null references cw_user (id) on delete cascade,
      email varchar(320) not null,
      created_at timestamptz not null,
      notified_at timestamptz null
    )`);
    // one pending subscription per address and variant; once told, the shopper may subscribe again
    this.addSql(`create unique index cw_stock_subscription_pending_unique on cw_stock_subscription (variant_id, lower(email)) where notified_at is null`);
    this.addSql(`create index cw_stock_subscription_user_idx on cw_stock_subscription (user_id) where user_id is not null`);
    this.addSql(`create index cw_stock_subscription_product_idx on cw_stock_subscription (product_id)`);
  }

  override down(): void {
    for (const table of ['cw_stock_subscription', 'cw_stock_reservation']) this.addSql(`drop table ${table}`);
  }
}
