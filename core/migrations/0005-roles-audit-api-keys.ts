import { Migration } from '@mikro-orm/migrations';

/**
 * Roles as data (built-ins seeded, custom ones added under /admin/roles), the admin audit log, and
 * API keys for server-to-server integrations.
 */
export class CreateRolesAuditApiKeys extends Migration {
  override up(): void {
    this.addSql(`create table cw_role (
      name varchar(64) primary key,
      description varchar(500) not null default '',
      permissions jsonb not null,
      built_in boolean not null default false,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    this.addSql(`insert into cw_role (name, description, permissions, built_in, created_at, updated_at) values
      ('admin', 'Everything, including roles, API keys and other admins', '["*"]', true, now(), now()),
      ('staff', 'Back-office staff; permissions come from custom roles', '[]', true, now(), now()),
      ('customer', 'Shoppers: the storefront and their own account', '[]', true, now(), now()),
      ('vendor', 'Marketplace sellers, scoped to their own records', '["vendor:*"]', true, now(), now())`);
    // the role list is data now: a custom role name must be accepted, an unknown one refused
    this.addSql(`alter table cw_user drop constraint if exists cw_user_role_check`);
    this.addSql(`alter table cw_user alter column role type varchar(64)`);
    this.addSql(`alter table cw_user add constraint cw_user_role_fk foreign key (role) references cw_role (name)`);
    this.addSql(`create index cw_user_role_idx on cw_user (role)`);

    this.addSql(`create table cw_audit_log (
      id varchar(64) primary key,
      actor_kind varchar(16) not null,
      actor_id varchar(64) null,
      action varchar(100) not null,
      target_type varchar(50) not null,
      target_id varchar(64) null,
      before jsonb null,
      after jsonb null,
      request_id varchar(128) null,
      ip varchar(64) null,
      created_at timestamptz not null
    )`);
    this.addSql(`create index cw_audit_log_created_idx on cw_audit_log (created_at desc, id desc)`);
    this.addSql(`create index cw_audit_log_action_idx on cw_audit_log (action, created_at desc)`);
    this.addSql(`create index cw_audit_log_actor_idx on cw_audit_log (actor_id, created_at desc)`);
    this.addSql(`create index cw_audit_log_target_idx on cw_audit_log (target_id, created_at desc)`);

    this.addSql(`create table cw_api_key (
      id varchar(64) primary key,
      name varchar(200) not null,
      prefix varchar(16) not null,
      key_hash char(64) not null unique,
      permissions jsonb not null,
      created_by varchar(64) null,
      created_at timestamptz not null,
      expires_at timestamptz null,
      last_used_at timestamptz null,
      revoked_at timestamptz null
    )`);
  }

  override down(): void {
    this.addSql('drop table cw_api_key');
    this.addSql('drop table cw_audit_log');
    this.addSql('drop index cw_user_role_idx');
    this.addSql('alter table cw_user drop constraint cw_user_role_fk');
    this.addSql(`alter table cw_user alter column role type varchar(16)`);
    this.addSql(`alter table cw_user add constraint cw_user_role_check check (role in ('admin', 'staff', 'customer', 'vendor'))`);
    this.addSql('drop table cw_role');
  }
}
