import { definePlugin } from '../../kernel/plugin.ts';
import type { ReturnEventBase } from './return-events.ts';
import { ReturnService } from './return.service.ts';
import { adminReturnRoutes, storeReturnRoutes } from './returns.routes.ts';
import type { ItemCondition, ReturnReason } from './returns.schemas.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    /** Returns and exchanges of delivered lines. */
    returnService: ReturnService;
  }
}

declare module '../../kernel/events/event-map.ts' {
  interface EventMap {
    /** A customer asked to return (or exchange) delivered items. */
    'return.requested': ReturnEventBase & { reason: ReturnReason; items: Array<{ lineId: string; quantity: number }> };
    /** The customer withdrew the request before a decision. */
    'return.cancelled': ReturnEventBase;
    'return.approved': ReturnEventBase & { note: string | null };
    /** The carrier sold the return label the customer sends the parcel with. */
    'return.label_created': ReturnEventBase & { carrierId: string; trackingNumber: string; trackingUrl: string | null; labelUrl: string | null };
    'return.rejected': ReturnEventBase & { note: string };
    /** The goods arrived; `itemsAmount`: what they are worth (decision 0017), minor units. */
    'return.received': ReturnEventBase & { itemsAmount: number; items: Array<{ lineId: string; quantity: number; condition: ItemCondition }> };
    /** The money went back: `amount` = `itemsAmount` + `shippingAmount`. */
    'return.refunded': ReturnEventBase & { amount: number; itemsAmount: number; shippingAmount: number };
    /**
     * The replacements' order is placed: `credit` (the returned items' value) against `replacementValue`;
     * `amountDue` is what the exchange order asks for, `refunded` what went back on the original order.
     */
    'return.exchanged': ReturnEventBase & {
      exchangeOrderId: string;
      exchangeOrderNumber: string;
      credit: number;
      replacementValue: number;
      amountDue: number;
      refunded: number;
    };
  }
}

/** Returns and exchanges of delivered lines: request, approval, return labels, receiving, refunds and exchange orders. */
export const returnsModule = definePlugin({
  name: '@cartwright/core/returns',
  version: '0.1.0',
  register(api) {
    api.service('returnService', (cradle) => new ReturnService(cradle));
    api.routes('/store/orders', storeReturnRoutes);
    api.routes('/admin/returns', adminReturnRoutes);
  },
});

export { ReturnService };
export { ReturnErrors } from './returns.errors.ts';
export { returnedUnitsValue } from './refund-amounts.ts';
export type { ReturnEventBase } from './return-events.ts';
export * as ReturnSchemas from './returns.schemas.ts';
