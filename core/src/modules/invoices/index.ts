import { definePlugin } from '../../kernel/plugin.ts';
import { InvoiceService } from './invoice.service.ts';
import { adminInvoiceRoutes, adminOrderInvoiceRoutes, storeInvoiceRoutes } from './invoice.routes.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    /** Issues and prints invoices (one per order) and credit notes (one per refund). */
    invoiceService: InvoiceService;
  }
}

/**
 * Invoices: a PDF invoice per order, issued when first asked for (store or admin), and a credit note
 * per refund, issued when `payment.refunded` is delivered. Numbers are sequential per store.
 */
export const invoicesModule = definePlugin({
  name: '@cartwright/core/invoices',
  version: '0.1.0',
  register(api) {
    api.service('invoiceService', (cradle) => new InvoiceService(cradle));
    api.routes('/store/orders', storeInvoiceRoutes);
    api.routes('/admin/orders', adminOrderInvoiceRoutes);
    api.routes('/admin/invoices', adminInvoiceRoutes);
    api.subscribe('payment.refunded', 'issue-credit-notes', async (event, { cradle }) => {
      await cradle.invoiceService.issueCreditNotes(event.payload.orderId);
    });
  },
});

export { InvoiceService };
export { documentNumber } from './invoice.service.ts';
export { InvoiceErrors } from './invoices.errors.ts';
export { formatInvoiceAmount, renderInvoicePdf } from './invoice-pdf.ts';
export { invoiceView } from './invoice.routes.ts';
export type * from './invoice.types.ts';
