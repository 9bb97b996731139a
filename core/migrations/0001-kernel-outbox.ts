import { Migration } from '@mikro-orm/migrations';

/** The transactional outbox and the per-subscriber delivery log. */
export class KernelOutbox extends Migration {
  override up(): void {
    this.addSql(`create table cw_outbox_event (
      id varchar(64) primary key,
      name varchar(200) not null,
      payload jsonb not null,
      occurred_at timestamptz not null,
      fanned_out_at timestamptz null
    )`);
    this.addSql(`create index cw_outbox_event_pending_idx on cw_outbox_event (occurred_at, id) where fanned_out_at is null`);
    this.addSql(`create table cw_event_delivery (
      event_id varchar(64) not null references cw_outbox_event (id) on delete cascade,
      subscriber varchar(200) not null,
      event_name varchar(200) not null,
      status varchar(16) not null check (status in ('pending', 'delivered', 'failed')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null,
      lease_until timestamptz null,
      last_error text null,
      delivered_at timestamptz null,
      primary key (event_id, subscriber)
    )`);
    this.addSql(`create index cw_event_delivery_due_idx on cw_event_delivery (next_attempt_at) where status = 'pending'`);
  }

  override down(): void {
    this.addSql('drop table cw_event_delivery');
    this.addSql('drop table cw_outbox_event');
  }
}
