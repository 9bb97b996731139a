import { Migration } from '@cartwright/core';

export class CreateGpayTables extends Migration {
  override up(): void {
    // every decrypted Google Pay message id, kept until the message expires: a token is spent once
    this.addSql(`create table gpay_message (
      message_id varchar(255) primary key,
      payment_id varchar(64) not null,
      expires_at timestamptz not null,
      created_at timestamptz not null
    )`);
    this.addSql('create index gpay_message_expires_idx on gpay_message (expires_at)');
  }

  override down(): void {
    this.addSql('drop table gpay_message');
  }
}
