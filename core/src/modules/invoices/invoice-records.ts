import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { rows } from '../../kernel/db/sql.ts';
import { newId } from '../../kernel/ids.ts';
import { amountFromDatabase } from '../money/index.ts';
import type { NormalisedAddress } from '../addresses/address-rules.ts';
import type { OrderDiscount, OrderShippingSnapshot, OrderStatus, OrderTax } from '../orders/index.ts';
import type { InvoiceDocument, InvoiceKind, InvoiceRecord } from './invoice.types.ts';

const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;
const parsed = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

interface InvoiceRow {
  id: string;
  order_id: string;
  kind: InvoiceKind;
  number: string;
  invoice_id: string | null;
  amount: string | number;
  currency_code: string;
  refund_transaction_id: string | null;
  issued_at: Date | string;
  data: unknown;
}

const COLUMNS = sql`id, order_id, kind, number, invoice_id, amount, currency_code, refund_transaction_id, issued_at, data`;

function record(row: InvoiceRow): InvoiceRecord {
  return {
    id: row.id,
    orderId: row.order_id,
    kind: row.kind,
    number: row.number,
    invoiceId: row.invoice_id,
    amount: amountFromDatabase(row.amount),
    currencyCode: row.currency_code,
    refundTransactionId: row.refund_transaction_id,
    issuedAt: new Date(row.issued_at),
    document: parsed<InvoiceDocument>(row.data),
  };
}

export async function findInvoice(em: EntityManager, id: string): Promise<InvoiceRecord | undefined> {
  const [row] = await rows<InvoiceRow>(em, sql`select ${COLUMNS} from cw_invoice where id = ${id}`);
  return row && record(row);
}

/** The order's invoice and credit notes, oldest first. */
export async function invoicesOfOrder(em: EntityManager, orderId: string): Promise<InvoiceRecord[]> {
  const found = await rows<InvoiceRow>(em, sql`select ${COLUMNS} from cw_invoice where order_id = ${orderId} order by issued_at, sequence, kind desc`);
  return found.map(record);
}

export async function findOrderInvoice(em: EntityManager, orderId: string): Promise<InvoiceRecord | undefined> {
  const [row] = await rows<InvoiceRow>(em, sql`select ${COLUMNS} from cw_invoice where order_id = ${orderId} and kind = 'invoice'`);
  return row && record(row);
}

/** Locks the order row, so one issue per order runs at a time. */
export async function lockOrderStatus(tx: EntityManager, orderId: string): Promise<OrderStatus | undefined> {
  const [row] = await rows<{ status: OrderStatus }>(tx, sql`select status from cw_order where id = ${orderId} for update`);
  return row?.status;
}

/** The next number of a kind; the counter row stays locked until the transaction ends, so numbers have no gaps. */
export async function nextSequence(tx: EntityManager, kind: InvoiceKind): Promise<number> {
  const [row] = await rows<{ last_number: string | number }>(
    tx,
    sql`update cw_invoice_counter set last_number = last_number + 1 where kind = ${kind} returning last_number`,
  );
  if (!row) throw new Error(`cw_invoice_counter has no row for ${kind}`);
  return amountFromDatabase(row.last_number);
}

export async function insertInvoice(
  tx: EntityManager,
  input: { orderId: string; kind: InvoiceKind; sequence: number; invoiceId: string | null; refundTransactionId: string | null; issuedAt: Date; document: InvoiceDocument },
): Promise<InvoiceRecord> {
  const amount = input.document.creditNote?.amount ?? input.document.total;
  const [row] = await rows<InvoiceRow>(
    tx,
    sql`insert into cw_invoice (id, order_id, kind, number, sequence, invoice_id, amount, currency_code, refund_transaction_id, issued_at, data)
      values (${newId(input.kind === 'invoice' ? 'inv' : 'cn')}, ${input.orderId}, ${input.kind}, ${input.document.number}, ${input.sequence},
        ${input.invoiceId}, ${amount}, ${input.document.currencyCode}, ${input.refundTransactionId}, ${input.issuedAt}, ${json(input.document)})
      returning ${COLUMNS}`,
  );
  return record(row!);
}

/** The order as an invoice prints it: the snapshot checkout froze, never recomputed. */
export interface InvoiceableOrder {
  id: string;
  number: string;
  email: string;
  currencyCode: string;
  pricesIncludeTax: boolean;
  billingAddress: NormalisedAddress;
  shipping: OrderShippingSnapshot[];
  discounts: OrderDiscount[];
  taxes: OrderTax[];
  subtotal: number;
  discountTotal: number;
  shippingTotal: number;
  taxTotal: number;
  total: number;
  placedAt: Date;
  lines: Array<{ id: string; productTitle: string; variantTitle: string; sku: string; quantity: number; unitPrice: number; subtotal: number }>;
}

export async function loadInvoiceableOrder(em: EntityManager, orderId: string): Promise<InvoiceableOrder | undefined> {
  const [order] = await rows<Record<string, unknown>>(
    em,
    sql`select id, number, email, currency_code, prices_include_tax, billing_address, shipping, discounts, taxes,
        subtotal, discount_total, shipping_total, tax_total, total, placed_at
      from cw_order where id = ${orderId}`,
  );
  if (!order) return undefined;
  const lines = await rows<Record<string, unknown>>(
    em,
    sql`select id, product_title, variant_title, sku, quantity, unit_price, subtotal from cw_order_line where order_id = ${orderId} order by position`,
  );
  const money = (value: unknown) => amountFromDatabase(value as string | number);
  return {
    id: String(order.id),
    number: String(order.number),
    email: String(order.email),
    currencyCode: String(order.currency_code),
    pricesIncludeTax: Boolean(order.prices_include_tax),
    billingAddress: parsed<NormalisedAddress>(order.billing_address),
    shipping: parsed<OrderShippingSnapshot[]>(order.shipping),
    discounts: parsed<OrderDiscount[]>(order.discounts),
    taxes: parsed<OrderTax[]>(order.taxes),
    subtotal: money(order.subtotal),
    discountTotal: money(order.discount_total),
    shippingTotal: money(order.shipping_total),
    taxTotal: money(order.tax_total),
    total: money(order.total),
    placedAt: new Date(order.placed_at as string | Date),
    lines: lines.map((l) => ({
      id: String(l.id),
      productTitle: String(l.product_title),
      variantTitle: String(l.variant_title),
      sku: String(l.sku),
      quantity: Number(l.quantity),
      unitPrice: money(l.unit_price),
      subtotal: money(l.subtotal),
    })),
  };
}

/** A succeeded refund of the order that has no credit note yet. */
export interface UncreditedRefund {
  transactionId: string;
  amount: number;
  currencyCode: string;
  reason: string | null;
  lines: Array<{ lineId: string; quantity: number }>;
}

export async function uncreditedRefunds(tx: EntityManager, orderId: string): Promise<UncreditedRefund[]> {
  const found = await rows<{ id: string; amount: string | number; currency_code: string; reason: string | null; data: unknown }>(
    tx,
    sql`select t.id, t.amount, p.currency_code, t.reason, t.data
      from cw_payment_transaction t join cw_payment p on p.id = t.payment_id
      where t.order_id = ${orderId} and t.kind = 'refund' and t.status = 'succeeded' and t.amount > 0
        and not exists (select 1 from cw_invoice i where i.refund_transaction_id = t.id)
      order by t.updated_at, t.id`,
  );
  return found.map((t) => ({
    transactionId: t.id,
    amount: amountFromDatabase(t.amount),
    currencyCode: t.currency_code,
    reason: t.reason,
    lines: parsed<{ lines?: Array<{ lineId: string; quantity: number }> }>(t.data).lines ?? [],
  }));
}
