import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import { formatDecimal } from '../money/index.ts';
import type { OrderRecord, PaymentStatus } from '../orders/index.ts';
import type { PaymentProvider, ProviderPaymentStatus, ProviderResult } from './payment-provider.ts';
import { updatePayment, type PaymentRecord } from './payment-records.ts';
import { advancePayment, derivePaymentStatus, paymentStatusPath, sumLedger, type PaymentAmounts } from './payment-status.ts';

export type OutcomeDeps = Pick<Cradle, 'events' | 'logger' | 'orderService'>;

/** How much one outcome moved, in minor units of the payment's currency. */
export interface MoneyMoved {
  captured: number;
  refunded: number;
  voided: number;
}

/** The authorization still open on a payment (nothing once captured or voided). */
export function openAuthorization(payment: PaymentAmounts): number {
  return payment.status === 'authorized' ? Math.max(0, payment.amountAuthorized - payment.amountCaptured) : 0;
}

/** Applies a provider's report to a payment (forward only), then the order's statuses, timeline and events. */
export async function applyProviderResult(
deps: OutcomeDeps,
  tx: EntityManager,
  order: OrderRecord,
  payments: PaymentRecord[],
  payment: PaymentRecord,
  provider: PaymentProvider,
  result: ProviderResult,
  options: { reason?: string | undefined; failsPayment: boolean },
): Promise<MoneyMoved & { changed: boolean; status: ProviderPaymentStatus; order: OrderRecord }> {
  const reported = !options.failsPayment && result.status === 'failed' ? { ...result, status: payment.status } : result;
  const next = advancePayment(payment, reported);
  const changed =
    next.status !== payment.status ||
    next.amountAuthorized !== payment.amountAuthorized ||
    next.amountCaptured !== payment.amountCaptured ||
    next.amountRefunded !== payment.amountRefunded;
  await updatePayment(tx, payment.id, {
    ...next,
    reference: result.reference ?? payment.reference,
    rawStatus: result.rawStatus,
    failureReason: next.status === 'failed' ? (result.failureReason ?? payment.failureReason ?? 'failed') : payment.failureReason ?? undefined,
    clientData: result.clientData,
  });
  const moved: MoneyMoved = {
    captured: next.amountCaptured - payment.amountCaptured,
    refunded: next.amountRefunded - payment.amountRefunded,
    voided: next.status === 'voided' && payment.status !== 'voided' ? openAuthorization(payment) : 0,
  };
  const payOnDelivery = provider.confirmsOrderBeforePayment === true && next.status === 'pending' && order.status === 'pending';
  if (!changed && !payOnDelivery) return { ...moved, changed, status: next.status, order };

  const updated = payments.map((p) => (p.id === payment.id ? { ...p, ...next } : p));
  const base = { paymentId: payment.id, orderId: order.id, provider: provider.id, currencyCode: payment.currencyCode };
  const money = (amount: number) => `${formatDecimal(amount, payment.currencyCode)} ${payment.currencyCode}`;
  const entries: string[] = [];
  const emit = deps.events.emit.bind(deps.events);
  if (next.status === 'authorized' && payment.status !== 'authorized') {
    emit(tx, 'payment.authorized', { ...base, amount: next.amountAuthorized });
    entries.push(`${money(next.amountAuthorized)} authorized`);
  }
  if (moved.captured > 0) {
    emit(tx, 'payment.captured', { ...base, amount: moved.captured, totalCaptured: next.amountCaptured });
    entries.push(`${money(moved.captured)} captured`);
  }
  if (moved.refunded > 0) {
    emit(tx, 'payment.refunded', { ...base, amount: moved.refunded, totalRefunded: next.amountRefunded, reason: options.reason ?? '' });
    entries.push(`${money(moved.refunded)} refunded${options.reason ? ` (${options.reason})` : ''}`);
  }
  if (next.status === 'voided' && payment.status !== 'voided') {
    emit(tx, 'payment.voided', { ...base, amount: moved.voided });
    entries.push('voided');
  }
  if (next.status === 'failed' && payment.status !== 'failed') {
    emit(tx, 'payment.failed', { ...base, reason: result.failureReason ?? result.rawStatus });
    entries.push(`failed${result.failureReason ? `: ${result.failureReason}` : ''}`);
  }
  if (next.status === 'requires_action' && payment.status !== 'requires_action') entries.push('waiting for the buyer (requires action)');
  if (payOnDelivery) entries.push(`${money(payment.amount)} to be paid on delivery`);
  const message = `Payment ${payment.id} by ${provider.name}: ${entries.join(', ') || next.status}`;
  const after = await syncOrder(deps, tx, order, updated, provider, next, {
    kind: `payment.${next.status}`,
    message,
    visibleToCustomer: true,
    data: { paymentId: payment.id, provider: provider.id, status: next.status, ...moved },
  });
  return { ...moved, changed, status: next.status, order: after };
}

/** Moves the order's payment status to what the ledger now implies (through legal steps only) and confirms it when paid for; answers the order after. */
async function syncOrder(
deps: OutcomeDeps,
  tx: EntityManager,
  order: OrderRecord,
  payments: PaymentAmounts[],
  provider: PaymentProvider,
  payment: PaymentAmounts,
  entry: { kind: string; message: string; visibleToCustomer: boolean; data: Record<string, unknown> },
): Promise<OrderRecord> {
  const sums = sumLedger(payments);
  const target = derivePaymentStatus(order.paymentStatus, sums, order.total);
  let path: PaymentStatus[];
  try {
    path = paymentStatusPath(order.paymentStatus, target, sums, order.total);
  } catch (error) {
    // Only reachable when a gateway reports money moving on an order whose payment status is
    // final (a late capture of a second attempt after the order was voided or refunded). The
    // ledger must keep what the gateway did (throwing would lose a webhook), so the order keeps
    // its status and staff are told on its timeline.
    deps.logger.error({ err: error, orderId: order.id }, 'payment ledger and order payment status disagree: needs attention');
    await deps.orderService.addTimeline(tx, order.id, {
      ...entry,
      visibleToCustomer: false,
      message: `${entry.message}. Needs attention: the ledger implies payment ${target}, which the order cannot move to from ${order.paymentStatus}`,
      data: { ...entry.data, needsAttention: true, ledgerStatus: target },
    });
    return order;
  }
  const paidFor =
    payment.status === 'authorized' || payment.status === 'captured' || (provider.confirmsOrderBeforePayment === true && payment.status === 'pending');
  const confirm = order.status === 'pending' && paidFor;
  if (!path.length) {
    if (confirm) return deps.orderService.transition(tx, order.id, { order: 'confirmed' }, entry);
    await deps.orderService.addTimeline(tx, order.id, entry);
    return order;
  }
  let after = order;
  for (const [index, step] of path.entries()) {
    const last = index === path.length - 1;
    after = await deps.orderService.transition(tx, order.id, { payment: step, ...(last && confirm ? { order: 'confirmed' as const } : {}) }, entry);
  }
  return after;
}
