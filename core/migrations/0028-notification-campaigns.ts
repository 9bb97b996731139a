import { Migration } from '@mikro-orm/migrations';

/** Promotional email campaigns: the campaign, its audience fixed when sending starts, and each recipient's progress. */
export class CreateNotificationCampaigns extends Migration {
  override up(): void {
    this.addSql(`create table cw_campaign (
      id varchar(64) primary key,
      name varchar(200) not null,
      status varchar(16) not null check (status in ('draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled')),
      segment jsonb not null default '{}',
      rate_per_minute integer null check (rate_per_minute >= 1),
      scheduled_at timestamptz null,
      -- set once, when the audience is fixed: a paused campaign that never started goes back to scheduled on resume
      started_at timestamptz null,
      -- the time the last batch was handed to delivery: the rate limit's allowance grows from it
      last_batch_at timestamptz null,
      completed_at timestamptz null,
      cancelled_at timestamptz null,
      created_by varchar(200) null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    this.addSql(`create index cw_campaign_due_idx on cw_campaign (status, scheduled_at)`);
    this.addSql(`create index cw_campaign_created_idx on cw_campaign (created_at desc, id desc)`);
    this.addSql(`create table cw_campaign_recipient (
      campaign_id varchar(64) not null references cw_campaign (id) on delete cascade,
      user_id varchar(64) not null,
      email varchar(320) not null,
      status varchar(16) not null check (status in ('pending', 'queued', 'suppressed', 'cancelled')),
      message_id varchar(64) null,
      reason text null,
      updated_at timestamptz not null,
      primary key (campaign_id, user_id)
    )`);
    this.addSql(`create index cw_campaign_recipient_status_idx on cw_campaign_recipient (campaign_id, status, user_id)`);
  }

  override down(): void {
    this.addSql('drop table if exists cw_campaign_recipient');
    this.addSql('drop table if exists cw_campaign');
  }
}
