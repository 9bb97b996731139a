import assert from 'node:assert/strict';
import { newId } from '../kernel/ids.ts';
import type {
  CarrierAddress,
  CarrierRate,
  CarrierShipment,
  CreateShipmentRequest,
  Parcel,
  ShippingCarrier,
  TrackingReport,
  TrackingStatus,
} from '../modules/shipping/carriers/shipping-carrier.ts';
import { altered, capabilityTest, globalRunner, isNonEmptyString, type ConformanceRunner } from './conformance-runner.ts';

/** A carrier to check, prepared fresh for one run of the kit. */
export interface ShippingCarrierUnderTest {
  carrier: ShippingCarrier;
  /** Addresses the carrier accepts for rates and labels (a stand-in takes anything; a live account needs real ones). */
  from: CarrierAddress;
  to: CarrierAddress;
  /** A parcel it accepts (default 500 g). */
  parcel?: Parcel;
  /**
   * The service the kit buys labels for. Defaults to the first service `rates` answers; needed when
   * the carrier claims `labels` but not `rates`.
   */
  service?: string;
  /**
   * A tracking number `track` (and `signedWebhook`) knows, for a carrier that claims `tracking` or
   * `webhooks` without `labels` (with `labels`, the kit tracks the shipments it buys).
   */
  trackingNumber?: string;
  /** Needed when the carrier claims `webhooks`: an authentic webhook reporting `status` for a shipment the kit created. The kit also sends it with its body or signature altered and expects a rejection. */
  signedWebhook?(update: { trackingNumber: string; shipmentId: string; status: TrackingStatus }): Promise<{ rawBody: Buffer; headers: Record<string, string> }>;
  /** Runs once after the tests (stop a stand-in). */
  cleanup?(): Promise<void>;
}

export interface ShippingCarrierConformanceOptions {
  /** Shown in the test titles. */
  name: string;
  /** Called once before the tests. */
  create(): Promise<ShippingCarrierUnderTest>;
  /** Defaults to the global mocha functions (see ConformanceRunner in conformance-runner.ts). */
  runner?: ConformanceRunner;
}

const STATUSES: readonly TrackingStatus[] = ['pre_transit', 'in_transit', 'out_for_delivery', 'delivered', 'failure', 'returned', 'unknown'];
const LABEL_FORMATS = ['PDF', 'PNG', 'ZPL'];
const CAPABILITIES = ['rates', 'labels', 'returns', 'tracking', 'webhooks'] as const;

function checkRate(rate: CarrierRate, index: number): void {
  const at = `rates()[${index}]`;
  assert.ok(isNonEmptyString(rate.service), `${at}.service must be a non-empty service code`);
  assert.ok(isNonEmptyString(rate.serviceName), `${at}.serviceName must be a non-empty name to show`);
  assert.ok(Number.isSafeInteger(rate.amount) && rate.amount >= 0, `${at}.amount must be a non-negative integer of minor units; it is ${String(rate.amount)}`);
  assert.match(String(rate.currencyCode), /^[A-Z]{3}$/, `${at}.currencyCode must be an ISO 4217 code in capitals`);
  for (const key of ['minDays', 'maxDays'] as const) {
    const days = rate[key];
    assert.ok(days === null || (Number.isSafeInteger(days) && days >= 0), `${at}.${key} must be null or a non-negative integer`);
  }
  if (rate.minDays !== null && rate.maxDays !== null) assert.ok(rate.minDays <= rate.maxDays, `${at}: minDays ${rate.minDays} is above maxDays ${rate.maxDays}`);
}

function checkShipment(shipment: CarrierShipment, call: string): CarrierShipment {
  assert.ok(shipment && typeof shipment === 'object', `${call} must resolve with a CarrierShipment`);
  assert.ok(isNonEmptyString(shipment.shipmentId), `${call}: shipmentId must be a non-empty string`);
  assert.ok(isNonEmptyString(shipment.trackingNumber), `${call}: trackingNumber must be a non-empty string`);
  assert.ok(shipment.trackingUrl === null || isNonEmptyString(shipment.trackingUrl), `${call}: trackingUrl must be null or a URL`);
  assert.ok(shipment.label !== null && typeof shipment.label === 'object', `${call} must answer a label`);
  assert.ok(isNonEmptyString(shipment.label.url), `${call}: label.url must be a non-empty URL`);
  assert.ok(LABEL_FORMATS.includes(shipment.label.format), `${call}: label.format "${String(shipment.label.format)}" is not one of ${LABEL_FORMATS.join(', ')}`);
  if (shipment.cost !== null) {
    assert.ok(Number.isSafeInteger(shipment.cost.amount) && shipment.cost.amount >= 0, `${call}: cost.amount must be a non-negative integer of minor units`);
    assert.match(String(shipment.cost.currencyCode), /^[A-Z]{3}$/, `${call}: cost.currencyCode must be an ISO 4217 code in capitals`);
  }
  return shipment;
}

function checkReport(report: TrackingReport, trackingNumber: string, call: string): TrackingReport {
  assert.ok(report && typeof report === 'object', `${call} must resolve with a TrackingReport`);
  assert.equal(report.trackingNumber, trackingNumber, `${call}: the report must be about tracking number ${trackingNumber}`);
  assert.ok(STATUSES.includes(report.status), `${call}: status "${String(report.status)}" is not one of ${STATUSES.join(', ')}`);
  assert.ok(report.shipmentId === null || isNonEmptyString(report.shipmentId), `${call}: shipmentId must be null or a non-empty string`);
  assert.ok(report.estimatedDeliveryAt === null || (report.estimatedDeliveryAt instanceof Date && !Number.isNaN(report.estimatedDeliveryAt.getTime())), `${call}: estimatedDeliveryAt must be null or a valid Date`);
  assert.ok(Array.isArray(report.events), `${call}: events must be an array`);
  const ids = new Set<string>();
  report.events.forEach((event, index) => {
    const at = `${call}: events[${index}]`;
    assert.ok(isNonEmptyString(event.id), `${at}.id must be a non-empty string, stable across calls`);
    assert.ok(!ids.has(event.id), `${at}.id "${event.id}" repeats an earlier event's id`);
    ids.add(event.id);
    assert.ok(STATUSES.includes(event.status), `${at}.status "${String(event.status)}" is not one of ${STATUSES.join(', ')}`);
    assert.ok(event.occurredAt instanceof Date && !Number.isNaN(event.occurredAt.getTime()), `${at}.occurredAt must be a valid Date`);
    assert.equal(typeof event.description, 'string', `${at}.description must be a string`);
    assert.ok(event.location === null || typeof event.location === 'string', `${at}.location must be null or a string`);
    if (index > 0) assert.ok(event.occurredAt.getTime() >= report.events[index - 1]!.occurredAt.getTime(), `${call}: events must be oldest first; events[${index}] is older than events[${index - 1}]`);
  });
  return report;
}

/**
 * Declares the tests every `ShippingCarrier` must pass: the contract in `shipping-carrier.ts`,
 * checked with real calls (on a sandbox account, a local stand-in of the carrier's API, or the
 * carrier's own records). Each capability the carrier claims is checked; the others appear as
 * pending tests titled "(not claimed)", and their methods must be absent. See docs/plugins/carriers.md.
 *
 * @example
 * ```ts
 * import { runShippingCarrierConformance } from '@cartwright/core/testing';
 *
 * runShippingCarrierConformance({
 *   name: 'Acme Parcels',
 *   async create() {
 *     const sandbox = await startAcmeStandIn();
 *     return {
 *       carrier: new AcmeCarrier({ apiBaseUrl: sandbox.url, apiKey: 'test', webhookSecret: 'whsec' }),
 *       from: SHOP_ADDRESS,
 *       to: CUSTOMER_ADDRESS,
 *       signedWebhook: (update) => sandbox.signedTrackerEvent(update),
 *       cleanup: () => sandbox.stop(),
 *     };
 *   },
 * });
 * ```
 */
export function runShippingCarrierConformance(options: ShippingCarrierConformanceOptions): void {
  const { describe, it, before, after } = options.runner ?? globalRunner();

  describe(`ShippingCarrier conformance: ${options.name}`, () => {
    let subject: ShippingCarrierUnderTest | undefined;
    const under = (): ShippingCarrierUnderTest => {
      if (!subject) throw new Error(`the create() of "${options.name}" did not complete`);
      return subject;
    };
    const carrier = () => under().carrier;
    const claims = () => carrier().capabilities;
    const parcel = (): Parcel => under().parcel ?? { weightGrams: 500 };

    before(async () => {
      subject = await options.create();
    });
    after(async () => {
      await subject?.cleanup?.();
    });

    const whenClaimed = capabilityTest<(typeof CAPABILITIES)[number]>(it, claims);

    const service = async (): Promise<string> => {
      const named = under().service;
      if (named) return named;
      assert.ok(claims().rates, 'the carrier claims labels but not rates: give create() a `service` to buy labels for');
      const rates = await carrier().rates!({ from: under().from, to: under().to, parcel: parcel(), currencyCode: 'USD' });
      assert.ok(rates.length > 0, 'rates() answered no service to buy a label for: give create() a `service`');
      return rates[0]!.service;
    };

    const shipmentRequest = async (overrides: Partial<CreateShipmentRequest> = {}): Promise<CreateShipmentRequest> => ({
      reference: newId('ful'),
      idempotencyKey: newId('idem'),
      direction: 'outbound',
      from: under().from,
      to: under().to,
      parcel: parcel(),
      service: await service(),
      ...overrides,
    });

    const buy = async (request?: CreateShipmentRequest): Promise<CarrierShipment> =>
      checkShipment(await carrier().createShipment!(request ?? (await shipmentRequest())), 'createShipment');

    /** A parcel the carrier can track: one the kit buys, or the tracking number `create()` named. */
    const trackable = async (): Promise<{ trackingNumber: string; shipmentId: string }> => {
      if (claims().labels) {
        const shipment = await buy();
        return { trackingNumber: shipment.trackingNumber, shipmentId: shipment.shipmentId };
      }
      const trackingNumber = under().trackingNumber;
      assert.ok(trackingNumber, 'the carrier tracks parcels but buys no labels: give create() a `trackingNumber` it knows');
      return { trackingNumber, shipmentId: trackingNumber };
    };

    it('has a stable id usable in a URL, a name to show, and says what it can do', async () => {
      const { id, name, capabilities } = carrier();
      assert.ok(typeof id === 'string' && /^[a-z0-9][a-z0-9_-]{0,49}$/.test(id), `id "${String(id)}" must be 1 to 50 lower-case letters, digits, "-" or "_" (it goes into /webhooks/:id)`);
      assert.ok(isNonEmptyString(name), 'name must be a non-empty string');
      for (const capability of CAPABILITIES) assert.equal(typeof capabilities?.[capability], 'boolean', `capabilities.${capability} must be true or false`);
      if (capabilities.returns) assert.ok(capabilities.labels, 'a carrier that buys return labels must claim labels too');
    });

    it('implements exactly the methods its capabilities claim', async () => {
      const c = carrier();
      const expected: Record<string, boolean> = {
        rates: c.capabilities.rates,
        createShipment: c.capabilities.labels,
        cancelShipment: c.capabilities.labels,
        track: c.capabilities.tracking,
        webhook: c.capabilities.webhooks,
      };
      for (const [method, claimed] of Object.entries(expected)) {
        const present = typeof (c as unknown as Record<string, unknown>)[method] === 'function';
        assert.equal(present, claimed, claimed ? `the carrier claims what ${method}() does but has no ${method}()` : `the carrier has ${method}() but does not claim its capability: claim it or remove the method`);
      }
      if (c.trackingUrl) {
        const url = c.trackingUrl('1Z999AA10123456784');
        assert.ok(url === null || isNonEmptyString(url), 'trackingUrl() must answer a URL or null');
      }
    });

    whenClaimed('rates', 'rates are integers of minor units with a currency, and their service codes are stable', async () => {
      const request = { from: under().from, to: under().to, parcel: parcel(), currencyCode: 'USD' };
      const first = await carrier().rates!(request);
      assert.ok(Array.isArray(first) && first.length > 0, 'rates() must answer at least one rate for addresses the carrier accepts');
      first.forEach(checkRate);
      const again = await carrier().rates!(request);
      again.forEach(checkRate);
      const services = (rates: CarrierRate[]) => rates.map((rate) => rate.service).sort();
      assert.deepEqual(services(again), services(first), 'rates() asked twice must answer the same service codes');
    });

    whenClaimed('labels', 'createShipment buys a shipment with a tracking number and a label', async () => {
      const first = await buy();
      const second = await buy();
      assert.notEqual(second.shipmentId, first.shipmentId, 'two shipments bought with different idempotency keys must be two shipments');
      assert.notEqual(second.trackingNumber, first.trackingNumber, 'two shipments must have two tracking numbers');
    });

    whenClaimed('labels', 'createShipment replayed with the same idempotency key answers the same shipment (never a second label)', async () => {
      const request = await shipmentRequest();
      const first = await buy(request);
      const replay = await buy({ ...request });
      assert.equal(replay.shipmentId, first.shipmentId, 'the replay must answer the first shipment');
      assert.equal(replay.trackingNumber, first.trackingNumber, 'the replay must answer the first tracking number');
      assert.equal(replay.label?.url, first.label?.url, 'the replay must answer the first label');
    });

    whenClaimed('labels', 'cancelShipment voids an unused label, and a replay with the same key agrees', async () => {
      const shipment = await buy();
      const idempotencyKey = newId('idem');
      const result = await carrier().cancelShipment!({ shipmentId: shipment.shipmentId, idempotencyKey });
      assert.equal(result?.cancelled, true, `an unused label must be cancellable; the carrier said ${JSON.stringify(result)}`);
      const replay = await carrier().cancelShipment!({ shipmentId: shipment.shipmentId, idempotencyKey });
      assert.equal(replay?.cancelled, true, 'cancelShipment replayed with the same key must answer cancelled again');
    });

    whenClaimed('returns', 'createShipment with direction return buys a return label from the customer to the store', async () => {
      const request = await shipmentRequest({ direction: 'return', from: under().to, to: under().from });
      const shipment = checkShipment(await carrier().createShipment!(request), 'createShipment (return)');
      const replay = checkShipment(await carrier().createShipment!({ ...request }), 'createShipment (return, replayed)');
      assert.equal(replay.shipmentId, shipment.shipmentId, 'a replayed return label must answer the first shipment');
    });

    whenClaimed('tracking', 'track answers a report with events oldest first and ids stable across calls', async () => {
      const parcelToTrack = await trackable();
      const first = checkReport(await carrier().track!(parcelToTrack), parcelToTrack.trackingNumber, 'track');
      const again = checkReport(await carrier().track!(parcelToTrack), parcelToTrack.trackingNumber, 'track (again)');
      const firstIds = first.events.map((event) => event.id);
      assert.deepEqual(again.events.map((event) => event.id).slice(0, firstIds.length), firstIds, 'the events of an earlier report must keep their ids and order in a later one');
    });

    whenClaimed('webhooks', 'webhook turns an authentic update into a report about its parcel, with stable event ids', async () => {
      const signed = under().signedWebhook;
      assert.ok(signed, 'the carrier claims webhooks: give create() a signedWebhook(update) hook');
      const parcelToTrack = await trackable();
      const request = await signed({ ...parcelToTrack, status: 'in_transit' });
      const reports = await carrier().webhook!({ rawBody: request.rawBody, headers: { ...request.headers } });
      assert.ok(Array.isArray(reports), 'webhook() must answer an array of reports');
      const report = reports.find((candidate) => candidate.trackingNumber === parcelToTrack.trackingNumber);
      assert.ok(report, `webhook() answered no report for tracking number ${parcelToTrack.trackingNumber}`);
      checkReport(report, parcelToTrack.trackingNumber, 'webhook');
      assert.equal(report.status, 'in_transit', 'the report must carry the status the update said');
      const again = await carrier().webhook!({ rawBody: request.rawBody, headers: { ...request.headers } });
      const repeated = again.find((candidate) => candidate.trackingNumber === parcelToTrack.trackingNumber);
      assert.deepEqual(repeated?.events.map((event) => event.id), report.events.map((event) => event.id), 'the same update delivered twice must give the same event ids (core records each once)');
    });

    /** The webhook must throw CarrierErrors.CARRIER_WEBHOOK_INVALID (an AppError with that code). */
    const expectRejected = async (what: string, request: { rawBody: Buffer; headers: Record<string, string> }) => {
      let failure: unknown;
      let answered: TrackingReport[] | undefined;
      try {
        answered = await carrier().webhook!(request);
      } catch (error) {
        failure = error;
      }
      assert.ok(failure !== undefined, `a webhook with ${what} must be rejected; it was accepted with ${JSON.stringify(answered)}`);
      assert.equal((failure as { code?: unknown }).code, 'CARRIER_WEBHOOK_INVALID', `a webhook with ${what} must throw CarrierErrors.CARRIER_WEBHOOK_INVALID(); it threw ${String(failure)}`);
    };

    whenClaimed('webhooks', 'webhook rejects an update whose body was altered, or whose signature was altered or removed', async () => {
      const signed = under().signedWebhook;
      assert.ok(signed, 'the carrier claims webhooks: give create() a signedWebhook(update) hook');
      const parcelToTrack = await trackable();
      const request = await signed({ ...parcelToTrack, status: 'delivered' });
      const body = request.rawBody.toString('utf8');
      const tamperedBody = body.includes('delivered') ? body.replace('delivered', 'returned') : `${body} `;
      await expectRejected('an altered body', { rawBody: Buffer.from(tamperedBody, 'utf8'), headers: { ...request.headers } });
      const unsigned = Object.fromEntries(Object.entries(request.headers).filter(([name]) => /^content-(type|length)$/i.test(name)));
      await expectRejected('no signature', { rawBody: request.rawBody, headers: unsigned });
      const signatureHeaders = Object.keys(request.headers).filter((name) => /signature|hmac/i.test(name));
      for (const name of signatureHeaders) {
        await expectRejected(`an altered ${name} header`, { rawBody: request.rawBody, headers: { ...request.headers, [name]: altered(request.headers[name]!) } });
      }
    });
  });
}
