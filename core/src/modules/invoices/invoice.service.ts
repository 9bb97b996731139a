import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import { OrderErrors } from '../orders/index.ts';
import type { NormalisedAddress } from '../addresses/address-rules.ts';
import { InvoiceErrors } from './invoices.errors.ts';
import { renderInvoicePdf } from './invoice-pdf.ts';
import {
  findInvoice,
  findOrderInvoice,
  insertInvoice,
  invoicesOfOrder,
  loadInvoiceableOrder,
  lockOrderStatus,
  nextSequence,
  uncreditedRefunds,
  type InvoiceableOrder,
  type UncreditedRefund,
} from './invoice-records.ts';
import type { InvoiceBuyer, InvoiceDocument, InvoiceKind, InvoiceRecord, InvoiceSeller } from './invoice.types.ts';

type Deps = Pick<Cradle, 'em' | 'config'>;

const PREFIX: Record<InvoiceKind, string> = { invoice: 'INV', credit_note: 'CN' };

/** `INV-000001`, `CN-000042`: six digits at least, more when the counter outgrows them. */
export function documentNumber(kind: InvoiceKind, sequence: number): string {
  return `${PREFIX[kind]}-${String(sequence).padStart(6, '0')}`;
}

/**
 * Issues invoices (one per order, when first asked for) and credit notes (one per refund, when the
 * refund is reported), numbered from gapless counters, each frozen as the document it prints.
 * Every issue runs in its own transaction that locks the order row first, so concurrent first
 * requests for an invoice produce one number.
 */
export class InvoiceService {
  readonly #deps: Deps;

  constructor(cradle: Cradle) {
    this.#deps = cradle;
  }

  /**
   * The order's invoice, issued now if it has none. A pending order (not yet paid or confirmed) has
   * none to give, nor has one cancelled before its invoice was issued: 409 `INVOICE_NOT_AVAILABLE`.
   */
  issueInvoice(orderId: string): Promise<InvoiceRecord> {
    return this.#deps.em.transactional(async (tx) => {
      const status = await lockOrderStatus(tx, orderId);
      if (status === undefined) throw OrderErrors.ORDER_NOT_FOUND(`No order ${orderId}`);
      const existing = await findOrderInvoice(tx, orderId);
      if (existing) return existing;
      if (status === 'pending' || status === 'cancelled') {
        throw InvoiceErrors.INVOICE_NOT_AVAILABLE(`The order is ${status}: an invoice is issued once the order is confirmed`, { extensions: { orderStatus: status } });
      }
      return this.#insertInvoice(tx, orderId);
    });
  }

  /**
   * A credit note for every succeeded refund of the order that has none yet (the invoice is issued
   * first when the order has none: money was taken, so there was a sale). Safe to run any number of
   * times and concurrently: each refund gets exactly one credit note.
   */
  issueCreditNotes(orderId: string): Promise<InvoiceRecord[]> {
    return this.#deps.em.transactional(async (tx) => {
      const status = await lockOrderStatus(tx, orderId);
      if (status === undefined) return [];
      const refunds = await uncreditedRefunds(tx, orderId);
      if (!refunds.length) return [];
      const invoice = (await findOrderInvoice(tx, orderId)) ?? (await this.#insertInvoice(tx, orderId));
      const order = (await loadInvoiceableOrder(tx, orderId))!;
      const issued: InvoiceRecord[] = [];
      for (const refund of refunds) issued.push(await this.#insertCreditNote(tx, order, invoice, refund));
      return issued;
    });
  }

  list(em: EntityManager, orderId: string): Promise<InvoiceRecord[]> {
    return invoicesOfOrder(em, orderId);
  }

  async get(em: EntityManager, id: string): Promise<InvoiceRecord> {
    const found = await findInvoice(em, id);
    if (!found) throw InvoiceErrors.INVOICE_NOT_FOUND(`No invoice ${id}`);
    return found;
  }

  /** The document's PDF, drawn from its stored snapshot only: the same bytes on every reprint. */
  pdf(invoice: InvoiceRecord): Promise<Buffer> {
    return renderInvoicePdf(invoice.document);
  }

  async #insertInvoice(tx: EntityManager, orderId: string): Promise<InvoiceRecord> {
    const order = await loadInvoiceableOrder(tx, orderId);
    if (!order) throw OrderErrors.ORDER_NOT_FOUND(`No order ${orderId}`);
    const sequence = await nextSequence(tx, 'invoice');
    const issuedAt = new Date();
    const document: InvoiceDocument = {
      ...this.#header('invoice', documentNumber('invoice', sequence), issuedAt, order),
      lines: order.lines.map((l) => ({ title: l.productTitle, variantTitle: l.variantTitle, sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice, lineTotal: l.subtotal })),
      discounts: order.discounts.map((d) => ({ label: d.label, amount: d.amount })),
      shipping: order.shipping.map((s) => ({ name: s.name, amount: s.amount })),
      taxes: order.taxes.map((t) => ({ name: t.name, rate: t.rate, amount: t.amount })),
      subtotal: order.subtotal,
      discountTotal: order.discountTotal,
      shippingTotal: order.shippingTotal,
      taxTotal: order.taxTotal,
      total: order.total,
    };
    return insertInvoice(tx, { orderId, kind: 'invoice', sequence, invoiceId: null, refundTransactionId: null, issuedAt, document });
  }

  async #insertCreditNote(tx: EntityManager, order: InvoiceableOrder, invoice: InvoiceRecord, refund: UncreditedRefund): Promise<InvoiceRecord> {
    const sequence = await nextSequence(tx, 'credit_note');
    const issuedAt = new Date();
    const byId = new Map(order.lines.map((l) => [l.id, l]));
    const lines = refund.lines.flatMap((r) => {
      const line = byId.get(r.lineId);
      return line ? [{ title: line.productTitle, variantTitle: line.variantTitle, sku: line.sku, quantity: r.quantity, unitPrice: line.unitPrice, lineTotal: r.quantity * line.unitPrice }] : [];
    });
    const document: InvoiceDocument = {
      ...this.#header('credit_note', documentNumber('credit_note', sequence), issuedAt, order),
      currencyCode: refund.currencyCode,
      lines,
      discounts: [],
      shipping: [],
      taxes: [],
      subtotal: 0,
      discountTotal: 0,
      shippingTotal: 0,
      taxTotal: 0,
      total: refund.amount,
      creditNote: { invoiceNumber: invoice.number, refundReference: refund.transactionId, reason: refund.reason, amount: refund.amount },
    };
    return insertInvoice(tx, { orderId: order.id, kind: 'credit_note', sequence, invoiceId: invoice.id, refundTransactionId: refund.transactionId, issuedAt, document });
  }

  #header(kind: InvoiceKind, number: string, issuedAt: Date, order: InvoiceableOrder) {
    const store = this.#deps.config.store;
    const seller: InvoiceSeller = { name: store.legalName ?? store.name, addressLines: store.addressLines ?? [], taxId: store.taxId ?? null, email: store.email ?? null };
    const day = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: store.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
    return {
      kind,
      number,
      issuedAt: issuedAt.toISOString(),
      issueDate: day(issuedAt),
      currencyCode: order.currencyCode,
      seller,
      buyer: buyerOf(order.billingAddress, order.email),
      order: { id: order.id, number: order.number, placedOn: day(order.placedAt) },
      pricesIncludeTax: order.pricesIncludeTax,
    };
  }
}

function buyerOf(address: NormalisedAddress, email: string): InvoiceBuyer {
  const cityLine = [address.postalCode, address.city].filter(Boolean).join(' ');
  return {
    name: `${address.firstName} ${address.lastName}`.trim(),
    company: address.company,
    addressLines: [address.line1, address.line2, cityLine, address.region, address.countryCode].filter((l): l is string => Boolean(l)),
    email,
  };
}
