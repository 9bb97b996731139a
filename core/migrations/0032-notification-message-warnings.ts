import { Migration } from '@mikro-orm/migrations';

/**
 * The render warnings of each notification message (a variable without a value, an SMS over one
 * message once real data is filled in), written when it is rendered so the delivery log shows them.
 */
export class AddNotificationMessageWarnings extends Migration {
  override up(): void {
    this.addSql(`alter table cw_notification_message add column warnings jsonb not null default '[]'::jsonb`);
  }

  override down(): void {
    this.addSql(`alter table cw_notification_message drop column warnings`);
  }
}
