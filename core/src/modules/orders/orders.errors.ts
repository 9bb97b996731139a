import { defineErrorCodes } from '../../kernel/errors.ts';

export const OrderErrors = defineErrorCodes({
  ORDER_NOT_FOUND: { status: 404, title: 'No such order, or it is not yours' },
  ORDER_TRANSITION_INVALID: { status: 409, title: 'The order cannot move to that status from its current one' },
  ORDER_NOT_CANCELLABLE: { status: 409, title: 'The order has been shipped or delivered and can no longer be cancelled' },
  ORDER_NOT_FULFILLABLE: { status: 409, title: 'Only a confirmed order can be fulfilled' },
  ORDER_FULFILLMENT_NOT_FOUND: { status: 404, title: 'The order has no fulfillment with this id' },
  ORDER_FULFILLMENT_INVALID: { status: 422, title: 'The fulfillment names a line, quantity or location that cannot be fulfilled' },
  ORDER_FULFILLMENT_STOCK_SHORT: { status: 409, title: 'Not enough stock at the location to fulfil the line' },
  ORDER_NOT_EDITABLE: { status: 409, title: 'The order can no longer be edited: something was paid, authorized or packed' },
  ORDER_EDIT_INVALID: { status: 422, title: 'The edit names lines or variants that cannot be changed or added' },
  ORDER_EDIT_OUT_OF_STOCK: { status: 409, title: 'Not enough stock to hold the added units' },
  ORDER_ATTACHMENT_INVALID: { status: 422, title: 'The image is not one uploaded for this order' },
  ORDER_CURSOR_INVALID: { status: 400, title: 'The cursor is not one this order list gave out' },
});
