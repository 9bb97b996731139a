import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import type { FieldIssue } from '../../kernel/errors.ts';
import { rows, run, sqlState } from '../../kernel/db/sql.ts';
import { loadVariantsForSale, type VariantAvailability, type VariantForSale } from '../catalog/index.ts';
import { WishlistErrors } from './wishlist.errors.ts';
import type { WishlistItemView } from './wishlist.schemas.ts';

/**
 * How many variants one wishlist may hold. Far above what a shopper keeps, it bounds what one account
 * can store. Fixed, not configuration: no merchant has asked to change it.
 */
export const MAX_WISHLIST_ITEMS = 500;

type Deps = Pick<Cradle, 'em' | 'catalogPricing' | 'mediaService' | 'variantAvailability'>;

export interface WishlistPageRequest {
  /** Prices are shown in this currency; it must be one the store sells in (`catalogPricing.currencyFor`). */
  currency: string;
  limit: number;
  offset?: number | undefined;
  /** From a previous page's `nextCursor`; `offset` is ignored when it is present. */
  cursor?: string | undefined;
}

export interface WishlistPageResult {
  items: WishlistItemView[];
  count: number;
  nextCursor?: string;
}

export interface AddToWishlistOptions {
  /** Defaults to the store's default currency. */
  currency?: string | undefined;
  /** Where the caller took `variantId` from, so a refusal names the right field. */
  in?: 'body' | 'params';
}

// microseconds: rows added within one millisecond still order and page apart
const SORT_KEY = sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const ADDED_AT = sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

function encodeCursor(key: string, variantId: string): string {
  return Buffer.from(JSON.stringify(['wishlist', key, variantId])).toString('base64url');
}

function decodeCursor(cursor: string): { key: string; variantId: string } {
  try {
    const [kind, key, variantId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (kind === 'wishlist' && typeof key === 'string' && !Number.isNaN(Date.parse(key)) && typeof variantId === 'string') return { key, variantId };
  } catch {
    // falls through to the error below
  }
  throw WishlistErrors.WISHLIST_CURSOR_INVALID('This cursor was not given out by this list; start again without it', {
    errors: [{ in: 'query', pointer: '/cursor', rule: 'cursor', message: 'not a cursor of this list' }],
  });
}

/**
 * A variant off sale offers nothing: no price, nothing to buy. It stays listed so the shopper sees
 * what they saved disappear instead of it vanishing silently.
 */
export function wishlistItemView(variant: VariantForSale, stock: VariantAvailability | undefined, addedAt: string): WishlistItemView {
  const { onSale, price } = variant;
  return {
    variantId: variant.variantId,
    productId: variant.productId,
    productTitle: variant.productTitle,
    productSlug: variant.productSlug,
    variantTitle: variant.variantTitle,
    sku: variant.sku,
    options: variant.options,
    thumbnail: variant.thumbnail,
    price: onSale && price ? { amount: price.amount, currencyCode: price.currencyCode, compareAtAmount: price.compareAtAmount } : null,
    availability: onSale && (stock?.available ?? true) ? 'available' : 'unavailable',
    availableQuantity: onSale ? (stock?.quantity ?? null) : 0,
    onSale,
    addedAt,
  };
}

/**
 * Signed-in customers' wishlists: variants saved for later, shown with today's price and stock (from
 * `loadVariantsForSale` and `variantAvailability`, never stored here). Adds of one customer lock
 * their account row, so concurrent adds take turns and the size cap holds.
 */
export class WishlistService {
  readonly #deps: Deps;

  constructor(deps: Deps) {
    this.#deps = deps;
  }

  /**
   * Saves a variant. Saving one already there changes nothing and answers `added: false`, whether or
   * not it is still on sale; a new one must exist and be on sale, and the wishlist must have room.
   */
  async add(userId: string, variantId: string, options: AddToWishlistOptions = {}): Promise<{ item: WishlistItemView; added: boolean }> {
    const currency = options.currency ?? this.#deps.catalogPricing.defaultCurrency;
    const field = options.in ?? 'body';
    const unavailable = (message: string) =>
      WishlistErrors.WISHLIST_VARIANT_UNAVAILABLE(message, { errors: [{ in: field, pointer: '/variantId', rule: 'on-sale', message } satisfies FieldIssue] });
    const saved = await this.#deps.em.transactional(async (em) => {
      await rows(em, sql`select id from cw_user where id = ${userId} for update`);
      const [state] = await rows<{ n: number; added_at: string | null }>(
        em,
        sql`select count(*)::int as n, max(case when variant_id = ${variantId} then ${ADDED_AT} end) as added_at
          from cw_wishlist_item where user_id = ${userId}`,
      );
      const variant = (await loadVariantsForSale(this.#deps, em, [variantId], currency)).get(variantId);
      if (state?.added_at && variant) return { variant, addedAt: state.added_at, added: false };
      if (!variant) throw unavailable(`There is no variant ${variantId}`);
      if (!variant.onSale) throw unavailable(`Variant ${variantId} is not on sale`);
      if ((state?.n ?? 0) >= MAX_WISHLIST_ITEMS) {
        throw WishlistErrors.WISHLIST_FULL(`A wishlist holds at most ${MAX_WISHLIST_ITEMS} items; remove one first`, { extensions: { limit: MAX_WISHLIST_ITEMS } });
      }
      try {
        // clock_timestamp, not now(): now() is the transaction's start, and the list orders by this
        const [inserted] = await rows<{ added_at: string }>(
          em,
          sql`insert into cw_wishlist_item (user_id, variant_id, created_at) values (${userId}, ${variantId}, clock_timestamp()) returning ${ADDED_AT} as added_at`,
        );
        return { variant, addedAt: inserted!.added_at, added: true };
      } catch (error) {
        // the variant was purged after it was read
        if (sqlState(error) === '23503') throw unavailable(`There is no variant ${variantId}`);
        throw error;
      }
    });
    const stock = await this.#deps.variantAvailability.availability(this.#deps.em, [variantId]);
    return { item: wishlistItemView(saved.variant, stock.get(variantId), saved.addedAt), added: saved.added };
  }

  /**
   * Takes a variant out of the wishlist through `em`, so it joins the caller's transaction (the cart
   * moves an item from the wishlist into the cart in one). Answers whether it was there.
   */
  async remove(em: EntityManager, userId: string, variantId: string): Promise<boolean> {
    return (await run(em, sql`delete from cw_wishlist_item where user_id = ${userId} and variant_id = ${variantId}`)) > 0;
  }

  /** Empties the wishlist; answers how many items it held. */
  async clear(userId: string): Promise<number> {
    return run(this.#deps.em, sql`delete from cw_wishlist_item where user_id = ${userId}`);
  }

  /** Newest first, with prices in `request.currency`; `count` is the whole wishlist. */
  async list(userId: string, request: WishlistPageRequest): Promise<WishlistPageResult> {
    const { em } = this.#deps;
    const after = request.cursor ? decodeCursor(request.cursor) : undefined;
    const page = await rows<{ variant_id: string; added_at: string; sort_key: string }>(
      em,
      sql`select variant_id, ${ADDED_AT} as added_at, ${SORT_KEY} as sort_key from cw_wishlist_item
        where user_id = ${userId} ${after ? sql`and (created_at, variant_id) < (${after.key}::timestamptz, ${after.variantId})` : sql``}
        order by created_at desc, variant_id desc
        limit ${request.limit + 1} ${request.offset && !after ? sql`offset ${request.offset}` : sql``}`,
    );
    const [total] = await rows<{ n: number }>(em, sql`select count(*)::int as n from cw_wishlist_item where user_id = ${userId}`);
    const shown = page.slice(0, request.limit);
    const ids = shown.map((row) => row.variant_id);
    const variants = await loadVariantsForSale(this.#deps, em, ids, request.currency);
    const stock = await this.#deps.variantAvailability.availability(em, ids);
    const items = shown.flatMap((row) => {
      const variant = variants.get(row.variant_id);
      // a variant purged between the two reads: its row is already gone by cascade
      return variant ? [wishlistItemView(variant, stock.get(row.variant_id), row.added_at)] : [];
    });
    const count = total?.n ?? 0;
    const last = shown.at(-1);
    return page.length > request.limit && last ? { items, count, nextCursor: encodeCursor(last.sort_key, last.variant_id) } : { items, count };
  }
}
