import { createHmac, timingSafeEqual } from 'node:crypto';
import { CarrierErrors, definePlugin, type CarrierRate, type CarrierShipment, type CreateShipmentRequest, type ShippingCarrier, type TrackingEvent, type TrackingReport, type TrackingStatus } from '@cartwright/core';

const SIGNATURE_HEADER = 'x-parcels-signature';

interface StoredShipment {
  shipmentId: string;
  trackingNumber: string;
  request: CreateShipmentRequest;
  cancelled: boolean;
  events: TrackingEvent[];
}

/**
 * An in-memory parcel carrier service: it sells labels (one per idempotency key), voids unused
 * ones, records scans and sends HMAC-signed webhooks about them. What the tests check against.
 */
export class ParcelService {
  readonly secret: string;
  readonly shipments = new Map<string, StoredShipment>();
  readonly #byKey = new Map<string, string>();
  /** Labels actually sold (one per distinct idempotency key). */
  sold = 0;
  /** Next createShipment calls that fail before anything is sold (the carrier is down). */
  failBeforeSelling = 0;
  /** Next createShipment calls that sell the label and then fail to answer (a timeout). */
  failAfterSelling = 0;
  /** Next track calls that fail. */
  failTracking = 0;
  #clock = Date.UTC(2026, 0, 5, 8, 0, 0);

  constructor(secret = 'whsec_parcels_test') {
    this.secret = secret;
  }

  rates(weightGrams: number): CarrierRate[] {
    return [
      { service: 'PARCELS:Ground', serviceName: 'Parcels Ground', amount: 500 + Math.ceil(weightGrams / 100) * 10, currencyCode: 'USD', minDays: 3, maxDays: 5 },
      { service: 'PARCELS:Express', serviceName: 'Parcels Express', amount: 1500 + Math.ceil(weightGrams / 100) * 20, currencyCode: 'USD', minDays: 1, maxDays: 2 },
    ];
  }

  buy(request: CreateShipmentRequest): StoredShipment {
    if (this.failBeforeSelling > 0) {
      this.failBeforeSelling -= 1;
      throw new Error('Parcels API 503: service unavailable');
    }
    if (!this.rates(request.parcel.weightGrams).some((rate) => rate.service === request.service)) throw new Error(`Parcels API 422: unknown service ${request.service}`);
    const known = this.#byKey.get(request.idempotencyKey);
    let shipment = known ? this.shipments.get(known)! : undefined;
    if (!shipment) {
      this.sold += 1;
      const n = String(this.sold).padStart(6, '0');
      shipment = { shipmentId: `shp_parcels_${n}`, trackingNumber: `PRC${n}${request.direction === 'return' ? 'R' : 'O'}`, request, cancelled: false, events: [] };
      this.shipments.set(shipment.shipmentId, shipment);
      this.#byKey.set(request.idempotencyKey, shipment.shipmentId);
      this.scan(shipment.trackingNumber, 'pre_transit', 'Label created');
    }
    if (this.failAfterSelling > 0) {
      this.failAfterSelling -= 1;
      throw new Error('Parcels API: timeout after 30 s');
    }
    return shipment;
  }

  byTrackingNumber(trackingNumber: string): StoredShipment | undefined {
    return [...this.shipments.values()].find((s) => s.trackingNumber === trackingNumber);
  }

  /** A scan of the parcel; later scans happen later. */
  scan(trackingNumber: string, status: TrackingStatus, description: string, location: string | null = null): TrackingEvent {
    const shipment = this.byTrackingNumber(trackingNumber);
    if (!shipment) throw new Error(`no parcel ${trackingNumber}`);
    this.#clock += 60 * 60_000;
    const event = { id: `${trackingNumber}-${shipment.events.length + 1}`, status, occurredAt: new Date(this.#clock), description, location };
    shipment.events.push(event);
    return event;
  }

  report(trackingNumber: string): TrackingReport {
    const shipment = this.byTrackingNumber(trackingNumber);
    if (!shipment) throw new Error(`Parcels API 404: no parcel ${trackingNumber}`);
    return {
      trackingNumber,
      shipmentId: shipment.shipmentId,
      status: shipment.events.at(-1)?.status ?? 'unknown',
      events: shipment.events.map((event) => ({ ...event })),
      estimatedDeliveryAt: null,
    };
  }

  /** The webhook the service sends about a parcel: its whole history, signed. */
  signedWebhook(trackingNumber: string, secret = this.secret): { rawBody: Buffer; headers: Record<string, string> } {
    const report = this.report(trackingNumber);
    const body = JSON.stringify({ type: 'tracker.updated', tracker: { ...report, events: report.events.map((e) => ({ ...e, occurredAt: e.occurredAt.toISOString() })) } });
    return { rawBody: Buffer.from(body), headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: `sha256=${this.sign(body, secret)}` } };
  }

  sign(body: string, secret = this.secret): string {
    return createHmac('sha256', secret).update(body).digest('hex');
  }
}

/** The carrier plugin over the service, as a real plugin would talk to its API. */
export class ParcelsCarrier implements ShippingCarrier {
  readonly id: string;
  readonly name = 'Parcels';
  readonly capabilities: { rates: boolean; labels: boolean; returns: boolean; tracking: boolean; webhooks: boolean };
  readonly service: ParcelService;
  /** Present only when the carrier sends webhooks (a carrier without them is polled). */
  webhook?: (request: { rawBody: Buffer; headers: Record<string, string | string[] | undefined> }) => Promise<TrackingReport[]>;

  constructor(service: ParcelService, options: { id?: string; webhooks?: boolean } = {}) {
    this.service = service;
    this.id = options.id ?? 'parcels';
    const webhooks = options.webhooks ?? true;
    this.capabilities = { rates: true, labels: true, returns: true, tracking: true, webhooks };
    if (webhooks) this.webhook = (request) => this.#verifiedWebhook(request);
  }

  async rates(request: { parcel: { weightGrams: number } }): Promise<CarrierRate[]> {
    return this.service.rates(request.parcel.weightGrams);
  }

  async createShipment(request: CreateShipmentRequest): Promise<CarrierShipment> {
    const shipment = this.service.buy(request);
    return {
      shipmentId: shipment.shipmentId,
      trackingNumber: shipment.trackingNumber,
      trackingUrl: this.trackingUrl(shipment.trackingNumber),
      label: { url: `https://labels.parcels.test/${shipment.shipmentId}.pdf`, format: 'PDF' },
      cost: { amount: this.service.rates(request.parcel.weightGrams).find((rate) => rate.service === request.service)!.amount, currencyCode: 'USD' },
    };
  }

  async cancelShipment(request: { shipmentId: string }): Promise<{ cancelled: boolean; reason?: string }> {
    const shipment = this.service.shipments.get(request.shipmentId);
    if (!shipment) throw new Error(`Parcels API 404: no shipment ${request.shipmentId}`);
    if (shipment.events.some((event) => event.status !== 'pre_transit')) return { cancelled: false, reason: 'the parcel was already scanned' };
    shipment.cancelled = true;
    return { cancelled: true };
  }

  async track(request: { trackingNumber: string }): Promise<TrackingReport> {
    if (this.service.failTracking > 0) {
      this.service.failTracking -= 1;
      throw new Error('Parcels API 500');
    }
    return this.service.report(request.trackingNumber);
  }

  async #verifiedWebhook(request: { rawBody: Buffer; headers: Record<string, string | string[] | undefined> }): Promise<TrackingReport[]> {
    const header = request.headers[SIGNATURE_HEADER];
    const given = (Array.isArray(header) ? header[0] : header)?.replace(/^sha256=/, '') ?? '';
    const expected = this.service.sign(request.rawBody.toString('utf8'));
    if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
      throw CarrierErrors.CARRIER_WEBHOOK_INVALID('The Parcels signature does not match the body');
    }
    const payload = JSON.parse(request.rawBody.toString('utf8')) as { type: string; tracker: TrackingReport & { events: Array<TrackingEvent & { occurredAt: string }> } };
    if (payload.type !== 'tracker.updated') return [];
    const { tracker } = payload;
    return [{ ...tracker, estimatedDeliveryAt: null, events: tracker.events.map((event) => ({ ...event, occurredAt: new Date(event.occurredAt) })) }];
  }

  trackingUrl(trackingNumber: string): string {
    return `https://track.parcels.test/${encodeURIComponent(trackingNumber)}`;
  }
}

/** A plugin installing a carrier in a test store. */
export function carrierPlugin(...carriers: ShippingCarrier[]) {
  return definePlugin({
    name: '@cartwright/test-carriers',
    version: '0.0.0',
    register(api) {
      api.filter('shipping.carriers', (installed) => [...installed, ...carriers]);
    },
  })();
}
