import { expect } from 'chai';
import { createCommerce, definePlugin, defineRoute, Type, type PaymentProvider, type ProviderResult } from '@cartwright/core';
import type { TestResponse } from '@cartwright/core/testing';
import type { OrderSnapshot } from '../../../core/src/modules/orders/index.ts';
import { rejectionOf } from '../../support/rejection.ts';
import { auditEntries, type SignedIn } from '../admin/admin-helpers.ts';
import { createCatalogStore, created, simpleProduct, type CatalogStore } from '../catalog/catalog-helpers.ts';
import { productWithVariant } from '../inventory/inventory-helpers.ts';
import { smallWebp } from '../media/media-fixtures.ts';

/** A till that authorizes, captures and refunds at once, keeping its payments in memory. */
class Till implements PaymentProvider {
  readonly id = 'till';
  readonly name = 'Test till';
  readonly #payments = new Map<string, { authorized: number; captured: number; refunded: number; voided: boolean }>();

  availability() {
    return { available: true as const, fee: 0 };
  }

  #result(reference: string): ProviderResult {
    const p = this.#payments.get(reference)!;
    const status = p.voided ? 'voided' : p.refunded > 0 ? (p.refunded >= p.captured ? 'refunded' : 'partially_refunded') : p.captured > 0 ? 'captured' : 'authorized';
    return { status, reference, amountAuthorized: p.authorized, amountCaptured: p.captured, amountRefunded: p.refunded, rawStatus: status };
  }

  async initiate(request: Parameters<PaymentProvider['initiate']>[0]) {
    const reference = `till_${request.paymentId}`;
    if (!this.#payments.has(reference)) this.#payments.set(reference, { authorized: request.amount, captured: 0, refunded: 0, voided: false });
    return this.#result(reference);
  }

  async authorize(request: Parameters<PaymentProvider['authorize']>[0]) {
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
    this.#payments.get(request.reference!)!.voided = true;
    return this.#result(request.reference!);
  }

  async status(request: Parameters<PaymentProvider['status']>[0]) {
    return this.#result(request.reference!);
  }
}

/** A plugin with admin routes of its own: one that records nothing, one naming its audit action. */
const helpdesk = definePlugin({
  name: '@fixtures/plugin-helpdesk',
  version: '1.0.0',
  register(api) {
    const till = new Till();
    api.filter('payments.providers', (providers) => [...providers, till]);
    api.routes('/admin/tickets', [
      defineRoute({
        method: 'POST',
        path: '/:id/close',
        summary: 'Close a ticket',
        access: { permission: 'orders:write' },
        schema: {
          params: Type.Object({ id: Type.String() }),
          body: Type.Object({ note: Type.String(), secretAnswer: Type.Optional(Type.String()), customer: Type.Optional(Type.Unknown()) }),
          response: { 200: Type.Object({ id: Type.String(), closed: Type.Boolean() }) },
        },
        handler: ({ params }) => ({ id: params.id, closed: true }),
      }),
      defineRoute({
        method: 'POST',
        path: '/',
        summary: 'Open a ticket',
        audit: { action: 'ticket.opened' },
        access: { permission: 'orders:write' },
        schema: { body: Type.Object({ subject: Type.String() }), response: { 201: Type.Object({ id: Type.String() }) } },
        handler: () => ({ id: 'tkt_42' }),
      }),
    ]);
  },
});

const address = { firstName: 'Ada', lastName: 'Lovelace', company: null, line1: '1 Main St', line2: null, city: 'Springfield', region: null, postalCode: '12345', countryCode: 'US', phone: null };

function snapshot(total: number): OrderSnapshot {
  return {
    cartId: null as unknown as string,
    customerId: null,
    email: 'buyer@example.com',
    currencyCode: 'USD',
    pricesIncludeTax: false,
    shippingAddress: address,
    billingAddress: address,
    lines: [
      {
        variantId: null as unknown as string,
        productId: 'prod_test',
        productTitle: 'Mug',
        variantTitle: 'Blue',
        sku: 'MUG-BLUE',
        options: {},
        vendorId: null,
        taxClass: null,
        thumbnailUrl: null,
        quantity: 1,
        unitPrice: total,
        subtotal: total,
        discount: 0,
        discounts: [],
        taxes: [],
        taxTotal: 0,
        total,
      },
    ],
    shipping: [],
    discounts: [],
    taxes: [],
    subtotal: total,
    discountTotal: 0,
    shippingTotal: 0,
    taxTotal: 0,
    total,
    paymentMethod: 'till',
  };
}

describe('admin audit coverage', () => {
  let c: CatalogStore;
  let admin: SignedIn;
  before(async () => {
    c = await createCatalogStore({ plugins: [helpdesk()] });
    admin = c.admin;
  });
  after(() => c.store.stop());

  const requestIdOf = (response: TestResponse) => {
    const id = response.headers.get('x-request-id');
    expect(id, 'X-Request-Id').to.be.a('string').and.not.empty;
    return id!;
  };
  /** The audit entries the request of `response` left. */
  const entriesOf = async (response: TestResponse) => (await auditEntries(admin, { requestId: requestIdOf(response) })).items;
  /** The one entry of a successful request, with the caller as actor. */
  const onlyEntryOf = async (response: TestResponse) => {
    expect(response.status, response.text).to.be.within(200, 299);
    const entries = await entriesOf(response);
    expect(entries, 'audit entries of the request').to.have.length(1);
    expect(entries[0]).to.deep.include({ actor: { kind: 'user', id: admin.id }, requestId: requestIdOf(response) });
    expect(entries[0]!.ip).to.be.a('string');
    return entries[0]!;
  };
  const place = (total: number) =>
    c.store.commerce.withScope((s) => s.cradle.em.transactional((tx) => s.cradle.orderService.place(tx, snapshot(total))));

  describe('a generic entry where the module records none', () => {
    it('records a stock adjustment (the inventory module names its own entry; the generic one stands in otherwise)', async () => {
      const { variantId } = await productWithVariant(c, 'Audited mug');
      const adjusted = await admin.as.post('/admin/inventory/adjustments', { variantId, delta: 7, reason: 'receipt' });
      const entry = await onlyEntryOf(adjusted);
      expect(entry.action).to.be.a('string').and.not.empty;
      expect(JSON.stringify(entry), 'the entry names the adjusted variant').to.include(variantId);
    });

    it('records an upload by its content type only, naming the uploaded media', async () => {
      const uploaded = await admin.as.upload('/admin/media', { files: { file: { bytes: await smallWebp(40, 30), filename: 'tiny.webp' } }, fields: { alt: 'a tiny picture' } });
      const entry = await onlyEntryOf(uploaded);
      expect(entry).to.deep.include({ action: 'POST /admin/media', target: { type: 'media', id: uploaded.body.id } });
      expect(uploaded.body.id).to.match(/^med_/);
      expect(entry.after.status).to.equal(201);
      expect(entry.after.body).to.have.keys('contentType');
      expect(entry.after.body.contentType).to.match(/^multipart\/form-data/);
    });

    it('records a search reindex request, which has no body and no record', async () => {
      const requested = await admin.as.post('/admin/search/reindex');
      const entry = await onlyEntryOf(requested);
      expect(entry).to.deep.include({
        action: 'POST /admin/search/reindex',
        target: { type: 'search', id: null },
        after: { params: {}, body: null, status: 202 },
      });
    });

    it('records a plugin’s admin route, redacting secrets at any depth', async () => {
      const closed = await admin.as.post('/admin/tickets/tkt_7/close', {
        note: 'solved',
        secretAnswer: 'hunter2',
        customer: { name: 'Ada', password: 'p4ss', cards: [{ number: '4242' }], devices: [{ pushToken: 'tok', model: 'phone' }] },
      });
      const entry = await onlyEntryOf(closed);
      expect(entry).to.deep.include({ action: 'POST /admin/tickets/:id/close', target: { type: 'tickets', id: 'tkt_7' } });
      expect(entry.after).to.deep.equal({
        params: { id: 'tkt_7' },
        body: { note: 'solved', secretAnswer: '[redacted]', customer: { name: 'Ada', password: '[redacted]', cards: '[redacted]', devices: [{ pushToken: '[redacted]', model: 'phone' }] } },
        status: 200,
      });
      expect(JSON.stringify(entry)).not.to.match(/hunter2|p4ss|4242|"tok"/);
    });

    it('names the entry by the route’s declared audit action, targeting the id the response names', async () => {
      const opened = await admin.as.post('/admin/tickets', { subject: 'Where is my parcel?' });
      const entry = await onlyEntryOf(opened);
      expect(entry).to.deep.include({ action: 'ticket.opened', target: { type: 'tickets', id: 'tkt_42' } });
    });
    it('keeps the answer of a write whose generic entry cannot be written: the change has committed, so a 500 would invite a retry', async () => {
      const execute = (statement: string) => c.store.commerce.withScope((s) => s.cradle.em.execute(statement));
      await execute('alter table cw_audit_log rename to cw_audit_log_away');
      let closed: TestResponse;
      try {
        closed = await admin.as.post('/admin/tickets/tkt_9/close', { note: 'written while the audit log is away' });
      } finally {
        await execute('alter table cw_audit_log_away rename to cw_audit_log');
      }
      expect(closed.status, closed.text).to.equal(200);
      expect(closed.body).to.deep.equal({ id: 'tkt_9', closed: true });
      expect(await entriesOf(closed)).to.deep.equal([]);
    });
  });

  describe('explicit entries', () => {
    it('keeps the module’s own entry and adds no generic one: a shipping zone', async () => {
      const zone = await admin.as.post('/admin/shipping/zones', { name: 'Audited zone', areas: [{ countryCode: 'FR' }] });
      const entry = await onlyEntryOf(zone);
      expect(entry).to.deep.include({ action: 'shipping_zone.created', target: { type: 'shipping_zone', id: zone.body.id }, before: null });
    });

    it('records an API key’s creation without its secret', async () => {
      const key = await admin.as.post('/admin/api-keys', { name: 'ERP', permissions: ['users:read'] });
      const secret: string = key.body.key;
      expect(secret).to.match(/^ck_/);
      const entry = await onlyEntryOf(key);
      expect(entry).to.deep.include({ action: 'api_key.created', target: { type: 'api_key', id: key.body.id } });
      expect(JSON.stringify(entry)).not.to.include(secret);
      expect(JSON.stringify(entry)).not.to.include(secret.slice(11));
    });

    it('records an order cancellation with the order’s state before and after', async () => {
      const placed = await place(2500);
      const cancelled = await admin.as.post(`/admin/orders/${placed.id}/cancel`, { reason: 'customer called' });
      const entry = await onlyEntryOf(cancelled);
      expect(entry).to.deep.include({
        action: 'order.cancelled',
        target: { type: 'order', id: placed.id },
        before: { status: 'pending', paymentStatus: 'not_paid', fulfillmentStatus: 'not_fulfilled', total: 2500 },
        after: { status: 'cancelled', paymentStatus: 'not_paid', fulfillmentStatus: 'not_fulfilled', total: 2500, reason: 'customer called' },
      });
    });

    it('records a refund with the payment’s amounts before and after', async () => {
      const placed = await place(8000);
      const payment = await c.store.commerce.withScope(async (s) => {
        await s.cradle.paymentService.start(placed.id, 'till', {});
        return s.cradle.paymentService.capture(placed.id);
      });
      const refunded = await admin.as.post(`/admin/orders/${placed.id}/refunds`, { amount: 3000, reason: 'damaged' });
      const entry = await onlyEntryOf(refunded);
      expect(entry).to.deep.include({
        action: 'order.refunded',
        target: { type: 'order', id: placed.id },
        before: { paymentId: payment.id, status: 'captured', amountCaptured: 8000, amountRefunded: 0 },
        after: { paymentId: payment.id, status: 'partially_refunded', amountCaptured: 8000, amountRefunded: 3000, refunded: 3000, currencyCode: 'USD', reason: 'damaged', lines: [] },
      });
    });

    it('records a product update with the changed fields before and after', async () => {
      const product = await created(admin.as, '/admin/products', simpleProduct('Old title', 1200, { metaTitle: 'Old meta' }));
      const updated = await admin.as.patch(`/admin/products/${product.id}`, { title: 'New title', metaTitle: 'New meta', featured: true });
      const entry = await onlyEntryOf(updated);
      expect(entry).to.deep.include({
        action: 'product.updated',
        target: { type: 'product', id: product.id },
        before: { title: 'Old title', featured: false, metaTitle: 'Old meta' },
        after: { title: 'New title', featured: true, metaTitle: 'New meta', fields: ['title', 'featured', 'meta_title'] },
      });
    });
  });

  describe('refused actions', () => {
    it('records nothing for an admin write that fails with a 4xx', async () => {
      const { variantId } = await productWithVariant(c, 'Scarce mug');
      const tooMany = await admin.as.post('/admin/inventory/adjustments', { variantId, delta: -5 });
      expect(tooMany.status).to.equal(422);
      const invalid = await admin.as.post('/admin/tickets/tkt_8/close', { note: 7 });
      expect(invalid.status).to.equal(400);
      const missing = await admin.as.post('/admin/orders/ord_missing/cancel', { reason: 'x' });
      expect(missing.status).to.equal(404);
      const twice = await place(900);
      expect((await admin.as.post(`/admin/orders/${twice.id}/cancel`, {})).status).to.equal(200);
      const again = await admin.as.post(`/admin/orders/${twice.id}/cancel`, {});
      expect(again.status).to.equal(409);
      for (const response of [tooMany, invalid, missing, again]) expect(await entriesOf(response), response.text).to.be.empty;
    });

    it('records nothing for reads', async () => {
      const read = await admin.as.get('/admin/inventory/locations');
      expect(read.status).to.equal(200);
      expect(await entriesOf(read)).to.be.empty;
    });
  });
});

describe('admin routes at mount time', () => {
  const openAdmin = (access: 'public' | 'authenticated') =>
    definePlugin({
      name: '@fixtures/plugin-open-door',
      version: '1.0.0',
      register: (api) =>
        api.routes('/admin/open-door', [
          defineRoute({ method: 'POST', path: '/:id/unlock', summary: 'Unlock', access, schema: { response: { 204: null } }, handler: () => undefined }),
        ]),
    })();

  for (const access of ['public', 'authenticated'] as const) {
    it(`refuses to start with a plugin's /admin route declared access: '${access}', naming the plugin and the route`, async () => {
      const error = await rejectionOf(createCommerce({ database: { dataDir: 'memory://' }, logging: { level: 'silent' }, plugins: [openAdmin(access)] }));
      expect(error.message).to.equal(
        `Plugin "@fixtures/plugin-open-door" mounts POST /admin/open-door/:id/unlock with access: '${access}': every /admin route must declare the permission it needs (access: { permission: '…' })`,
      );
    });
  }
});
