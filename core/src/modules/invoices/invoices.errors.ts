import { defineErrorCodes } from '../../kernel/errors.ts';

export const InvoiceErrors = defineErrorCodes({
  INVOICE_NOT_FOUND: { status: 404, title: 'No invoice or credit note with this id' },
  INVOICE_NOT_AVAILABLE: { status: 409, title: 'The order has no invoice: it is not confirmed yet, or was cancelled before one was issued' },
});
