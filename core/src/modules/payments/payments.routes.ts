import type { Actor } from '../../kernel/container.ts';
import { defineRoute, reply } from '../../kernel/http/route.ts';
import { orderCallerOf, requireOrderAccess } from '../orders/index.ts';
import type { PaymentRecord, TransactionRecord } from './payment-records.ts';
import {
  CaptureBody,
  OrderParams,
  OrderPaymentParams,
  PaymentList,
  PaymentMethodsQuery,
  PaymentMethodsView,
  PaymentView,
  RefundBody,
  RefundView,
  StartedPaymentView,
  StartPaymentBody,
  WebhookAck,
  WebhookParams,
} from './payment.schemas.ts';

type Headers = Record<string, string | string[] | undefined>;

const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
};

const userIdOf = (actor: Actor) => (actor.kind === 'user' ? actor.userId : null);

export function paymentView(payment: PaymentRecord & { transactions?: TransactionRecord[] }): PaymentView {
  const money = (amount: number) => ({ amount, currencyCode: payment.currencyCode });
  return {
    id: payment.id,
    orderId: payment.orderId,
    provider: payment.provider,
    status: payment.status,
    amount: money(payment.amount),
    amountAuthorized: money(payment.amountAuthorized),
    amountCaptured: money(payment.amountCaptured),
    amountRefunded: money(payment.amountRefunded),
    reference: payment.reference,
    rawStatus: payment.rawStatus,
    failureReason: payment.failureReason,
    createdAt: payment.createdAt.toISOString(),
    updatedAt: payment.updatedAt.toISOString(),
    ...(payment.transactions
      ? {
          transactions: payment.transactions.map((t) => ({
            id: t.id,
            kind: t.kind,
            amount: money(t.amount),
            status: t.status,
            resultStatus: t.resultStatus,
            rawStatus: t.rawStatus,
            reference: t.reference,
            idempotencyKey: t.idempotencyKey,
            reason: t.reason,
            data: t.data,
            actor: { kind: t.actorKind, id: t.actorId },
            createdAt: t.createdAt.toISOString(),
          })),
        }
      : {}),
  };
}

/** `/store/payment-methods`: what a cart may be paid with. */
export const paymentMethodRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'The payment methods a cart may be paid with, each with its fee or the reason it cannot be chosen',
    description: 'Access as for the cart: a guest sends `X-Cart-Token`, a customer their access token.',
    tags: ['payments'],
    schema: { query: PaymentMethodsQuery, response: { 200: PaymentMethodsView } },
    handler: async ({ actor, headers, query, cradle }) => {
      const cart = await cradle.cartService.view({ userId: userIdOf(actor), cartToken: header(headers, 'x-cart-token') ?? null }, query.cartId);
      const amount = cart.totals.total.amount;
      const countryCode = cart.shippingAddress?.countryCode ?? null;
      const providers = await cradle.paymentProviders.list();
      const refusals = await Promise.all(providers.map((provider) => cradle.shippingOffers.paymentRefusal(cradle.em, cart.shippingOptionId, provider)));
      return {
        cartId: cart.id,
        amount: { amount, currencyCode: cart.currencyCode },
        countryCode,
        items: providers.map((provider, i) => {
          const refusal = refusals[i];
          const availability = refusal
            ? ({ available: false, reason: refusal } as const)
            : provider.availability({ currencyCode: cart.currencyCode, amount, countryCode: countryCode ?? '' });
          return availability.available
            ? { id: provider.id, name: provider.name, available: true, fee: { amount: availability.fee, currencyCode: cart.currencyCode }, reason: null }
            : { id: provider.id, name: provider.name, available: false, fee: null, reason: availability.reason };
        }),
      };
    },
  }),
];

/** `/store/orders/:id/payments`: start or retry paying an order. */
export const storeOrderPaymentRoutes = [
  defineRoute({
    method: 'POST',
    path: '/:id/payments',
    summary: 'Start or retry paying a pending order',
    description:
      'For the order’s customer, or whoever holds a guest order’s token (`X-Order-Token`). Answers what the storefront needs to continue ' +
      '(`clientData`: a client secret, a gateway payload). 409 `PAYMENT_ORDER_NOT_PAYABLE` when the order is already paid, authorized or cancelled; ' +
      '402 `PAYMENT_DECLINED` when the provider refuses it (the order stays pending: try again). Send `Idempotency-Key` to make a retried request the same attempt.',
    tags: ['payments'],
    schema: { params: OrderParams, body: StartPaymentBody, response: { 201: StartedPaymentView } },
    handler: async ({ actor, headers, params, body, cradle }) => {
      await requireOrderAccess(cradle.em, params.id, orderCallerOf(actor, headers));
      const key = header(headers, 'idempotency-key');
      const started = await cradle.paymentService.start(params.id, body.method, body.paymentData ?? {}, key ? { idempotencyKey: `store:${params.id}:${key}` } : {});
      return reply(201, started);
    },
  }),
];

/** `/webhooks/:provider`: inbound provider webhooks. */
export const webhookRoutes = [
  defineRoute({
    method: 'POST',
    path: '/:provider',
    summary: 'An inbound webhook of a payment provider or a shipping carrier',
    description:
      'Verified by the provider on the raw body: 400 `PAYMENT_WEBHOOK_INVALID` and nothing changes when it is not authentic. Each event id is applied once; ' +
      'a payment never moves backwards (a late "authorized" after "captured" changes nothing). A `:provider` that is the id of an installed ' +
      'carrier claiming webhooks is a carrier’s tracking update instead (400 `CARRIER_WEBHOOK_INVALID`; see docs/plugins/carriers.md), and one of an ' +
      'installed notification channel claiming webhooks is a delivery report (400 `NOTIFICATION_WEBHOOK_INVALID`; see docs/admin/notifications.md).',
    tags: ['payments'],
    rawBody: true,
    schema: { params: WebhookParams, response: { 200: WebhookAck } },
    handler: async ({ params, headers, rawBody, cradle }) => {
      const carrier = await cradle.shippingCarriers.find(params.provider);
      if (carrier?.capabilities.webhooks) return { received: true, ...(await cradle.carrierTracking.handleWebhook(carrier, { rawBody: rawBody ?? Buffer.alloc(0), headers })) };
      const channel = await cradle.notificationChannels.find(params.provider);
      if (channel?.capabilities.webhooks && channel.webhook) return { received: true, ...(await cradle.notificationDelivery.handleWebhook(channel, { rawBody: rawBody ?? Buffer.alloc(0), headers })) };
      const outcome = await cradle.paymentService.handleWebhook(params.provider, { rawBody: rawBody ?? Buffer.alloc(0), headers });
      return { received: true, ...outcome };
    },
  }),
];

/** `/admin/orders/:id/…`: the payment ledger, refunds and captures. */
export const adminPaymentRoutes = [
  defineRoute({
    method: 'GET',
    path: '/:id/payments',
    summary: 'The order’s payment ledger: every attempt and every provider call',
    tags: ['payments', 'admin'],
    access: { permission: 'orders:read' },
    schema: { params: OrderParams, response: { 200: PaymentList } },
    handler: async ({ params, cradle }) => {
      const payments = await cradle.paymentService.ledger(params.id);
      return { items: payments.map(paymentView), count: payments.length };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/refunds',
    summary: 'Refund money captured for the order',
    description:
      'Never more than captured and not yet refunded (422 `REFUND_EXCEEDS_CAPTURED` with `refundable`). `lines` records which order lines it is for. ' +
      'Send `Idempotency-Key` so that a retried request is the same refund.',
    tags: ['payments', 'admin'],
    access: { permission: 'orders:refund' },
    schema: { params: OrderParams, body: RefundBody, response: { 201: RefundView } },
    handler: async ({ params, body, headers, cradle }) => {
      const order = await cradle.orderService.get(cradle.em, params.id);
      const key = header(headers, 'idempotency-key');
      const result = await cradle.paymentService.refund(params.id, {
        amount: body.amount,
        reason: body.reason,
        ...(body.lines ? { lines: body.lines } : {}),
        ...(key ? { idempotencyKey: key } : {}),
      });
      return reply(201, { refunded: { amount: result.refunded, currencyCode: order?.currencyCode ?? '' }, payments: result.payments.map(paymentView) });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/payments/:paymentId/capture',
    summary: 'Capture an authorized payment, or record cash collected for cash on delivery',
    description: 'Default amount: all that is left to capture. The member of staff calling is recorded as who collected it. Send `Idempotency-Key` so that a retry is the same capture.',
    tags: ['payments', 'admin'],
    access: { permission: 'orders:write' },
    schema: { params: OrderPaymentParams, body: CaptureBody, response: { 200: PaymentView } },
    handler: async ({ params, body, headers, cradle }) => {
      const key = header(headers, 'idempotency-key');
      const payment = await cradle.paymentService.capture(params.id, {
        paymentId: params.paymentId,
        ...(body.amount !== undefined ? { amount: body.amount } : {}),
        ...(key ? { idempotencyKey: key } : {}),
      });
      return paymentView(payment);
    },
  }),
];
