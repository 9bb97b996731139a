import { expect } from 'chai';
import { createTestStore } from '@cartwright/core/testing';
import easypost, { DatabaseShipmentKeys, EasyPostCarrier } from '@cartwright/plugin-easypost';
import { startEasyPostStandIn, type EasyPostStandIn } from '@cartwright/plugin-easypost/testing';
import { createCatalogStore, type CatalogStore } from '../../core/catalog/catalog-helpers.ts';
import { placeOrder, query, stockedVariant } from '../../core/orders/order-helpers.ts';
import { STORE_ADDRESS, labelRequest, standInOptions } from './easypost-support.ts';

const { name, company, line1, line2, city, region, postalCode, countryCode, phone, email } = STORE_ADDRESS;
const ORIGIN = { name, company: company!, line1, line2: line2!, city, region: region!, postalCode, countryCode, phone: phone!, email: email! };

describe('easypost: installed in a store (against the stand-in)', () => {
  let standIn: EasyPostStandIn;
  let c: CatalogStore;
  before(async () => {
    standIn = await startEasyPostStandIn();
    c = await createCatalogStore({ plugins: [easypost(standInOptions(standIn))], shipping: { origin: ORIGIN } });
  });
  after(async () => {
    await c?.store.stop();
    await standIn?.stop();
  });

  const carrierOfStore = () => c.store.commerce.withScope((s) => s.cradle.shippingCarriers.find('easypost'));

  it('registers the carrier under its id, with what it can do, in the registry and at /admin/shipping/carriers', async () => {
    const carrier = await carrierOfStore();
    expect(carrier).to.be.instanceOf(EasyPostCarrier);
    expect(carrier!.capabilities).to.deep.equal({ rates: true, labels: true, returns: true, tracking: true, webhooks: true });
    const listed = await c.admin.as.get('/admin/shipping/carriers');
    expect(listed.status, listed.text).to.equal(200);
    expect(listed.body.items).to.deep.include({ id: 'easypost', name: 'EasyPost', capabilities: { rates: true, labels: true, returns: true, tracking: true, webhooks: true } });
  });

  it('remembers each key’s shipment in the database, so a restarted process buys no second label', async () => {
    const carrier = (await carrierOfStore())!;
    const request = labelRequest();
    const first = await carrier.createShipment!(request);
    const rows = await query<{ shipment_id: string }>(c, 'select shipment_id from easypost_shipment_key where carrier_id = ? and idempotency_key = ?', ['easypost', request.idempotencyKey]);
    expect(rows.map((row) => row.shipment_id)).to.deep.equal([first.shipmentId]);
    const labels = standIn.labelsBought();
    const shipments = standIn.shipments().length;
    // a new process: a fresh carrier whose only memory is the database
    const restarted = new EasyPostCarrier(standInOptions(standIn), { keys: new DatabaseShipmentKeys(c.store.commerce.container.cradle.database) });
    const replay = await restarted.createShipment({ ...request });
    expect(replay).to.deep.equal(first);
    expect(standIn.labelsBought()).to.equal(labels);
    expect(standIn.shipments()).to.have.length(shipments);
  });

  it('buys a fulfillment’s label, then takes tracking webhooks at /webhooks/easypost, once each, refusing forged ones', async () => {
    const variant = await stockedVariant(c, 'EasyPost kettle', 5);
    const order = await placeOrder(c, { lines: [{ ...variant, quantity: 1, unitPrice: 2500 }], confirm: true });
    const lines = (await c.admin.as.get(`/admin/orders/${order.id}`)).body.lines as Array<{ id: string }>;
    const packed = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments`, {
      items: [{ lineId: lines[0]!.id, quantity: 1 }],
      label: { carrier: 'easypost', service: 'USPS:Priority', parcel: { weightGrams: 1200, lengthCm: 30, widthCm: 20, heightCm: 15 } },
    });
    expect(packed.status, packed.text).to.equal(201);
    const bought = standIn.shipments().find((shipment) => shipment.reference === packed.body.fulfillments[0].id);
    expect(bought, 'an EasyPost shipment referencing the fulfillment').to.not.equal(undefined);
    expect(bought!.postage_label).to.not.equal(null);
    expect(packed.body.fulfillments[0]).to.include({ carrier: 'easypost', trackingNumber: bought!.tracking_code });
    const sent = standIn.requests.find((request) => request.method === 'POST' && request.path === '/v2/shipments' && (request.body as { shipment: { reference?: string } }).shipment.reference === bought!.reference);
    expect((sent!.body as { shipment: { parcel: unknown } }).shipment.parcel).to.deep.equal({ weight: 42.4, length: 11.9, width: 7.9, height: 6 });

    const trackingCode = bought!.tracking_code!;
    standIn.advance(trackingCode, 'in_transit', { message: 'Departed USPS facility' });
    const forged = await standIn.sendWebhook(c.store, trackingCode, { secret: 'not-the-secret' });
    expect(forged.status).to.equal(400);
    expect(forged.body).to.include({ code: 'CARRIER_WEBHOOK_INVALID' });
    const unsigned = await standIn.sendWebhook(c.store, trackingCode, { signature: null });
    expect(unsigned.status).to.equal(400);
    const delivered = await standIn.sendWebhook(c.store, trackingCode);
    expect(delivered.status, JSON.stringify(delivered.body)).to.equal(200);
    expect(delivered.body).to.deep.include({ received: true, applied: true });
    const again = await standIn.sendWebhook(c.store, trackingCode);
    expect(again.status).to.equal(200);
    expect(again.body).to.deep.include({ received: true, applied: false, duplicate: true });
    const after = await c.admin.as.get(`/admin/orders/${order.id}`);
    expect(after.body.fulfillments[0].status).to.equal('shipped');
  });
});

describe('easypost: start-up', () => {
  it('stops with a message naming EASYPOST_API_KEY when there is no API key', async () => {
    const saved = process.env.EASYPOST_API_KEY;
    delete process.env.EASYPOST_API_KEY;
    try {
      let failure: unknown;
      try {
        const store = await createTestStore({ plugins: [easypost({})] });
        await store.stop();
      } catch (error) {
        failure = error;
      }
      expect(String(failure)).to.contain('EASYPOST_API_KEY');
    } finally {
      if (saved !== undefined) process.env.EASYPOST_API_KEY = saved;
    }
  });

  it('reads the API key and webhook secret from the environment', async () => {
    const standIn = await startEasyPostStandIn();
    const saved = { key: process.env.EASYPOST_API_KEY, secret: process.env.EASYPOST_WEBHOOK_SECRET };
    process.env.EASYPOST_API_KEY = standIn.apiKey;
    process.env.EASYPOST_WEBHOOK_SECRET = standIn.webhookSecret;
    try {
      const carrier = new EasyPostCarrier({ apiBase: standIn.url, retryBackoffMs: 0 });
      expect(carrier.capabilities.webhooks).to.equal(true);
      const rates = await carrier.rates({ from: STORE_ADDRESS, to: STORE_ADDRESS, parcel: { weightGrams: 100 }, currencyCode: 'USD' });
      expect(rates).to.have.length(4);
      expect(standIn.requests[0]!.apiKey).to.equal(standIn.apiKey);
    } finally {
      for (const [name, value] of [['EASYPOST_API_KEY', saved.key], ['EASYPOST_WEBHOOK_SECRET', saved.secret]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await standIn.stop();
    }
  });
});
