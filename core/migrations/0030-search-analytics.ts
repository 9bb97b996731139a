import { Migration } from '@mikro-orm/migrations';

/**
 * Search bookkeeping: the state of the index as the store sees it (the last reindex, the stock
 * ledger watermark the stock sync has reached), and the queries shoppers searched for (what and how
 * many results, never who).
 */
export class CreateSearchAnalytics extends Migration {
  override up(): void {
    // one row: `index`. The watermark starts now: documents indexed from here on read stock as it is
    this.addSql(`create table cw_search_sync_state (
      id varchar(32) primary key,
      stock_watermark timestamptz not null,
      reindex_requested_at timestamptz null,
      reindex_started_at timestamptz null,
      reindex_heartbeat_at timestamptz null,
      reindex_finished_at timestamptz null,
      reindex_outcome varchar(10) null check (reindex_outcome in ('running', 'succeeded', 'failed')),
      reindex_error varchar(1000) null,
      reindex_indexed integer null,
      reindex_removed integer null
    )`);
    this.addSql(`insert into cw_search_sync_state (id, stock_watermark) values ('index', now())`);
    this.addSql(`create table cw_search_query (
      id varchar(64) primary key,
      query varchar(200) not null,
      result_count integer not null check (result_count >= 0),
      zero_results boolean generated always as (result_count = 0) stored,
      filters jsonb not null default '{}',
      created_at timestamptz not null
    )`);
    this.addSql(`create index cw_search_query_created_idx on cw_search_query (created_at)`);
    this.addSql(`create index cw_search_query_zero_idx on cw_search_query (created_at) where zero_results`);
  }

  override down(): void {
    this.addSql('drop table cw_search_query');
    this.addSql('drop table cw_search_sync_state');
  }
}
