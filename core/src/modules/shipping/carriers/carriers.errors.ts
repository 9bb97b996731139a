import { defineErrorCodes } from '../../../kernel/errors.ts';

/** Errors about carriers, their shipments (labels) and tracking. Carrier plugins throw `CARRIER_WEBHOOK_INVALID` from `webhook()`. */
export const CarrierErrors = defineErrorCodes({
  CARRIER_UNKNOWN: { status: 422, title: 'No installed shipping carrier has this id' },
  CARRIER_LABELS_UNSUPPORTED: { status: 422, title: 'This carrier cannot buy labels' },
  CARRIER_SERVICE_REQUIRED: { status: 422, title: 'A label needs a carrier service: name one, or choose a carrier-calculated shipping option at checkout' },
  CARRIER_PARCEL_REQUIRED: { status: 422, title: 'The parcel’s weight is unknown: give parcel.weightGrams' },
  CARRIER_ORIGIN_MISSING: { status: 422, title: 'Labels need the store’s origin address: set shipping.origin in the config' },
  CARRIER_LABEL_FAILED: { status: 502, title: 'The carrier could not be reached or refused the label; the request is kept, retry it later' },
  CARRIER_WEBHOOK_INVALID: { status: 400, title: 'The carrier webhook is not authentic: unsigned, badly signed or altered' },
  SHIPMENT_LABEL_EXISTS: { status: 409, title: 'This fulfillment already has a label' },
  SHIPMENT_LABEL_NOT_BUYABLE: { status: 409, title: 'A label can be bought only for a fulfillment that is packed and not cancelled' },
});
