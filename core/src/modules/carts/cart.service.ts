import { timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import { rows } from '../../kernel/db/sql.ts';
import { KernelErrors } from '../../kernel/errors.ts';
import { requireValidAddress } from '../addresses/address-rules.ts';
import { hashToken, newSecretToken } from '../auth/secret-token.ts';
import { loadVariantsForSale } from '../catalog/index.ts';
import { isValidEmail, normaliseEmail } from '../users/email.ts';
import { purchasableQuantity } from './cart-availability.ts';
import { priceCart } from './cart-pricing.ts';
import {
  cartLines,
  deleteLines,
  findActiveCustomerCart,
  findCart,
  findCartByToken,
  insertCart,
  putLine,
  touchCart,
  type CartChanges,
  type CartLineRecord,
  type CartRecord,
} from './cart-records.ts';
import type { AddItemBody, CartView, UpdateCartBody } from './cart.schemas.ts';
import { CartErrors } from './carts.errors.ts';

type Deps = Pick<
  Cradle,
  'em' | 'config' | 'events' | 'hooks' | 'catalogPricing' | 'mediaService' | 'variantAvailability' | 'taxCalculator' | 'ruleBasedTaxCalculator' | 'shippingOffers' | 'wishlistService'
>;

/** Who is asking: a signed-in user, and the guest cart token they hold (`X-Cart-Token`), either or both. */
export interface CartCaller {
  userId: string | null;
  cartToken: string | null;
}

/** A write may name the version it was based on (`If-Match`); a cart that moved on since answers 409. */
export interface WriteOptions {
  expectedVersion?: number | undefined;
}

const DAY_MS = 86_400_000;

/**
 * Guest and customer carts. A cart stores variants and quantities only; every read prices it from
 * the catalog (`priceCart`). Each write locks the cart row, checks the caller's version, changes the
 * lines and moves the cart to its next version in one transaction, so concurrent writers take turns
 * and a stale one is refused rather than silently overwriting.
 */
export class CartService {
  readonly #deps: Deps;

  constructor(deps: Deps) {
    this.#deps = deps;
  }

  /**
   * A new guest cart (with its token, shown this once), or the signed-in customer's cart: their
   * existing one when they have one, so every device finds the same cart. A guest cart the caller
   * holds the token of is merged into the customer's cart.
   */
  async create(caller: CartCaller, input: { currencyCode?: string | undefined; email?: string | undefined }): Promise<{ cart: CartView; created: boolean }> {
    const currencyCode = this.#deps.catalogPricing.currencyFor(input.currencyCode);
    const email = input.email === undefined ? null : checkedEmail(input.email);
    if (!caller.userId) {
      const token = newSecretToken('cart');
      const id = await insertCart(this.#deps.em, { tokenHash: hashToken(token), customerId: null, currencyCode, email });
      return { cart: { ...(await this.view({ userId: null, cartToken: token }, id)), token }, created: true };
    }
    const userId = caller.userId;
    const merged = caller.cartToken ? await this.mergeGuestCart(userId, caller.cartToken) : null;
    if (merged) return { cart: await this.view(caller, merged), created: false };
    const existing = await findActiveCustomerCart(this.#deps.em, userId);
    if (existing) return { cart: await this.view(caller, existing.id), created: false };
    const id = await this.#deps.em.transactional(async (tx) => {
      // two devices creating at once: the unique index lets one insert; the other finds it
      await rows(tx, sql`select pg_advisory_xact_lock(hashtext(${`cart:${userId}`}))`);
      const raced = await findActiveCustomerCart(tx, userId);
      return raced?.id ?? insertCart(tx, { tokenHash: null, customerId: userId, currencyCode, email });
    });
    return { cart: await this.view(caller, id), created: true };
  }

  async view(caller: CartCaller, id: string): Promise<CartView> {
    const cart = await findCart(this.#deps.em, id);
    if (!cart || !mayUseCart(cart, caller)) throw CartErrors.CART_NOT_FOUND(`No cart ${id} that you may use`);
    return priceCart(this.#deps, this.#deps.em, cart, await cartLines(this.#deps.em, id));
  }

  /** Adds units of a variant (to its line, when the cart has one). */
  addItem(caller: CartCaller, id: string, input: AddItemBody, options: WriteOptions = {}): Promise<CartView> {
    if (input.fromWishlist && !caller.userId) {
      throw KernelErrors.UNAUTHENTICATED('Sign in to move items from your wishlist', { headers: { 'WWW-Authenticate': 'Bearer' } });
    }
    return this.#write(caller, id, options, async (tx, cart, lines) => {
      const line = lines.find((l) => l.variantId === input.variantId);
      if (!line && lines.length >= this.#deps.config.carts.maxLines) {
        throw CartErrors.CART_LIMIT_EXCEEDED(`A cart holds at most ${this.#deps.config.carts.maxLines} lines`, {
          errors: [{ in: 'body', pointer: '/variantId', rule: 'maxLines', message: `the cart already has ${lines.length} lines` }],
        });
      }
      const quantity = (line?.quantity ?? 0) + input.quantity;
      await this.#checkCanHold(tx, cart, input.variantId, quantity, '/quantity');
      await putLine(tx, cart.id, input.variantId, quantity);
      if (input.fromWishlist) await this.#deps.wishlistService.remove(tx, caller.userId!, input.variantId);
    });
  }

  /** Sets a line's quantity. Lowering it is always accepted, so a shopper can bring a line down to what is left. */
  changeQuantity(caller: CartCaller, id: string, lineId: string, quantity: number, options: WriteOptions = {}): Promise<CartView> {
    return this.#write(caller, id, options, async (tx, cart, lines) => {
      const line = lines.find((l) => l.id === lineId);
      if (!line) throw CartErrors.CART_LINE_NOT_FOUND(`Cart ${id} has no line ${lineId}`);
      if (quantity > line.quantity) await this.#checkCanHold(tx, cart, line.variantId, quantity, '/quantity');
      await putLine(tx, cart.id, line.variantId, quantity);
    });
  }

  removeItem(caller: CartCaller, id: string, lineId: string, options: WriteOptions = {}): Promise<CartView> {
    return this.#write(caller, id, options, async (tx, cart) => {
      if ((await deleteLines(tx, cart.id, lineId)) === 0) throw CartErrors.CART_LINE_NOT_FOUND(`Cart ${id} has no line ${lineId}`);
    });
  }

  clear(caller: CartCaller, id: string, options: WriteOptions = {}): Promise<CartView> {
    return this.#write(caller, id, options, async (tx, cart) => {
      await deleteLines(tx, cart.id);
    });
  }

  /** Contact, addresses and currency; the fields sent replace the stored ones (null clears one). */
  update(caller: CartCaller, id: string, input: UpdateCartBody, options: WriteOptions = {}): Promise<CartView> {
    const changes: CartChanges = {};
    if (input.email !== undefined) changes.email = input.email === null ? null : checkedEmail(input.email);
    if (input.currencyCode !== undefined) changes.currencyCode = this.#deps.catalogPricing.currencyFor(input.currencyCode);
    for (const field of ['shippingAddress', 'billingAddress'] as const) {
      const value = input[field];
      if (value !== undefined) changes[field] = value === null ? null : requireValidAddress(value, { pointer: `/${field}` });
    }
    if (input.shippingOptionId !== undefined) changes.shippingOptionId = input.shippingOptionId;
    return this.#write(
      caller,
      id,
      options,
      async (tx, cart) => {
        const optionId = changes.shippingOptionId === undefined ? null : changes.shippingOptionId;
        if (!optionId) return;
        const address = changes.shippingAddress === undefined ? cart.shippingAddress : changes.shippingAddress;
        const found = await this.#deps.shippingOffers.selectable(tx, optionId, {
          cartId: cart.id,
          currencyCode: changes.currencyCode ?? cart.currencyCode,
          destination: address ? { countryCode: address.countryCode, region: address.region ?? null, postalCode: address.postalCode } : null,
        });
        if (!found.ok) {
          throw CartErrors.CART_SHIPPING_OPTION_INVALID(`Shipping option ${optionId} ${found.reason}`, {
            errors: [{ in: 'body', pointer: '/shippingOptionId', rule: 'available', message: found.reason }],
          });
        }
      },
      changes,
    );
  }

  /**
   * Moves a guest cart into the customer's cart (on sign-in): quantities of the same variant are
   * summed, then capped by what can be bought now and by the per-line limit. With no cart of their
   * own, the customer simply takes the guest cart over. Returns the customer's cart id, or null when
   * the token names no active guest cart.
   */
  async mergeGuestCart(userId: string, cartToken: string): Promise<string | null> {
    const maxQuantity = this.#deps.config.carts.maxQuantityPerLine;
    const maxLines = this.#deps.config.carts.maxLines;
    return this.#deps.em.transactional(async (tx) => {
      await rows(tx, sql`select pg_advisory_xact_lock(hashtext(${`cart:${userId}`}))`);
      const guest = await findCartByToken(tx, hashToken(cartToken), { lock: true });
      if (!guest || guest.status !== 'active' || guest.customerId) return null;
      const target = await findActiveCustomerCart(tx, userId, { lock: true });
      if (!target) {
        await touchCart(tx, guest.id, { customerId: userId, tokenHash: null });
        return guest.id;
      }
      const [guestLines, targetLines] = await Promise.all([cartLines(tx, guest.id), cartLines(tx, target.id)]);
      const stock = await this.#deps.variantAvailability.availability(tx, guestLines.map((l) => l.variantId));
      let lineCount = targetLines.length;
      for (const line of guestLines) {
        const held = targetLines.find((l) => l.variantId === line.variantId)?.quantity ?? 0;
        if (held === 0 && lineCount >= maxLines) continue;
        const limit = purchasableQuantity(stock.get(line.variantId));
        const quantity = Math.min(held + line.quantity, maxQuantity, limit ?? Number.POSITIVE_INFINITY);
        if (quantity <= held) continue;
        if (held === 0) lineCount += 1;
        await putLine(tx, target.id, line.variantId, quantity);
      }
      await touchCart(tx, guest.id, { status: 'merged', mergedInto: target.id });
      await touchCart(tx, target.id, {
        ...(target.email ? {} : { email: guest.email }),
        ...(target.shippingAddress ? {} : { shippingAddress: guest.shippingAddress }),
        ...(target.billingAddress ? {} : { billingAddress: guest.billingAddress }),
      });
      return target.id;
    });
  }

  /**
   * Expires active carts left untouched longer than `carts.guestTtlDays` / `carts.customerTtlDays`
   * and emits `cart.expired` for each. A cart holds no stock (checkout reserves under the order's id,
   * in the transaction that closes the cart), so there is nothing to give back. Claims up to `limit` carts
   * per call (skipping ones another worker holds), so runs in several processes share the work.
   */
  async expireAbandoned(now = new Date(), limit = 500): Promise<{ expired: string[] }> {
    const { guestTtlDays, customerTtlDays } = this.#deps.config.carts;
    const guestBefore = new Date(now.getTime() - guestTtlDays * DAY_MS);
    const customerBefore = new Date(now.getTime() - customerTtlDays * DAY_MS);
    return this.#deps.em.transactional(async (tx) => {
      const expired = await rows<{ id: string; customer_id: string | null; email: string | null }>(
        tx,
        sql`update cw_cart set status = 'expired', closed_at = ${now}, updated_at = ${now}, version = version + 1
          where id in (select id from cw_cart where status = 'active'
            and ((customer_id is null and updated_at < ${guestBefore}) or (customer_id is not null and updated_at < ${customerBefore}))
            order by updated_at limit ${limit} for update skip locked)
          returning id, customer_id, email`,
      );
      for (const cart of expired) {
        this.#deps.events.emit(tx, 'cart.expired', { cartId: cart.id, customerId: cart.customer_id, email: cart.email });
      }
      return { expired: expired.map((cart) => cart.id) };
    });
  }

  async #write(
    caller: CartCaller,
    id: string,
    options: WriteOptions,
    change: (tx: EntityManager, cart: CartRecord, lines: CartLineRecord[]) => Promise<void>,
    cartChanges: CartChanges = {},
  ): Promise<CartView> {
    await this.#deps.em.transactional(async (tx) => {
      const cart = await findCart(tx, id, { lock: true });
      if (!cart || !mayUseCart(cart, caller)) throw CartErrors.CART_NOT_FOUND(`No cart ${id} that you may use`);
      if (cart.status !== 'active') {
        throw CartErrors.CART_NOT_ACTIVE(`Cart ${id} is ${cart.status}`, { extensions: { cartStatus: cart.status, mergedInto: cart.mergedInto } });
      }
      if (options.expectedVersion !== undefined && options.expectedVersion !== cart.version) {
        throw CartErrors.CART_VERSION_CONFLICT(`The cart is at version ${cart.version}, not ${options.expectedVersion}: read it again and retry`, {
          extensions: { version: cart.version },
        });
      }
      await change(tx, cart, await cartLines(tx, id));
      await touchCart(tx, id, cartChanges);
    });
    return this.view(caller, id);
  }

  /** Refuses a quantity the cart may not hold: the variant is off sale or has no price here, or too few are left. */
  async #checkCanHold(tx: EntityManager, cart: CartRecord, variantId: string, quantity: number, pointer: string): Promise<void> {
    const maxQuantity = this.#deps.config.carts.maxQuantityPerLine;
    if (quantity > maxQuantity) {
      throw CartErrors.CART_LIMIT_EXCEEDED(`At most ${maxQuantity} of one variant fit in a cart`, {
        errors: [{ in: 'body', pointer, rule: 'maxQuantityPerLine', message: `must bring the line to at most ${maxQuantity}` }],
      });
    }
    const [variants, stock] = await Promise.all([
      loadVariantsForSale(this.#deps, tx, [variantId], cart.currencyCode),
      this.#deps.variantAvailability.availability(tx, [variantId]),
    ]);
    const variant = variants.get(variantId);
    if (!variant?.onSale || !variant.price) {
      const why = !variant ? 'no such variant' : !variant.onSale ? 'is not on sale' : `has no price in ${cart.currencyCode}`;
      throw CartErrors.CART_VARIANT_NOT_FOR_SALE(`Variant ${variantId} ${why}`, {
        errors: [{ in: 'body', pointer: '/variantId', rule: 'forSale', message: why }],
      });
    }
    const available = purchasableQuantity(stock.get(variantId));
    if (available !== null && quantity > available) {
      throw CartErrors.CART_INSUFFICIENT_STOCK(`Only ${available} of ${variant.sku} can be bought, not ${quantity}`, {
        errors: [{ in: 'body', pointer, rule: 'available', message: `only ${available} available` }],
        extensions: { variantId, requested: quantity, available },
      });
    }
  }
}

function checkedEmail(input: string): string {
  const email = normaliseEmail(input);
  if (!isValidEmail(email)) {
    throw KernelErrors.VALIDATION_FAILED(`"${input}" is not a valid email address`, {
      errors: [{ in: 'body', pointer: '/email', rule: 'format', message: 'must be a valid email address' }],
    });
  }
  return email;
}

/** A customer's cart is theirs alone; a guest cart belongs to whoever holds its token. */
export function mayUseCart(cart: CartRecord, caller: CartCaller): boolean {
  if (cart.customerId) return cart.customerId === caller.userId;
  if (!cart.tokenHash || !caller.cartToken) return false;
  return timingSafeEqual(Buffer.from(hashToken(caller.cartToken)), Buffer.from(cart.tokenHash));
}
