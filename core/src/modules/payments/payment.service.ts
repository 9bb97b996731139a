import type { EntityManager } from '@mikro-orm/sql';
import { actorReference, type Actor, type Cradle } from '../../kernel/container.ts';
import { AppError, KernelErrors } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { formatDecimal } from '../money/index.ts';
import { OrderErrors, type OrderRecord } from '../orders/index.ts';
import { PaymentWebhookError, type PaymentDispute, type PaymentProvider, type ProviderPaymentStatus, type ProviderResult, type WebhookRequest } from './payment-provider.ts';
import {
  findPayment,
  findPaymentByKey,
  findPaymentByReference,
  findTransactionByKey,
  insertPayment,
  insertTransaction,
  markPaymentFailed,
  orderDestination,
  orderLineQuantities,
  paymentsOfOrder,
  pendingAmount,
  recordWebhookEvent,
  reopenTransaction,
  settleTransaction,
  stalePayments,
  transactionsByKeyPrefix,
  transactionsOfOrder,
  type PaymentRecord,
  type TransactionKind,
  type TransactionRecord,
} from './payment-records.ts';
import { applyProviderResult, openAuthorization, type MoneyMoved } from './payment-outcome.ts';
import { PaymentErrors } from './payments.errors.ts';

type Deps = Pick<Cradle, 'em' | 'events' | 'actor' | 'logger' | 'orderService' | 'paymentProviders' | 'shippingOffers' | 'auditLog'>;

/** What the storefront needs after starting a payment: the attempt, where it stands, and how to continue. */
export interface StartedPayment {
  paymentId: string;
  status: ProviderPaymentStatus;
  clientData: Record<string, unknown>;
}

export interface RefundLine {
  lineId: string;
  quantity: number;
}

export interface PaymentWithTransactions extends PaymentRecord {
  transactions: TransactionRecord[];
}

/** A provider call about to be made: its ledger row is written (with its key) before the call. */
interface PlannedCall {
  payment: PaymentRecord;
  provider: PaymentProvider;
  kind: Extract<TransactionKind, 'capture' | 'refund' | 'void'>;
  amount: number;
  idempotencyKey: string;
  reason?: string;
  data?: Record<string, unknown>;
}

interface ReadyCall extends PlannedCall {
  transaction: TransactionRecord;
}

const NOTHING_MOVED: MoneyMoved = { captured: 0, refunded: 0, voided: 0 };

/**
 * The payment ledger of orders and the only writer of an order's payment status. Every provider call
 * is made outside any database transaction (a gateway may be slow); the row recording it, with its
 * idempotency key, is committed before the call, and the outcome (ledger, order status, timeline,
 * events) is committed in one transaction after it. A retried operation reuses its key, so a gateway
 * that honours keys never moves money twice, and the ledger applies each outcome once.
 */
export class PaymentService {
  readonly #deps: Deps;

  constructor(deps: Deps) {
    this.#deps = deps;
  }

  /**
   * Starts (or retries) paying a pending order with `method` (default: the method chosen at
   * checkout). With `options.idempotencyKey`, a repeated call returns the same attempt instead of
   * opening another. A declined payment answers 402 `PAYMENT_DECLINED`, an unreachable provider
   * 502 `PAYMENT_PROVIDER_ERROR` (or the provider's own problem); the attempt is then `failed`,
   * `payment.failed` is emitted and the order stays pending, open to another attempt.
   */
  async start(
    orderId: string,
    method: string | undefined,
    data: Record<string, unknown> = {},
    options: { idempotencyKey?: string; replacing?: boolean } = {},
  ): Promise<StartedPayment> {
    const chosen = method === undefined ? undefined : await this.#deps.paymentProviders.get(method);
    if (chosen) requireReachable(chosen);
    const prepared = await this.#deps.em.transactional(async (tx) => {
      const order = await this.#lockOrder(tx, orderId);
      if (options.idempotencyKey) {
        const existing = await findPaymentByKey(tx, options.idempotencyKey);
        if (existing && existing.orderId === orderId) {
          const initiate = await findTransactionByKey(tx, initiateKey(existing.id));
          if (existing.status === 'failed') {
            throw PaymentErrors.PAYMENT_DECLINED(`This attempt failed${existing.failureReason ? `: ${existing.failureReason}` : ''}; start another without the same Idempotency-Key`, {
              extensions: { paymentId: existing.id, reason: existing.failureReason },
            });
          }
          if (initiate?.status === 'succeeded') return { done: startedView(existing) };
          if (initiate) return { order, payment: existing, transaction: initiate, provider: await this.#deps.paymentProviders.get(existing.provider) };
        }
      }
      // a confirmed pay-on-delivery order takes a new attempt when an edit changed its total (`reissuePending`)
      if ((order.status !== 'pending' && !(options.replacing && order.status === 'confirmed')) || order.paymentStatus !== 'not_paid') {
        throw PaymentErrors.PAYMENT_ORDER_NOT_PAYABLE(`Order ${order.number} is ${order.status} with payment ${order.paymentStatus}: it cannot take a new payment`, {
          extensions: { status: order.status, paymentStatus: order.paymentStatus },
        });
      }
      const provider = chosen ?? requireReachable(await this.#deps.paymentProviders.get(order.paymentMethod));
      const destination = await orderDestination(tx, orderId);
      const refusal = await this.#deps.shippingOffers.paymentRefusal(tx, destination.shippingOptionId, provider);
      const availability = refusal
        ? ({ available: false, reason: `${provider.name} ${refusal}` } as const)
        : provider.availability({ currencyCode: order.currencyCode, amount: order.total, countryCode: destination.countryCode });
      if (!availability.available) {
        throw PaymentErrors.PAYMENT_METHOD_UNAVAILABLE(`${provider.name} cannot pay this order: ${availability.reason}`, {
          errors: [{ in: 'body', pointer: '/method', rule: 'available', message: availability.reason }],
          extensions: { reason: availability.reason },
        });
      }
      if (provider.initiatesInTransaction) {
        const earlier = await paymentsOfOrder(tx, orderId, { lock: true });
        return { done: (await this.startInTransaction(tx, order, provider, data, { idempotencyKey: options.idempotencyKey, earlier })).payment };
      }
      const payment = await insertPayment(tx, { orderId, provider: provider.id, amount: order.total, currencyCode: order.currencyCode, idempotencyKey: options.idempotencyKey });
      const transaction = await insertTransaction(tx, {
        paymentId: payment.id,
        orderId,
        kind: 'initiate',
        amount: order.total,
        status: 'pending',
        idempotencyKey: initiateKey(payment.id),
        actor: actorReference(this.#deps.actor),
      });
      return { order, payment, transaction, provider };
    });
    if ('done' in prepared && prepared.done) return prepared.done;
    const { order, payment, transaction, provider } = prepared as Exclude<typeof prepared, { done: StartedPayment }>;

    let result: ProviderResult;
    try {
      result = await provider.initiate({
        paymentId: payment.id,
        orderId,
        orderNumber: order.number,
        amount: payment.amount,
        currencyCode: payment.currencyCode,
        email: order.email,
        idempotencyKey: transaction.idempotencyKey,
        data,
      });
    } catch (error) {
      await this.#recordCallFailure(orderId, payment, provider, transaction, error, { failsPayment: true });
      throw providerProblem(error, provider);
    }
    const after = await this.#settle(orderId, payment.id, transaction.id, provider, result, { failsPayment: true });
    if (after.status === 'failed') {
      throw PaymentErrors.PAYMENT_DECLINED(`${provider.name} declined the payment${result.failureReason ? `: ${result.failureReason}` : ''}`, {
        extensions: { paymentId: payment.id, reason: result.failureReason ?? null },
      });
    }
    return { paymentId: payment.id, status: after.status, clientData: result.clientData ?? {} };
  }

  /**
   * Starts paying `order`, placed in the open transaction `tx` (checkout), with a provider that
   * `initiatesInTransaction` (cash on delivery): the attempt, the provider's own record and the
   * order's new statuses commit with the order, or not at all. The caller has checked that the
   * method is available for the order. A declined start throws 402 `PAYMENT_DECLINED`, which rolls
   * the caller's transaction back: no money moved anywhere, so there is no failed attempt to keep.
   * Answers the attempt and the order as it now is. `options.earlier`: the order's earlier attempts
   * (none for an order just placed), which its payment status is worked out with.
   */
  async startInTransaction(
    tx: EntityManager,
    order: OrderRecord,
    provider: PaymentProvider,
    data: Record<string, unknown> = {},
    options: { idempotencyKey?: string | undefined; earlier?: PaymentRecord[] } = {},
  ): Promise<{ payment: StartedPayment; order: OrderRecord }> {
    if (!provider.initiatesInTransaction) throw new Error(`Payment provider ${provider.id} does not initiate inside a transaction`);
    const paymentId = newId('pay');
    const request = {
      paymentId,
      orderId: order.id,
      orderNumber: order.number,
      amount: order.total,
      currencyCode: order.currencyCode,
      email: order.email,
      idempotencyKey: initiateKey(paymentId),
      data,
    };
    let result: ProviderResult;
    try {
      result = await provider.initiate(request, { em: tx });
    } catch (error) {
      throw providerProblem(error, provider);
    }
    if (result.status === 'failed') {
      throw PaymentErrors.PAYMENT_DECLINED(`${provider.name} declined the payment${result.failureReason ? `: ${result.failureReason}` : ''}`, {
        extensions: { paymentId: null, reason: result.failureReason ?? null },
      });
    }
    // one transaction: the attempt and its settled initiate are written together, after the call
    const payment = await insertPayment(tx, { id: paymentId, orderId: order.id, provider: provider.id, amount: order.total, currencyCode: order.currencyCode, idempotencyKey: options.idempotencyKey });
    await insertTransaction(tx, {
      paymentId,
      orderId: order.id,
      kind: 'initiate',
      amount: order.total,
      status: 'succeeded',
      idempotencyKey: request.idempotencyKey,
      actor: actorReference(this.#deps.actor),
      result,
    });
    const applied = await applyProviderResult(this.#deps, tx, order, [...(options.earlier ?? []), payment], payment, provider, result, { failsPayment: true });
    return { payment: { paymentId, status: applied.status, clientData: result.clientData ?? {} }, order: applied.order };
  }

  /** The order's newest attempt when it failed (checkout reports it after a declined or unreachable start). */
  async failedAttempt(orderId: string): Promise<PaymentRecord | undefined> {
    const newest = (await paymentsOfOrder(this.#deps.em, orderId)).at(-1);
    return newest?.status === 'failed' ? newest : undefined;
  }

  /**
   * Takes money of an authorized payment (default: all that is left of it), or records cash
   * collected for a method paid on delivery (default: the rest of the attempt's amount). Without
   * `paymentId`, the order's first payment with something left to capture. `actor` is who collected
   * it (default: the caller). A retry with the same `idempotencyKey` is the same capture.
   */
  async capture(orderId: string, options: { paymentId?: string; amount?: number; actor?: Actor; idempotencyKey?: string } = {}): Promise<PaymentRecord> {
    const actor = options.actor ?? this.#deps.actor;
    if (options.amount !== undefined) requireMinorUnits(options.amount, '/amount');
    const [settled] = await this.#moneyCalls(orderId, actor, async (tx, order, payments) => {
      if (order.paymentStatus === 'refunded' || order.paymentStatus === 'voided') {
        throw PaymentErrors.PAYMENT_NOT_CAPTURABLE(`Order ${order.number} is ${order.paymentStatus}: nothing can be captured`);
      }
      const payment = options.paymentId ? this.#paymentOf(payments, options.paymentId) : await this.#firstCapturable(tx, payments);
      if (!payment) throw PaymentErrors.PAYMENT_NOT_CAPTURABLE(`Order ${order.number} has no payment with anything left to capture`);
      const idempotencyKey = `${payment.id}:capture:${options.idempotencyKey ?? newId('op')}`;
      const existing = await findTransactionByKey(tx, idempotencyKey);
      const provider = await this.#deps.paymentProviders.get(payment.provider);
      if (existing) return existing.status === 'succeeded' ? [] : [{ payment, provider, kind: 'capture', amount: existing.amount, idempotencyKey }];
      const capturable = await this.#capturable(tx, payment, provider);
      if (capturable <= 0) throw PaymentErrors.PAYMENT_NOT_CAPTURABLE(`Payment ${payment.id} is ${payment.status} with nothing left to capture`);
      const amount = options.amount ?? capturable;
      if (amount > capturable) {
        throw PaymentErrors.PAYMENT_CAPTURE_EXCEEDS_AUTHORIZED(`At most ${formatDecimal(capturable, payment.currencyCode)} ${payment.currencyCode} can be captured`, {
          errors: [{ in: 'body', pointer: '/amount', rule: 'maximum', message: `must be at most ${capturable}` }],
          extensions: { capturable },
        });
      }
      return [{ payment, provider, kind: 'capture', amount, idempotencyKey }];
    });
    if (settled) return settled.payment;
    // the same capture was made before: answer the payment as it is
    const payments = await paymentsOfOrder(this.#deps.em, orderId);
    const found = options.paymentId ? payments.find((p) => p.id === options.paymentId) : payments[0];
    if (!found) throw PaymentErrors.PAYMENT_NOT_FOUND();
    return found;
  }

  /**
   * Gives money back, spread over the order's payments oldest first, never more than was captured
   * and not yet refunded (422 `REFUND_EXCEEDS_CAPTURED` with `refundable`). `lines` says which
   * order lines the refund is for (recorded with it). A retry with the same `idempotencyKey`
   * retries the same refund instead of making another.
   */
  async refund(orderId: string, request: { amount: number; reason: string; lines?: RefundLine[]; idempotencyKey?: string }): Promise<{ refunded: number; payments: PaymentRecord[] }> {
    const actor = this.#deps.actor;
    requireMinorUnits(request.amount, '/amount');
    const operation = `${orderId}:refund:${request.idempotencyKey ?? newId('op')}`;
    const settled = await this.#moneyCalls(orderId, actor, async (tx, order, payments) => {
      const earlier = request.idempotencyKey ? await transactionsByKeyPrefix(tx, `${operation}:`) : [];
      if (earlier.length) {
        const calls: PlannedCall[] = [];
        for (const t of earlier.filter((e) => e.status !== 'succeeded')) {
          const payment = this.#paymentOf(payments, t.paymentId);
          calls.push({ payment, provider: await this.#deps.paymentProviders.get(payment.provider), kind: 'refund', amount: t.amount, idempotencyKey: t.idempotencyKey, reason: t.reason ?? request.reason, data: t.data });
        }
        return calls;
      }
      const data = { lines: await this.#checkedLines(tx, orderId, request.lines ?? []) };
      const refundable = new Map<string, number>();
      for (const p of payments) refundable.set(p.id, p.amountCaptured - p.amountRefunded - (await pendingAmount(tx, p.id, 'refund')));
      const total = [...refundable.values()].reduce((sum, n) => sum + Math.max(0, n), 0);
      if (request.amount > total) {
        throw PaymentErrors.REFUND_EXCEEDS_CAPTURED(
          `Order ${order.number}: at most ${formatDecimal(total, order.currencyCode)} ${order.currencyCode} can be refunded (captured and not yet refunded)`,
          { errors: [{ in: 'body', pointer: '/amount', rule: 'maximum', message: `must be at most ${total}` }], extensions: { refundable: total } },
        );
      }
      const calls: PlannedCall[] = [];
      let left = request.amount;
      for (const [index, payment] of payments.entries()) {
        const share = Math.min(left, Math.max(0, refundable.get(payment.id) ?? 0));
        if (share <= 0) continue;
        left -= share;
        const provider = await this.#deps.paymentProviders.get(payment.provider);
        calls.push({ payment, provider, kind: 'refund', amount: share, idempotencyKey: `${operation}:${index}`, reason: request.reason, data });
        if (left === 0) break;
      }
      return calls;
    }, (tx, before, after, call) => {
      // audited where the money moved, so a refund the provider refused leaves no entry
      const money = (p: PaymentRecord) => ({ paymentId: p.id, status: p.status, amountCaptured: p.amountCaptured, amountRefunded: p.amountRefunded });
      this.#deps.auditLog.record(tx, {
        action: 'order.refunded',
        target: { type: 'order', id: orderId },
        before: money(before),
        after: { ...money(after), refunded: after.amountRefunded - before.amountRefunded, currencyCode: after.currencyCode, reason: call.reason ?? request.reason, ...(call.data ?? {}) },
      });
    });
    const refunded = settled.reduce((sum, s) => sum + s.moved.refunded, 0);
    return { refunded, payments: await paymentsOfOrder(this.#deps.em, orderId) };
  }

  /** Cancels a payment that has nothing captured (an authorization, or an attempt still pending). Voiding twice is one void. */
  async voidPayment(orderId: string, paymentId: string): Promise<PaymentRecord> {
    const [settled] = await this.#moneyCalls(orderId, this.#deps.actor, async (tx, _order, payments) => {
      const payment = this.#paymentOf(payments, paymentId);
      const idempotencyKey = `${payment.id}:void`;
      const existing = await findTransactionByKey(tx, idempotencyKey);
      if (existing?.status === 'succeeded') return [];
      if (!isVoidable(payment)) {
        throw PaymentErrors.PAYMENT_NOT_VOIDABLE(`Payment ${payment.id} is ${payment.status} with ${payment.amountCaptured} captured: refund it instead`);
      }
      return [{ payment, provider: await this.#deps.paymentProviders.get(payment.provider), kind: 'void', amount: openAuthorization(payment), idempotencyKey }];
    });
    return settled?.payment ?? (await findPayment(this.#deps.em, paymentId))!;
  }

  /**
   * After an order's total changed (an admin edit before anything was paid): every attempt still
   * pending for a method paid on delivery is voided and replaced by one for the new total, so the
   * courier collects what the order now costs. Returns how many attempts were replaced.
   */
  async reissuePending(orderId: string): Promise<number> {
    const order = await this.#deps.orderService.get(this.#deps.em, orderId);
    if (!order) throw OrderErrors.ORDER_NOT_FOUND(`No order ${orderId}`);
    let replaced = 0;
    for (const payment of await paymentsOfOrder(this.#deps.em, orderId)) {
      const provider = await this.#deps.paymentProviders.find(payment.provider);
      if (!provider?.confirmsOrderBeforePayment || payment.status !== 'pending' || payment.amount === order.total) continue;
      await this.voidPayment(orderId, payment.id);
      await this.start(orderId, payment.provider, {}, { idempotencyKey: `${payment.id}:reissue:${order.version}`, replacing: true });
      replaced += 1;
    }
    return replaced;
  }

  /**
   * Settles the payments of a cancelled order: every payment with nothing captured is voided and
   * every captured amount not yet refunded is refunded, with reason 'order cancelled'. Safe to call
   * again, and concurrently: the calls carry fixed idempotency keys, so money moves once, and the
   * answer says what this call moved (0 and 0 when another call had already done it).
   */
  async settleCancelled(orderId: string): Promise<{ voided: number; refunded: number }> {
    const settled = await this.#moneyCalls(orderId, this.#deps.actor, async (tx, _order, payments) => {
      const calls: PlannedCall[] = [];
      for (const payment of payments) {
        const provider = await this.#deps.paymentProviders.get(payment.provider);
        const voidKey = `${payment.id}:cancel:void`;
        const refundKey = `${payment.id}:cancel:refund`;
        const [earlierVoid, earlierRefund] = [await findTransactionByKey(tx, voidKey), await findTransactionByKey(tx, refundKey)];
        if (earlierVoid) {
          if (earlierVoid.status !== 'succeeded') calls.push({ payment, provider, kind: 'void', amount: earlierVoid.amount, idempotencyKey: voidKey, reason: 'order cancelled' });
        } else if (isVoidable(payment)) {
          calls.push({ payment, provider, kind: 'void', amount: openAuthorization(payment), idempotencyKey: voidKey, reason: 'order cancelled' });
        }
        if (earlierRefund) {
          if (earlierRefund.status !== 'succeeded') calls.push({ payment, provider, kind: 'refund', amount: earlierRefund.amount, idempotencyKey: refundKey, reason: 'order cancelled' });
        } else {
          const refundable = payment.amountCaptured - payment.amountRefunded - (await pendingAmount(tx, payment.id, 'refund'));
          if (refundable > 0) calls.push({ payment, provider, kind: 'refund', amount: refundable, idempotencyKey: refundKey, reason: 'order cancelled' });
        }
      }
      return calls;
    });
    return settled.reduce((sum, s) => ({ voided: sum.voided + s.moved.voided, refunded: sum.refunded + s.moved.refunded }), { voided: 0, refunded: 0 });
  }

  /**
   * For methods paid on delivery (`confirmsOrderBeforePayment`): records the rest of each attempt's
   * amount as collected once the order is delivered. Runs from the `order.delivered` subscriber,
   * which may run twice: the capture's key is fixed per payment, so the second run moves nothing.
   */
  async captureOnDelivery(orderId: string, actor: Actor = this.#deps.actor): Promise<number> {
    const settled = await this.#moneyCalls(orderId, actor, async (tx, order, payments) => {
      if (order.paymentStatus === 'refunded' || order.paymentStatus === 'voided') return [];
      const calls: PlannedCall[] = [];
      for (const payment of payments) {
        const provider = await this.#deps.paymentProviders.find(payment.provider);
        if (!provider?.confirmsOrderBeforePayment) continue;
        const idempotencyKey = `${payment.id}:capture:on-delivery`;
        const existing = await findTransactionByKey(tx, idempotencyKey);
        if (existing) {
          if (existing.status !== 'succeeded') calls.push({ payment, provider, kind: 'capture', amount: existing.amount, idempotencyKey });
          continue;
        }
        const capturable = await this.#capturable(tx, payment, provider);
        if (capturable > 0) calls.push({ payment, provider, kind: 'capture', amount: capturable, idempotencyKey });
      }
      return calls;
    });
    return settled.reduce((sum, s) => sum + s.moved.captured, 0);
  }

  /** The order's payments, oldest first, each with its transactions: the ledger staff see. */
  async ledger(orderId: string): Promise<PaymentWithTransactions[]> {
    const em = this.#deps.em;
    if (!(await this.#deps.orderService.get(em, orderId))) throw OrderErrors.ORDER_NOT_FOUND(`No order ${orderId}`);
    const [payments, transactions] = await Promise.all([paymentsOfOrder(em, orderId), transactionsOfOrder(em, orderId)]);
    return payments.map((p) => ({ ...p, transactions: transactions.filter((t) => t.paymentId === p.id) }));
  }

  /**
   * An inbound webhook: verified by its provider, applied once per event id, to the payment with the
   * reference it names, never moving that payment backwards. Answers whether it changed anything.
   */
  async handleWebhook(providerId: string, request: WebhookRequest): Promise<{ applied: boolean; duplicate: boolean }> {
    const provider = await this.#deps.paymentProviders.find(providerId);
    if (!provider?.handleWebhook) throw PaymentErrors.PAYMENT_WEBHOOK_PROVIDER_UNKNOWN(`No payment provider "${providerId}" takes webhooks`);
    let outcome;
    try {
      outcome = await provider.handleWebhook(request);
    } catch (error) {
      if (error instanceof PaymentWebhookError) throw PaymentErrors.PAYMENT_WEBHOOK_INVALID(error.message || undefined);
      throw providerProblem(error, provider);
    }
    if (!outcome) return { applied: false, duplicate: false };
    const { eventId, reference, result, dispute } = outcome;
    return this.#deps.em.transactional(async (tx) => {
      if (!(await recordWebhookEvent(tx, provider.id, eventId))) return { applied: false, duplicate: true };
      const found = await findPaymentByReference(tx, await this.#settledBy(provider), reference);
      if (!found) {
        this.#deps.logger.warn({ provider: provider.id, eventId, reference }, 'payment webhook about no known payment: acknowledged and ignored');
        return { applied: false, duplicate: false };
      }
      // a wallet's payment held at this gateway is applied through the wallet's own provider
      const owner = found.provider === provider.id ? provider : await this.#deps.paymentProviders.get(found.provider);
      const { order, payment, moved } = await this.#applyReport(tx, found, owner, {
        kind: 'webhook',
        idempotencyKey: `${provider.id}:webhook:${eventId}`,
        actorId: `webhook:${provider.id}`,
        data: { eventId, ...(dispute ? { dispute } : {}) },
        result,
      });
      if (dispute) {
        recordDispute(this.#deps, tx, order, payment, owner, dispute);
        await this.#deps.orderService.addTimeline(tx, order.id, disputeEntry(payment, owner, dispute));
      }
      return { applied: Boolean(moved?.changed) || dispute !== undefined, duplicate: false };
    });
  }

  /**
   * Settles the attempts of `providerId` (and of providers `settledThrough` it) still `pending` or
   * `requires_action` since before `olderThan`
   * (a webhook that never came) from the provider's `status()`, oldest first, at most `limit`, each in
   * a transaction of its own with a `status` row in the ledger. Runs from the provider's
   * reconciliation job. Answers how many attempts it asked about and how many changed.
   */
  async reconcile(providerId: string, olderThan: Date, limit = 100): Promise<{ checked: number; changed: number }> {
    let changed = 0;
    const stale = await stalePayments(this.#deps.em, await this.#settledBy(await this.#deps.paymentProviders.get(providerId)), olderThan, limit);
    for (const payment of stale) {
      const provider = await this.#deps.paymentProviders.get(payment.provider);
      let result: ProviderResult;
      try {
        result = await provider.status({ paymentId: payment.id, reference: payment.reference, idempotencyKey: `${payment.id}:status:${newId('op')}` });
      } catch (error) {
        this.#deps.logger.warn({ err: error, paymentId: payment.id, provider: provider.id }, 'reconciling a payment: the provider could not say where it stands');
        continue;
      }
      const { moved } = await this.#deps.em.transactional((tx) =>
        this.#applyReport(tx, payment, provider, { kind: 'status', idempotencyKey: `${payment.id}:reconcile:${newId('op')}`, actorId: `reconcile:${provider.id}`, result }),
      );
      if (moved?.changed) changed += 1;
    }
    return { checked: stale.length, changed };
  }

  /**
   * For providers that capture on shipment (`capturesOnShipment`): captures what is left of each
   * authorized payment, at most the order's total less what is captured. Runs from the
   * `order.shipped` subscriber, which may run twice: the capture's key is fixed per payment.
   */
  async captureOnShipment(orderId: string, actor: Actor = this.#deps.actor): Promise<number> {
    const settled = await this.#moneyCalls(orderId, actor, async (tx, order, payments) => {
      if (order.status === 'cancelled') return [];
      let due = order.total - payments.reduce((sum, p) => sum + p.amountCaptured, 0);
      const calls: PlannedCall[] = [];
      for (const payment of payments) {
        const provider = await this.#deps.paymentProviders.find(payment.provider);
        if (!provider?.capturesOnShipment || due <= 0) continue;
        const idempotencyKey = `${payment.id}:capture:on-shipment`;
        const existing = await findTransactionByKey(tx, idempotencyKey);
        if (existing) {
          if (existing.status !== 'succeeded') calls.push({ payment, provider, kind: 'capture', amount: existing.amount, idempotencyKey });
          continue;
        }
        const amount = Math.min(due, await this.#capturable(tx, payment, provider));
        if (amount <= 0) continue;
        due -= amount;
        calls.push({ payment, provider, kind: 'capture', amount, idempotencyKey });
      }
      return calls;
    });
    return settled.reduce((sum, s) => sum + s.moved.captured, 0);
  }

  // ——— the two transactions around every provider call ———

  /**
   * Plans provider calls in one transaction (order and payments locked, checks made, one ledger row
   * per call written with its key), makes the calls outside it, and settles each in a transaction of
   * its own. A call that throws marks its row failed (retrying the operation reuses the key) and
   * the problem is passed on after the calls still pending are marked failed too. `audit`, when
   * given, records each call that moved money in the transaction that settles it.
   */
  async #moneyCalls(
    orderId: string,
    actor: Actor,
    plan: (tx: EntityManager, order: OrderRecord, payments: PaymentRecord[]) => Promise<PlannedCall[]>,
    audit?: (tx: EntityManager, before: PaymentRecord, after: PaymentRecord, call: PlannedCall) => void,
  ): Promise<Array<{ payment: PaymentRecord; moved: MoneyMoved }>> {
    const ready = await this.#deps.em.transactional(async (tx) => {
      const order = await this.#lockOrder(tx, orderId);
      const payments = await paymentsOfOrder(tx, orderId, { lock: true });
      const calls: ReadyCall[] = [];
      for (const call of await plan(tx, order, payments)) {
        const existing = await findTransactionByKey(tx, call.idempotencyKey);
        if (existing?.status === 'failed') await reopenTransaction(tx, existing.id);
        const transaction =
          existing ??
          (await insertTransaction(tx, {
            paymentId: call.payment.id,
            orderId,
            kind: call.kind,
            amount: call.amount,
            status: 'pending',
            idempotencyKey: call.idempotencyKey,
            reason: call.reason ?? null,
            data: call.data ?? {},
            actor: actorReference(actor),
          }));
        calls.push({ ...call, transaction });
      }
      return calls;
    });
    const settled: Array<{ payment: PaymentRecord; moved: MoneyMoved }> = [];
    for (const [index, call] of ready.entries()) {
      const { payment, provider, transaction } = call;
      const base = { paymentId: payment.id, reference: payment.reference, idempotencyKey: transaction.idempotencyKey };
      const money = { ...base, amount: call.amount, currencyCode: payment.currencyCode, actor: actorReference(actor) };
      let result: ProviderResult;
      try {
        result =
          call.kind === 'capture'
            ? await provider.capture(money)
            : call.kind === 'refund'
              ? await provider.refund({ ...money, reason: call.reason ?? '' })
              : await provider.void(base);
      } catch (error) {
        for (const later of ready.slice(index)) await this.#recordCallFailure(orderId, later.payment, later.provider, later.transaction, error, { failsPayment: false });
        throw providerProblem(error, provider);
      }
      if (result.status === 'failed') {
        await this.#recordCallFailure(orderId, payment, provider, transaction, new Error(result.failureReason ?? result.rawStatus), { failsPayment: false, result });
        for (const later of ready.slice(index + 1)) await this.#recordCallFailure(orderId, later.payment, later.provider, later.transaction, new Error('not attempted'), { failsPayment: false });
        throw PaymentErrors.PAYMENT_DECLINED(`${provider.name} refused the ${call.kind}${result.failureReason ? `: ${result.failureReason}` : ''}`, {
          extensions: { paymentId: payment.id, reason: result.failureReason ?? null },
        });
      }
      const outcome = await this.#deps.em.transactional(async (tx) => {
        const order = await this.#lockOrder(tx, orderId);
        const payments = await paymentsOfOrder(tx, orderId, { lock: true });
        const current = this.#paymentOf(payments, payment.id);
        const first = await settleTransaction(tx, transaction.id, { status: 'succeeded', result });
        // a second caller settling the same call finds the ledger already moved: nothing to apply twice
        const moved = first ? await applyProviderResult(this.#deps, tx, order, payments, current, provider, result, { reason: call.reason, failsPayment: false }) : { ...NOTHING_MOVED, changed: false };
        const after = (await findPayment(tx, payment.id))!;
        if (first && audit) audit(tx, current, after, call);
        return { payment: after, moved };
      });
      settled.push(outcome);
    }
    return settled;
  }

  /** Records a provider call that did not happen or was refused; an initiate that fails also fails its attempt. */
  async #recordCallFailure(
    orderId: string,
    payment: PaymentRecord,
    provider: PaymentProvider,
    transaction: TransactionRecord,
    error: unknown,
    options: { failsPayment: boolean; result?: ProviderResult },
  ): Promise<void> {
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    this.#deps.logger.warn({ err: error, paymentId: payment.id, provider: provider.id, kind: transaction.kind }, 'payment provider call failed');
    await this.#deps.em.transactional(async (tx) => {
      await this.#lockOrder(tx, orderId);
      await settleTransaction(tx, transaction.id, { status: 'failed', reason, ...(options.result ? { result: options.result } : {}) });
      if (!options.failsPayment) return;
      const current = await findPayment(tx, payment.id, { lock: true });
      if (!current || current.status === 'failed') return;
      await markPaymentFailed(tx, payment.id, reason);
      this.#deps.events.emit(tx, 'payment.failed', { paymentId: payment.id, orderId, provider: provider.id, currencyCode: payment.currencyCode, reason });
      await this.#deps.orderService.addTimeline(tx, orderId, {
        kind: 'payment.failed',
        message: `Payment ${payment.id} by ${provider.name} failed: ${reason}`,
        visibleToCustomer: true,
        data: { paymentId: payment.id, provider: provider.id },
      });
    });
  }

  async #settle(orderId: string, paymentId: string, transactionId: string, provider: PaymentProvider, result: ProviderResult, options: { failsPayment: boolean }): Promise<PaymentRecord> {
    return this.#deps.em.transactional(async (tx) => {
      const order = await this.#lockOrder(tx, orderId);
      const payments = await paymentsOfOrder(tx, orderId, { lock: true });
      const payment = this.#paymentOf(payments, paymentId);
      if (await settleTransaction(tx, transactionId, { status: result.status === 'failed' ? 'failed' : 'succeeded', result, reason: result.failureReason ?? null })) {
        await applyProviderResult(this.#deps, tx, order, payments, payment, provider, result, { failsPayment: options.failsPayment });
      }
      return (await findPayment(tx, paymentId))!;
    });
  }

  /**
   * What a gateway reports about a payment on its own (a webhook, a status lookup): a ledger row,
   * then the report applied (forward only) to the payment and its order, both locked first.
   */
  async #applyReport(
    tx: EntityManager,
    found: PaymentRecord,
    provider: PaymentProvider,
    report: { kind: 'webhook' | 'status'; idempotencyKey: string; actorId: string; data?: Record<string, unknown>; result?: ProviderResult | undefined },
  ) {
    const order = await this.#lockOrder(tx, found.orderId);
    const payments = await paymentsOfOrder(tx, order.id, { lock: true });
    const payment = this.#paymentOf(payments, found.id);
    const { result } = report;
    await insertTransaction(tx, {
      paymentId: payment.id,
      orderId: order.id,
      kind: report.kind,
      amount: 0,
      status: 'succeeded',
      idempotencyKey: report.idempotencyKey,
      reason: result?.failureReason ?? null,
      data: report.data ?? {},
      actor: { kind: 'system', id: report.actorId },
      ...(result ? { result } : {}),
    });
    const moved = result ? await applyProviderResult(this.#deps, tx, order, payments, payment, provider, result, { reason: 'refunded at the gateway', failsPayment: true }) : undefined;
    return { order, payment, moved };
  }

  /** The provider's id and those of the providers whose payments its gateway holds (`settledThrough`). */
  async #settledBy(provider: PaymentProvider): Promise<string[]> {
    return [provider.id, ...(await this.#deps.paymentProviders.list()).filter((p) => p.settledThrough === provider.id).map((p) => p.id)];
  }

  async #lockOrder(tx: EntityManager, orderId: string): Promise<OrderRecord> {
    const order = await this.#deps.orderService.get(tx, orderId, { lock: true });
    if (!order) throw OrderErrors.ORDER_NOT_FOUND(`No order ${orderId}`);
    return order;
  }

  #paymentOf(payments: PaymentRecord[], paymentId: string): PaymentRecord {
    const payment = payments.find((p) => p.id === paymentId);
    if (!payment) throw PaymentErrors.PAYMENT_NOT_FOUND(`The order has no payment ${paymentId}`);
    return payment;
  }

  async #firstCapturable(tx: EntityManager, payments: PaymentRecord[]): Promise<PaymentRecord | undefined> {
    for (const payment of payments) {
      const provider = await this.#deps.paymentProviders.find(payment.provider);
      if (provider && (await this.#capturable(tx, payment, provider)) > 0) return payment;
    }
    return undefined;
  }

  /** What is left to capture: the rest of the attempt for pay-on-delivery methods, the open authorization otherwise. */
  async #capturable(tx: EntityManager, payment: PaymentRecord, provider: PaymentProvider): Promise<number> {
    const inFlight = await pendingAmount(tx, payment.id, 'capture');
    if (provider.confirmsOrderBeforePayment) {
      if (!['pending', 'authorized', 'captured'].includes(payment.status) || payment.amountRefunded > 0) return 0;
      return payment.amount - payment.amountCaptured - inFlight;
    }
    if (payment.status !== 'authorized') return 0;
    return payment.amountAuthorized - payment.amountCaptured - inFlight;
  }

  async #checkedLines(tx: EntityManager, orderId: string, lines: RefundLine[]): Promise<RefundLine[]> {
    if (!lines.length) return [];
    const quantities = await orderLineQuantities(tx, orderId);
    const seen = new Set<string>();
    for (const [index, line] of lines.entries()) {
      const held = quantities.get(line.lineId);
      if (held === undefined || seen.has(line.lineId)) {
        throw PaymentErrors.REFUND_LINE_INVALID(`Line ${line.lineId} is not a line of this order, or is named twice`, {
          errors: [{ in: 'body', pointer: `/lines/${index}/lineId`, rule: 'orderLine', message: 'must name a line of this order, once' }],
        });
      }
      seen.add(line.lineId);
      if (line.quantity > held) {
        throw PaymentErrors.REFUND_LINE_INVALID(`Line ${line.lineId} holds ${held} units`, {
          errors: [{ in: 'body', pointer: `/lines/${index}/quantity`, rule: 'maximum', message: `must be at most ${held}` }],
        });
      }
    }
    return lines.map(({ lineId, quantity }) => ({ lineId, quantity }));
  }
}

const initiateKey = (paymentId: string) => `${paymentId}:initiate`;

/** Money is a positive integer of minor units; anything else is the caller's mistake, named. */
function requireMinorUnits(amount: number, pointer: string): void {
  if (Number.isSafeInteger(amount) && amount > 0) return;
  throw KernelErrors.VALIDATION_FAILED(`${pointer.slice(1)} must be a positive whole number of minor units`, {
    errors: [{ in: 'body', pointer, rule: 'minorUnits', message: 'must be a positive integer in minor units of the currency' }],
  });
}

function isVoidable(payment: PaymentRecord): boolean {
  return ['pending', 'requires_action', 'authorized'].includes(payment.status) && payment.amountCaptured === 0;
}

function startedView(payment: PaymentRecord): StartedPayment {
  return { paymentId: payment.id, status: payment.status, clientData: payment.clientData };
}

/** Refuses at once (503 with Retry-After) a provider whose gateway is known to be down. */
export function requireReachable(provider: PaymentProvider): PaymentProvider {
  const wait = provider.retryAfter?.();
  if (!wait || wait <= 0) return provider;
  const seconds = Math.ceil(wait);
  throw PaymentErrors.PAYMENT_PROVIDER_UNAVAILABLE(`${provider.name} is not answering; try again in ${seconds} s or choose another method`, {
    headers: { 'Retry-After': String(seconds) },
    extensions: { retryAfter: seconds },
  });
}

function disputeEntry(payment: PaymentRecord, provider: PaymentProvider, dispute: PaymentDispute) {
  const money = `${formatDecimal(dispute.amount, payment.currencyCode)} ${payment.currencyCode}`;
  return {
    kind: dispute.closed ? 'payment.dispute_closed' : 'payment.dispute_opened',
    message: dispute.closed
      ? `Dispute ${dispute.id} of ${money} on payment ${payment.id} by ${provider.name} closed: ${dispute.status}`
      : `Dispute ${dispute.id} of ${money} opened on payment ${payment.id} by ${provider.name}${dispute.reason ? ` (${dispute.reason})` : ''}: respond at the gateway`,
    visibleToCustomer: false,
    data: { paymentId: payment.id, provider: provider.id, dispute },
  };
}

function recordDispute(deps: Pick<Deps, 'events'>, tx: EntityManager, order: OrderRecord, payment: PaymentRecord, provider: PaymentProvider, dispute: PaymentDispute): void {
  const base = { paymentId: payment.id, orderId: order.id, provider: provider.id, currencyCode: payment.currencyCode };
  const detail = { disputeId: dispute.id, amount: dispute.amount, reason: dispute.reason, status: dispute.status };
  if (dispute.closed) deps.events.emit(tx, 'payment.dispute_closed', { ...base, ...detail });
  else deps.events.emit(tx, 'payment.dispute_opened', { ...base, ...detail });
}

/**
 * A provider's own problem passes through; a failure while the provider reports its gateway down (its
 * circuit breaker open) is a 503 with Retry-After; anything else is a 502 that hides the details.
 */
function providerProblem(error: unknown, provider: PaymentProvider): AppError {
  if (error instanceof AppError) return error;
  try {
    requireReachable(provider);
  } catch (unavailable) {
    return unavailable as AppError;
  }
  return PaymentErrors.PAYMENT_PROVIDER_ERROR(`${provider.name} could not be reached or failed; try again`, { cause: error });
}
