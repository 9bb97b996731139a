/**
 * The seam every carrier plugs into: a shipping aggregator (EasyPost), a carrier's own API, or the
 * built-in manual carrier (staff type the tracking number). Core keeps shipments, labels and the
 * tracking history; a carrier only talks to its API and reports what it said. Amounts are integer
 * minor units of `currencyCode`; weights are grams, lengths centimetres.
 *
 * Calls that buy something (`createShipment`) carry an `idempotencyKey` the carrier passes to its
 * API (or honours itself): core retries with the same key, so a retry never buys two labels.
 */
export interface ShippingCarrier {
  /** Stable id, used in config, in shipping options, on fulfillments and in `/webhooks/:id` (`easypost`, `manual`). */
  readonly id: string;
  /** What staff and customers see (`EasyPost`). */
  readonly name: string;
  /** What this carrier can do; the conformance kit checks every claim and core never calls what is not claimed. */
  readonly capabilities: CarrierCapabilities;

  /** Live rates for a parcel between two addresses (for carrier-calculated shipping options). Claimed by `rates`. */
  rates?(request: CarrierRateRequest): Promise<CarrierRate[]>;
  /** Buys a shipment and its label for one service. Claimed by `labels` (and `returns` for `direction: 'return'`). */
  createShipment?(request: CreateShipmentRequest): Promise<CarrierShipment>;
  /** Voids an unused label; `cancelled: false` with a reason when the carrier refuses (already scanned). Replayed with the same key, answers the same. Claimed by `labels`. */
  cancelShipment?(request: { shipmentId: string; idempotencyKey: string }): Promise<{ cancelled: boolean; reason?: string }>;
  /** The tracking history of a shipment, for the polling job. Claimed by `tracking`. */
  track?(request: { trackingNumber: string; shipmentId?: string | null }): Promise<TrackingReport>;
  /**
   * Checks an inbound webhook's authenticity on the raw body and turns it into tracking reports.
   * Throws (`CarrierErrors.CARRIER_WEBHOOK_INVALID`) when it is not authentic; answers [] for
   * events that are not about tracking. Claimed by `webhooks`.
   */
  webhook?(request: { rawBody: Buffer; headers: Record<string, string | string[] | undefined> }): Promise<TrackingReport[]>;
  /**
   * The public tracking page of a tracking number, when the carrier has one without an API call
   * (a URL template); null otherwise.
   */
  trackingUrl?(trackingNumber: string): string | null;
}

export interface CarrierCapabilities {
  rates: boolean;
  labels: boolean;
  /** Return labels (`direction: 'return'`). */
  returns: boolean;
  tracking: boolean;
  webhooks: boolean;
}

/** A postal address as carriers need it. */
export interface CarrierAddress {
  name: string;
  company?: string | null;
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  /** ISO 3166-1 alpha-2. */
  countryCode: string;
  phone?: string | null;
  email?: string | null;
}

export interface Parcel {
  weightGrams: number;
  lengthCm?: number | null;
  widthCm?: number | null;
  heightCm?: number | null;
}

export interface CarrierRateRequest {
  from: CarrierAddress;
  to: CarrierAddress;
  parcel: Parcel;
  /** The currency rates should be answered in when the carrier can choose; a rate in another currency is dropped by core. */
  currencyCode: string;
}

export interface CarrierRate {
  /** The service code to ask `createShipment` for (`UPS:Ground`); stable across calls. */
  service: string;
  /** What customers see (`UPS Ground`). */
  serviceName: string;
  amount: number;
  currencyCode: string;
  minDays: number | null;
  maxDays: number | null;
}

export interface CreateShipmentRequest {
  /** The fulfillment or return the shipment is for; passed to the carrier as its reference. */
  reference: string;
  idempotencyKey: string;
  /** `return`: a label the customer uses to send goods back (from the customer to the store). */
  direction: 'outbound' | 'return';
  from: CarrierAddress;
  to: CarrierAddress;
  parcel: Parcel;
  service: string;
}

export interface CarrierShipment {
  /** The carrier's id of the shipment, for cancel and track. */
  shipmentId: string;
  trackingNumber: string;
  trackingUrl: string | null;
  label: { url: string; format: 'PDF' | 'PNG' | 'ZPL' } | null;
  /** What the label cost the store, when the carrier says. */
  cost: { amount: number; currencyCode: string } | null;
}

/** Where a parcel is, in the words every carrier's statuses map onto. */
export type TrackingStatus = 'pre_transit' | 'in_transit' | 'out_for_delivery' | 'delivered' | 'failure' | 'returned' | 'unknown';

export interface TrackingEvent {
  /** Stable per event across calls and webhooks, so an event reported twice is recorded once. */
  id: string;
  status: TrackingStatus;
  occurredAt: Date;
  description: string;
  location: string | null;
}

export interface TrackingReport {
  trackingNumber: string;
  shipmentId: string | null;
  /** The parcel's latest status. */
  status: TrackingStatus;
  /** Every event the carrier knows, oldest first. */
  events: TrackingEvent[];
  estimatedDeliveryAt: Date | null;
}
