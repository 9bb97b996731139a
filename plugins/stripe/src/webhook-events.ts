import type { PaymentDispute, WebhookOutcome } from '@cartwright/core';
import type Stripe from 'stripe';
import { fromStripeAmount } from './stripe-amounts.ts';
import { resultOf, type PaymentIntentView } from './stripe-status.ts';

const PAYMENT_INTENT_EVENTS = new Set(['payment_intent.succeeded', 'payment_intent.payment_failed', 'payment_intent.canceled', 'payment_intent.amount_capturable_updated']);

const CLOSED_DISPUTE_STATUSES = new Set(['won', 'lost', 'warning_closed', 'prevented']);

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

/**
 * What a verified Stripe event means for a payment; null for an event about no payment of ours or
 * of a type this plugin does not act on (acknowledged, so Stripe stops resending it).
 */
export function outcomeOf(event: Pick<Stripe.Event, 'id' | 'type' | 'data'>): WebhookOutcome | null {
  const object = event.data.object as unknown as Record<string, unknown>;
  if (PAYMENT_INTENT_EVENTS.has(event.type)) {
    const intent = object as unknown as PaymentIntentView;
    return { eventId: event.id, reference: intent.id, result: resultOf(intent) };
  }
  if (event.type === 'charge.refunded') {
    const charge = object as unknown as Stripe.Charge;
    const reference = idOf(charge.payment_intent);
    if (!reference) return null;
    const captured = charge.amount_captured;
    // the charge carries what a PaymentIntent result needs: held, taken and given back
    const result = resultOf({
      id: reference,
      status: 'succeeded',
      amount: charge.amount,
      amount_capturable: 0,
      amount_received: captured,
      currency: charge.currency,
      client_secret: null,
      last_payment_error: null,
      latest_charge: { id: charge.id, amount: charge.amount, amount_refunded: charge.amount_refunded },
    });
    return { eventId: event.id, reference, result };
  }
  if (event.type === 'charge.dispute.created' || event.type === 'charge.dispute.closed') {
    const dispute = object as unknown as Stripe.Dispute;
    const reference = idOf(dispute.payment_intent);
    if (!reference) return null;
    const view: PaymentDispute = {
      id: dispute.id,
      amount: fromStripeAmount(dispute.amount, dispute.currency),
      reason: dispute.reason ?? null,
      status: dispute.status,
      closed: event.type === 'charge.dispute.closed' || CLOSED_DISPUTE_STATUSES.has(dispute.status),
    };
    return { eventId: event.id, reference, dispute: view };
  }
  return null;
}
