import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import { AppError, type FieldIssue } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { cartLines, cartPricer, CartErrors, findCart, mayUseCart, touchCart, type CartCaller, type CartRecord } from '../carts/index.ts';
import type { CartView } from '../carts/cart.schemas.ts';
import type { OrderSnapshot } from '../orders/index.ts';
import { requireVerifiedEmail } from '../auth/index.ts';
import { PaymentErrors, requireReachable } from '../payments/index.ts';
import type { TotalsAdjuster } from '../totals/index.ts';
import type { PaymentProvider } from '../payments/index.ts';
import { CheckoutErrors } from './checkout.errors.ts';
import { claimIdempotencyKey, recordIdempotentResponse, requestHash } from './idempotency.ts';
import type { CheckoutBody, CheckoutResponse } from './checkout.schemas.ts';

type Deps = Pick<
  Cradle,
  | 'em'
  | 'shippingOffers'
  | 'config'
  | 'events'
  | 'hooks'
  | 'actor'
  | 'catalogPricing'
  | 'mediaService'
  | 'variantAvailability'
  | 'taxCalculator'
  | 'ruleBasedTaxCalculator'
  | 'reservationService'
  | 'orderService'
  | 'paymentProviders'
  | 'paymentService'
>;

const SCOPE = 'checkout';

/** An order written by checkout's transaction, with the answer so far; `paid` when its payment started there too. */
interface Placed {
  orderId: string;
  response: CheckoutResponse;
  paid: boolean;
}

class Replayed extends Error {
  readonly status: number;
  readonly body: CheckoutResponse;
  constructor(status: number, body: CheckoutResponse) {
    super('replayed');
    this.status = status;
    this.body = body;
  }
}

/**
 * Turns a cart into an order. In one transaction: claim the Idempotency-Key, re-price the cart from
 * the catalog, hold the stock (all lines or none), write the order with its snapshot and
 * `order.placed`, and mark the cart completed. A refusal at any step leaves nothing behind. A
 * payment method with no gateway to call (`initiatesInTransaction`: cash on delivery) is started
 * in the same transaction; any other starts after the commit, because a gateway call must not hold
 * database locks, and an order whose payment never completes is cancelled when its stock hold expires.
 */
export class CheckoutService {
  readonly #deps: Deps;

  constructor(deps: Deps) {
    this.#deps = deps;
  }

  async checkout(caller: CartCaller, cartId: string, body: CheckoutBody, idempotencyKey?: string): Promise<{ status: number; body: CheckoutResponse }> {
    // before anything is claimed or held: a refusal here leaves the cart as it was
    await requireVerifiedEmail(this.#deps, caller, 'checkout');
    const provider = requireReachable(await this.#deps.paymentProviders.get(body.paymentMethod, { in: 'body', pointer: '/paymentMethod' }));
    let placed: Placed;
    try {
      placed = await this.#deps.em.transactional((tx) => this.#place(tx, caller, cartId, body, provider, idempotencyKey));
    } catch (error) {
      if (error instanceof Replayed) return { status: error.status, body: error.body };
      throw error;
    }
    if (placed.paid) return { status: 201, body: placed.response };
    return { status: 201, body: await this.#payAfterCommit(placed, body, idempotencyKey) };
  }

  /** Everything but a gateway payment, in one transaction: a refusal throws, rolling it all back. */
  async #place(tx: EntityManager, caller: CartCaller, cartId: string, body: CheckoutBody, provider: PaymentProvider, idempotencyKey?: string): Promise<Placed> {
    if (idempotencyKey) {
      const claim = await claimIdempotencyKey(tx, SCOPE, idempotencyKey, requestHash({ cartId, body }));
      if (claim.kind === 'mismatch') {
        throw CheckoutErrors.IDEMPOTENCY_KEY_REUSED('This Idempotency-Key was used for a different checkout request', {
          errors: [{ in: 'headers', pointer: '/idempotency-key', rule: 'unique', message: 'was used with another cart or body' }],
        });
      }
      if (claim.kind === 'replay') throw new Replayed(claim.status, claim.body as CheckoutResponse);
    }
    const cart = await findCart(tx, cartId, { lock: true });
    if (!cart || !mayUseCart(cart, caller)) throw CartErrors.CART_NOT_FOUND(`No cart ${cartId} that you may use`);
    if (cart.status !== 'active') {
      throw CartErrors.CART_NOT_ACTIVE(`Cart ${cartId} is ${cart.status}`, { extensions: { cartStatus: cart.status, mergedInto: cart.mergedInto, orderId: cart.orderId } });
    }
    const lines = await cartLines(tx, cartId);
    if (lines.length === 0) throw CheckoutErrors.CHECKOUT_CART_EMPTY(`Cart ${cartId} has no lines`);
    requireComplete(cart);

    const price = await cartPricer(this.#deps, tx, cart, lines);
    const withoutFee = price();
    const availability = provider.availability({
      currencyCode: cart.currencyCode,
      amount: withoutFee.totals.total.amount,
      countryCode: cart.shippingAddress!.countryCode,
    });
    if (!availability.available) {
      throw PaymentErrors.PAYMENT_METHOD_UNAVAILABLE(`${provider.name} cannot be used for this order: ${availability.reason}`, {
        errors: [{ in: 'body', pointer: '/paymentMethod', rule: 'available', message: availability.reason }],
      });
    }
    const refusal = await this.#deps.shippingOffers.paymentRefusal(tx, cart.shippingOptionId, provider);
    if (refusal) {
      throw PaymentErrors.PAYMENT_METHOD_UNAVAILABLE(`${provider.name} ${refusal}`, {
        errors: [{ in: 'body', pointer: '/paymentMethod', rule: 'available', message: refusal }],
      });
    }
    const priced = availability.fee > 0 ? price([feeAdjuster(provider.id, provider.name, availability.fee)]) : withoutFee;
    requirePurchasable(priced);
    if (!priced.totals.shipping.some((charge) => charge.id === cart.shippingOptionId)) {
      throw CartErrors.CART_SHIPPING_OPTION_INVALID(`Shipping option ${cart.shippingOptionId} is not offered for this cart`, {
        errors: [{ in: 'cart', pointer: '/shippingOptionId', rule: 'available', message: 'is not offered for the cart’s address and currency' }],
      });
    }

    const orderId = newId('order');
    // paid for in this transaction and confirmed before payment (cash on delivery): the stock is held with no deadline
    const paidHere = provider.initiatesInTransaction === true;
    const holds = priced.lines.map((line) => ({ variantId: line.variantId, quantity: line.quantity }));
    // no savepoint: a refusal throws below, which rolls the whole checkout back
    const held = await this.#deps.reservationService.reserve(
      tx,
      { reference: orderId, lines: holds, ...(paidHere && provider.confirmsOrderBeforePayment ? { expiresAt: null } : {}) },
      { savepoint: false },
    );
    if (!held.ok) {
      throw CheckoutErrors.CHECKOUT_OUT_OF_STOCK(`Only ${held.available} of variant ${held.variantId} can be bought, not ${held.requested}`, {
        extensions: { variantId: held.variantId, requested: held.requested, available: held.available },
      });
    }
    const snapshot = toSnapshot(cart, priced, body.paymentMethod);
    await this.#deps.hooks.run('checkout.validate', snapshot, { em: tx, cartId });
    const placed = await this.#deps.orderService.place(tx, snapshot, { id: orderId });
    await touchCart(tx, cartId, { status: 'completed', orderId });
    // a provider with nothing to call (cash on delivery) is paid for in this transaction too
    const started = paidHere ? await this.#deps.paymentService.startInTransaction(tx, placed, provider, body.paymentData ?? {}) : null;
    const order = started?.order ?? placed;
    const response: CheckoutResponse = {
      order: { id: order.id, number: order.number, status: order.status, paymentStatus: order.paymentStatus, fulfillmentStatus: order.fulfillmentStatus, email: snapshot.email, totals: priced.totals },
      ...(placed.token ? { orderToken: placed.token } : {}),
      payment: started ? { id: started.payment.paymentId, status: started.payment.status, clientData: started.payment.clientData } : null,
    };
    if (idempotencyKey) await recordIdempotentResponse(tx, SCOPE, idempotencyKey, 201, response, order.id);
    return { orderId: order.id, response, paid: started !== null };
  }

  /** Starts a gateway payment once the order is committed: a gateway call must not hold database locks. */
  async #payAfterCommit(placed: Placed, body: CheckoutBody, idempotencyKey?: string): Promise<CheckoutResponse> {
    let payment: CheckoutResponse['payment'];
    try {
      const started = await this.#deps.paymentService.start(placed.orderId, body.paymentMethod, body.paymentData ?? {});
      payment = { id: started.paymentId, status: started.status, clientData: started.clientData ?? {} };
    } catch (error) {
      // the order stands, its stock held until the hold lapses: the answer must still give its id and token to pay again
      const failed = error instanceof AppError ? await this.#deps.paymentService.failedAttempt(placed.orderId) : undefined;
      if (!failed || !(error instanceof AppError)) throw error;
      const reason = error.code === 'PAYMENT_DECLINED' ? (failed.failureReason ?? null) : null;
      payment = { id: failed.id, status: 'failed', clientData: {}, failure: { code: error.code, reason } };
    }
    const order = (await this.#deps.orderService.get(this.#deps.em, placed.orderId))!;
    const response: CheckoutResponse = {
      ...placed.response,
      order: { ...placed.response.order, status: order.status, paymentStatus: order.paymentStatus, fulfillmentStatus: order.fulfillmentStatus },
      payment,
    };
    if (idempotencyKey) await recordIdempotentResponse(this.#deps.em, SCOPE, idempotencyKey, 201, response);
    return response;
  }
}

function requireComplete(cart: CartRecord): void {
  const missing: FieldIssue[] = [];
  const need = (field: string, present: unknown, message: string) => {
    if (!present) missing.push({ in: 'cart', pointer: `/${field}`, rule: 'required', message });
  };
  need('email', cart.email, 'set it with PATCH /store/carts/:id');
  need('shippingAddress', cart.shippingAddress, 'set it with PATCH /store/carts/:id');
  need('billingAddress', cart.billingAddress, 'set it with PATCH /store/carts/:id');
  need('shippingOptionId', cart.shippingOptionId, 'choose one of GET /store/carts/:id/shipping-options');
  if (missing.length) {
    throw CheckoutErrors.CHECKOUT_INCOMPLETE(`The cart needs ${missing.map((m) => m.pointer.slice(1)).join(', ')} before checkout`, { errors: missing });
  }
}

function requirePurchasable(priced: CartView): void {
  const blocked = priced.lines.filter((line) => line.availability !== 'available');
  if (blocked.length === 0) return;
  throw CheckoutErrors.CHECKOUT_LINES_UNAVAILABLE(`${blocked.length} line(s) cannot be bought as they are`, {
    extensions: { lines: blocked.map((l) => ({ lineId: l.id, variantId: l.variantId, availability: l.availability, availableQuantity: l.availableQuantity })) },
  });
}

/** A payment method's surcharge (a cash-on-delivery fee), taxed like shipping. */
function feeAdjuster(methodId: string, methodName: string, fee: number): TotalsAdjuster {
  return { name: 'payment-fee', adjust: () => ({ shipping: [{ id: `payment-fee-${methodId}`, name: `${methodName} fee`, amount: fee }] }) };
}

function toSnapshot(cart: CartRecord, priced: CartView, paymentMethod: string): OrderSnapshot {
  const amounts = (taxes: CartView['totals']['taxes']) => taxes.map((t) => ({ rateId: t.rateId, name: t.name, rate: t.rate, amount: t.amount.amount }));
  const discounts = (list: CartView['totals']['discounts']) => list.map((d) => ({ source: d.source, label: d.label, amount: d.amount.amount }));
  const totals = priced.totals;
  return {
    cartId: cart.id,
    customerId: cart.customerId,
    email: cart.email!,
    currencyCode: cart.currencyCode,
    pricesIncludeTax: totals.pricesIncludeTax,
    shippingAddress: cart.shippingAddress!,
    billingAddress: cart.billingAddress!,
    lines: priced.lines.map((line) => ({
      variantId: line.variantId,
      productId: line.productId!,
      productTitle: line.productTitle!,
      variantTitle: line.variantTitle!,
      sku: line.sku!,
      options: line.options,
      vendorId: line.vendorId,
      taxClass: line.taxClass,
      thumbnailUrl: line.thumbnail?.url ?? null,
      quantity: line.quantity,
      unitPrice: line.unitPrice!.amount,
      subtotal: line.subtotal!.amount,
      discount: line.discount!.amount,
      discounts: discounts(line.discounts),
      taxes: amounts(line.taxes),
      taxTotal: line.tax!.amount,
      total: line.total!.amount,
    })),
    shipping: totals.shipping.map((s) => ({ id: s.id, name: s.name, amount: s.amount.amount, taxes: amounts(s.taxes), taxTotal: s.tax.amount, total: s.total.amount })),
    discounts: discounts(totals.discounts),
    taxes: amounts(totals.taxes),
    subtotal: totals.subtotal.amount,
    discountTotal: totals.discountTotal.amount,
    shippingTotal: totals.shippingTotal.amount,
    taxTotal: totals.taxTotal.amount,
    total: totals.total.amount,
    paymentMethod,
  };
}

