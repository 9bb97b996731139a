import { Migration } from '@cartwright/core';

export class CreateOidcTables extends Migration {
  override up(): void {
    // a pending sign-in, keyed by the SHA-256 of the random id in the browser's cookie
    this.addSql(`create table oidc_login_attempt (
      id varchar(64) primary key,
      provider varchar(64) not null,
      state varchar(128) not null,
      nonce varchar(128) null,
      code_verifier varchar(128) not null,
      created_at timestamptz not null
    )`);
    this.addSql('create index oidc_login_attempt_created_at_idx on oidc_login_attempt (created_at)');
    this.addSql(`create table oidc_identity (
      provider varchar(64) not null,
      subject varchar(255) not null,
      user_id varchar(64) not null,
      email varchar(320) null,
      created_at timestamptz not null,
      last_login_at timestamptz not null,
      primary key (provider, subject)
    )`);
    this.addSql('create index oidc_identity_user_id_idx on oidc_identity (user_id)');
  }

  override down(): void {
    this.addSql('drop table oidc_identity');
    this.addSql('drop table oidc_login_attempt');
  }
}
