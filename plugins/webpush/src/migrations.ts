import { Migration } from '@cartwright/core';

export class CreateWebpushSubscriptions extends Migration {
  override up(): void {
    // one row per browser subscription; the endpoint identifies it (a browser re-sends it when its keys change);
    // a deleted user's browsers must stop receiving pushes, so their rows go with the user
    this.addSql(`create table webpush_subscription (
      id varchar(64) primary key,
      user_id varchar(64) not null references cw_user (id) on delete cascade,
      endpoint varchar(2048) not null unique,
      p256dh varchar(128) not null,
      auth varchar(64) not null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    this.addSql('create index webpush_subscription_user_id_index on webpush_subscription (user_id)');
  }

  override down(): void {
    this.addSql('drop table webpush_subscription');
  }
}
