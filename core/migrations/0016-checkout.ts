import { Migration } from '@mikro-orm/migrations';

/** The cart's chosen shipping option and completed order, and the idempotency keys of checkouts. */
export class CreateCheckout extends Migration {
  override up(): void {
    this.addSql(`alter table cw_cart add column shipping_option_id varchar(64) null`);
    this.addSql(`alter table cw_cart add column order_id varchar(64) null references cw_order (id) on delete set null`);
    // a request with an Idempotency-Key claims its row inside its own transaction: a second request
    // with the same key waits for the first to commit or roll back, then replays or re-runs it
    this.addSql(`create table cw_idempotency_key (
      scope varchar(40) not null,
      key varchar(255) not null,
      request_hash varchar(64) not null,
      resource_id varchar(64) null,
      response_status integer null,
      response_body jsonb null,
      created_at timestamptz not null,
      primary key (scope, key)
    )`);
    this.addSql(`create index cw_idempotency_key_created_idx on cw_idempotency_key (created_at)`);
  }

  override down(): void {
    this.addSql(`drop table cw_idempotency_key`);
    this.addSql(`alter table cw_cart drop column order_id`);
    this.addSql(`alter table cw_cart drop column shipping_option_id`);
  }
}
