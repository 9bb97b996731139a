import { definePlugin } from '../../kernel/plugin.ts';
import type { Cradle } from '../../kernel/container.ts';
import type { PaymentProvider } from './payment-provider.ts';
import { PaymentProviderRegistry } from './payment-provider-registry.ts';
import { PaymentService } from './payment.service.ts';
import { adminPaymentRoutes, paymentMethodRoutes, storeOrderPaymentRoutes, webhookRoutes } from './payments.routes.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    /** The installed payment providers, collected once from the `payments.providers` hook. */
    paymentProviders: PaymentProviderRegistry;
    /** The payment ledger of orders: starts, captures, refunds, voids, webhooks. */
    paymentService: PaymentService;
  }
}

interface PaymentEventBase {
  paymentId: string;
  orderId: string;
  /** The provider id (`cod`, `stripe`). */
  provider: string;
  currencyCode: string;
}

interface PaymentDisputeDetail {
  disputeId: string;
  amount: number;
  reason: string | null;
  status: string;
}

declare module '../../kernel/events/event-map.ts' {
  interface EventMap {
    /** `amount`: what is now authorized. */
    'payment.authorized': PaymentEventBase & { amount: number };
    /** `amount`: this capture; `totalCaptured`: the payment's captured total now. */
    'payment.captured': PaymentEventBase & { amount: number; totalCaptured: number };
    /** An attempt failed (declined, or the provider failed); the order stays as it was. */
    'payment.failed': PaymentEventBase & { reason: string };
    'payment.refunded': PaymentEventBase & { amount: number; totalRefunded: number; reason: string };
    /** `amount`: the authorization released (0 for an attempt that never got one). */
    'payment.voided': PaymentEventBase & { amount: number };
    /** A chargeback was opened at the gateway: staff must respond there. */
    'payment.dispute_opened': PaymentEventBase & PaymentDisputeDetail;
    /** A chargeback is over: `status` says how (`won`, `lost`). */
    'payment.dispute_closed': PaymentEventBase & PaymentDisputeDetail;
  }
}

declare module '../../kernel/events/hooks.ts' {
  interface HookMap {
    /**
     * The payment providers of the store. A payment plugin appends its own:
     *
     * ```ts
     * api.filter('payments.providers', (providers, { cradle }) => [...providers, new StripeProvider(options, cradle.logger)]);
     * ```
     */
    'payments.providers': { value: PaymentProvider[]; context: { cradle: Cradle } };
  }
}

/** Payments: the provider registry, the ledger of attempts and transactions, webhooks, refunds and captures. */
export const paymentsModule = definePlugin({
  name: '@cartwright/core/payments',
  version: '0.1.0',
  register(api) {
    api.service('paymentProviders', (cradle) => new PaymentProviderRegistry(cradle), { lifetime: 'singleton' });
    api.service('paymentService', (cradle) => new PaymentService(cradle));
    api.routes('/store/payment-methods', paymentMethodRoutes);
    api.routes('/store/orders', storeOrderPaymentRoutes);
    api.routes('/webhooks', webhookRoutes);
    api.routes('/admin/orders', adminPaymentRoutes);
    // cash on delivery and the like: the money is collected when the goods arrive
    api.subscribe('order.delivered', 'capture-on-delivery', async (event, { cradle }) => {
      await cradle.paymentService.captureOnDelivery(event.payload.orderId, { kind: 'system', name: 'payments/capture-on-delivery' });
    });
    // authorized at checkout, taken when the goods leave (Stripe's manual capture)
    api.subscribe('order.shipped', 'capture-on-shipment', async (event, { cradle }) => {
      await cradle.paymentService.captureOnShipment(event.payload.orderId, { kind: 'system', name: 'payments/capture-on-shipment' });
    });
  },
});

export { PaymentService, PaymentProviderRegistry };
export type { StartedPayment, RefundLine, PaymentWithTransactions } from './payment.service.ts';
export type { MoneyMoved } from './payment-outcome.ts';
export type { PaymentRecord, TransactionRecord, TransactionKind, TransactionStatus } from './payment-records.ts';
export { PaymentErrors } from './payments.errors.ts';
export { requireReachable } from './payment.service.ts';
export { advancePayment, derivePaymentStatus, paymentStatusPath, sumLedger } from './payment-status.ts';
export { paymentView } from './payments.routes.ts';
export type * from './payment-provider.ts';
export { PaymentWebhookError } from './payment-provider.ts';
