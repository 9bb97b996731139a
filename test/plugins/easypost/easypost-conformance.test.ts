import { EASYPOST_STATUS_OF } from '@cartwright/plugin-easypost';
import { runShippingCarrierConformance } from '@cartwright/core/testing';
import { startEasyPostStandIn } from '@cartwright/plugin-easypost/testing';
import { CUSTOMER_ADDRESS, STORE_ADDRESS, standInCarrier } from './easypost-support.ts';

runShippingCarrierConformance({
  name: 'EasyPost with a webhook secret (@cartwright/plugin-easypost, against the stand-in)',
  async create() {
    const standIn = await startEasyPostStandIn();
    return {
      carrier: standInCarrier(standIn),
      from: STORE_ADDRESS,
      to: CUSTOMER_ADDRESS,
      parcel: { weightGrams: 750, lengthCm: 25, widthCm: 15, heightCm: 10 },
      // what the carrier's scan and EasyPost's webhook do
      async signedWebhook({ trackingNumber, status }) {
        standIn.advance(trackingNumber, EASYPOST_STATUS_OF[status]);
        return standIn.trackerEvent(trackingNumber);
      },
      cleanup: () => standIn.stop(),
    };
  },
});

runShippingCarrierConformance({
  name: 'EasyPost without a webhook secret, limited to some services and carrier accounts (against the stand-in)',
  async create() {
    const standIn = await startEasyPostStandIn();
    return {
      carrier: standInCarrier(standIn, { webhookSecret: undefined, services: ['USPS:GroundAdvantage', 'UPS:Ground'], carrierAccounts: ['ca_ups_standin'], labelFormat: 'ZPL' }),
      from: STORE_ADDRESS,
      to: CUSTOMER_ADDRESS,
      cleanup: () => standIn.stop(),
    };
  },
});
