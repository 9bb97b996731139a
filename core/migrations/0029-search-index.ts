import { Migration } from '@mikro-orm/migrations';

/**
 * The PostgreSQL search provider's index (docs/decisions/0018-search-in-postgresql.md): one row per
 * product and generation, the lexicon of indexed words for typo tolerance and suggestions, and the
 * pointer to the generation that answers queries. A reindex fills a new generation and moves the
 * pointer in one transaction.
 */
export class CreateSearchIndex extends Migration {
  override up(): void {
    this.addSql('create extension if not exists pg_trgm');
    this.addSql('create extension if not exists unaccent');
    this.addSql(`create table cw_search_state (
      singleton boolean primary key default true check (singleton),
      active_generation bigint not null,
      -- the generation a reindex is filling; index() and remove() write to it too, so nothing is lost at the switch
      building_generation bigint null,
      next_generation bigint not null,
      -- the text search configuration the active generation was built with
      language varchar(63) null
    )`);
    this.addSql(`insert into cw_search_state (singleton, active_generation, building_generation, next_generation) values (true, 1, null, 2)`);
    this.addSql(`create table cw_search_document (
      generation bigint not null,
      id varchar(64) not null,
      title text not null,
      sort_title text collate "C" not null,
      tsv tsvector not null,
      skus text[] not null,
      brand_id varchar(64) null,
      brand_name text null,
      -- every id on every category path: a filter on an ancestor matches
      category_ids text[] not null,
      categories jsonb not null,
      tag_ids text[] not null,
      -- filterable text, enum and boolean attributes as code || chr(31) || value
      attribute_values text[] not null,
      -- filterable number attributes as { code: value }
      attribute_numbers jsonb not null,
      facet_attributes jsonb not null,
      prices jsonb not null,
      in_stock boolean not null,
      featured boolean not null,
      popularity double precision not null,
      rating double precision null,
      rating_count integer not null,
      created_at timestamptz not null,
      -- the distinct words this document adds to the lexicon
      words text[] not null,
      primary key (generation, id)
    )`);
    this.addSql('create index cw_search_document_tsv_idx on cw_search_document using gin (tsv)');
    this.addSql('create index cw_search_document_category_idx on cw_search_document using gin (category_ids)');
    this.addSql('create index cw_search_document_tag_idx on cw_search_document using gin (tag_ids)');
    this.addSql('create index cw_search_document_attribute_idx on cw_search_document using gin (attribute_values)');
    this.addSql('create index cw_search_document_sku_idx on cw_search_document using gin (skus)');
    this.addSql('create index cw_search_document_brand_idx on cw_search_document (generation, brand_id)');
    this.addSql('create index cw_search_document_popularity_idx on cw_search_document (generation, popularity desc)');
    this.addSql('create index cw_search_document_newest_idx on cw_search_document (generation, created_at desc, id)');
    // removals during a reindex: a batch read before the removal must not bring the product back
    this.addSql(`create table cw_search_tombstone (
      generation bigint not null,
      id varchar(64) not null,
      primary key (generation, id)
    )`);
    this.addSql(`create table cw_search_lexicon (
      generation bigint not null,
      word text collate "C" not null,
      -- how many documents hold the word; 0 once they are gone (reads skip those, a reindex starts afresh)
      documents integer not null check (documents >= 0),
      primary key (generation, word)
    )`);
    this.addSql('create index cw_search_lexicon_trgm_idx on cw_search_lexicon using gin (word gin_trgm_ops)');
  }

  override down(): void {
    this.addSql('drop table if exists cw_search_lexicon');
    this.addSql('drop table if exists cw_search_tombstone');
    this.addSql('drop table if exists cw_search_document');
    this.addSql('drop table if exists cw_search_state');
  }
}
