import { Migration } from '@mikro-orm/migrations';

/**
 * Inventory: stock locations, a stock level per variant per location, and the ledger of every
 * change to a level. Summing a level's movements gives the level back exactly.
 */
export class CreateInventory extends Migration {
  override up(): void {
    this.addSql(`create table cw_stock_location (
      id varchar(64) primary key,
      name varchar(200) not null,
      code varchar(64) not null unique check (code ~ '^[a-z0-9][a-z0-9_-]*$'),
      is_default boolean not null default false,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    // at most one default: the service keeps it exactly one by moving the flag in one transaction
    this.addSql(`create unique index cw_stock_location_default_unique on cw_stock_location (is_default) where is_default`);
    this.addSql(`insert into cw_stock_location (id, name, code, is_default, created_at, updated_at)
      values ('loc_main', 'Main warehouse', 'main', true, now(), now())`);
    // available = on_hand - reserved; it goes below zero only where backorders are allowed
    this.addSql(`create table cw_stock_level (
      variant_id varchar(64) not null references cw_product_variant (id) on delete cascade,
      location_id varchar(64) not null references cw_stock_location (id) on delete restrict,
      on_hand integer not null default 0 check (on_hand >= 0),
      reserved integer not null default 0 check (reserved >= 0),
      low_stock_threshold integer not null default 0 check (low_stock_threshold >= 0),
      allow_backorder boolean not null default false,
      updated_at timestamptz not null,
      primary key (variant_id, location_id),
      constraint cw_stock_level_available_check check (allow_backorder or reserved <= on_hand)
    )`);
    this.addSql(`create index cw_stock_level_location_idx on cw_stock_level (location_id)`);
    this.addSql(`create table cw_stock_movement (
      id varchar(64) primary key,
      variant_id varchar(64) not null references cw_product_variant (id) on delete cascade,
      location_id varchar(64) not null references cw_stock_location (id) on delete restrict,
      delta_on_hand integer not null,
      delta_reserved integer not null,
      reason varchar(20) not null check (reason in ('adjustment', 'reservation', 'release', 'sale', 'return', 'receipt', 'transfer')),
      actor_kind varchar(20) not null,
      actor_id varchar(64) null,
      reference varchar(200) null,
      note varchar(1000) null,
      created_at timestamptz not null
    )`);
    this.addSql(`create index cw_stock_movement_variant_idx on cw_stock_movement (variant_id, created_at desc, id desc)`);
    this.addSql(`create index cw_stock_movement_reference_idx on cw_stock_movement (reference) where reference is not null`);
  }

  override down(): void {
    for (const table of ['cw_stock_movement', 'cw_stock_level', 'cw_stock_location']) this.addSql(`drop table ${table}`);
  }
}
