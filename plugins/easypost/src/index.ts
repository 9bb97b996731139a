import { definePlugin, type Cradle } from '@cartwright/core';
import { EasyPostCarrier } from './easypost.carrier.ts';
import { CreateEasyPostShipmentKeys } from './migrations.ts';
import { EasyPostOptions, resolveOptions } from './options.ts';
import { DatabaseShipmentKeys } from './shipment-keys.ts';

export { EasyPostCarrier, type EasyPostCarrierDependencies } from './easypost.carrier.ts';
export { EasyPostOptions, resolveOptions, DEFAULT_API_BASE, type ResolvedEasyPostOptions } from './options.ts';
export { EasyPostErrors } from './errors.ts';
export { EasyPostClient, EasyPostApiError, appErrorOf, isNetworkFailure } from './easypost-client.ts';
export { DatabaseShipmentKeys, MemoryShipmentKeys, type ShipmentKeyStore } from './shipment-keys.ts';
export { TRACKING_STATUS_OF, EASYPOST_STATUS_OF, trackingStatusOf, reportOf } from './tracking-status.ts';
export { gramsToOunces, centimetresToInches, decimalToMinor, EasyPostAmountError } from './units.ts';
export { signatureOf, verifySignature, SIGNATURE_HEADER } from './webhook-signature.ts';
export type * from './wire.ts';

export const PLUGIN_NAME = '@cartwright/plugin-easypost';

/**
 * Shipping through EasyPost: live rates for carrier-calculated shipping options, labels and return
 * labels, voids, tracking by polling and by tracker webhooks at `/webhooks/<id>` (HMAC-verified).
 * The API key and webhook secret come from the options or from `EASYPOST_API_KEY` and
 * `EASYPOST_WEBHOOK_SECRET`; start-up stops without an API key.
 *
 * @example
 * ```ts
 * easypost({ carrierAccounts: ['ca_…'], services: ['USPS:GroundAdvantage', 'USPS:Priority'], defaultParcel: { lengthCm: 30, widthCm: 20, heightCm: 10 } })
 * ```
 */
export default definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
  options: EasyPostOptions,
  register(api, options) {
    // a missing API key stops start-up here, not at the first label
    resolveOptions(options);
    api.migrations({ name: `${PLUGIN_NAME}/0001-easypost-shipment-keys`, class: CreateEasyPostShipmentKeys });
    // one carrier per plugin instance, however often the filter runs: its in-flight purchases are shared
    let carrier: EasyPostCarrier | undefined;
    api.filter('shipping.carriers', (carriers, context) => {
      const { cradle } = context as { cradle: Cradle };
      carrier ??= new EasyPostCarrier(options, { keys: new DatabaseShipmentKeys(cradle.database), logger: cradle.logger });
      return [...carriers, carrier];
    });
  },
});
