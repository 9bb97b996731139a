import { defineErrorCodes } from '@cartwright/core';

/** What goes wrong talking to EasyPost, as the store's staff and logs see it. */
export const EasyPostErrors = defineErrorCodes({
  EASYPOST_REQUEST_REJECTED: { status: 422, title: 'EasyPost refused the request: an address, parcel or option it does not accept' },
  EASYPOST_SERVICE_INVALID: { status: 422, title: 'The service must be an EasyPost carrier and service, as CARRIER:Service (USPS:Priority)' },
  EASYPOST_SERVICE_NOT_OFFERED: { status: 422, title: 'EasyPost offers no rate for this service between these addresses' },
  EASYPOST_SHIPMENT_NOT_FOUND: { status: 404, title: 'EasyPost has no shipment with this id' },
  EASYPOST_ACCOUNT_REFUSED: { status: 502, title: 'EasyPost refused the account: check the API key, the carrier accounts and the billing' },
  EASYPOST_UNAVAILABLE: { status: 503, title: 'EasyPost could not be reached or kept failing; retry later with the same idempotency key' },
  EASYPOST_RESPONSE_INVALID: { status: 502, title: 'EasyPost answered something this plugin does not understand' },
});
