import { defineErrorCodes } from '../../kernel/errors.ts';

/** Errors of returns and exchanges (`/store/orders/:id/returns`, `/admin/returns`). */
export const ReturnErrors = defineErrorCodes({
  RETURN_NOT_FOUND: { status: 404, title: 'No such return that you may see' },
  RETURN_ITEMS_INVALID: { status: 422, title: 'A returned item names no line of the order, names one twice, or its replacement cannot be chosen' },
  RETURN_NOT_DELIVERED: { status: 422, title: 'Only delivered units can be returned' },
  RETURN_QUANTITY_EXCEEDED: { status: 422, title: 'More units than were delivered and not already returned' },
  RETURN_WINDOW_CLOSED: { status: 422, title: 'The return window of these units has closed (or the store accepts no returns)' },
  RETURN_EXCHANGE_NEEDS_ACCOUNT: { status: 422, title: 'An exchange needs an order placed with a customer account; a guest order can be refunded' },
  RETURN_TRANSITION_INVALID: { status: 409, title: 'The return is not in a status that allows this' },
  RETURN_LABEL_INVALID: { status: 422, title: 'A return label cannot be bought with this carrier, service or store configuration' },
  RETURN_LABEL_FAILED: { status: 502, title: 'The carrier could not be reached or refused the label; the return stays approved: retry the label' },
  RETURN_RECEIPT_INVALID: { status: 422, title: 'The receipt must account for every line of the return once, within its quantity' },
  RETURN_EXCHANGE_UNAVAILABLE: { status: 409, title: 'A replacement variant is no longer for sale or not in stock' },
});
