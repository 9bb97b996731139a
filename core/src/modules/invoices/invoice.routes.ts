import type { Context } from 'koa';
import { defineRoute } from '../../kernel/http/route.ts';
import { orderCallerOf, requireOrderAccess } from '../orders/index.ts';
import { InvoiceList, InvoiceParams, InvoiceView, OrderInvoiceParams, StoreInvoiceQuery } from './invoice.schemas.ts';
import type { InvoiceRecord } from './invoice.types.ts';

export function invoiceView(invoice: InvoiceRecord): InvoiceView {
  return {
    id: invoice.id,
    orderId: invoice.orderId,
    kind: invoice.kind,
    number: invoice.number,
    invoiceId: invoice.invoiceId,
    amount: { amount: invoice.amount, currencyCode: invoice.currencyCode },
    refundTransactionId: invoice.refundTransactionId,
    issuedAt: invoice.issuedAt.toISOString(),
    pdfUrl: `/admin/invoices/${invoice.id}/pdf`,
  };
}

function sendPdf(ctx: Context, invoice: InvoiceRecord, pdf: Buffer): void {
  ctx.status = 200;
  ctx.type = 'application/pdf';
  ctx.set('Content-Disposition', `inline; filename="${invoice.number}.pdf"`);
  // a buyer's document: never kept by shared caches
  ctx.set('Cache-Control', 'private, no-store');
  ctx.length = pdf.length;
  ctx.body = pdf;
}

/** `/store/orders/:id/invoice`: the order's invoice as a PDF, for its customer or guest-token holder. */
export const storeInvoiceRoutes = [
  defineRoute({
    method: 'GET',
    path: '/:id/invoice',
    summary: 'The order’s invoice (PDF)',
    description:
      'Answers `application/pdf`. The invoice is issued on the first request (numbered `INV-000001`, …) and every later request ' +
      'prints the same document. Same access rule as the order page: the customer’s access token, or the guest order token as ' +
      '`X-Order-Token` or `?token=`; anything else is 404. A pending (unconfirmed) order answers 409 `INVOICE_NOT_AVAILABLE`.',
    tags: ['orders', 'invoices'],
    schema: { params: OrderInvoiceParams, query: StoreInvoiceQuery, response: { 200: null } },
    handler: async ({ actor, headers, params, query, cradle, ctx }) => {
      await requireOrderAccess(cradle.em, params.id, orderCallerOf(actor, headers, query.token));
      const invoice = await cradle.invoiceService.issueInvoice(params.id);
      sendPdf(ctx, invoice, await cradle.invoiceService.pdf(invoice));
      return undefined;
    },
  }),
];

/** `/admin/orders/:id/invoices`: an order's invoice and credit notes. */
export const adminOrderInvoiceRoutes = [
  defineRoute({
    method: 'GET',
    path: '/:id/invoices',
    summary: 'The order’s invoice and credit notes, oldest first',
    description: 'Lists what has been issued; an order whose invoice was never asked for lists none (issue it with POST).',
    tags: ['orders', 'invoices'],
    access: { permission: 'orders:read' },
    schema: { params: OrderInvoiceParams, response: { 200: InvoiceList } },
    handler: async ({ params, cradle }) => ({ items: (await cradle.invoiceService.list(cradle.em, params.id)).map(invoiceView) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/invoices',
    summary: 'Issue the order’s invoice (idempotent)',
    description: 'Answers the order’s invoice, issuing it when it has none. 409 `INVOICE_NOT_AVAILABLE` for a pending order, or one cancelled before it was invoiced.',
    tags: ['orders', 'invoices'],
    access: { permission: 'orders:write' },
    schema: { params: OrderInvoiceParams, response: { 200: InvoiceView } },
    handler: async ({ params, cradle }) => invoiceView(await cradle.invoiceService.issueInvoice(params.id)),
  }),
];

/** `/admin/invoices/:id/pdf`: any invoice or credit note as a PDF. */
export const adminInvoiceRoutes = [
  defineRoute({
    method: 'GET',
    path: '/:id/pdf',
    summary: 'An invoice or credit note (PDF)',
    description: 'Drawn from the document stored when it was issued, so a reprint is identical.',
    tags: ['invoices'],
    access: { permission: 'orders:read' },
    schema: { params: InvoiceParams, response: { 200: null } },
    handler: async ({ params, cradle, ctx }) => {
      const invoice = await cradle.invoiceService.get(cradle.em, params.id);
      sendPdf(ctx, invoice, await cradle.invoiceService.pdf(invoice));
      return undefined;
    },
  }),
];

