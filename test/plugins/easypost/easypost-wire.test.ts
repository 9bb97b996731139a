import { expect } from 'chai';
import type { AppError } from '@cartwright/core';
import { MemoryShipmentKeys } from '@cartwright/plugin-easypost';
import { startEasyPostStandIn, UNDELIVERABLE_ZIP, type EasyPostStandIn } from '@cartwright/plugin-easypost/testing';
import { CUSTOMER_ADDRESS, labelRequest, STORE_ADDRESS, standInCarrier } from './easypost-support.ts';

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a rejection');
}

describe('easypost: what the plugin sends and how it reads the answers (against the stand-in)', () => {
  let standIn: EasyPostStandIn;
  beforeEach(async () => {
    standIn = await startEasyPostStandIn();
  });
  afterEach(async () => {
    await standIn.stop();
  });

  const posts = (path: string) => standIn.requests.filter((request) => request.method === 'POST' && request.path === path);

  it('authenticates with the API key as the Basic user name, and a wrong key is the account’s problem (502)', async () => {
    await standInCarrier(standIn).rates({ from: STORE_ADDRESS, to: CUSTOMER_ADDRESS, parcel: { weightGrams: 500 }, currencyCode: 'USD' });
    expect(standIn.requests.map((request) => request.apiKey)).to.deep.equal([standIn.apiKey]);
    const error = await rejection(standInCarrier(standIn, { apiKey: 'EZTKwrong' }).rates({ from: STORE_ADDRESS, to: CUSTOMER_ADDRESS, parcel: { weightGrams: 500 }, currencyCode: 'USD' }));
    expect(error).to.include({ code: 'EASYPOST_ACCOUNT_REFUSED', status: 502 });
    expect(error.extensions).to.deep.equal({ easypostCode: 'APIKEY.INACTIVE', easypostStatus: 401 });
  });

  it('sends addresses, the weight in ounces and the box in inches; rates come back in cents, cheapest first', async () => {
    const rates = await standInCarrier(standIn).rates({ from: STORE_ADDRESS, to: CUSTOMER_ADDRESS, parcel: { weightGrams: 1000, lengthCm: 30, widthCm: 20, heightCm: 10 }, currencyCode: 'USD' });
    const [sent] = posts('/v2/shipments');
    expect(sent!.body).to.deep.equal({
      shipment: {
        from_address: { name: 'EasyPost', company: 'Cartwright Test Shop', street1: '417 Montgomery Street', street2: '5th Floor', city: 'San Francisco', state: 'CA', zip: '94104', country: 'US', phone: '4153334445', email: 'support@example.com' },
        to_address: { name: 'Dr. Steve Brule', street1: '179 N Harbor Dr', city: 'Redondo Beach', state: 'CA', zip: '90277', country: 'US', phone: '8573875756', email: 'dr_steve_brule@example.com' },
        parcel: { weight: 35.3, length: 11.9, width: 7.9, height: 4 },
        options: { label_format: 'PDF' },
      },
    });
    // the stand-in's prices: base + per ounce (35.3 oz)
    expect(rates).to.deep.equal([
      { service: 'USPS:GroundAdvantage', serviceName: 'USPS Ground Advantage', amount: 500 + Math.ceil(35.3 * 15), currencyCode: 'USD', minDays: 5, maxDays: 5 },
      { service: 'UPS:Ground', serviceName: 'UPS Ground', amount: 950 + Math.ceil(35.3 * 20), currencyCode: 'USD', minDays: 4, maxDays: 4 },
      { service: 'USPS:Priority', serviceName: 'USPS Priority', amount: 800 + Math.ceil(35.3 * 25), currencyCode: 'USD', minDays: 2, maxDays: 2 },
      { service: 'USPS:Express', serviceName: 'USPS Express', amount: 2500 + Math.ceil(35.3 * 50), currencyCode: 'USD', minDays: 1, maxDays: 1 },
    ]);
  });

  it('uses the default box for a parcel without dimensions, and the configured carrier accounts and services', async () => {
    const carrier = standInCarrier(standIn, { defaultParcel: { lengthCm: 25.4, widthCm: 12.7, heightCm: 5.08 }, carrierAccounts: ['ca_usps_standin'], services: ['USPS:Priority', 'UPS:Ground'] });
    const rates = await carrier.rates({ from: STORE_ADDRESS, to: CUSTOMER_ADDRESS, parcel: { weightGrams: 250 }, currencyCode: 'USD' });
    const sent = posts('/v2/shipments')[0]!.body as { shipment: Record<string, unknown> };
    expect(sent.shipment.parcel).to.deep.equal({ weight: 8.9, length: 10, width: 5, height: 2 });
    expect(sent.shipment.carrier_accounts).to.deep.equal(['ca_usps_standin']);
    expect(rates.map((rate) => rate.service)).to.deep.equal(['USPS:Priority']);
  });

  it('buys the named service on a shipment referencing the fulfillment, and answers tracking number, label and cost', async () => {
    const request = labelRequest({ service: 'USPS:Priority' });
    const shipment = await standInCarrier(standIn).createShipment(request);
    const created = posts('/v2/shipments')[0]!.body as { shipment: Record<string, unknown> };
    expect(created.shipment).to.deep.include({ reference: request.reference, is_return: false });
    const onEasyPost = standIn.shipment(shipment.shipmentId);
    const bought = posts(`/v2/shipments/${shipment.shipmentId}/buy`);
    expect(bought.map((call) => call.body)).to.deep.equal([{ rate: { id: onEasyPost.rates.find((rate) => rate.service === 'Priority')!.id } }]);
    expect(shipment).to.deep.equal({
      shipmentId: onEasyPost.id,
      trackingNumber: onEasyPost.tracking_code,
      trackingUrl: onEasyPost.tracker!.public_url,
      label: { url: onEasyPost.postage_label!.label_pdf_url, format: 'PDF' },
      cost: { amount: 800 + Math.ceil(17.7 * 25), currencyCode: 'USD' },
    });
  });

  it('a return label is an EasyPost return shipment sent with the outbound addresses (EasyPost swaps them)', async () => {
    const request = labelRequest({ direction: 'return', from: CUSTOMER_ADDRESS, to: STORE_ADDRESS, service: 'USPS:GroundAdvantage' });
    await standInCarrier(standIn).createShipment(request);
    const created = posts('/v2/shipments')[0]!.body as { shipment: { is_return: boolean; to_address: { name: string }; from_address: { name: string } } };
    expect(created.shipment.is_return).to.equal(true);
    expect(created.shipment.to_address.name).to.equal(CUSTOMER_ADDRESS.name);
    expect(created.shipment.from_address.name).to.equal(STORE_ADDRESS.name);
  });

  it('a service EasyPost does not offer, or one not written CARRIER:Service, is a 422 naming the field', async () => {
    const notOffered = await rejection(standInCarrier(standIn, { carrierAccounts: ['ca_ups_standin'] }).createShipment(labelRequest({ service: 'USPS:Priority' })));
    expect(notOffered).to.include({ code: 'EASYPOST_SERVICE_NOT_OFFERED', status: 422 });
    expect(notOffered.errors).to.deep.equal([{ in: 'body', pointer: '/service', rule: 'offered', message: 'not offered; EasyPost offers UPS:Ground' }]);
    const malformed = await rejection(standInCarrier(standIn).createShipment(labelRequest({ service: 'Priority' })));
    expect(malformed).to.include({ code: 'EASYPOST_SERVICE_INVALID', status: 422 });
    expect(standIn.labelsBought()).to.equal(0);
  });

  it('an address EasyPost refuses is a 422 carrying EasyPost’s code and the field it named, without retrying', async () => {
    const error = await rejection(standInCarrier(standIn).createShipment(labelRequest({ to: { ...CUSTOMER_ADDRESS, postalCode: UNDELIVERABLE_ZIP } })));
    expect(error).to.include({ code: 'EASYPOST_REQUEST_REJECTED', status: 422, expose: true });
    expect(error.message).to.contain('Address not found').and.contain('ADDRESS.VERIFY.FAILURE');
    expect(error.errors).to.deep.equal([{ in: 'body', pointer: '/to_address.zip', rule: 'ADDRESS.VERIFY.FAILURE', message: 'Invalid or missing ZIP code' }]);
    expect(posts('/v2/shipments')).to.have.length(1);
  });

  it('retries 503, 429 and dropped connections, then succeeds', async () => {
    const carrier = standInCarrier(standIn, { retries: 2 });
    const ask = () => carrier.rates({ from: STORE_ADDRESS, to: CUSTOMER_ADDRESS, parcel: { weightGrams: 500 }, currencyCode: 'USD' });
    standIn.failNext(2, 503);
    expect(await ask()).to.have.length(4);
    expect(posts('/v2/shipments')).to.have.length(3);
    standIn.failNext(2, 429);
    expect(await ask()).to.have.length(4);
    standIn.dropNext(1);
    expect(await ask()).to.have.length(4);
    expect(posts('/v2/shipments')).to.have.length(3 + 3 + 2);
  });

  it('gives up after the configured retries with a 503 EASYPOST_UNAVAILABLE', async () => {
    standIn.failNext(3, 503);
    const error = await rejection(standInCarrier(standIn, { retries: 1 }).rates({ from: STORE_ADDRESS, to: CUSTOMER_ADDRESS, parcel: { weightGrams: 500 }, currencyCode: 'USD' }));
    expect(error).to.include({ code: 'EASYPOST_UNAVAILABLE', status: 503 });
    expect(posts('/v2/shipments')).to.have.length(2);
    standIn.dropNext(5);
    const unreachable = await rejection(standInCarrier(standIn, { retries: 0 }).rates({ from: STORE_ADDRESS, to: CUSTOMER_ADDRESS, parcel: { weightGrams: 500 }, currencyCode: 'USD' }));
    expect(unreachable).to.include({ code: 'EASYPOST_UNAVAILABLE', status: 503 });
  });

  it('a call EasyPost never answers ends at the timeout, is retried, and then is EASYPOST_UNAVAILABLE', async () => {
    standIn.stallNext(2);
    const error = await rejection(standInCarrier(standIn, { retries: 1, timeoutMs: 100 }).rates({ from: STORE_ADDRESS, to: CUSTOMER_ADDRESS, parcel: { weightGrams: 500 }, currencyCode: 'USD' }));
    expect(error).to.include({ code: 'EASYPOST_UNAVAILABLE', status: 503 });
    expect(posts('/v2/shipments')).to.have.length(2);
  });

  describe('idempotency: one key, one label', () => {
    const buyPath = /^\/v2\/shipments\/[^/]+\/buy$/;
    const buys = () => standIn.requests.filter((request) => request.method === 'POST' && buyPath.test(request.path));

    it('a buy whose answer was lost is retried on the same shipment and answers the label EasyPost holds', async () => {
      standIn.loseNextAnswers(1, buyPath);
      const shipment = await standInCarrier(standIn, { retries: 2 }).createShipment(labelRequest());
      expect(standIn.labelsBought()).to.equal(1);
      expect(standIn.shipments()).to.have.length(1);
      expect(buys()).to.have.length(2); // the second answered SHIPMENT.POSTAGE.EXISTS
      expect(shipment.trackingNumber).to.equal(standIn.shipment(shipment.shipmentId).tracking_code);
    });

    it('without retries the lost answer is a 503, and the caller’s retry with the same key answers the label bought then', async () => {
      const keys = new MemoryShipmentKeys();
      const request = labelRequest();
      standIn.loseNextAnswers(1, buyPath);
      const lost = await rejection(standInCarrier(standIn, { retries: 0 }, { keys }).createShipment(request));
      expect(lost).to.include({ code: 'EASYPOST_UNAVAILABLE', status: 503 });
      expect(standIn.labelsBought()).to.equal(1);
      // another instance (a restarted process) that shares the key store
      const retried = await standInCarrier(standIn, { retries: 0 }, { keys }).createShipment({ ...request });
      expect(retried.shipmentId).to.equal(standIn.shipments()[0]!.id);
      expect(standIn.shipments()).to.have.length(1);
      expect(standIn.labelsBought()).to.equal(1);
      expect(buys()).to.have.length(1); // the retry saw the label and bought nothing
    });

    it('two concurrent calls with one key share one purchase; two processes racing leave one label and one unbought shipment', async () => {
      const request = labelRequest();
      const carrier = standInCarrier(standIn);
      const [a, b] = await Promise.all([carrier.createShipment(request), carrier.createShipment({ ...request })]);
      expect(b).to.deep.equal(a);
      expect(standIn.shipments()).to.have.length(1);

      const keys = new MemoryShipmentKeys();
      const raced = labelRequest();
      const [c, d] = await Promise.all([standInCarrier(standIn, {}, { keys }).createShipment(raced), standInCarrier(standIn, {}, { keys }).createShipment({ ...raced })]);
      expect(d.shipmentId).to.equal(c.shipmentId);
      expect(d.trackingNumber).to.equal(c.trackingNumber);
      expect(standIn.shipments()).to.have.length(3);
      expect(standIn.labelsBought()).to.equal(2);
    });

    it('different keys buy different labels', async () => {
      const carrier = standInCarrier(standIn);
      const a = await carrier.createShipment(labelRequest());
      const b = await carrier.createShipment(labelRequest());
      expect(a.shipmentId).to.not.equal(b.shipmentId);
      expect(standIn.labelsBought()).to.equal(2);
    });
  });

  describe('voids', () => {
    it('refunds an unused label once; a replay answers cancelled without asking EasyPost again', async () => {
      const carrier = standInCarrier(standIn);
      const shipment = await carrier.createShipment(labelRequest());
      expect(await carrier.cancelShipment({ shipmentId: shipment.shipmentId, idempotencyKey: 'void-1' })).to.deep.equal({ cancelled: true });
      expect(await carrier.cancelShipment({ shipmentId: shipment.shipmentId, idempotencyKey: 'void-1' })).to.deep.equal({ cancelled: true });
      expect(posts(`/v2/shipments/${shipment.shipmentId}/refund`)).to.have.length(1);
      expect(standIn.shipment(shipment.shipmentId).refund_status).to.equal('submitted');
    });

    it('a label already scanned is not cancelled, with the reason', async () => {
      const carrier = standInCarrier(standIn);
      const shipment = await carrier.createShipment(labelRequest());
      standIn.advance(shipment.trackingNumber, 'in_transit');
      const result = await carrier.cancelShipment({ shipmentId: shipment.shipmentId, idempotencyKey: 'void-2' });
      expect(result.cancelled).to.equal(false);
      expect(result.reason).to.match(/rejected/);
    });

    it('an unknown shipment is a 404', async () => {
      const error = await rejection(standInCarrier(standIn).cancelShipment({ shipmentId: 'shp_nope', idempotencyKey: 'void-3' }));
      expect(error).to.include({ code: 'EASYPOST_SHIPMENT_NOT_FOUND', status: 404 });
    });
  });

  describe('tracking', () => {
    it('tracks through the shipment’s tracker, or by tracking number alone, with the same event ids', async () => {
      const carrier = standInCarrier(standIn);
      const shipment = await carrier.createShipment(labelRequest());
      standIn.advance(shipment.trackingNumber, 'in_transit', { message: 'Departed USPS facility', location: { city: 'Oakland', state: 'CA', country: 'US' } });
      standIn.advance(shipment.trackingNumber, 'available_for_pickup', { message: 'Available at post office' });
      const byShipment = await carrier.track({ trackingNumber: shipment.trackingNumber, shipmentId: shipment.shipmentId });
      expect(byShipment).to.deep.include({ trackingNumber: shipment.trackingNumber, shipmentId: shipment.shipmentId, status: 'out_for_delivery' });
      expect(byShipment.events.map((event) => [event.status, event.description, event.location])).to.deep.equal([
        ['pre_transit', 'Shipping label created', null],
        ['in_transit', 'Departed USPS facility', 'Oakland, CA, US'],
        ['out_for_delivery', 'Available at post office', null],
      ]);
      const byNumber = await carrier.track({ trackingNumber: shipment.trackingNumber });
      expect(posts('/v2/trackers').map((request) => request.body)).to.deep.equal([{ tracker: { tracking_code: shipment.trackingNumber } }]);
      expect(byNumber.events.map((event) => event.id)).to.deep.equal(byShipment.events.map((event) => event.id));
    });
  });

  describe('webhooks', () => {
    it('turns a signed tracker.updated event into a report; headers are read case-insensitively', async () => {
      const carrier = standInCarrier(standIn);
      const shipment = await carrier.createShipment(labelRequest());
      standIn.advance(shipment.trackingNumber, 'return_to_sender');
      const signed = standIn.trackerEvent(shipment.trackingNumber);
      const reports = await carrier.webhook!({ rawBody: signed.rawBody, headers: { 'X-Hmac-Signature': signed.headers['x-hmac-signature'] } });
      expect(reports).to.have.length(1);
      expect(reports[0]).to.deep.include({ trackingNumber: shipment.trackingNumber, shipmentId: shipment.shipmentId, status: 'returned' });
    });

    it('rejects a forged, altered or unsigned event with CARRIER_WEBHOOK_INVALID (400)', async () => {
      const carrier = standInCarrier(standIn);
      const shipment = await carrier.createShipment(labelRequest());
      const forged = standIn.trackerEvent(shipment.trackingNumber, { secret: 'not-the-secret' });
      expect(await rejection(carrier.webhook!(forged))).to.include({ code: 'CARRIER_WEBHOOK_INVALID', status: 400 });
      const signed = standIn.trackerEvent(shipment.trackingNumber);
      const altered = Buffer.from(signed.rawBody.toString('utf8').replace('pre_transit', 'delivered'));
      expect(await rejection(carrier.webhook!({ rawBody: altered, headers: signed.headers }))).to.include({ code: 'CARRIER_WEBHOOK_INVALID' });
      expect(await rejection(carrier.webhook!({ rawBody: signed.rawBody, headers: {} }))).to.include({ code: 'CARRIER_WEBHOOK_INVALID' });
    });

    it('acknowledges events about anything but trackers with no report', async () => {
      const carrier = standInCarrier(standIn);
      const rawBody = Buffer.from(JSON.stringify({ id: 'evt_1', object: 'Event', description: 'batch.updated', result: { object: 'Batch', id: 'batch_1' } }));
      const { signatureOf } = await import('@cartwright/plugin-easypost');
      expect(await carrier.webhook!({ rawBody, headers: { 'x-hmac-signature': signatureOf(rawBody, standIn.webhookSecret) } })).to.deep.equal([]);
    });

    it('without a webhook secret, claims no webhooks and has no webhook()', () => {
      const carrier = standInCarrier(standIn, { webhookSecret: undefined });
      expect(carrier.capabilities).to.deep.equal({ rates: true, labels: true, returns: true, tracking: true, webhooks: false });
      expect(carrier.webhook).to.equal(undefined);
    });
  });
});
