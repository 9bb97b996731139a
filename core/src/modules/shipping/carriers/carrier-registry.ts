import type { Cradle } from '../../../kernel/container.ts';
import type { ShippingCarrier } from './shipping-carrier.ts';

/**
 * The installed shipping carriers. Plugins add theirs through the `shipping.carriers` filter (the
 * built-in manual carrier is always there); they are collected once, on first use, and two with the
 * same id stop the store with a message naming it rather than one silently hiding the other.
 */
export class ShippingCarrierRegistry {
  readonly #cradle: Pick<Cradle, 'hooks'> & { readonly self: Cradle };
  #loaded: Promise<Map<string, ShippingCarrier>> | undefined;

  constructor(cradle: Cradle) {
    this.#cradle = { hooks: cradle.hooks, self: cradle };
  }

  async list(): Promise<ShippingCarrier[]> {
    return [...(await this.#carriers()).values()];
  }

  async find(id: string): Promise<ShippingCarrier | undefined> {
    return (await this.#carriers()).get(id);
  }

  /** The tracking page of a parcel of an installed carrier that has one (a manual carrier with a URL template); null otherwise. */
  async trackingUrl(carrierId: string | undefined, trackingNumber: string | undefined): Promise<string | null> {
    if (!carrierId || !trackingNumber) return null;
    return (await this.find(carrierId))?.trackingUrl?.(trackingNumber) ?? null;
  }

  #carriers(): Promise<Map<string, ShippingCarrier>> {
    this.#loaded ??= this.#collect();
    return this.#loaded;
  }

  async #collect(): Promise<Map<string, ShippingCarrier>> {
    const carriers = await this.#cradle.hooks.run('shipping.carriers', [], { cradle: this.#cradle.self });
    const byId = new Map<string, ShippingCarrier>();
    for (const carrier of carriers) {
      if (byId.has(carrier.id)) throw new Error(`Two shipping carriers have the id "${carrier.id}": give each plugin instance its own id`);
      byId.set(carrier.id, carrier);
    }
    return byId;
  }
}
