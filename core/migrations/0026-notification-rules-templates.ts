import { Migration } from '@mikro-orm/migrations';

/**
 * What admins change about notifications: a rule's settings (on/off, per channel) over the rules
 * in code and config, and the store's own templates over the shipped ones (a row per template key,
 * channel and locale; deleting it brings the shipped default back).
 */
export class CreateNotificationRulesTemplates extends Migration {
  override up(): void {
    this.addSql(`create table cw_notification_rule_setting (
      rule_id varchar(100) primary key,
      enabled boolean null,
      -- channel → on/off, for the channels the rule names
      channels jsonb not null default '{}',
      updated_at timestamptz not null
    )`);
    this.addSql(`create table cw_notification_template (
      template varchar(100) not null,
      channel varchar(16) not null check (channel in ('email', 'sms', 'in_app', 'push')),
      locale varchar(35) not null,
      subject varchar(500) null,
      html text null,
      text text not null,
      updated_at timestamptz not null,
      primary key (template, channel, locale)
    )`);
  }

  override down(): void {
    this.addSql('drop table if exists cw_notification_template');
    this.addSql('drop table if exists cw_notification_rule_setting');
  }
}
