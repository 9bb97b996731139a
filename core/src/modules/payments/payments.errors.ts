import { defineErrorCodes } from '../../kernel/errors.ts';

export const PaymentErrors = defineErrorCodes({
  PAYMENT_METHOD_UNKNOWN: { status: 422, title: 'No payment method with this id is installed' },
  PAYMENT_METHOD_UNAVAILABLE: { status: 422, title: 'This payment method cannot be used for this order' },
  PAYMENT_NOT_FOUND: { status: 404, title: 'The order has no payment with this id' },
  PAYMENT_ORDER_NOT_PAYABLE: { status: 409, title: 'The order cannot take a payment now: it is already paid, authorized or cancelled' },
  PAYMENT_DECLINED: { status: 402, title: 'The payment was declined' },
  PAYMENT_PROVIDER_ERROR: { status: 502, title: 'The payment provider could not be reached or failed' },
  PAYMENT_PROVIDER_UNAVAILABLE: { status: 503, title: 'The payment provider is down for now; try again after Retry-After seconds' },
  PAYMENT_NOT_CAPTURABLE: { status: 409, title: 'The payment has nothing left to capture in its current status' },
  PAYMENT_CAPTURE_EXCEEDS_AUTHORIZED: { status: 422, title: 'The amount is more than what is left to capture' },
  PAYMENT_NOT_VOIDABLE: { status: 409, title: 'Only an authorized payment with nothing captured can be voided' },
  REFUND_EXCEEDS_CAPTURED: { status: 422, title: 'The amount is more than what was captured and not yet refunded' },
  REFUND_LINE_INVALID: { status: 422, title: 'A refund line names no line of the order, or more units than it holds' },
  PAYMENT_WEBHOOK_PROVIDER_UNKNOWN: { status: 404, title: 'No installed payment provider takes webhooks at this path' },
  PAYMENT_WEBHOOK_INVALID: { status: 400, title: 'The webhook is not authentic: unsigned, badly signed or stale' },
});
