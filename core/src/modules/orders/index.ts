import { definePlugin } from '../../kernel/plugin.ts';
import { OrderService } from './order.service.ts';
import { adminOrderRoutes } from './admin-orders.routes.ts';
import { myOrderRoutes, storeOrderRoutes } from './store-orders.routes.ts';
import { adminOrderAttachmentRoutes, storeOrderAttachmentRoutes } from './order-attachments.routes.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    /** Places orders and moves their statuses; every write joins the caller's transaction. */
    orderService: OrderService;
  }
}

interface OrderEventBase {
  orderId: string;
  number: string;
  customerId: string | null;
  email: string;
}

declare module '../../kernel/events/event-map.ts' {
  interface EventMap {
    'order.placed': OrderEventBase & { total: number; currencyCode: string; paymentMethod: string; vendorIds: string[] };
    /** Any change of the order, payment or fulfillment status, with each change's from and to. */
    'order.status_changed': OrderEventBase & { changes: Array<{ kind: 'order' | 'payment' | 'fulfillment'; from: string; to: string }> };
    'order.confirmed': OrderEventBase;
    'order.cancelled': OrderEventBase;
    'order.completed': OrderEventBase;
    'order.shipped': OrderEventBase;
    'order.delivered': OrderEventBase;
    /** Staff changed the lines before anything was paid or packed; totals in minor units. */
    'order.edited': OrderEventBase & { oldTotal: number; newTotal: number; reason: string };
  }
}

/** Orders: placed by checkout, with their statuses, timeline, and the customer's and admin's views. */
export const ordersModule = definePlugin({
  name: '@cartwright/core/orders',
  version: '0.1.0',
  register(api) {
    api.service('orderService', (cradle) => new OrderService(cradle));
    api.routes('/store/orders', storeOrderRoutes);
    api.routes('/store/me/orders', myOrderRoutes);
    api.routes('/admin/orders', adminOrderRoutes);
    api.routes('/store/orders', storeOrderAttachmentRoutes(api.config.media));
    api.routes('/admin/orders', adminOrderAttachmentRoutes(api.config.media));
    // an unpaid order whose stock hold lapsed is cancelled; confirmed orders keep theirs (OrderService.transition)
    api.subscribe('inventory.reservation_expired', 'cancel-expired-orders', async (event, { cradle }) => {
      await cradle.orderService.cancelUnpaidExpired(event.payload.reference);
    });
  },
});

export { OrderService };
export { OrderErrors } from './orders.errors.ts';
export { orderCallerOf, orderScope, requireOrderAccess, ORDER_READ_ACCESS, ORDER_WRITE_ACCESS, type OrderCaller } from './order-access.ts';
export { loadOrderDetail, listOrders, type OrderScope, type OrderAudience } from './order-views.ts';
export { derivedFulfillmentStatus, advanceFulfillmentByCarrier } from './order-fulfillment.ts';
export { requireOrderAttachments, attachToOrder, type AttachmentPurpose } from './order-attachments.ts';
export type { CancelSettlement } from './order.service.ts';
export type { CancelledBy } from './order-cancellation.ts';
export * as OrderSchemas from './order.schemas.ts';
export { canTransition, ORDER_TRANSITIONS, PAYMENT_TRANSITIONS, FULFILLMENT_TRANSITIONS, ORDER_STATUSES, PAYMENT_STATUSES, FULFILLMENT_STATUSES } from './order-states.ts';
export type { OrderRecord, StatusChange } from './order-records.ts';
export type * from './order.types.ts';
