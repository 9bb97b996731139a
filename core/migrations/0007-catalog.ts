import { Migration } from '@mikro-orm/migrations';

/**
 * The catalog: taxonomy (categories, brands, tags, collections, attribute definitions) and products
 * with their options, variants, prices, attribute values and images.
 */
export class CreateCatalog extends Migration {
  override up(): void {
    this.addSql(`create table cw_brand (
      id varchar(64) primary key,
      name varchar(200) not null,
      slug varchar(200) not null unique,
      description text null,
      logo_media_id varchar(64) null references cw_media (id) on delete set null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    this.addSql(`create table cw_tag (
      id varchar(64) primary key,
      name varchar(100) not null,
      slug varchar(100) not null unique,
      created_at timestamptz not null
    )`);
    // path is the chain of ancestor ids and the category's own, '/cat_a/cat_b/': descendants are one prefix scan
    this.addSql(`create table cw_category (
      id varchar(64) primary key,
      parent_id varchar(64) null references cw_category (id) on delete restrict,
      name varchar(200) not null,
      slug varchar(200) not null unique,
      description text null,
      path text not null,
      depth integer not null check (depth >= 0),
      position integer not null default 0,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    this.addSql(`create index cw_category_parent_idx on cw_category (parent_id, position)`);
    this.addSql(`create index cw_category_path_idx on cw_category (path text_pattern_ops)`);
    this.addSql(`create table cw_collection (
      id varchar(64) primary key,
      title varchar(200) not null,
      slug varchar(200) not null unique,
      description text null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    this.addSql(`create table cw_attribute (
      id varchar(64) primary key,
      code varchar(64) not null unique check (code ~ '^[a-z][a-z0-9_]*$'),
      name varchar(200) not null,
      type varchar(10) not null check (type in ('text', 'number', 'boolean', 'enum')),
      enum_values jsonb not null default '[]',
      unit varchar(20) null,
      filterable boolean not null default false,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);

    this.addSql(`create table cw_product (
      id varchar(64) primary key,
      title varchar(300) not null,
      slug varchar(200) not null unique,
      description_markdown text not null default '',
      description_html text not null default '',
      status varchar(10) not null check (status in ('draft', 'published', 'archived')),
      brand_id varchar(64) null references cw_brand (id) on delete set null,
      vendor_id varchar(64) null references cw_user (id) on delete restrict,
      featured boolean not null default false,
      meta_title varchar(300) null,
      meta_description varchar(500) null,
      popularity integer not null default 0,
      rating_average numeric(3, 2) null,
      rating_count integer not null default 0,
      published_at timestamptz null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      deleted_at timestamptz null
    )`);
    this.addSql(`create index cw_product_listing_idx on cw_product (status, created_at desc, id desc) where deleted_at is null`);
    this.addSql(`create index cw_product_brand_idx on cw_product (brand_id) where deleted_at is null`);
    this.addSql(`create index cw_product_vendor_idx on cw_product (vendor_id) where deleted_at is null`);
    // every slug a product has had: the current one and the old ones that answer with a redirect
    this.addSql(`create table cw_product_slug (
      slug varchar(200) primary key,
      product_id varchar(64) not null references cw_product (id) on delete cascade,
      created_at timestamptz not null
    )`);
    this.addSql(`create index cw_product_slug_product_idx on cw_product_slug (product_id)`);
    this.addSql(`create table cw_product_category (
      product_id varchar(64) not null references cw_product (id) on delete cascade,
      category_id varchar(64) not null references cw_category (id) on delete cascade,
      primary key (product_id, category_id)
    )`);
    this.addSql(`create index cw_product_category_category_idx on cw_product_category (category_id, product_id)`);
    this.addSql(`create table cw_product_tag (
      product_id varchar(64) not null references cw_product (id) on delete cascade,
      tag_id varchar(64) not null references cw_tag (id) on delete cascade,
      primary key (product_id, tag_id)
    )`);
    this.addSql(`create index cw_product_tag_tag_idx on cw_product_tag (tag_id, product_id)`);
    this.addSql(`create table cw_collection_product (
      collection_id varchar(64) not null references cw_collection (id) on delete cascade,
      product_id varchar(64) not null references cw_product (id) on delete cascade,
      position integer not null default 0,
      primary key (collection_id, product_id)
    )`);
    this.addSql(`create table cw_product_attribute (
      product_id varchar(64) not null references cw_product (id) on delete cascade,
      attribute_id varchar(64) not null references cw_attribute (id) on delete cascade,
      text_value text null,
      number_value numeric null,
      boolean_value boolean null,
      primary key (product_id, attribute_id)
    )`);
    this.addSql(`create index cw_product_attribute_filter_idx on cw_product_attribute (attribute_id, text_value, number_value, boolean_value)`);

    this.addSql(`create table cw_product_option (
      id varchar(64) primary key,
      product_id varchar(64) not null references cw_product (id) on delete cascade,
      name varchar(100) not null,
      position integer not null,
      unique (product_id, name)
    )`);
    this.addSql(`create table cw_product_option_value (
      id varchar(64) primary key,
      option_id varchar(64) not null references cw_product_option (id) on delete cascade,
      value varchar(100) not null,
      position integer not null,
      unique (option_id, value)
    )`);
    // option_key: the variant's option value ids, sorted and joined; unique per product so two
    // variants can never share a combination (empty for a product's only, default variant)
    this.addSql(`create table cw_product_variant (
      id varchar(64) primary key,
      product_id varchar(64) not null references cw_product (id) on delete cascade,
      sku varchar(100) not null,
      barcode varchar(64) null,
      title varchar(300) not null,
      option_key text not null,
      option_values jsonb not null default '[]',
      weight_grams integer null check (weight_grams >= 0),
      length_mm integer null check (length_mm >= 0),
      width_mm integer null check (width_mm >= 0),
      height_mm integer null check (height_mm >= 0),
      position integer not null default 0,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      deleted_at timestamptz null
    )`);
    this.addSql(`create unique index cw_product_variant_sku_unique on cw_product_variant (lower(sku)) where deleted_at is null`);
    this.addSql(`create unique index cw_product_variant_options_unique on cw_product_variant (product_id, option_key) where deleted_at is null`);
    this.addSql(`create index cw_product_variant_product_idx on cw_product_variant (product_id, position)`);
    this.addSql(`create table cw_variant_price (
      variant_id varchar(64) not null references cw_product_variant (id) on delete cascade,
      currency_code varchar(3) not null check (currency_code ~ '^[A-Z]{3}$'),
      amount bigint not null check (amount >= 0),
      compare_at_amount bigint null check (compare_at_amount >= 0),
      primary key (variant_id, currency_code)
    )`);
    this.addSql(`create index cw_variant_price_amount_idx on cw_variant_price (currency_code, amount)`);
    this.addSql(`create table cw_product_image (
      id varchar(64) primary key,
      product_id varchar(64) not null references cw_product (id) on delete cascade,
      -- the variants this image shows (their own gallery); empty for an image of the whole product
      variant_ids jsonb not null default '[]',
      media_id varchar(64) not null references cw_media (id) on delete restrict,
      position integer not null,
      alt varchar(300) not null default ''
    )`);
    this.addSql(`create index cw_product_image_product_idx on cw_product_image (product_id, position)`);
  }

  override down(): void {
    for (const table of [
      'cw_product_image',
      'cw_variant_price',
      'cw_product_variant',
      'cw_product_option_value',
      'cw_product_option',
      'cw_product_attribute',
      'cw_collection_product',
      'cw_product_tag',
      'cw_product_category',
      'cw_product_slug',
      'cw_product',
      'cw_attribute',
      'cw_collection',
      'cw_category',
      'cw_tag',
      'cw_brand',
    ]) {
      this.addSql(`drop table ${table}`);
    }
  }
}
