import type { PluginApi } from '../../../kernel/plugin.ts';
import { ShippingCarrierRegistry } from './carrier-registry.ts';

/** Carriers: the registry, and everything about shipments, labels and tracking through them. */
export function registerCarriers(api: PluginApi): void {
  api.service('shippingCarriers', (cradle) => new ShippingCarrierRegistry(cradle), { lifetime: 'singleton' });
}

export { ShippingCarrierRegistry };
export type * from './shipping-carrier.ts';
