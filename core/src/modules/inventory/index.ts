import { definePlugin } from '../../kernel/plugin.ts';
import { InventoryService } from './inventory.service.ts';
import { ReservationService } from './reservation.service.ts';
import { inventoryRoutes } from './inventory.routes.ts';
import { TrackedAvailability } from './tracked-availability.ts';
import { StockSubscriptionService } from './stock-subscription.service.ts';
import { backInStockRoutes } from './back-in-stock.routes.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    inventoryService: InventoryService;
    /** Holds stock for an order (checkout reserves under the order's id), all lines or none; releases or sells what a reference holds. */
    reservationService: ReservationService;
    /** Back-in-stock subscriptions (`POST /store/products/:id/notify-me`). */
    stockSubscriptionService: StockSubscriptionService;
  }
}

declare module '../../kernel/events/event-map.ts' {
  interface EventMap {
    /** Available stock at a location fell from above its threshold to at or below it (once per crossing). */
    'inventory.low_stock': {
      variantId: string;
      productId: string;
      sku: string;
      locationId: string;
      available: number;
      threshold: number;
      vendorId: string | null;
    };
    /**
     * A reservation passed its deadline and `inventory.expire-reservations` released it (emitted in the
     * same transaction). `reference` is what reserved it: an order id for an order awaiting payment.
     */
    'inventory.reservation_expired': { reference: string };
    /**
     * A variant that could not be bought (no stock at any location, no backorders) can be again; one
     * event per waiting subscription, which is marked notified in the same transaction.
     */
    'inventory.back_in_stock': {
      subscriptionId: string;
      variantId: string;
      productId: string;
      sku: string;
      productTitle: string;
      email: string;
      /** The subscriber's account when they subscribed signed in. */
      userId: string | null;
      /** Units available over all locations after the change. */
      available: number;
    };
  }
}

/** Releases reservations past their deadline (`ReservationService.expireDue`). */
export const EXPIRE_RESERVATIONS_JOB = 'inventory.expire-reservations';

/** Stock locations, stock levels and their ledger: `/admin/inventory`, the catalog's availability, back-in-stock subscriptions. */
export const inventoryModule = definePlugin({
  name: '@cartwright/core/inventory',
  version: '0.1.0',
  register(api) {
    api.service('variantAvailability', () => new TrackedAvailability(), { lifetime: 'singleton' });
    api.service('inventoryService', (cradle) => new InventoryService(cradle));
    api.service('reservationService', (cradle) => new ReservationService(cradle));
    api.service('stockSubscriptionService', (cradle) => new StockSubscriptionService(cradle));
    api.routes('/admin/inventory', inventoryRoutes);
    api.routes('/store/products', backInStockRoutes);
    api.job(EXPIRE_RESERVATIONS_JOB, async (_data, { em, cradle, logger }) => {
      const expired = await cradle.reservationService.expireDue(em);
      if (expired.references.length > 0) logger.info({ references: expired.references.length, units: expired.units }, 'released expired stock reservations');
    }, { every: '1 minute' });
  },
});

export { InventoryService, ReservationService, StockSubscriptionService, TrackedAvailability };
export type { CommitLinesResult, ExpiryResult, ReservationLine, ReserveResult, SettleResult } from './reservation.service.ts';
export type { StockSubscriptionView } from './stock-subscription.service.ts';
export { InventoryErrors } from './inventory.errors.ts';
export { applyStockChange, MOVEMENT_REASONS, type MovementReason, type StockChange, type StockChangeResult } from './stock-ledger.ts';
