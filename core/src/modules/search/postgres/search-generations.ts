import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { rows, run } from '../../../kernel/db/sql.ts';

/**
 * Which generation of the index answers queries, and which one a reindex is filling. Every write
 * locks the state row first, so writes take turns and a reindex's switch never lands between an
 * `index()` call's two writes; locking it also bumps the index's revision (see search-facet-cache.ts).
 */
export interface GenerationState {
  active: number;
  building: number | null;
  language: string | null;
}

/** The generations a write goes to: the active one, and the one being built when a reindex runs. */
export const writeTargets = (state: GenerationState): number[] => (state.building === null ? [state.active] : [state.active, state.building]);

/** The SQL that names the active generation inside a query (read at the query's own snapshot). */
export const activeGeneration = sql`(select active_generation from cw_search_state)`;

export async function lockGenerations(tx: EntityManager): Promise<GenerationState> {
  const [state] = await rows<{ active_generation: string; building_generation: string | null; language: string | null }>(
    tx,
    sql`update cw_search_state set revision = revision + 1 returning active_generation, building_generation, language`,
  );
  if (!state) throw new Error('the search index has no state row: run the database migrations (core/0029-search-index)');
  return { active: Number(state.active_generation), building: state.building_generation === null ? null : Number(state.building_generation), language: state.language };
}

/**
 * Starts a new generation to fill. Every other generation but the active one is dropped: one left
 * by a reindex that did not finish (the process stopped, or this reindex supersedes it) or an old
 * one whose deletion after a switch failed.
 */
export async function beginGeneration(tx: EntityManager): Promise<number> {
  const state = await lockGenerations(tx);
  await run(tx, sql`delete from cw_search_document where generation <> ${state.active}`);
  await run(tx, sql`delete from cw_search_lexicon where generation <> ${state.active}`);
  await run(tx, sql`delete from cw_search_tombstone`);
  const [next] = await rows<{ generation: string }>(
    tx,
    sql`update cw_search_state set building_generation = next_generation, next_generation = next_generation + 1 returning building_generation as generation`,
  );
  return Number(next!.generation);
}

/** Makes `generation` the one queries read, if it is still the one being built; answers the generation it replaced. */
export async function activateGeneration(tx: EntityManager, generation: number, language: string): Promise<number> {
  const state = await lockGenerations(tx);
  if (state.building !== generation) throw new Error(`search reindex into generation ${generation} was superseded by a newer reindex`);
  await run(tx, sql`delete from cw_search_tombstone where generation = ${generation}`);
  await run(tx, sql`update cw_search_state set active_generation = ${generation}, building_generation = null, language = ${language}`);
  return state.active;
}

/** Gives up a generation being built (the reindex failed); the active one is untouched. */
export async function abandonGeneration(tx: EntityManager, generation: number): Promise<void> {
  const state = await lockGenerations(tx);
  if (state.building !== generation) return;
  await run(tx, sql`update cw_search_state set building_generation = null`);
  await dropGeneration(tx, generation);
}

export async function dropGeneration(tx: EntityManager, generation: number): Promise<void> {
  await run(tx, sql`delete from cw_search_document where generation = ${generation}`);
  await run(tx, sql`delete from cw_search_lexicon where generation = ${generation}`);
  await run(tx, sql`delete from cw_search_tombstone where generation = ${generation}`);
}

/** Records removals in the generation being built, so a reindex batch read earlier cannot bring them back. */
export async function addTombstones(tx: EntityManager, generation: number, ids: readonly string[]): Promise<void> {
  await run(tx, sql`insert into cw_search_tombstone (generation, id) select ${generation}, unnest(${[...ids]}::text[]) on conflict do nothing`);
}

export async function clearTombstones(tx: EntityManager, generation: number, ids: readonly string[]): Promise<void> {
  await run(tx, sql`delete from cw_search_tombstone where generation = ${generation} and id = any(${[...ids]}::text[])`);
}
