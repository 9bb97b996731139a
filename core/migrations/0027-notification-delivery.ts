import { Migration } from '@mikro-orm/migrations';

/**
 * Notification delivery and preferences. A message is one (event, recipient, channel): the unique
 * key makes a second delivery of the same event queue nothing. Attempts are the delivery log (sends
 * and the channel's delivery reports); preferences hold per-subject opt-outs, marketing consent and
 * what unsubscribe links recorded.
 */
export class CreateNotificationDelivery extends Migration {
  override up(): void {
    this.addSql(`create table cw_notification_message (
      id varchar(64) primary key,
      event_id varchar(64) not null,
      event_name varchar(200) not null,
      recipient_key varchar(400) not null,
      recipient jsonb not null,
      channel varchar(16) not null,
      -- the installed channel that last tried it (its delivery reports are matched on this and the provider's id)
      channel_id varchar(100) null,
      template varchar(200) not null,
      category varchar(64) not null,
      transactional boolean not null,
      data jsonb not null,
      status varchar(16) not null,
      status_reason text null,
      attempts integer not null default 0,
      -- a resend starts a new round: a fresh idempotency key and a fresh allowance of attempts
      round integer not null default 1,
      round_attempts integer not null default 0,
      next_attempt_at timestamptz null,
      lease_until timestamptz null,
      provider_message_id varchar(300) null,
      subject varchar(500) null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      sent_at timestamptz null,
      delivered_at timestamptz null,
      constraint cw_notification_message_once unique (event_id, recipient_key, channel)
    )`);
    this.addSql(`create index cw_notification_message_due_idx on cw_notification_message (next_attempt_at) where status = 'queued'`);
    this.addSql(`create index cw_notification_message_provider_idx on cw_notification_message (channel_id, provider_message_id)`);
    this.addSql(`create index cw_notification_message_created_idx on cw_notification_message (created_at desc, id desc)`);
    this.addSql(`create table cw_notification_attempt (
      id varchar(64) primary key,
      message_id varchar(64) not null references cw_notification_message (id) on delete cascade,
      kind varchar(16) not null,
      round integer not null,
      outcome varchar(16) not null,
      provider_message_id varchar(300) null,
      error text null,
      started_at timestamptz not null,
      duration_ms integer null
    )`);
    this.addSql(`create index cw_notification_attempt_message_idx on cw_notification_attempt (message_id, started_at)`);
    this.addSql(`create table cw_notification_preference (
      subject varchar(400) not null,
      category varchar(64) not null,
      channel varchar(16) not null,
      enabled boolean not null,
      consent_at timestamptz null,
      source varchar(32) not null,
      updated_at timestamptz not null,
      primary key (subject, category, channel)
    )`);
  }

  override down(): void {
    this.addSql('drop table if exists cw_notification_preference');
    this.addSql('drop table if exists cw_notification_attempt');
    this.addSql('drop table if exists cw_notification_message');
  }
}
