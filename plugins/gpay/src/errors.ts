import { defineErrorCodes } from '@cartwright/core';

export const GpayErrors = defineErrorCodes({
  GPAY_PAYMENT_DATA_INVALID: { status: 422, title: 'The Google Pay paymentData is missing or malformed' },
  GPAY_TOKEN_INVALID: { status: 422, title: 'The Google Pay payment token failed verification' },
  GPAY_TOKEN_REPLAYED: { status: 422, title: 'The Google Pay payment token was already used' },
  GPAY_ORDER_NOT_PAYABLE: { status: 409, title: 'The order is not waiting for a payment' },
});
