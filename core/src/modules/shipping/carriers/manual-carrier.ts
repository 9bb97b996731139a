import type { CarrierCapabilities, ShippingCarrier } from './shipping-carrier.ts';

/** A carrier configured in `shipping.manualCarriers`. */
export interface ManualCarrierConfig {
  id: string;
  name: string;
  /** `https://…{trackingNumber}…`; absent: typed tracking numbers get no link. */
  trackingUrl?: string | undefined;
}

const NOTHING: CarrierCapabilities = { rates: false, labels: false, returns: false, tracking: false, webhooks: false };

/**
 * A carrier without an API: staff hand the parcel over and type its tracking number. It buys
 * nothing and tracks nothing; with a URL template it turns a tracking number into a link. The
 * built-in one has the id `manual`; each entry of `shipping.manualCarriers` is one more.
 */
export class ManualCarrier implements ShippingCarrier {
  readonly id: string;
  readonly name: string;
  readonly capabilities = NOTHING;
  readonly #template: string | undefined;

  constructor(config: ManualCarrierConfig = { id: 'manual', name: 'Manual' }) {
    this.id = config.id;
    this.name = config.name;
    this.#template = config.trackingUrl;
  }

  trackingUrl(trackingNumber: string): string | null {
    return this.#template ? this.#template.replaceAll('{trackingNumber}', encodeURIComponent(trackingNumber)) : null;
  }
}

/** The built-in carrier and the configured ones, as the registry starts with them. */
export function manualCarriers(configured: readonly ManualCarrierConfig[]): ManualCarrier[] {
  return [new ManualCarrier(), ...configured.map((config) => new ManualCarrier(config))];
}
