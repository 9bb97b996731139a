import { expect } from 'chai';
import { createAndLogin } from '../admin/admin-helpers.ts';
import { createInventoryStore, created, productWithVariant, query, simpleProduct, type InventoryStore } from './inventory-helpers.ts';

describe('back-in-stock subscriptions', () => {
  let c: InventoryStore;
  before(async () => {
    c = await createInventoryStore();
  });
  after(() => c.store.stop());

  const notifyMe = (productId: string, body: Record<string, unknown>, as = c.store.client) => as.post(`/store/products/${productId}/notify-me`, body);
  const soldOut = async (title: string) => {
    const product = await productWithVariant(c, title);
    await c.admin.as.put('/admin/inventory/levels', { variantId: product.variantId, onHand: 0 });
    return product;
  };
  const events = (variantId: string) =>
    query<{ payload: any }>(c, `select payload from cw_outbox_event where name = 'inventory.back_in_stock' and payload->>'variantId' = ? order by occurred_at, id`, [variantId]).then(
      (rows) => rows.map((r) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload)),
    );
  const pending = async (variantId: string) =>
    (await query<{ n: number }>(c, 'select count(*)::int as n from cw_stock_subscription where variant_id = ? and notified_at is null', [variantId]))[0]!.n;

  describe('subscribing', () => {
    it('subscribes a guest by email, once per address whatever its case', async () => {
      const { productId, variantId } = await soldOut('Notify Guest Lamp');
      const first = await notifyMe(productId, { email: 'Shopper@Example.com' });
      expect(first.status, first.text).to.equal(201);
      expect(first.body.subscription).to.include({ productId, variantId, email: 'Shopper@Example.com' });
      expect(first.body.subscription.id).to.match(/^bis_/);
      expect(Date.parse(first.body.subscription.createdAt)).to.be.a('number').and.not.NaN;
      const again = await notifyMe(productId, { variantId, email: 'shopper@example.com' });
      expect(again.status, again.text).to.equal(200);
      expect(again.body.subscription).to.deep.equal(first.body.subscription);
      expect(await pending(variantId)).to.equal(1);
    });

    it("subscribes a signed-in customer at their account's email unless they give another", async () => {
      const { productId, variantId } = await soldOut('Notify Customer Lamp');
      const customer = await createAndLogin(c.store, 'notify-customer@example.com', 'customer');
      const own = await notifyMe(productId, {}, customer.as);
      expect(own.status, own.text).to.equal(201);
      expect(own.body.subscription).to.include({ email: 'notify-customer@example.com', variantId });
      const other = await notifyMe(productId, { email: 'gift@example.com' }, customer.as);
      expect(other.status, other.text).to.equal(201);
      const [row] = await query<{ user_id: string }>(c, 'select user_id from cw_stock_subscription where id = ?', [own.body.subscription.id]);
      expect(row!.user_id).to.equal(customer.id);
    });

    it('asks a guest for an email, and a product with several variants for one of its own', async () => {
      const { productId, variantId } = await soldOut('Notify Invalid Lamp');
      const noEmail = await notifyMe(productId, { variantId });
      expect(noEmail.status).to.equal(422);
      expect(noEmail.headers.get('content-type')).to.include('application/problem+json');
      expect(noEmail.body.code).to.equal('STOCK_SUBSCRIPTION_EMAIL_REQUIRED');
      expect(noEmail.body.errors[0]).to.include({ pointer: '/email', rule: 'required' });

      const other = await soldOut('Notify Other Lamp');
      const foreign = await notifyMe(productId, { variantId: other.variantId, email: 'a@example.com' });
      expect(foreign.status).to.equal(422);
      expect(foreign.body.code).to.equal('STOCK_SUBSCRIPTION_VARIANT_INVALID');
      expect(foreign.body.errors[0]).to.include({ pointer: '/variantId', rule: 'belongs' });

      const shirt = await created(c.admin.as, '/admin/products', {
        ...simpleProduct('Notify Shirt', 1000),
        options: [{ name: 'Size', values: ['S', 'M'] }],
        variants: [
          { sku: 'NOTIFY-S', options: { Size: 'S' }, prices: [{ currencyCode: 'USD', amount: 1000 }] },
          { sku: 'NOTIFY-M', options: { Size: 'M' }, prices: [{ currencyCode: 'USD', amount: 1000 }] },
        ],
      });
      for (const v of shirt.variants) await c.admin.as.put('/admin/inventory/levels', { variantId: v.id, onHand: 0 });
      const unnamed = await notifyMe(shirt.id, { email: 'a@example.com' });
      expect(unnamed.status).to.equal(422);
      expect(unnamed.body.errors[0]).to.include({ pointer: '/variantId', rule: 'required' });
      expect((await notifyMe(shirt.id, { variantId: shirt.variants[1].id, email: 'a@example.com' })).status).to.equal(201);

      const badEmail = await notifyMe(productId, { email: 'not an email' });
      expect(badEmail.status).to.be.within(400, 422);
      expect(badEmail.body.errors[0].pointer).to.equal('/email');
    });

    it('refuses a variant that can be bought now with 409, and answers 404 for an unknown or unpublished product', async () => {
      const stocked = await productWithVariant(c, 'Notify Stocked Lamp');
      await c.admin.as.post('/admin/inventory/adjustments', { variantId: stocked.variantId, delta: 1 });
      const inStock = await notifyMe(stocked.productId, { email: 'a@example.com' });
      expect(inStock.status).to.equal(409);
      expect(inStock.body.code).to.equal('STOCK_ALREADY_AVAILABLE');
      const untracked = await productWithVariant(c, 'Notify Untracked Lamp');
      expect((await notifyMe(untracked.productId, { email: 'a@example.com' })).status).to.equal(409);
      const backorder = await productWithVariant(c, 'Notify Backorder Lamp');
      await c.admin.as.put('/admin/inventory/levels', { variantId: backorder.variantId, onHand: 0, allowBackorder: true });
      expect((await notifyMe(backorder.productId, { email: 'a@example.com' })).status).to.equal(409);

      expect((await notifyMe('prod_nope', { email: 'a@example.com' })).status).to.equal(404);
      const draft = await created(c.admin.as, '/admin/products', simpleProduct('Notify Draft Lamp', 1000, { status: 'draft' }));
      await c.admin.as.put('/admin/inventory/levels', { variantId: draft.variants[0].id, onHand: 0 });
      expect((await notifyMe(draft.id, { email: 'a@example.com' })).status).to.equal(404);
    });
  });

  describe('notifying', () => {
    it('emits one inventory.back_in_stock per subscriber when a restock makes the variant sellable, and nothing on the next restock', async () => {
      const { productId, variantId, sku } = await soldOut('Restocked Lantern');
      const customer = await createAndLogin(c.store, 'restock-customer@example.com', 'customer');
      expect((await notifyMe(productId, { email: 'guest@example.com' })).status).to.equal(201);
      expect((await notifyMe(productId, {}, customer.as)).status).to.equal(201);
      expect(await events(variantId)).to.deep.equal([]);

      const restock = await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: 3, reason: 'receipt' });
      expect(restock.status, restock.text).to.equal(201);
      const sent = await events(variantId);
      expect(sent).to.have.length(2);
      const byEmail = new Map(sent.map((e) => [e.email, e]));
      expect(byEmail.get('guest@example.com')).to.include({ variantId, productId, sku, productTitle: 'Restocked Lantern', userId: null, available: 3 });
      expect(byEmail.get('restock-customer@example.com')).to.include({ userId: customer.id, available: 3 });
      expect(await pending(variantId)).to.equal(0);

      await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: 2 });
      expect(await events(variantId)).to.have.length(2);
    });

    it('notifies when a released reservation brings stock back, but not when stock only moves between locations', async () => {
      const { productId, variantId } = await productWithVariant(c, 'Released Lantern');
      await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: 2 });
      const withService = <T>(fn: (s: any) => Promise<T>) => c.store.commerce.withScope((scope) => fn(scope.cradle));
      expect(await withService((s) => s.reservationService.reserve(s.em, { reference: 'bis_hold', lines: [{ variantId, quantity: 2 }] }))).to.deep.equal({ ok: true });
      expect((await notifyMe(productId, { email: 'waiting@example.com' })).status).to.equal(201);
      expect(await withService((s) => s.reservationService.release(s.em, 'bis_hold'))).to.deep.equal({ ok: true, units: 2 });
      const sent = await events(variantId);
      expect(sent).to.have.length(1);
      expect(sent[0]).to.include({ email: 'waiting@example.com', available: 2 });

      // a subscription still waiting while stock sits at one location (left from before a restock's event was
      // handled, say): moving that stock elsewhere empties then refills the variant, which is no restock
      const annex = await created(c.admin.as, '/admin/inventory/locations', { name: 'Notify Annex', code: 'notify-annex' });
      await query(c, `insert into cw_stock_subscription (id, product_id, variant_id, email, created_at) values ('bis_transfer', ?, ?, 'moved@example.com', now())`, [productId, variantId]);
      const main = (await c.admin.as.get('/admin/inventory/levels', { query: { variantId } })).body.items[0].locationId;
      const moved = await c.admin.as.post('/admin/inventory/transfers', { variantId, fromLocationId: main, toLocationId: annex.id, quantity: 2 });
      expect(moved.status, moved.text).to.equal(201);
      expect(await events(variantId)).to.have.length(1);
      expect(await pending(variantId)).to.equal(1);
    });
  });
});
