import { defineErrorCodes } from '../../kernel/errors.ts';

export const ShippingErrors = defineErrorCodes({
  SHIPPING_ZONE_NOT_FOUND: { status: 404, title: 'No shipping zone has this id' },
  SHIPPING_OPTION_NOT_FOUND: { status: 404, title: 'No shipping option has this id' },
  SHIPPING_ZONE_INVALID: { status: 422, title: 'The zone’s areas are not valid' },
  SHIPPING_ZONE_AREA_TAKEN: { status: 409, title: 'Another shipping zone already covers this area' },
  SHIPPING_RATE_INVALID: { status: 422, title: 'The shipping option’s rate is not valid' },
  SHIPPING_OPTION_INVALID: { status: 422, title: 'The shipping option is not valid' },
  SHIPPING_OPTION_READ_ONLY: { status: 409, title: 'The shipping option comes from config shipping.flatRates and is changed there' },
});
