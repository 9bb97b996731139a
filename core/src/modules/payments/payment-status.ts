import type { PaymentStatus } from '../orders/index.ts';
import { canTransition } from '../orders/index.ts';
import type { ProviderPaymentStatus, ProviderResult } from './payment-provider.ts';

/** A payment as the ledger holds it: the provider's cumulative amounts and status. */
export interface PaymentAmounts {
  status: ProviderPaymentStatus;
  amountAuthorized: number;
  amountCaptured: number;
  amountRefunded: number;
}

/**
 * How far along a payment is. A later report may only keep or raise the rank (a webhook about an
 * authorization that arrives after the capture changes nothing); `failed` sits with
 * `requires_action` because a gateway lets the buyer try again after a decline.
 */
const RANK: Record<ProviderPaymentStatus, number> = {
  pending: 0,
  requires_action: 1,
  failed: 1,
  authorized: 2,
  captured: 3,
  partially_refunded: 4,
  refunded: 5,
  voided: 5,
};

const VOIDABLE_FROM = new Set<ProviderPaymentStatus>(['pending', 'requires_action', 'failed', 'authorized']);

/**
 * The payment after a provider's report, never moving backwards: the status only advances, and
 * each cumulative amount only grows (refunds never beyond what was captured).
 */
export function advancePayment(current: PaymentAmounts, reported: ProviderResult): PaymentAmounts {
  let status = current.status;
  if (reported.status === 'voided') {
    if (VOIDABLE_FROM.has(current.status)) status = 'voided';
  } else if (RANK[reported.status] > RANK[current.status] || (RANK[reported.status] === RANK[current.status] && current.status !== 'voided')) {
    status = reported.status;
  }
  const amountCaptured = Math.max(current.amountCaptured, reported.amountCaptured);
  return {
    status,
    amountAuthorized: Math.max(current.amountAuthorized, reported.amountAuthorized),
    amountCaptured,
    amountRefunded: Math.min(amountCaptured, Math.max(current.amountRefunded, reported.amountRefunded)),
  };
}

/** What the order's payments add up to (only attempts that got somewhere count). */
export interface LedgerSums {
  captured: number;
  refunded: number;
  /** Authorized and neither captured nor voided yet. */
  authorizedOpen: number;
  anyVoided: boolean;
}

export function sumLedger(payments: PaymentAmounts[]): LedgerSums {
  const sums: LedgerSums = { captured: 0, refunded: 0, authorizedOpen: 0, anyVoided: false };
  for (const p of payments) {
    sums.captured += p.amountCaptured;
    sums.refunded += p.amountRefunded;
    if (p.status === 'authorized') sums.authorizedOpen += Math.max(0, p.amountAuthorized - p.amountCaptured);
    if (p.status === 'voided') sums.anyVoided = true;
  }
  return sums;
}

/**
 * The order's payment status the ledger implies. Money refunded decides first, then money
 * captured against the total, then open authorizations. `voided` only replaces `authorized`
 * (an order whose authorization was voided); an order that never got past `not_paid` stays there.
 */
export function derivePaymentStatus(current: PaymentStatus, sums: LedgerSums, orderTotal: number): PaymentStatus {
  if (sums.refunded > 0) return sums.refunded >= sums.captured ? 'refunded' : 'partially_refunded';
  if (sums.captured > 0) return sums.captured >= orderTotal ? 'paid' : 'partially_paid';
  if (sums.authorizedOpen > 0) return 'authorized';
  if ((current === 'authorized' || current === 'voided') && sums.anyVoided) return 'voided';
  return current;
}

/**
 * The legal steps from `from` to `to` through the order state machine. A single report can cover
 * more than one step (a webhook saying "refunded" about a payment the ledger last saw authorized:
 * it was captured, then refunded), so the order walks through the capture status first. Throws
 * when no such path exists: the derivation asked for something the state machine forbids, a bug.
 */
export function paymentStatusPath(from: PaymentStatus, to: PaymentStatus, sums: LedgerSums, orderTotal: number): PaymentStatus[] {
  if (from === to) return [];
  if (canTransition('payment', from, to)) return [to];
  const captureStatus: PaymentStatus = sums.captured >= orderTotal ? 'paid' : 'partially_paid';
  if (canTransition('payment', from, captureStatus) && canTransition('payment', captureStatus, to)) return [captureStatus, to];
  throw new Error(`payment status cannot go from ${from} to ${to} (ledger: ${JSON.stringify(sums)}, total ${orderTotal})`);
}
