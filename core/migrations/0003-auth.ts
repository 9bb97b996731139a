import { Migration } from '@mikro-orm/migrations';

/** Sessions with rotating refresh tokens, one-time email tokens, and profile fields on accounts. */
export class CreateAuth extends Migration {
  override up(): void {
    this.addSql(`alter table cw_user
      add column phone varchar(32) null,
      add column avatar_image_id varchar(64) null,
      add column preferences jsonb not null default '{}'`);
    // a session is a refresh-token family: every rotation adds a token, reuse of an old one revokes the session
    this.addSql(`create table cw_session (
      id varchar(64) primary key,
      user_id varchar(64) not null references cw_user (id) on delete cascade,
      created_at timestamptz not null,
      last_used_at timestamptz not null,
      expires_at timestamptz not null,
      revoked_at timestamptz null,
      revoked_reason varchar(32) null,
      ip varchar(64) null,
      user_agent varchar(512) null
    )`);
    this.addSql(`create index cw_session_user_idx on cw_session (user_id) where revoked_at is null`);
    this.addSql(`create table cw_refresh_token (
      token_hash char(64) primary key,
      session_id varchar(64) not null references cw_session (id) on delete cascade,
      issued_at timestamptz not null,
      used_at timestamptz null
    )`);
    this.addSql(`create index cw_refresh_token_session_idx on cw_refresh_token (session_id)`);
    this.addSql(`create table cw_email_token (
      token_hash char(64) primary key,
      user_id varchar(64) not null references cw_user (id) on delete cascade,
      purpose varchar(16) not null check (purpose in ('verify', 'reset')),
      email varchar(320) not null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      used_at timestamptz null
    )`);
    this.addSql(`create index cw_email_token_user_idx on cw_email_token (user_id, purpose)`);
    // rate-limiter-flexible's own layout (key, points, expire in epoch ms)
    this.addSql(`create table cw_rate_limit (key varchar(255) primary key, points integer not null default 0, expire bigint)`);
  }

  override down(): void {
    this.addSql('drop table cw_rate_limit');
    this.addSql('drop table cw_email_token');
    this.addSql('drop table cw_refresh_token');
    this.addSql('drop table cw_session');
    this.addSql('alter table cw_user drop column phone, drop column avatar_image_id, drop column preferences');
  }
}
