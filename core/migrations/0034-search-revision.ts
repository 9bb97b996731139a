import { Migration } from '@mikro-orm/migrations';

/**
 * A counter every write to the search index bumps in its own transaction, so a process can keep
 * facet counts for as long as the index has not changed.
 */
export class AddSearchRevision extends Migration {
  override up(): void {
    this.addSql(`alter table cw_search_state add column revision bigint not null default 0`);
  }

  override down(): void {
    this.addSql(`alter table cw_search_state drop column revision`);
  }
}
