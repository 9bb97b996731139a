import type { ProviderPaymentStatus, ProviderResult } from '@cartwright/core';
import type Stripe from 'stripe';
import { fromStripeAmount } from './stripe-amounts.ts';

/** The parts of a PaymentIntent a result is made from (a webhook's copy or an API answer). */
export type PaymentIntentView = Pick<Stripe.PaymentIntent, 'id' | 'status' | 'amount' | 'amount_capturable' | 'amount_received' | 'currency' | 'client_secret' | 'last_payment_error'> & {
  latest_charge?: string | Pick<Stripe.Charge, 'id' | 'amount' | 'amount_refunded'> | null;
};

/**
 * A PaymentIntent as core's ProviderResult. Amounts stay cumulative across a payment's life:
 * authorized is what was held (`amount_capturable` while it waits for capture, then the charge's
 * amount, which a partial capture does not lower); captured is `amount_received`; refunded is the
 * charge's `amount_refunded` (so `latest_charge` must be expanded for it to show).
 */
export function resultOf(intent: PaymentIntentView, clientData?: Record<string, unknown>): ProviderResult {
  const currency = intent.currency;
  const charge = typeof intent.latest_charge === 'object' ? intent.latest_charge : null;
  const captured = fromStripeAmount(intent.amount_received ?? 0, currency);
  const refunded = Math.min(captured, fromStripeAmount(charge?.amount_refunded ?? 0, currency));
  let authorized = 0;
  if (intent.status === 'requires_capture') authorized = fromStripeAmount(intent.amount_capturable + intent.amount_received, currency);
  else if (intent.status === 'succeeded') authorized = Math.max(captured, fromStripeAmount(charge?.amount ?? intent.amount, currency));
  else if (intent.status === 'canceled' || intent.status === 'processing') authorized = captured;
  const status = statusOf(intent, captured, refunded);
  const failureReason = status === 'failed' ? (intent.last_payment_error?.decline_code ?? intent.last_payment_error?.code ?? 'payment_failed') : undefined;
  return {
    status,
    reference: intent.id,
    amountAuthorized: authorized,
    amountCaptured: captured,
    amountRefunded: refunded,
    rawStatus: intent.status,
    ...(failureReason ? { failureReason } : {}),
    ...(clientData && (status === 'pending' || status === 'requires_action') ? { clientData } : {}),
  };
}

function statusOf(intent: PaymentIntentView, captured: number, refunded: number): ProviderPaymentStatus {
  switch (intent.status) {
    case 'requires_action':
      return 'requires_action';
    case 'requires_capture':
      return 'authorized';
    case 'succeeded':
      if (refunded > 0) return refunded >= captured ? 'refunded' : 'partially_refunded';
      return 'captured';
    case 'canceled':
      return 'voided';
    case 'requires_payment_method':
      // Stripe puts a declined PaymentIntent back to requires_payment_method with the error kept
      return intent.last_payment_error ? 'failed' : 'pending';
    default:
      // requires_confirmation, processing
      return 'pending';
  }
}
