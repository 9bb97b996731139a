import { definePlugin } from '../../kernel/plugin.ts';
import { InventoryService } from './inventory.service.ts';
import { ReservationService } from './reservation.service.ts';
import { inventoryRoutes } from './inventory.routes.ts';
import { TrackedAvailability } from './tracked-availability.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    inventoryService: InventoryService;
    /** Holds stock for an order or cart, all lines or none; releases or sells what a reference holds. */
    reservationService: ReservationService;
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
  }
}

/** Stock locations, stock levels and their ledger: `/admin/inventory`, and the catalog's availability. */
export const inventoryModule = definePlugin({
  name: '@cartwright/core/inventory',
  version: '0.1.0',
  register(api) {
    api.service('variantAvailability', () => new TrackedAvailability(), { lifetime: 'singleton' });
    api.service('inventoryService', (cradle) => new InventoryService(cradle));
    api.service('reservationService', (cradle) => new ReservationService(cradle));
    api.routes('/admin/inventory', inventoryRoutes);
  },
});

export { InventoryService, ReservationService, TrackedAvailability };
export type { ReservationLine, ReserveResult, SettleResult } from './reservation.service.ts';
export { InventoryErrors } from './inventory.errors.ts';
export { applyStockChange, MOVEMENT_REASONS, type MovementReason, type StockChange, type StockChangeResult } from './stock-ledger.ts';
