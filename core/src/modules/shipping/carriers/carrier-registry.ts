import type { Cradle } from '../../../kernel/container.ts';
import { ContributedRegistry } from '../../../kernel/contributed-registry.ts';
import type { ShippingCarrier } from './shipping-carrier.ts';

/** The installed shipping carriers: the manual ones and those plugins add through the `shipping.carriers` filter. */
export class ShippingCarrierRegistry extends ContributedRegistry<ShippingCarrier> {
  constructor(cradle: Cradle) {
    super(cradle, 'shipping.carriers', 'shipping carrier');
  }

  /** The tracking page of a parcel of an installed carrier that has one (a manual carrier with a URL template); null otherwise. */
  async trackingUrl(carrierId: string | undefined, trackingNumber: string | undefined): Promise<string | null> {
    if (!carrierId || !trackingNumber) return null;
    return (await this.find(carrierId))?.trackingUrl?.(trackingNumber) ?? null;
  }
}
