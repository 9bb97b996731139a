import { Migration } from '@mikro-orm/migrations';

/**
 * Payments: one row per attempt to pay an order, one row per call made to a provider (and per
 * webhook applied), and the webhook events already seen, so a redelivered event changes nothing.
 */
export class CreatePayments extends Migration {
  override up(): void {
    const paymentStatus = `('pending', 'requires_action', 'authorized', 'captured', 'partially_refunded', 'refunded', 'voided', 'failed')`;
    this.addSql(`create table cw_payment (
      id varchar(64) primary key,
      order_id varchar(64) not null references cw_order (id) on delete cascade,
      provider varchar(64) not null,
      status varchar(20) not null check (status in ${paymentStatus}),
      amount bigint not null check (amount >= 0),
      currency_code varchar(3) not null check (currency_code ~ '^[A-Z]{3}$'),
      -- the gateway's id for the payment (a PaymentIntent id); null until the provider names one
      reference varchar(255) null,
      amount_authorized bigint not null default 0 check (amount_authorized >= 0),
      amount_captured bigint not null default 0 check (amount_captured >= 0),
      amount_refunded bigint not null default 0 check (amount_refunded >= 0 and amount_refunded <= amount_captured),
      raw_status varchar(100) null,
      failure_reason varchar(500) null,
      client_data jsonb not null default '{}',
      idempotency_key varchar(255) not null unique,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    this.addSql(`create index cw_payment_order_idx on cw_payment (order_id, created_at, id)`);
    this.addSql(`create index cw_payment_reference_idx on cw_payment (provider, reference) where reference is not null`);
    this.addSql(`create table cw_payment_transaction (
      id varchar(64) primary key,
      payment_id varchar(64) not null references cw_payment (id) on delete cascade,
      order_id varchar(64) not null references cw_order (id) on delete cascade,
      kind varchar(20) not null check (kind in ('initiate', 'authorize', 'capture', 'refund', 'void', 'webhook', 'status')),
      amount bigint not null default 0 check (amount >= 0),
      -- the call's outcome: pending while the provider is being asked (or the call died), then succeeded or failed
      status varchar(20) not null check (status in ('pending', 'succeeded', 'failed')),
      -- the payment's status as the provider reported it after the call
      result_status varchar(20) null check (result_status in ${paymentStatus}),
      raw_status varchar(100) null,
      reference varchar(255) null,
      idempotency_key varchar(255) not null unique,
      reason varchar(500) null,
      data jsonb not null default '{}',
      actor_kind varchar(20) not null,
      actor_id varchar(64) null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    this.addSql(`create index cw_payment_transaction_payment_idx on cw_payment_transaction (payment_id, created_at, id)`);
    this.addSql(`create index cw_payment_transaction_order_idx on cw_payment_transaction (order_id, created_at, id)`);
    this.addSql(`create table cw_payment_webhook_event (
      provider varchar(64) not null,
      event_id varchar(255) not null,
      received_at timestamptz not null,
      primary key (provider, event_id)
    )`);
  }

  override down(): void {
    for (const table of ['cw_payment_webhook_event', 'cw_payment_transaction', 'cw_payment']) this.addSql(`drop table ${table}`);
  }
}
