import { Migration } from '@cartwright/core';

export class CreateCodTables extends Migration {
  override up(): void {
    // the provider's own view of each COD payment: core's ledger records what the provider reports
    this.addSql(`create table cod_payment (
      payment_id varchar(64) primary key,
      amount bigint not null check (amount >= 0),
      currency varchar(3) not null,
      captured bigint not null default 0 check (captured >= 0 and captured <= amount),
      refunded bigint not null default 0 check (refunded >= 0 and refunded <= captured),
      status varchar(32) not null check (status in ('pending', 'captured', 'partially_refunded', 'refunded', 'voided')),
      collected_by_kind varchar(32) null,
      collected_by_id varchar(64) null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    // one row per call that changed (or tried to change) a payment: idempotency and the collection log
    this.addSql(`create table cod_payment_operation (
      idempotency_key varchar(255) primary key,
      payment_id varchar(64) not null references cod_payment (payment_id) on delete cascade,
      kind varchar(16) not null check (kind in ('initiate', 'capture', 'refund', 'void')),
      amount bigint not null,
      actor_kind varchar(32) null,
      actor_id varchar(64) null,
      reason text null,
      result jsonb not null,
      created_at timestamptz not null
    )`);
    this.addSql('create index cod_payment_operation_payment_idx on cod_payment_operation (payment_id, created_at)');
  }

  override down(): void {
    this.addSql('drop table cod_payment_operation');
    this.addSql('drop table cod_payment');
  }
}
