import pg from 'pg';
import { PRODUCTS } from './catalog-seed.ts';

/**
 * The cart-read scenario's carts: CARTS guest carts of LINES_PER_CART lines each, over products the
 * other scenarios never show in detail (stock levels change what a product page says about
 * availability, and the catalog baseline knows only untracked stock). Every line is a different
 * product, so no two carts share a variant.
 *
 * Per cart, line 0 is stocked in two locations (the store sums them), line 1 in one, line 2 in one
 * with backorders allowed (no limit), lines 3 and 4 are not tracked at all. After the carts are
 * filled, line 1 of every fifth cart is left with fewer units than it asks for (`insufficient`).
 */
export const CARTS = 50;
export const LINES_PER_CART = 5;
export const SECOND_LOCATION = 'loc_bench_second';

export interface PlannedLine {
  variantId: string;
  quantity: number;
}

/** The lines of each cart, in the order they are added. `excluded`: product numbers to leave alone. */
export function planCarts(excluded: ReadonlySet<number>): PlannedLine[][] {
  const candidates = Array.from({ length: PRODUCTS }, (_, i) => i + 1).filter((i) => i % 97 !== 0 && !excluded.has(i));
  // 37 is prime and does not divide the number of candidates here, so the 250 picks are distinct
  return Array.from({ length: CARTS }, (_, c) =>
    Array.from({ length: LINES_PER_CART }, (_, j) => {
      const product = candidates[((c * LINES_PER_CART + j) * 37) % candidates.length]!;
      const size = 1 + ((c + j) % 3);
      return { variantId: `var_${String(product).padStart(6, '0')}_${size}`, quantity: j === 1 ? 2 + (c % 2) : 1 + ((c + j) % 3) };
    }),
  );
}

/** Stock levels for lines 0–2 of every cart (before the carts are filled: adding checks stock). */
export async function seedCartStock(url: string, carts: readonly PlannedLine[][]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const line = (j: number) => carts.map((lines) => lines[j]!.variantId);
    await client.query('begin');
    await client.query(
      `insert into cw_stock_location (id, name, code, is_default, created_at, updated_at) values ($1, 'Second warehouse', 'bench-second', false, now(), now())`,
      [SECOND_LOCATION],
    );
    await client.query(
      `insert into cw_stock_level (variant_id, location_id, on_hand, reserved, low_stock_threshold, allow_backorder, updated_at)
       select v, 'loc_main', 40, 3, 5, false, now() from unnest($1::text[]) v
       union all select v, $4, 15, 0, 0, false, now() from unnest($1::text[]) v
       union all select v, 'loc_main', 25, 0, 5, false, now() from unnest($2::text[]) v
       union all select v, 'loc_main', 2, 0, 0, true, now() from unnest($3::text[]) v`,
      [line(0), line(1), line(2), SECOND_LOCATION],
    );
    await client.query('commit');
    await client.query('analyze cw_stock_level');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** After the carts are filled: line 1 of every fifth cart keeps only one unit (it asks for 2 or 3). */
export async function makeSomeLinesShort(url: string, carts: readonly PlannedLine[][]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const short = carts.filter((_, c) => c % 5 === 0).map((lines) => lines[1]!.variantId);
    await client.query(`update cw_stock_level set on_hand = 1 where variant_id = any($1::text[])`, [short]);
  } finally {
    await client.end();
  }
}
