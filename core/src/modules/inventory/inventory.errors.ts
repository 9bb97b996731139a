import { defineErrorCodes } from '../../kernel/errors.ts';

export const InventoryErrors = defineErrorCodes({
  STOCK_LOCATION_NOT_FOUND: { status: 404, title: 'No such stock location' },
  STOCK_LOCATION_CODE_TAKEN: { status: 409, title: 'Another stock location has this code' },
  STOCK_LOCATION_DEFAULT_REQUIRED: { status: 422, title: 'The store keeps exactly one default stock location' },
  STOCK_INSUFFICIENT: { status: 422, title: 'The change would take stock below zero or below what is reserved' },
  STOCK_TRANSFER_INVALID: { status: 422, title: 'A transfer moves a positive quantity between two different locations' },
  STOCK_RESERVATION_NOT_FOUND: { status: 404, title: 'No open reservation has this reference' },
  STOCK_ALREADY_AVAILABLE: { status: 409, title: 'The variant can be bought now' },
  STOCK_SUBSCRIPTION_VARIANT_INVALID: { status: 422, title: 'Name one variant of this product' },
  STOCK_SUBSCRIPTION_EMAIL_REQUIRED: { status: 422, title: 'Give an email address to be told when it is back' },
});
