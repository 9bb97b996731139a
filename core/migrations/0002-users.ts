import { Migration } from '@mikro-orm/migrations';

/** Accounts: the identity module builds sessions, verification and social logins on this table. */
export class CreateUsers extends Migration {
  override up(): void {
    this.addSql(`create table cw_user (
      id varchar(64) primary key,
      email varchar(320) not null,
      name varchar(200) not null default '',
      role varchar(16) not null check (role in ('admin', 'staff', 'customer', 'vendor')),
      status varchar(16) not null check (status in ('active', 'pending', 'disabled')),
      password_hash text null,
      email_verified_at timestamptz null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    // one account per address whatever its case
    this.addSql(`create unique index cw_user_email_unique on cw_user (lower(email))`);
  }

  override down(): void {
    this.addSql('drop table cw_user');
  }
}
