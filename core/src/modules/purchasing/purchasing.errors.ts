import { defineErrorCodes } from '../../kernel/errors.ts';

export const PurchasingErrors = defineErrorCodes({
  SUPPLIER_NOT_FOUND: { status: 404, title: 'No such supplier' },
  SUPPLIER_IN_USE: { status: 409, title: 'The supplier has purchase orders' },
  PURCHASE_ORDER_NOT_FOUND: { status: 404, title: 'No such purchase order' },
  PURCHASE_ORDER_NOT_EDITABLE: { status: 409, title: 'Only a draft purchase order can be edited' },
  PURCHASE_ORDER_TRANSITION_INVALID: { status: 409, title: 'The purchase order cannot move to that status from its current one' },
  PURCHASE_ORDER_LINE_NOT_FOUND: { status: 422, title: 'The purchase order has no line with this id' },
  PURCHASE_ORDER_OVER_RECEIPT: { status: 422, title: 'More would be received than is outstanding on the line' },
});
