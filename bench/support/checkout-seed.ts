import pg from 'pg';
import { PRODUCTS } from './catalog-seed.ts';

/**
 * The checkout scenario's data: a flat-rate shipping option and cash on delivery in the US (the
 * store's config), VARIANTS variants with plenty of stock at the default location, and pools of
 * ready guest carts (one line each, email, both addresses and the shipping option set) inserted
 * with set-based SQL, one pool per server, so that every checkout request gets a fresh cart.
 */
export const VARIANTS = 1000;
export const ON_HAND = 1_000_000;
export const FLAT_RATE = { id: 'standard', name: 'Standard', amounts: { USD: 500 } };
export const COD_OPTIONS = { countries: ['US'] };

/** What the store needs in its config for checkout (the COD plugin is added by the caller). */
export function checkoutStoreConfig() {
  return { shipping: { flatRates: [FLAT_RATE] } };
}

/** A guest cart of the pool: its id and the token the buyer sends as `X-Cart-Token`. */
export interface PooledCart {
  id: string;
  token: string;
}

/** VARIANTS variants of products the other scenarios never touch (`excludedProducts`, `excludedVariants`). */
export function planCheckoutVariants(excludedProducts: ReadonlySet<number>, excludedVariants: ReadonlySet<string>): string[] {
  const variants: string[] = [];
  // from the last product down, size M: far from the detail and cart-read picks
  for (let i = PRODUCTS; i >= 1 && variants.length < VARIANTS; i--) {
    const id = `var_${String(i).padStart(6, '0')}_2`;
    if (i % 97 !== 0 && !excludedProducts.has(i) && !excludedVariants.has(id)) variants.push(id);
  }
  return variants;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** ON_HAND units of every variant at the default location, with the store's default threshold. */
export function seedCheckoutStock(url: string, variants: readonly string[]): Promise<void> {
  return withClient(url, async (client) => {
    await client.query(
      `insert into cw_stock_level (variant_id, location_id, on_hand, reserved, low_stock_threshold, allow_backorder, updated_at)
       select v, 'loc_main', $2, 0, 5, false, now() from unnest($1::text[]) v`,
      [variants, ON_HAND],
    );
    await client.query('analyze cw_stock_level');
  });
}

/**
 * `count` guest carts named after `pool`, each a copy of `template` (a cart made ready through the
 * store's API, so the email, addresses and shipping option are stored exactly as the store stores
 * them) with one line of one unit; cart n holds variants[n % variants.length], so consecutive
 * checkouts hit different stock levels. Tokens are `bench-<pool>-<n>`; the row keeps their SHA-256.
 */
export function seedCheckoutCarts(url: string, pool: string, count: number, variants: readonly string[], template: string): Promise<PooledCart[]> {
  return withClient(url, async (client) => {
    await client.query('begin');
    try {
      const inserted = await client.query(
        `insert into cw_cart (id, token_hash, customer_id, status, currency_code, email, shipping_address, billing_address, shipping_option_id,
           version, created_at, updated_at)
         select 'cart_bench_' || $1 || '_' || n, encode(sha256(convert_to('bench-' || $1 || '-' || n, 'UTF8')), 'hex'), null, 'active',
           t.currency_code, t.email, t.shipping_address, t.billing_address, t.shipping_option_id, t.version, now(), now()
         from generate_series(0, $2::int - 1) n, (select * from cw_cart where id = $3) t`,
        [pool, count, template],
      );
      if (inserted.rowCount !== count) throw new Error(`template cart ${template} not found`);
      await client.query(
        `insert into cw_cart_line (id, cart_id, variant_id, quantity, created_at, updated_at)
         select 'cline_bench_' || $1 || '_' || n, 'cart_bench_' || $1 || '_' || n, ($3::text[])[1 + n % array_length($3::text[], 1)], 1, now(), now()
         from generate_series(0, $2::int - 1) n`,
        [pool, count, variants],
      );
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
    await client.query('analyze cw_cart');
    await client.query('analyze cw_cart_line');
    return Array.from({ length: count }, (_, n) => ({ id: `cart_bench_${pool}_${n}`, token: `bench-${pool}-${n}` }));
  });
}

/** Rows per table of everything a checkout writes, to prove both servers write the same. */
export const WRITTEN_TABLES = [
  'cw_idempotency_key', 'cw_cart', 'cw_stock_level', 'cw_stock_movement', 'cw_stock_reservation', 'cw_order', 'cw_order_line', 'cw_order_event',
  'cw_outbox_event', 'cw_event_delivery', 'cw_payment', 'cw_payment_transaction', 'cod_payment', 'cod_payment_operation',
] as const;
