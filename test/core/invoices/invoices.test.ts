import { expect } from 'chai';
import { sql } from 'kysely';
import { extractText } from 'unpdf';
import { definePlugin, type PaymentProvider, type ProviderResult } from '@cartwright/core';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import type { OrderLineSnapshot, OrderSnapshot } from '../../../core/src/modules/orders/index.ts';
import { formatInvoiceAmount } from '../../../core/src/modules/invoices/index.ts';
import { createAndLogin, type SignedIn } from '../admin/admin-helpers.ts';

/** A gateway that authorizes at once and captures and refunds whatever it is asked to. */
class InstantGateway implements PaymentProvider {
  readonly id = 'invoicepay';
  readonly name = 'Invoice test gateway';
  readonly #payments = new Map<string, { authorized: number; captured: number; refunded: number }>();

  availability() {
    return { available: true as const, fee: 0 };
  }

  #result(reference: string): ProviderResult {
    const p = this.#payments.get(reference)!;
    const status = p.refunded > 0 ? (p.refunded === p.captured ? 'refunded' : 'partially_refunded') : p.captured > 0 ? 'captured' : 'authorized';
    return { status, reference, amountAuthorized: p.authorized, amountCaptured: p.captured, amountRefunded: p.refunded, rawStatus: status };
  }

  async initiate(request: Parameters<PaymentProvider['initiate']>[0]) {
    const reference = `ip_${request.paymentId}`;
    if (!this.#payments.has(reference)) this.#payments.set(reference, { authorized: request.amount, captured: 0, refunded: 0 });
    return this.#result(reference);
  }
  async authorize(request: Parameters<PaymentProvider['authorize']>[0]) {
    return this.#result(request.reference!);
  }
  async status(request: Parameters<PaymentProvider['status']>[0]) {
    return this.#result(request.reference!);
  }
  async capture(request: Parameters<PaymentProvider['capture']>[0]) {
    this.#payments.get(request.reference!)!.captured += request.amount;
    return this.#result(request.reference!);
  }
  async refund(request: Parameters<PaymentProvider['refund']>[0]) {
    this.#payments.get(request.reference!)!.refunded += request.amount;
    return this.#result(request.reference!);
  }
  async void(request: Parameters<PaymentProvider['void']>[0]) {
    return this.#result(request.reference!);
  }
}

const gateway = new InstantGateway();
const invoicePayments = definePlugin({
  name: '@cartwright/test-invoice-payments',
  version: '0.0.0',
  register(api) {
    api.filter('payments.providers', (providers) => [...providers, gateway]);
  },
});

const address = {
  firstName: 'Grace',
  lastName: 'Hopper',
  company: 'Navy Labs',
  line1: '7 Compiler Row',
  line2: 'Suite 3',
  city: 'Arlington',
  region: 'VA',
  postalCode: '22201',
  countryCode: 'US',
  phone: null,
};

function line(productTitle: string, variantTitle: string, sku: string, quantity: number, unitPrice: number, tax: { rateId: string; name: string; rate: string }): OrderLineSnapshot {
  const subtotal = quantity * unitPrice;
  const taxAmount = Math.round((subtotal * Number(tax.rate)) / 100);
  return {
    variantId: null as unknown as string,
    productId: 'prod_invoice',
    productTitle,
    variantTitle,
    sku,
    options: {},
    vendorId: null,
    taxClass: null,
    thumbnailUrl: null,
    quantity,
    unitPrice,
    subtotal,
    discount: 0,
    discounts: [],
    taxes: [{ ...tax, amount: taxAmount }],
    taxTotal: taxAmount,
    total: subtotal + taxAmount,
  };
}

const STANDARD = { rateId: 'vat_std', name: 'VAT', rate: '19' };
const REDUCED = { rateId: 'vat_red', name: 'VAT reduced', rate: '7' };

/** Tax-exclusive order: lines taxed at two rates, a discount and a shipping charge. */
function snapshot(options: { currencyCode: string; customerId: string | null; email?: string; lines: OrderLineSnapshot[]; shipping: number; discount: number }): OrderSnapshot {
  const taxes = new Map<string, { rateId: string; name: string; rate: string; amount: number }>();
  for (const l of options.lines) for (const t of l.taxes) taxes.set(t.rateId, { ...t, amount: (taxes.get(t.rateId)?.amount ?? 0) + t.amount });
  const subtotal = options.lines.reduce((n, l) => n + l.subtotal, 0);
  const taxTotal = options.lines.reduce((n, l) => n + l.taxTotal, 0);
  return {
    cartId: null as unknown as string,
    customerId: options.customerId,
    email: options.email ?? 'grace@example.com',
    currencyCode: options.currencyCode,
    pricesIncludeTax: false,
    shippingAddress: address,
    billingAddress: address,
    lines: options.lines,
    shipping: [{ id: 'flat', name: 'Flat rate', amount: options.shipping, taxes: [], taxTotal: 0, total: options.shipping }],
    discounts: options.discount ? [{ source: 'coupons', label: 'WELCOME', amount: options.discount }] : [],
    taxes: [...taxes.values()],
    subtotal,
    discountTotal: options.discount,
    shippingTotal: options.shipping,
    taxTotal,
    total: subtotal - options.discount + options.shipping + taxTotal,
    paymentMethod: 'invoicepay',
  };
}

describe('invoices', () => {
  let store: TestStore;
  let admin: SignedIn;
  let customer: SignedIn;
  let other: SignedIn;

  before(async () => {
    store = await createTestStore({
      plugins: [invoicePayments()],
      store: {
        name: 'Acme Outfitters',
        legalName: 'Acme Outfitters GmbH',
        addressLines: ['Hauptstrasse 1', '10115 Berlin', 'Germany'],
        taxId: 'DE123456789',
        email: 'billing@acme.example',
      },
    });
    admin = await createAndLogin(store, 'inv-admin@example.com', 'admin');
    customer = await createAndLogin(store, 'inv-customer@example.com', 'customer');
    other = await createAndLogin(store, 'inv-other@example.com', 'customer');
  });
  after(() => store?.stop());

  const place = (order: OrderSnapshot, confirm = true) =>
    store.commerce.withScope((s) =>
      s.cradle.em.transactional(async (tx) => {
        const placed = await s.cradle.orderService.place(tx, order);
        if (confirm) await s.cradle.orderService.transition(tx, placed.id, { order: 'confirmed' }, { kind: 'order.confirmed', message: 'Confirmed', visibleToCustomer: true });
        return placed;
      }),
    );

  const usdOrder = (customerId: string | null) =>
    snapshot({
      currencyCode: 'USD',
      customerId,
      lines: [line('Linen shirt', 'Blue / M', 'SHIRT-BL-M', 2, 2499, STANDARD), line('Field guide', 'Paperback', 'BOOK-FG', 3, 1250, REDUCED)],
      shipping: 495,
      discount: 500,
    });

  async function fetchPdf(path: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${store.url}${path}`, { headers });
    const bytes = Buffer.from(await response.arrayBuffer());
    return { status: response.status, type: response.headers.get('content-type'), bytes };
  }

  async function pdfText(bytes: Buffer): Promise<string> {
    expect(bytes.subarray(0, 5).toString()).to.equal('%PDF-');
    const { text } = await extractText(new Uint8Array(bytes), { mergePages: true });
    return text as string;
  }

  const bearer = (who: SignedIn) => ({ authorization: `Bearer ${who.token}` });
  const invoiceNumberIn = (text: string) => /Invoice number: (INV-\d{6,})/.exec(text)?.[1];

  it('prints the customer’s invoice with seller, buyer, lines, tax per rate and totals, and reprints the same number', async () => {
    const order = usdOrder(customer.id);
    const placed = await place(order);
    const first = await fetchPdf(`/store/orders/${placed.id}/invoice`, bearer(customer));
    expect(first.status, first.bytes.toString()).to.equal(200);
    expect(first.type).to.equal('application/pdf');
    const text = await pdfText(first.bytes);

    const number = invoiceNumberIn(text);
    expect(number, text).to.match(/^INV-\d{6}$/);
    expect(text).to.include(`Order number: ${placed.number}`);
    expect(text).to.include('Currency: USD');
    for (const seller of ['Acme Outfitters GmbH', 'Hauptstrasse 1', '10115 Berlin', 'VAT/Tax ID: DE123456789', 'billing@acme.example']) expect(text).to.include(seller);
    for (const buyer of ['Grace Hopper', 'Navy Labs', '7 Compiler Row', '22201 Arlington', 'grace@example.com']) expect(text).to.include(buyer);
    // lines: title (variant), SKU, quantity, unit price, line total
    expect(text).to.match(/Linen shirt \(Blue \/ M\)\s+SHIRT-BL-M\s+2\s+24\.99\s+49\.98/);
    expect(text).to.match(/Field guide \(Paperback\)\s+BOOK-FG\s+3\s+12\.50\s+37\.50/);
    // 49.98 × 19% = 9.50 (949.62 → 950), 37.50 × 7% = 2.63 (262.5 → 263)
    expect(text).to.match(/Subtotal\s+87\.48/);
    expect(text).to.match(/Discount: WELCOME\s+-5\.00/);
    expect(text).to.match(/Shipping: Flat rate\s+4\.95/);
    expect(text).to.match(/VAT 19%\s+9\.50/);
    expect(text).to.match(/VAT reduced 7%\s+2\.63/);
    expect(text).to.match(/Tax\s+12\.13/);
    expect(order.total).to.equal(8748 - 500 + 495 + 950 + 263);
    expect(text).to.match(/Total\s+99\.56 USD/);

    const again = await fetchPdf(`/store/orders/${placed.id}/invoice`, bearer(customer));
    expect(invoiceNumberIn(await pdfText(again.bytes))).to.equal(number);
    expect(again.bytes.equals(first.bytes), 'a reprint is the same document').to.equal(true);

    const listed = await admin.as.get(`/admin/orders/${placed.id}/invoices`);
    expect(listed.status, listed.text).to.equal(200);
    expect(listed.body.items).to.have.length(1);
    expect(listed.body.items[0]).to.include({ kind: 'invoice', number, orderId: placed.id, invoiceId: null });
    expect(listed.body.items[0].amount).to.deep.equal({ amount: 9956, currencyCode: 'USD' });
    const adminPdf = await fetchPdf(listed.body.items[0].pdfUrl, bearer(admin));
    expect(adminPdf.status).to.equal(200);
    expect(adminPdf.bytes.equals(first.bytes)).to.equal(true);
  });

  it('answers 404 to another customer, to no credentials and to a wrong guest token (BOLA), and serves the guest with the right token', async () => {
    const mine = await place(usdOrder(customer.id));
    for (const headers of [bearer(other), {}, { 'x-order-token': 'not-the-token' }] as Array<Record<string, string>>) {
      const response = await fetchPdf(`/store/orders/${mine.id}/invoice`, headers);
      expect(response.status).to.equal(404);
      expect(response.type).to.match(/problem\+json/);
      expect(JSON.parse(response.bytes.toString()).code).to.equal('ORDER_NOT_FOUND');
    }
    const guest = await place(snapshot({ ...usdOrderOptions(), customerId: null }));
    expect(guest.token).to.be.a('string');
    expect((await fetchPdf(`/store/orders/${guest.id}/invoice`, { 'x-order-token': 'wrong' })).status).to.equal(404);
    expect((await fetchPdf(`/store/orders/${guest.id}/invoice`, bearer(customer))).status).to.equal(404);
    expect((await fetchPdf(`/store/orders/${'ord_doesnotexist'}/invoice`, bearer(customer))).status).to.equal(404);
    const byHeader = await fetchPdf(`/store/orders/${guest.id}/invoice`, { 'x-order-token': guest.token! });
    expect(byHeader.status).to.equal(200);
    const byQuery = await fetchPdf(`/store/orders/${guest.id}/invoice?token=${encodeURIComponent(guest.token!)}`);
    expect(byQuery.status).to.equal(200);
    expect(byQuery.bytes.equals(byHeader.bytes)).to.equal(true);
    // nor may a customer read the admin copies
    const listed = await admin.as.get(`/admin/orders/${guest.id}/invoices`);
    expect((await fetchPdf(listed.body.items[0].pdfUrl, bearer(customer))).status).to.equal(403);
    expect((await customer.as.get(`/admin/orders/${guest.id}/invoices`)).status).to.equal(403);
  });

  function usdOrderOptions() {
    return {
      currencyCode: 'USD',
      lines: [line('Mug', 'White', 'MUG-W', 1, 1000, STANDARD)],
      shipping: 0,
      discount: 0,
    };
  }

  it('formats amounts with the currency’s exponent: JPY without decimals, KWD with three', async () => {
    const yen = await place(
      snapshot({ currencyCode: 'JPY', customerId: customer.id, lines: [line('Tea bowl', 'Raku', 'BOWL-R', 2, 12500, { rateId: 'jp', name: 'Consumption tax', rate: '10' })], shipping: 800, discount: 0 }),
    );
    const yenText = await pdfText((await fetchPdf(`/store/orders/${yen.id}/invoice`, bearer(customer))).bytes);
    expect(yenText).to.match(/Tea bowl \(Raku\)\s+BOWL-R\s+2\s+12,500\s+25,000/);
    expect(yenText).to.match(/Consumption tax 10%\s+2,500/);
    expect(yenText).to.match(/Total\s+28,300 JPY/);
    expect(yenText).not.to.match(/25,000\.0/);

    const dinar = await place(
      snapshot({ currencyCode: 'KWD', customerId: customer.id, lines: [line('Dallah', 'Brass', 'DALLAH-B', 1, 12345, { rateId: 'kw', name: 'VAT', rate: '5' })], shipping: 1500, discount: 0 }),
    );
    const dinarText = await pdfText((await fetchPdf(`/store/orders/${dinar.id}/invoice`, bearer(customer))).bytes);
    // 12.345 × 5% = 0.617 (617.25 → 617)
    expect(dinarText).to.match(/Dallah \(Brass\)\s+DALLAH-B\s+1\s+12\.345\s+12\.345/);
    expect(dinarText).to.match(/VAT 5%\s+0\.617/);
    expect(dinarText).to.match(/Shipping: Flat rate\s+1\.500/);
    expect(dinarText).to.match(/Total\s+14\.462 KWD/);

    expect(formatInvoiceAmount(123456789, 'USD')).to.equal('1,234,567.89');
    expect(formatInvoiceAmount(5, 'KWD')).to.equal('0.005');
    expect(formatInvoiceAmount(1000000, 'JPY')).to.equal('1,000,000');
    expect(formatInvoiceAmount(-500, 'EUR')).to.equal('-5.00');
  });

  it('issues one number to concurrent first requests, and numbers invoices one after another', async () => {
    const a = await place(usdOrder(customer.id));
    const responses = await Promise.all(Array.from({ length: 6 }, () => fetchPdf(`/store/orders/${a.id}/invoice`, bearer(customer))));
    expect(responses.map((r) => r.status)).to.deep.equal([200, 200, 200, 200, 200, 200]);
    const numbers = new Set(await Promise.all(responses.map(async (r) => invoiceNumberIn(await pdfText(r.bytes)))));
    expect(numbers.size).to.equal(1);
    const listed = await admin.as.get(`/admin/orders/${a.id}/invoices`);
    expect(listed.body.items).to.have.length(1);

    const b = await place(usdOrder(customer.id));
    const issued = await admin.as.post(`/admin/orders/${b.id}/invoices`, {});
    expect(issued.status, issued.text).to.equal(200);
    const sequence = (n: string) => Number(n.slice(4));
    expect(sequence(issued.body.number)).to.equal(sequence([...numbers][0]!) + 1);
    const repeated = await admin.as.post(`/admin/orders/${b.id}/invoices`, {});
    expect(repeated.body.number).to.equal(issued.body.number);
  });

  it('reprints from the stored document even after the order changes, and breaks long invoices over pages', async () => {
    const placed = await place(usdOrder(customer.id));
    const first = await fetchPdf(`/store/orders/${placed.id}/invoice`, bearer(customer));
    expect(first.bytes.length).to.be.greaterThan(500);
    await store.commerce.withScope(async (s) => {
      await sql`update cw_order_line set product_title = 'Renamed shirt' where order_id = ${placed.id}`.execute(s.cradle.em.getKysely());
      await sql`update cw_order set email = 'changed@example.com' where id = ${placed.id}`.execute(s.cradle.em.getKysely());
    });
    const again = await fetchPdf(`/store/orders/${placed.id}/invoice`, bearer(customer));
    expect(again.bytes.equals(first.bytes)).to.equal(true);
    expect(await pdfText(again.bytes)).not.to.include('Renamed shirt');

    const many = Array.from({ length: 70 }, (_, i) => line(`Sticker ${i + 1}`, 'Die-cut', `STK-${i + 1}`, i + 1, 101, STANDARD));
    const big = await place(snapshot({ currencyCode: 'USD', customerId: customer.id, lines: many, shipping: 0, discount: 0 }));
    const response = await fetchPdf(`/store/orders/${big.id}/invoice`, bearer(customer));
    const text = await pdfText(response.bytes);
    const { totalPages } = await extractText(new Uint8Array(response.bytes));
    expect(totalPages).to.be.greaterThan(1);
    for (let i = 1; i <= 70; i++) expect(text).to.match(new RegExp(`Sticker ${i} \\(Die-cut\\)\\s+STK-${i}\\s+${i}\\s+1\\.01\\s+${formatInvoiceAmount(i * 101, 'USD').replace('.', '\\.')}`));
    const subtotal = many.reduce((n, l) => n + l.subtotal, 0);
    const tax = many.reduce((n, l) => n + l.taxTotal, 0);
    expect(text).to.match(new RegExp(`Total\\s+${formatInvoiceAmount(subtotal + tax, 'USD').replace('.', '\\.')} USD`));
  });

  it('refuses an invoice for an order that is not confirmed yet (409)', async () => {
    const pending = await place(usdOrder(customer.id), false);
    const response = await fetchPdf(`/store/orders/${pending.id}/invoice`, bearer(customer));
    expect(response.status).to.equal(409);
    expect(JSON.parse(response.bytes.toString()).code).to.equal('INVOICE_NOT_AVAILABLE');
    expect((await admin.as.get(`/admin/orders/${pending.id}/invoices`)).body.items).to.deep.equal([]);
    expect((await fetchPdf('/admin/invoices/inv_missing/pdf', bearer(admin))).status).to.equal(404);
  });

  it('issues a credit note per refund, with the refunded amount and lines and a reference to the invoice', async () => {
    const placed = await place(usdOrder(customer.id), false);
    const cradle = <T>(fn: (c: TestStore['commerce']['container']['cradle']) => Promise<T>) => store.commerce.withScope((s) => fn(s.cradle));
    const started = await cradle((c) => c.paymentService.start(placed.id, 'invoicepay', {}));
    expect(started.status).to.equal('authorized');
    await cradle((c) => c.paymentService.capture(placed.id));
    const [shirt] = await cradle(async (c) => (await sql<{ id: string }>`select id from cw_order_line where order_id = ${placed.id} order by position`.execute(c.em.getKysely())).rows);

    const partial = await admin.as.post(`/admin/orders/${placed.id}/refunds`, { amount: 2499, reason: 'one shirt returned', lines: [{ lineId: shirt!.id, quantity: 1 }] });
    expect(partial.status, partial.text).to.equal(201);
    await store.deliverEvents();
    await store.deliverEvents();

    const listed = await admin.as.get(`/admin/orders/${placed.id}/invoices`);
    expect(listed.body.items.map((i: { kind: string }) => i.kind)).to.deep.equal(['invoice', 'credit_note']);
    const [invoice, credit] = listed.body.items;
    expect(credit).to.include({ invoiceId: invoice.id });
    expect(credit.number).to.match(/^CN-\d{6}$/);
    expect(credit.amount).to.deep.equal({ amount: 2499, currencyCode: 'USD' });
    expect(credit.refundTransactionId).to.match(/\S/);

    const text = await pdfText((await fetchPdf(credit.pdfUrl, bearer(admin))).bytes);
    expect(text).to.include('CREDIT NOTE');
    expect(text).to.include(`Credit note number: ${credit.number}`);
    expect(text).to.include(`For invoice: ${invoice.number}`);
    expect(text).to.include(`Refund reference: ${credit.refundTransactionId}`);
    expect(text).to.include(`Order number: ${placed.number}`);
    expect(text).to.match(/Linen shirt \(Blue \/ M\)\s+SHIRT-BL-M\s+1\s+24\.99\s+24\.99/);
    expect(text).to.include('Reason: one shirt returned');
    expect(text).to.match(/Amount credited\s+24\.99 USD/);

    const rest = await admin.as.post(`/admin/orders/${placed.id}/refunds`, { amount: 9956 - 2499, reason: 'order returned' });
    expect(rest.status, rest.text).to.equal(201);
    await store.deliverEvents();
    const after = (await admin.as.get(`/admin/orders/${placed.id}/invoices`)).body.items;
    expect(after.map((i: { kind: string }) => i.kind)).to.deep.equal(['invoice', 'credit_note', 'credit_note']);
    expect(after[2].amount.amount).to.equal(7457);
    expect(Number(after[2].number.slice(3))).to.equal(Number(credit.number.slice(3)) + 1);
    // issuing again finds nothing new to credit
    expect(await cradle((c) => c.invoiceService.issueCreditNotes(placed.id))).to.deep.equal([]);
  });
});
