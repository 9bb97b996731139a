import { Migration } from '@mikro-orm/migrations';

/**
 * Outgoing webhooks: subscriptions (a URL, the event types it wants, its signing secrets), one
 * delivery per (subscription, event) and one attempt row per request made for a delivery.
 */
export class CreateOutgoingWebhooks extends Migration {
  override up(): void {
    this.addSql(`create table cw_webhook_subscription (
      id varchar(64) primary key,
      url varchar(2048) not null,
      description varchar(500) not null default '',
      -- event names, or ['*'] for every event
      event_types jsonb not null,
      active boolean not null default true,
      -- kept in clear: signing needs the secret itself (docs/admin/webhooks.md, "Secrets")
      secret varchar(128) not null,
      -- after a rotation the old secret signs too until previous_secret_expires_at
      previous_secret varchar(128) null,
      previous_secret_expires_at timestamptz null,
      max_attempts integer null check (max_attempts between 1 and 12),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      check ((previous_secret is null) = (previous_secret_expires_at is null))
    )`);
    this.addSql(`create table cw_webhook_delivery (
      id varchar(64) primary key,
      subscription_id varchar(64) not null references cw_webhook_subscription (id) on delete cascade,
      event_id varchar(64) not null,
      event_type varchar(200) not null,
      event_created_at timestamptz not null,
      data jsonb not null,
      status varchar(20) not null check (status in ('pending', 'delivered', 'dead_lettered')),
      attempts integer not null default 0,
      -- the attempt after which a failure dead-letters (a replay grants one more)
      max_attempts integer not null,
      next_attempt_at timestamptz not null,
      lease_until timestamptz null,
      delivered_at timestamptz null,
      created_at timestamptz not null,
      -- an event the dispatcher hands over twice makes one delivery
      unique (subscription_id, event_id)
    )`);
    this.addSql(`create index cw_webhook_delivery_due_idx on cw_webhook_delivery (next_attempt_at) where status = 'pending'`);
    this.addSql(`create index cw_webhook_delivery_subscription_idx on cw_webhook_delivery (subscription_id, created_at desc, id desc)`);
    this.addSql(`create table cw_webhook_attempt (
      id varchar(64) primary key,
      delivery_id varchar(64) not null references cw_webhook_delivery (id) on delete cascade,
      number integer not null,
      started_at timestamptz not null,
      duration_ms integer not null,
      status_code integer null,
      error varchar(2000) null,
      succeeded boolean not null,
      unique (delivery_id, number)
    )`);
  }

  override down(): void {
    this.addSql('drop table if exists cw_webhook_attempt');
    this.addSql('drop table if exists cw_webhook_delivery');
    this.addSql('drop table if exists cw_webhook_subscription');
  }
}
