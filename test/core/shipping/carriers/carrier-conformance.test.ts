import { expect } from 'chai';
import { runShippingCarrierConformance, type ShippingCarrierUnderTest } from '@cartwright/core/testing';
import { ManualCarrier } from '../../../../core/src/modules/shipping/carriers/index.ts';
import { ParcelService, ParcelsCarrier } from './test-carrier.ts';

const from = { name: 'Cartwright Store', line1: '1 Dock Road', city: 'Portland', region: 'OR', postalCode: '97201', countryCode: 'US' };
const to = { name: 'Grace Hopper', line1: '1 Navy Way', city: 'Arlington', region: 'VA', postalCode: '22202', countryCode: 'US' };

runShippingCarrierConformance({
  name: 'manual',
  async create() {
    return { carrier: new ManualCarrier(), from, to };
  },
});

runShippingCarrierConformance({
  name: 'parcels (in-memory test carrier)',
  async create() {
    const service = new ParcelService();
    return {
      carrier: new ParcelsCarrier(service),
      from,
      to,
      parcel: { weightGrams: 1200 },
      async signedWebhook({ trackingNumber, status }) {
        service.scan(trackingNumber, status, `Parcel ${status.replace('_', ' ')}`, 'Portland, OR');
        return service.signedWebhook(trackingNumber);
      },
    };
  },
});

describe('ShippingCarrier conformance kit', () => {
  it('fails a carrier whose webhook accepts an altered body', async () => {
    const service = new ParcelService();
    const lax = new ParcelsCarrier(service);
    // a carrier that forgot to check signatures
    lax.webhook = async (request) => {
      const payload = JSON.parse(request.rawBody.toString('utf8'));
      return [{ ...payload.tracker, estimatedDeliveryAt: null, events: payload.tracker.events.map((e: any) => ({ ...e, occurredAt: new Date(e.occurredAt) })) }];
    };
    const results = await runKitCollecting({ carrier: lax, from, to, signedWebhook: async ({ trackingNumber, status }) => (service.scan(trackingNumber, status, 'scan'), service.signedWebhook(trackingNumber)) });
    expect(results.failed.some((title) => title.includes('rejects an update whose body was altered'))).to.equal(true);
    expect(results.passed.some((title) => title.includes('turns an authentic update into a report'))).to.equal(true);
  });

  it('fails a carrier that sells a second label for a replayed idempotency key, and one with a method it does not claim', async () => {
    const service = new ParcelService();
    const careless = new ParcelsCarrier(service);
    let n = 0;
    careless.createShipment = async () => {
      n += 1;
      return { shipmentId: `shp_${n}`, trackingNumber: `TRK${n}`, trackingUrl: null, label: { url: `https://labels.test/${n}.pdf`, format: 'PDF' }, cost: null };
    };
    const manual = Object.assign(new ManualCarrier(), { track: async () => ({}) as never });
    const first = await runKitCollecting({ carrier: careless, from, to, service: 'PARCELS:Ground', signedWebhook: async () => ({ rawBody: Buffer.from('{}'), headers: {} }) });
    expect(first.failed.some((title) => title.includes('same idempotency key answers the same shipment'))).to.equal(true);
    const second = await runKitCollecting({ carrier: manual, from, to });
    expect(second.failed.some((title) => title.includes('implements exactly the methods'))).to.equal(true);
    expect(second.skipped.some((title) => title.includes('(not claimed)'))).to.equal(true);
  });
});

/** Runs the kit with a small runner of its own and answers which tests passed, failed and were skipped. */
async function runKitCollecting(subject: ShippingCarrierUnderTest) {
  const tests: Array<{ title: string; test?: () => Promise<void> }> = [];
  const befores: Array<() => Promise<void>> = [];
  runShippingCarrierConformance({
    name: 'under check',
    create: async () => subject,
    runner: {
      describe: (_title, body) => body(),
      it: (title, test) => tests.push({ title, ...(test ? { test } : {}) }),
      before: (hook) => befores.push(hook),
      after: () => undefined,
    },
  });
  for (const hook of befores) await hook();
  const passed: string[] = [];
  const failed: string[] = [];
  const skipped: string[] = [];
  for (const { title, test } of tests) {
    const context = { test: { title }, skipped: false, skip() { this.skipped = true; } };
    try {
      await test?.call(context);
      (context.skipped ? skipped : passed).push(context.test.title);
    } catch {
      failed.push(title);
    }
  }
  return { passed, failed, skipped };
}
