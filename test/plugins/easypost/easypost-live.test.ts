import { randomBytes } from 'node:crypto';
import { runShippingCarrierConformance } from '@cartwright/core/testing';
import { EASYPOST_STATUS_OF, EasyPostCarrier, EasyPostClient, signatureOf, type EasyPostTracker } from '@cartwright/plugin-easypost';
import { CUSTOMER_ADDRESS, STORE_ADDRESS } from './easypost-support.ts';

const apiKey = process.env.EASYPOST_API_KEY ?? '';
// only a test key: the kit buys (and refunds) real labels
const live = apiKey.startsWith('EZTK');

describe('easypost: against EasyPost’s test API', () => {
  if (!live) {
    it('runs the carrier conformance kit against api.easypost.com (set EASYPOST_API_KEY=EZTK… to run)');
    return;
  }

  runShippingCarrierConformance({
    name: 'EasyPost (@cartwright/plugin-easypost, live test mode)',
    async create() {
      const webhookSecret = process.env.EASYPOST_WEBHOOK_SECRET || `live-suite-${randomBytes(12).toString('hex')}`;
      const options = { apiKey, webhookSecret, retries: 2, retryBackoffMs: 1000, timeoutMs: 30_000 };
      const client = new EasyPostClient({ apiBase: 'https://api.easypost.com/v2', ...options });
      return {
        carrier: new EasyPostCarrier(options),
        from: STORE_ADDRESS,
        to: CUSTOMER_ADDRESS,
        parcel: { weightGrams: 500, lengthCm: 25, widthCm: 15, heightCm: 10 },
        // EasyPost cannot be made to send a webhook on demand: the event is built from the parcel's real
        // tracker (its exact JSON shape) with one more scan, and signed the way EasyPost signs
        async signedWebhook({ trackingNumber, status }) {
          const tracker = await client.post<EasyPostTracker>('/trackers', { tracker: { tracking_code: trackingNumber } });
          const scan = { object: 'TrackingDetail' as const, datetime: new Date().toISOString(), message: `Live suite: ${status}`, status: EASYPOST_STATUS_OF[status], tracking_location: null };
          const event = { id: `evt_live${Date.now()}`, object: 'Event', description: 'tracker.updated', result: { ...tracker, status: scan.status, tracking_details: [...tracker.tracking_details, scan] } };
          const rawBody = Buffer.from(JSON.stringify(event), 'utf8');
          return { rawBody, headers: { 'content-type': 'application/json', 'x-hmac-signature': signatureOf(rawBody, webhookSecret) } };
        },
      };
    },
  });
});
