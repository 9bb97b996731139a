import type { Client, estypes } from '@elastic/elasticsearch';
import { indexDefinition } from './index-definition.ts';
import type { LanguageAnalysis } from './language.ts';

/**
 * The concrete indices behind the products alias. Searches and writes go through the alias
 * `<prefix>`; a reindex fills a new `<prefix>-<timestamp>` that the alias `<prefix>-reindex` marks,
 * then moves `<prefix>` onto it in one `updateAliases` call and deletes the old index. While the
 * reindex alias exists, writes go to both indices so nothing is lost at the switch.
 */
export class ProductIndices {
  readonly alias: string;
  readonly reindexAlias: string;
  readonly #client: Client;
  readonly #analysis: LanguageAnalysis;
  #created: Promise<void> | undefined;

  constructor(client: Client, prefix: string, analysis: LanguageAnalysis) {
    this.#client = client;
    this.alias = prefix;
    this.reindexAlias = `${prefix}-reindex`;
    this.#analysis = analysis;
  }

  /** The alias exists, with a first empty index behind it (once per process; retried after a failure). */
  ensure(): Promise<void> {
    this.#created ??= this.#createFirst().catch((error: unknown) => {
      this.#created = undefined;
      throw error;
    });
    return this.#created;
  }

  async #createFirst(): Promise<void> {
    if (await this.#client.indices.existsAlias({ name: this.alias })) return;
    const index = this.#newIndexName();
    try {
      await this.#client.indices.create({ index, ...indexDefinition(this.#analysis), aliases: { [this.alias]: { is_write_index: true } } });
    } catch (error) {
      // another process created the alias first: ours is an orphan
      if (!(await this.#client.indices.existsAlias({ name: this.alias }))) throw error;
      await this.#client.indices.delete({ index, ignore_unavailable: true }).catch(() => undefined);
    }
  }

  /** The indices behind the products alias (one, outside a switch) and behind the reindex alias (none outside a reindex). */
  async targets(): Promise<{ live: string[]; building: string[] }> {
    const found = (await this.#client.indices.getAlias({ name: [this.alias, this.reindexAlias] }, { ignore: [404] })) as Record<string, unknown>;
    const live: string[] = [];
    const building: string[] = [];
    for (const [index, entry] of Object.entries(found)) {
      const aliases = (entry as { aliases?: Record<string, unknown> } | null)?.aliases;
      if (!aliases || typeof aliases !== 'object') continue;
      if (this.alias in aliases) live.push(index);
      if (this.reindexAlias in aliases) building.push(index);
    }
    return { live, building };
  }

  /** A new empty index marked by the reindex alias; an index a crashed or superseded reindex left marked is deleted first. */
  async beginReindex(): Promise<{ index: string; abandoned: string[] }> {
    const { building } = await this.targets();
    if (building.length) await this.#client.indices.delete({ index: building, ignore_unavailable: true });
    const index = this.#newIndexName();
    await this.#client.indices.create({ index, ...indexDefinition(this.#analysis), aliases: { [this.reindexAlias]: {} } });
    return { index, abandoned: building };
  }

  /**
   * Moves the products alias onto `index` and drops the reindex alias in one atomic call, so every
   * search reads either the old index or the complete new one; returns the indices it replaced.
   */
  async switchTo(index: string): Promise<string[]> {
    const { live } = await this.targets();
    const previous = live.filter((i) => i !== index);
    const actions: estypes.IndicesUpdateAliasesAction[] = [
      { add: { index, alias: this.alias, is_write_index: true } },
      ...previous.map((old) => ({ remove: { index: old, alias: this.alias } })),
      { remove: { index, alias: this.reindexAlias } },
    ];
    await this.#client.indices.updateAliases({ actions });
    return previous;
  }

  async drop(indices: readonly string[]): Promise<void> {
    if (indices.length) await this.#client.indices.delete({ index: [...indices], ignore_unavailable: true });
  }

  // two indices created in the same millisecond by one process would collide
  #newIndexName(): string {
    const stamp = Date.now();
    this.#lastStamp = stamp > this.#lastStamp ? stamp : this.#lastStamp + 1;
    return `${this.alias}-${this.#lastStamp}`;
  }
  #lastStamp = 0;
}
