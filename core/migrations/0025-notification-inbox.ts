import { Migration } from '@mikro-orm/migrations';

/**
 * The in-app inbox: one row per notification shown to one user. `position` is the server-sent-events
 * id a stream resumes from (`Last-Event-ID`); writers serialise per user (an advisory lock) so a
 * user's positions commit in the order they were taken and a resumed stream never skips one.
 */
export class CreateNotificationInbox extends Migration {
  override up(): void {
    this.addSql(`create table cw_notification (
      position bigserial primary key,
      id varchar(64) not null unique,
      user_id varchar(64) not null references cw_user (id) on delete cascade,
      -- core's message (one per event, recipient and channel) and the key its retries carry
      message_id varchar(64) not null,
      idempotency_key varchar(200) not null unique,
      title varchar(300) null,
      body text not null,
      link varchar(2000) null,
      category varchar(64) not null,
      read_at timestamptz null,
      created_at timestamptz not null
    )`);
    this.addSql(`create index cw_notification_user_idx on cw_notification (user_id, position desc)`);
    this.addSql(`create index cw_notification_unread_idx on cw_notification (user_id, position desc) where read_at is null`);
  }

  override down(): void {
    this.addSql('drop table if exists cw_notification');
  }
}
