import type { CarrierAddress, CreateShipmentRequest } from '@cartwright/core';
import { EasyPostCarrier, type EasyPostCarrierDependencies, type EasyPostOptions } from '@cartwright/plugin-easypost';
import type { EasyPostStandIn } from '@cartwright/plugin-easypost/testing';

/** EasyPost's own sample addresses (from its docs): accepted by the stand-in and by EasyPost's test mode. */
export const STORE_ADDRESS: CarrierAddress = {
  name: 'EasyPost',
  company: 'Cartwright Test Shop',
  line1: '417 Montgomery Street',
  line2: '5th Floor',
  city: 'San Francisco',
  region: 'CA',
  postalCode: '94104',
  countryCode: 'US',
  phone: '4153334445',
  email: 'support@example.com',
};

export const CUSTOMER_ADDRESS: CarrierAddress = {
  name: 'Dr. Steve Brule',
  line1: '179 N Harbor Dr',
  city: 'Redondo Beach',
  region: 'CA',
  postalCode: '90277',
  countryCode: 'US',
  phone: '8573875756',
  email: 'dr_steve_brule@example.com',
};

/** Plugin options pointing at the stand-in, with retries that do not wait. */
export function standInOptions(standIn: EasyPostStandIn, overrides: EasyPostOptions = {}): EasyPostOptions {
  return { apiKey: standIn.apiKey, webhookSecret: standIn.webhookSecret, apiBase: standIn.url, retries: 2, retryBackoffMs: 0, ...overrides };
}

/** A carrier talking to the stand-in; it never reads secrets from the environment (a live key there must not leak in). */
export function standInCarrier(standIn: EasyPostStandIn, overrides: EasyPostOptions = {}, dependencies: EasyPostCarrierDependencies = {}): EasyPostCarrier {
  return new EasyPostCarrier(standInOptions(standIn, overrides), { env: {}, ...dependencies });
}

let serial = 0;

/** A label request for 500 g in a 30 × 20 × 10 cm box, from the store to the customer, with a fresh key. */
export function labelRequest(overrides: Partial<CreateShipmentRequest> = {}): CreateShipmentRequest {
  serial += 1;
  return {
    reference: `ful_test${serial}`,
    idempotencyKey: `idem-test-${serial}-${Date.now()}`,
    direction: 'outbound',
    from: STORE_ADDRESS,
    to: CUSTOMER_ADDRESS,
    parcel: { weightGrams: 500, lengthCm: 30, widthCm: 20, heightCm: 10 },
    service: 'USPS:Priority',
    ...overrides,
  };
}
