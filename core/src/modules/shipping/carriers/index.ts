import type { PluginApi } from '../../../kernel/plugin.ts';
import { ShippingCarrierRegistry } from './carrier-registry.ts';
import { manualCarriers, ManualCarrier } from './manual-carrier.ts';
import { ShipmentService } from './shipments.ts';
import type { TrackingStatus } from './shipping-carrier.ts';
import { TrackingService } from './tracking.ts';

declare module '../../../kernel/container.ts' {
  interface Cradle {
    /** Labels for fulfillments, bought through carriers (recorded before the call, retried with the same key). */
    carrierShipments: ShipmentService;
    /** Tracking reports from carriers (webhooks and polling) applied to fulfillments. */
    carrierTracking: TrackingService;
  }
}

interface TrackedParcel {
  orderId: string;
  number: string;
  customerId: string | null;
  email: string;
  fulfillmentId: string;
  /** The installed carrier's id. */
  carrier: string;
  trackingNumber: string;
  trackingUrl: string | null;
}

declare module '../../../kernel/events/event-map.ts' {
  interface EventMap {
    /** A carrier reported a new tracking event of a fulfillment's parcel (each event once). */
    'fulfillment.tracking_updated': TrackedParcel & { status: TrackingStatus; description: string; location: string | null; occurredAt: string };
    /** A carrier reported a parcel of the order out for delivery. */
    'order.out_for_delivery': TrackedParcel;
  }
}

/** Tracking of parcels by carriers that claim `tracking`: how often the polling job runs. */
export const POLL_TRACKING_JOB = 'carriers.poll-tracking';

/** Carriers: the registry, and everything about shipments, labels and tracking through them. */
export function registerCarriers(api: PluginApi): void {
  api.service('shippingCarriers', (cradle) => new ShippingCarrierRegistry(cradle), { lifetime: 'singleton' });
  api.service('carrierShipments', (cradle) => new ShipmentService(cradle));
  api.service('carrierTracking', (cradle) => new TrackingService(cradle));
  // first, so plugins' carriers come after the built-in ones and a clash with `manual` names the plugin's
  api.filter('shipping.carriers', (carriers) => [...manualCarriers(api.config.shipping.manualCarriers), ...carriers], { priority: 0 });
  api.subscribe('order.cancelled', 'void-cancelled-labels', async (event, { cradle }) => {
    await cradle.carrierShipments.voidCancelled(event.payload.orderId);
  });
  api.job(
    POLL_TRACKING_JOB,
    async (_data, { cradle, logger }) => {
      const { asked, failed } = await cradle.carrierTracking.poll();
      if (asked) logger.info({ asked, failed }, 'asked carriers about parcels on their way');
    },
    { every: '15 minutes' },
  );
}

export { ShippingCarrierRegistry, ManualCarrier, ShipmentService, TrackingService };
export { CarrierErrors } from './carriers.errors.ts';
export type { LabelRequest, PlannedLabel, ShipmentStatus } from './shipments.ts';
export type * from './shipping-carrier.ts';
export { carrierAddressOf, originAddress, type PostalAddressFields } from './carrier-addresses.ts';
