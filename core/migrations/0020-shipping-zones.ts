import { Migration } from '@mikro-orm/migrations';

/**
 * Shipping zones (the places a store ships to), the options offered in each with their rate, and
 * the carrier quotes a cart was shown. An area is a country, optionally narrowed to a region and/or
 * a postal-code pattern; '' stands for "any" so the unique index refuses two zones claiming the same
 * area (NULLs would not collide). A zone with no areas is the store's one "rest of world" zone.
 */
export class CreateShippingZones extends Migration {
  override up(): void {
    this.addSql(`create table cw_shipping_zone (
      id varchar(64) primary key,
      name varchar(200) not null,
      rest_of_world boolean not null default false,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    this.addSql(`create unique index cw_shipping_zone_rest_of_world on cw_shipping_zone (rest_of_world) where rest_of_world`);
    this.addSql(`create table cw_shipping_zone_area (
      zone_id varchar(64) not null references cw_shipping_zone (id) on delete cascade,
      position integer not null,
      country_code char(2) not null,
      region varchar(100) not null default '',
      postal_pattern varchar(41) not null default '',
      primary key (zone_id, position)
    )`);
    this.addSql(`create unique index cw_shipping_zone_area_unique on cw_shipping_zone_area (country_code, region, postal_pattern)`);
    // rate_type and rate hold the type's table; a carrier-calculated option's carrier and service are
    // columns of their own, read by fulfillment to know which carrier to buy a label from
    this.addSql(`create table cw_shipping_option (
      id varchar(64) primary key,
      zone_id varchar(64) not null references cw_shipping_zone (id) on delete cascade,
      name varchar(200) not null,
      rate_type varchar(20) not null,
      rate jsonb not null,
      carrier_id varchar(64) null,
      carrier_service varchar(200) null,
      free_above jsonb null,
      cod_allowed boolean not null default true,
      min_days integer null,
      max_days integer null,
      active boolean not null default true,
      position integer not null default 0,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    this.addSql(`create index cw_shipping_option_zone_idx on cw_shipping_option (zone_id, position, id)`);
    // what a carrier answered for a cart, so its totals and checkout charge what the options list showed
    this.addSql(`create table cw_shipping_quote (
      cart_id varchar(64) not null references cw_cart (id) on delete cascade,
      option_id varchar(64) not null references cw_shipping_option (id) on delete cascade,
      destination_key varchar(400) not null,
      weight_grams integer not null,
      currency_code char(3) not null,
      amount integer not null,
      min_days integer null,
      max_days integer null,
      expires_at timestamptz not null,
      primary key (cart_id, option_id)
    )`);
  }

  override down(): void {
    this.addSql(`drop table cw_shipping_quote`);
    this.addSql(`drop table cw_shipping_option`);
    this.addSql(`drop table cw_shipping_zone_area`);
    this.addSql(`drop table cw_shipping_zone`);
  }
}
