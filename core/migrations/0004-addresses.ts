import { Migration } from '@mikro-orm/migrations';

/** Customers' address books. */
export class CreateAddresses extends Migration {
  override up(): void {
    this.addSql(`create table cw_address (
      id varchar(64) primary key,
      user_id varchar(64) not null references cw_user (id) on delete cascade,
      label varchar(50) null,
      first_name varchar(100) not null,
      last_name varchar(100) not null,
      company varchar(200) null,
      line1 varchar(200) not null,
      line2 varchar(200) null,
      city varchar(100) not null,
      region varchar(100) null,
      postal_code varchar(20) not null,
      country_code varchar(2) not null check (country_code ~ '^[A-Z]{2}$'),
      phone varchar(16) null,
      is_default_shipping boolean not null default false,
      is_default_billing boolean not null default false,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    this.addSql(`create index cw_address_user_idx on cw_address (user_id, updated_at desc)`);
    // the service keeps one default of each kind per user; these make a second one impossible even if it slips
    this.addSql(`create unique index cw_address_default_shipping_unique on cw_address (user_id) where is_default_shipping`);
    this.addSql(`create unique index cw_address_default_billing_unique on cw_address (user_id) where is_default_billing`);
  }

  override down(): void {
    this.addSql('drop table cw_address');
  }
}
