import {
  CarrierErrors,
  type CarrierAddress,
  type CarrierCapabilities,
  type CarrierRate,
  type CarrierRateRequest,
  type CarrierShipment,
  type CreateShipmentRequest,
  type Logger,
  type Parcel,
  type ShippingCarrier,
  type TrackingReport,
} from '@cartwright/core';
import { appErrorOf, EasyPostApiError, EasyPostClient } from './easypost-client.ts';
import { EasyPostErrors } from './errors.ts';
import { resolveOptions, type EasyPostOptions, type ResolvedEasyPostOptions } from './options.ts';
import { MemoryShipmentKeys, type ShipmentKeyStore } from './shipment-keys.ts';
import { reportOf } from './tracking-status.ts';
import { centimetresToInches, decimalToMinor, EasyPostAmountError, gramsToOunces } from './units.ts';
import { SIGNATURE_HEADER, verifySignature } from './webhook-signature.ts';
import type { EasyPostAddressInput, EasyPostEvent, EasyPostParcelInput, EasyPostRate, EasyPostShipment, EasyPostShipmentInput, EasyPostTracker } from './wire.ts';

export interface EasyPostCarrierDependencies {
  /** Where idempotency keys are remembered; default: in this process only (see `DatabaseShipmentKeys` for a store). */
  keys?: ShipmentKeyStore;
  logger?: Logger;
  /** Where secrets left out of the options are read from; default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** EasyPost's answer when a shipment already has its label. */
const POSTAGE_EXISTS = 'SHIPMENT.POSTAGE.EXISTS';

/**
 * Rates, labels (outbound and return), voids and tracking through EasyPost's REST API, with tracker
 * webhooks verified by their HMAC signature. A service is `CARRIER:Service` as EasyPost names them
 * (`USPS:Priority`, `UPS:Ground`). See docs/plugins/easypost.md.
 */
export class EasyPostCarrier implements ShippingCarrier {
  readonly id: string;
  readonly name: string;
  readonly capabilities: CarrierCapabilities;
  /** Present only with a webhook secret: without one no webhook can be trusted, so none is claimed. */
  readonly webhook?: (request: { rawBody: Buffer; headers: Record<string, string | string[] | undefined> }) => Promise<TrackingReport[]>;
  readonly #options: ResolvedEasyPostOptions;
  readonly #client: EasyPostClient;
  readonly #keys: ShipmentKeyStore;
  readonly #logger: Logger | undefined;
  /** Purchases under way in this process, by key: a concurrent retry waits for the first instead of racing it. */
  readonly #buying = new Map<string, Promise<CarrierShipment>>();

  /** Secrets left out of `options` are read from the environment (`EASYPOST_API_KEY`, `EASYPOST_WEBHOOK_SECRET`); start-up checks them first. */
  constructor(options: EasyPostOptions, dependencies: EasyPostCarrierDependencies = {}) {
    this.#options = resolveOptions(options, dependencies.env ?? process.env);
    this.id = this.#options.id;
    this.name = this.#options.name;
    this.#logger = dependencies.logger;
    this.#keys = dependencies.keys ?? new MemoryShipmentKeys();
    this.#client = new EasyPostClient(this.#options, dependencies.logger);
    const secret = this.#options.webhookSecret;
    this.capabilities = { rates: true, labels: true, returns: true, tracking: true, webhooks: secret !== null };
    if (secret !== null) this.webhook = (request) => this.#webhook(request, secret);
  }

  /** Rates of every service EasyPost offers for the parcel (a shipment is created to ask; an unbought one costs nothing). Cheapest first. */
  async rates(request: CarrierRateRequest): Promise<CarrierRate[]> {
    const shipment = await this.#call('rate the parcel', () =>
      this.#client.post<EasyPostShipment>('/shipments', { shipment: this.#shipmentInput(request.from, request.to, request.parcel) }),
    );
    const allowed = this.#options.services ? new Set(this.#options.services.map((code) => code.toLowerCase())) : null;
    const rates: CarrierRate[] = [];
    for (const rate of shipment.rates ?? []) {
      const service = serviceCode(rate);
      if (allowed && !allowed.has(service.toLowerCase())) continue;
      const amount = this.#amount(rate);
      if (amount === null) continue;
      const days = rate.delivery_days ?? rate.est_delivery_days ?? null;
      rates.push({
        service,
        serviceName: `${rate.carrier} ${spaced(rate.service)}`,
        amount,
        currencyCode: rate.currency.toUpperCase(),
        minDays: Number.isSafeInteger(days) && days! >= 0 ? days : null,
        maxDays: Number.isSafeInteger(days) && days! >= 0 ? days : null,
      });
    }
    return rates.sort((a, b) => a.amount - b.amount || a.service.localeCompare(b.service));
  }

  /**
   * Buys the label for `request.service` (`USPS:Priority`), once per idempotency key: the EasyPost
   * shipment is recorded under the key before buying, and a retry asks EasyPost about that shipment
   * (answering its label if it was bought) rather than creating another. A return label is an
   * EasyPost return shipment (`is_return`): sent with the outbound addresses, EasyPost swaps them.
   */
  createShipment(request: CreateShipmentRequest): Promise<CarrierShipment> {
    const slot = request.idempotencyKey;
    const running = this.#buying.get(slot);
    if (running) return running;
    const purchase = this.#createShipment(request).finally(() => this.#buying.delete(slot));
    this.#buying.set(slot, purchase);
    return purchase;
  }

  async #createShipment(request: CreateShipmentRequest): Promise<CarrierShipment> {
    const wanted = parseService(request.service);
    let shipment = await this.#shipmentFor(request);
    if (shipment.postage_label) return this.#shipmentOf(shipment);
    const rate = (shipment.rates ?? []).find((candidate) => candidate.carrier.toLowerCase() === wanted.carrier && candidate.service.toLowerCase() === wanted.service);
    if (!rate) {
      throw EasyPostErrors.EASYPOST_SERVICE_NOT_OFFERED(`EasyPost offers no ${request.service} rate for this parcel between these addresses`, {
        errors: [{ in: 'body', pointer: '/service', rule: 'offered', message: `not offered; EasyPost offers ${offered(shipment) || 'nothing'}` }],
        extensions: { offered: (shipment.rates ?? []).map(serviceCode) },
      });
    }
    try {
      shipment = await this.#client.post<EasyPostShipment>(`/shipments/${encodeURIComponent(shipment.id)}/buy`, { rate: { id: rate.id } });
    } catch (error) {
      if (!(error instanceof EasyPostApiError && error.code === POSTAGE_EXISTS)) throw appErrorOf(error, `buy the ${request.service} label`);
      // bought already (a retry after a lost answer): the label EasyPost holds is the answer
      shipment = await this.#call('read the shipment', () => this.#client.get<EasyPostShipment>(`/shipments/${encodeURIComponent(shipment.id)}`));
    }
    return this.#shipmentOf(shipment);
  }

  /** The EasyPost shipment of this idempotency key: the recorded one, or a new one recorded before anything is bought. */
  async #shipmentFor(request: CreateShipmentRequest): Promise<EasyPostShipment> {
    const known = await this.#keys.find(this.id, request.idempotencyKey);
    if (known) return this.#call('read the shipment', () => this.#client.get<EasyPostShipment>(`/shipments/${encodeURIComponent(known)}`));
    const outbound = request.direction === 'return' ? { from: request.to, to: request.from } : { from: request.from, to: request.to };
    const created = await this.#call('create the shipment', () =>
      this.#client.post<EasyPostShipment>('/shipments', {
        shipment: { ...this.#shipmentInput(outbound.from, outbound.to, request.parcel), reference: request.reference, is_return: request.direction === 'return' },
      }),
    );
    const holder = await this.#keys.claim(this.id, request.idempotencyKey, created.id);
    if (holder === created.id) return created;
    // another process claimed the key first: buy on its shipment, ours stays unbought
    this.#logger?.info({ carrier: this.id, unused: created.id, shipmentId: holder }, 'EasyPost shipment created twice for one key; using the first');
    return this.#call('read the shipment', () => this.#client.get<EasyPostShipment>(`/shipments/${encodeURIComponent(holder)}`));
  }

  /**
   * Asks EasyPost to refund (void) the label. A refund already asked for answers cancelled again
   * without asking twice; one the carrier rejects (the parcel was scanned) answers `cancelled: false`.
   */
  async cancelShipment(request: { shipmentId: string; idempotencyKey: string }): Promise<{ cancelled: boolean; reason?: string }> {
    const path = `/shipments/${encodeURIComponent(request.shipmentId)}`;
    let shipment = await this.#call('read the shipment', () => this.#client.get<EasyPostShipment>(path));
    if (shipment.refund_status !== 'submitted' && shipment.refund_status !== 'refunded') {
      shipment = await this.#call('refund the label', () => this.#client.post<EasyPostShipment>(`${path}/refund`, {}));
    }
    switch (shipment.refund_status) {
      case 'submitted':
      case 'refunded':
        return { cancelled: true };
      case 'rejected':
        return { cancelled: false, reason: 'The carrier rejected the refund: the label was probably used already (EasyPost refund_status "rejected")' };
      case 'not_applicable':
        return { cancelled: false, reason: 'This carrier bills on scan: an unused label costs nothing and cannot be refunded (EasyPost refund_status "not_applicable")' };
      default:
        throw EasyPostErrors.EASYPOST_RESPONSE_INVALID(`EasyPost answered the refund of ${request.shipmentId} without a refund_status`);
    }
  }

  /** The tracker of the shipment (when EasyPost bought it), else a tracker for the tracking number (EasyPost answers the existing one for a number it tracks). */
  async track(request: { trackingNumber: string; shipmentId?: string | null }): Promise<TrackingReport> {
    let tracker: EasyPostTracker | null = null;
    if (request.shipmentId?.startsWith('shp_')) {
      const shipmentId = request.shipmentId;
      const shipment = await this.#call('read the shipment', () => this.#client.get<EasyPostShipment>(`/shipments/${encodeURIComponent(shipmentId)}`));
      tracker = shipment.tracker;
    }
    tracker ??= await this.#call('track the parcel', () => this.#client.post<EasyPostTracker>('/trackers', { tracker: { tracking_code: request.trackingNumber } }));
    if (!tracker || !Array.isArray(tracker.tracking_details)) throw EasyPostErrors.EASYPOST_RESPONSE_INVALID(`EasyPost answered no tracker for ${request.trackingNumber}`);
    return reportOf(tracker);
  }

  /** Verifies the HMAC of the raw body; a tracker event becomes its report, any other event is acknowledged with []. */
  async #webhook(request: { rawBody: Buffer; headers: Record<string, string | string[] | undefined> }, secret: string): Promise<TrackingReport[]> {
    const signature = headerOf(request.headers, SIGNATURE_HEADER);
    if (!signature) throw CarrierErrors.CARRIER_WEBHOOK_INVALID('The EasyPost webhook has no X-Hmac-Signature header: give the EasyPost webhook a webhook_secret');
    if (!verifySignature(request.rawBody, signature, secret)) {
      throw CarrierErrors.CARRIER_WEBHOOK_INVALID('The EasyPost webhook signature does not match its body: a wrong webhook secret, or the body was altered');
    }
    let event: EasyPostEvent;
    try {
      event = JSON.parse(request.rawBody.toString('utf8')) as EasyPostEvent;
    } catch {
      throw CarrierErrors.CARRIER_WEBHOOK_INVALID('The EasyPost webhook body is not JSON');
    }
    const tracker = event?.result as Partial<EasyPostTracker> | undefined;
    if (!event?.description?.startsWith('tracker.') || tracker?.object !== 'Tracker' || !Array.isArray(tracker.tracking_details)) {
      this.#logger?.info({ carrier: this.id, eventId: event?.id, description: event?.description }, 'EasyPost event acknowledged and ignored');
      return [];
    }
    return [reportOf(tracker as EasyPostTracker)];
  }

  #shipmentInput(from: CarrierAddress, to: CarrierAddress, parcel: Parcel): EasyPostShipmentInput {
    return {
      from_address: addressOf(from),
      to_address: addressOf(to),
      parcel: this.#parcelOf(parcel),
      options: { label_format: this.#options.labelFormat },
      ...(this.#options.carrierAccounts ? { carrier_accounts: this.#options.carrierAccounts } : {}),
    };
  }

  #parcelOf(parcel: Parcel): EasyPostParcelInput {
    const own = parcel.lengthCm && parcel.widthCm && parcel.heightCm ? { lengthCm: parcel.lengthCm, widthCm: parcel.widthCm, heightCm: parcel.heightCm } : null;
    const box = own ?? this.#options.defaultParcel;
    return {
      weight: gramsToOunces(parcel.weightGrams),
      ...(box ? { length: centimetresToInches(box.lengthCm), width: centimetresToInches(box.widthCm), height: centimetresToInches(box.heightCm) } : {}),
    };
  }

  #shipmentOf(shipment: EasyPostShipment): CarrierShipment {
    const label = shipment.postage_label;
    if (!label?.label_url || !shipment.tracking_code) {
      throw EasyPostErrors.EASYPOST_RESPONSE_INVALID(`EasyPost answered shipment ${shipment.id} without a label or a tracking code`);
    }
    const rate = shipment.selected_rate;
    const amount = rate ? this.#amount(rate) : null;
    return {
      shipmentId: shipment.id,
      trackingNumber: shipment.tracking_code,
      trackingUrl: shipment.tracker?.public_url ?? null,
      label: this.#labelOf(label),
      cost: rate && amount !== null ? { amount, currencyCode: rate.currency.toUpperCase() } : null,
    };
  }

  /** The label in the configured format when EasyPost has it, else the one it made. */
  #labelOf(label: NonNullable<EasyPostShipment['postage_label']>): { url: string; format: 'PDF' | 'PNG' | 'ZPL' } {
    if (this.#options.labelFormat === 'PDF' && label.label_pdf_url) return { url: label.label_pdf_url, format: 'PDF' };
    if (this.#options.labelFormat === 'ZPL' && label.label_zpl_url) return { url: label.label_zpl_url, format: 'ZPL' };
    return { url: label.label_url, format: labelFormatOf(label.label_file_type, label.label_url) ?? this.#options.labelFormat };
  }

  #amount(rate: EasyPostRate): number | null {
    if (typeof rate.currency !== 'string' || !/^[A-Za-z]{3}$/.test(rate.currency)) {
      this.#logger?.warn({ carrier: this.id, rateId: rate.id, currency: rate.currency }, 'EasyPost rate without a currency; skipped');
      return null;
    }
    try {
      return decimalToMinor(rate.rate, rate.currency.toUpperCase());
    } catch (error) {
      if (!(error instanceof EasyPostAmountError)) throw error;
      this.#logger?.warn({ carrier: this.id, rateId: rate.id, rate: rate.rate }, 'EasyPost rate without a readable amount; skipped');
      return null;
    }
  }

  async #call<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw appErrorOf(error, what);
    }
  }
}

function addressOf(address: CarrierAddress): EasyPostAddressInput {
  const optional = (value: string | null | undefined) => (value && value.trim() !== '' ? value : undefined);
  const input: EasyPostAddressInput = { name: address.name, street1: address.line1, city: address.city, zip: address.postalCode, country: address.countryCode };
  const extras = { company: optional(address.company), street2: optional(address.line2), state: optional(address.region), phone: optional(address.phone), email: optional(address.email) };
  for (const [key, value] of Object.entries(extras)) if (value !== undefined) (input as unknown as Record<string, string>)[key] = value;
  return input;
}

const serviceCode = (rate: Pick<EasyPostRate, 'carrier' | 'service'>) => `${rate.carrier}:${rate.service}`;

const offered = (shipment: EasyPostShipment) => (shipment.rates ?? []).map(serviceCode).join(', ');

/** `GroundAdvantage` → `Ground Advantage`, for the name customers see. */
const spaced = (service: string) => service.replace(/([a-z])([A-Z])/g, '$1 $2');

function parseService(service: string): { carrier: string; service: string } {
  const match = /^([^:\s]+):([^:\s]+)$/.exec(service.trim());
  if (!match) {
    throw EasyPostErrors.EASYPOST_SERVICE_INVALID(`"${service}" is not an EasyPost service: write CARRIER:Service, as rates() answers it (USPS:Priority)`, {
      errors: [{ in: 'body', pointer: '/service', rule: 'pattern', message: 'must be CARRIER:Service' }],
    });
  }
  return { carrier: match[1]!.toLowerCase(), service: match[2]!.toLowerCase() };
}

function labelFormatOf(fileType: string | null, url: string): 'PDF' | 'PNG' | 'ZPL' | null {
  const text = `${fileType ?? ''} ${url.split('?')[0]!.split('.').pop() ?? ''}`.toLowerCase();
  if (text.includes('pdf')) return 'PDF';
  if (text.includes('zpl')) return 'ZPL';
  if (text.includes('png')) return 'PNG';
  return null;
}

function headerOf(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
