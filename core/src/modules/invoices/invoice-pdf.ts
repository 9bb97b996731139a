import PDFDocument from 'pdfkit';
import { formatDecimal } from '../money/index.ts';
import type { InvoiceDocument } from './invoice.types.ts';

/** `1234567` USD → `12,345.67`; JPY has no decimals, KWD three (the currency's exponent). */
export function formatInvoiceAmount(amount: number, currencyCode: string): string {
  const [whole, fraction] = formatDecimal(Math.abs(amount), currencyCode).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${amount < 0 ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

const LEFT = 50;
const RIGHT = 545;
const BOTTOM = 780;
/** Item, SKU, quantity, unit price and line total columns (x, width). */
const COLUMNS = { item: [LEFT, 190], sku: [245, 95], quantity: [345, 40], unitPrice: [390, 75], lineTotal: [470, 75] } as const;

/**
 * Draws an invoice or credit note as an A4 PDF with the standard Helvetica fonts (WinAnsi: Latin
 * scripts only). Deterministic: the creation date is the issue date, so a reprint is byte-identical.
 */
export function renderInvoicePdf(document: InvoiceDocument): Promise<Buffer> {
  const isCredit = document.kind === 'credit_note';
  const title = isCredit ? 'Credit note' : 'Invoice';
  const pdf = new PDFDocument({
    size: 'A4',
    margin: LEFT,
    info: { Title: `${title} ${document.number}`, Author: document.seller.name, CreationDate: new Date(document.issuedAt) },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const money = (amount: number) => formatInvoiceAmount(amount, document.currencyCode);
  let y = LEFT;
  const ensureRoom = (height: number) => {
    if (y + height <= BOTTOM) return;
    pdf.addPage();
    y = LEFT;
  };
  const line = (text: string, options: { x?: number; width?: number; bold?: boolean; size?: number; align?: 'left' | 'right' } = {}) => {
    pdf.font(options.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(options.size ?? 10);
    const width = options.width ?? RIGHT - (options.x ?? LEFT);
    const height = pdf.heightOfString(text, { width });
    ensureRoom(height);
    pdf.text(text, options.x ?? LEFT, y, { width, align: options.align ?? 'left' });
    y += height + 2;
  };

  line(title.toUpperCase(), { bold: true, size: 20 });
  y += 6;
  const top = y;
  // seller on the left
  line(document.seller.name, { bold: true, width: 240 });
  for (const l of document.seller.addressLines) line(l, { width: 240 });
  if (document.seller.taxId) line(`VAT/Tax ID: ${document.seller.taxId}`, { width: 240 });
  if (document.seller.email) line(document.seller.email, { width: 240 });
  const sellerEnd = y;
  // the document's references on the right
  y = top;
  const facts: Array<[string, string]> = [
    [`${title} number`, document.number],
    [`${title} date`, document.issueDate],
    ...(document.creditNote ? ([['For invoice', document.creditNote.invoiceNumber]] as Array<[string, string]>) : []),
    ['Order number', document.order.number],
    ['Order date', document.order.placedOn],
    ['Currency', document.currencyCode],
  ];
  for (const [label, value] of facts) line(`${label}: ${value}`, { x: 320 });
  y = Math.max(y, sellerEnd) + 14;

  line('Bill to', { bold: true });
  line(document.buyer.name);
  if (document.buyer.company) line(document.buyer.company);
  for (const l of document.buyer.addressLines) line(l);
  line(document.buyer.email);
  y += 14;

  if (document.lines.length) {
    if (isCredit) line('Refunded lines', { bold: true });
    const row = (cells: Record<keyof typeof COLUMNS, string>, bold = false) => {
      pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
      const height = Math.max(...Object.entries(cells).map(([key, text]) => pdf.heightOfString(text, { width: COLUMNS[key as keyof typeof COLUMNS][1] })));
      ensureRoom(height);
      for (const [key, text] of Object.entries(cells)) {
        const [x, width] = COLUMNS[key as keyof typeof COLUMNS];
        pdf.text(text, x, y, { width, align: key === 'item' || key === 'sku' ? 'left' : 'right' });
      }
      y += height + 4;
    };
    row({ item: 'Item', sku: 'SKU', quantity: 'Qty', unitPrice: 'Unit price', lineTotal: 'Line total' }, true);
    pdf.moveTo(LEFT, y - 2).lineTo(RIGHT, y - 2).stroke();
    for (const l of document.lines) {
      row({
        item: l.variantTitle ? `${l.title} (${l.variantTitle})` : l.title,
        sku: l.sku,
        quantity: String(l.quantity),
        unitPrice: money(l.unitPrice),
        lineTotal: money(l.lineTotal),
      });
    }
    y += 10;
  }

  const total = (label: string, amount: string, bold = false) => {
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(10);
    ensureRoom(14);
    pdf.text(label, 300, y, { width: 160, align: 'left' });
    pdf.text(amount, 460, y, { width: RIGHT - 460, align: 'right' });
    y += 16;
  };
  if (document.creditNote) {
    // full width: a payment transaction id is too long for the column above
    line(`Refund reference: ${document.creditNote.refundReference}`);
    if (document.creditNote.reason) line(`Reason: ${document.creditNote.reason}`);
    y += 6;
    total('Amount credited', `${money(document.creditNote.amount)} ${document.currencyCode}`, true);
  } else {
    total('Subtotal', money(document.subtotal));
    for (const d of document.discounts) total(`Discount: ${d.label}`, money(-d.amount));
    if (!document.discounts.length && document.discountTotal > 0) total('Discounts', money(-document.discountTotal));
    for (const s of document.shipping) total(`Shipping: ${s.name}`, money(s.amount));
    for (const t of document.taxes) total(`${t.name} ${t.rate}%${document.pricesIncludeTax ? ' (included)' : ''}`, money(t.amount));
    total(document.pricesIncludeTax ? 'Tax included' : 'Tax', money(document.taxTotal));
    total('Total', `${money(document.total)} ${document.currencyCode}`, true);
    if (document.pricesIncludeTax) line('Prices include tax.', { size: 8 });
  }
  pdf.end();
  return finished;
}
