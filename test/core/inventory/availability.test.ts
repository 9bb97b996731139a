import { expect } from 'chai';
import { STRONG_PASSWORD } from '../auth/auth-helpers.ts';
import { login } from '../admin/admin-helpers.ts';
import { createInventoryStore, created, productWithVariant, query, simpleProduct, type InventoryStore } from './inventory-helpers.ts';

describe('stock in the catalog, and low-stock alerts', () => {
  let c: InventoryStore;
  before(async () => {
    c = await createInventoryStore();
  });
  after(() => c.store.stop());

  const storeProduct = async (id: string) => (await c.store.client.get(`/store/products/${id}`)).body;
  const inStockIds = async (q: string) =>
    ((await c.store.client.get('/store/products', { query: { q, inStock: true, limit: 100 } })).body.items as any[]).map((p) => p.id);

  it('sells untracked variants in any quantity, and hides a product whose only variant has none on hand', async () => {
    const untracked = await productWithVariant(c, 'Stockcheck Untracked');
    const empty = await productWithVariant(c, 'Stockcheck Empty');
    const stocked = await productWithVariant(c, 'Stockcheck Stocked');
    await c.admin.as.put('/admin/inventory/levels', { variantId: empty.variantId, onHand: 0 });
    await c.admin.as.post('/admin/inventory/adjustments', { variantId: stocked.variantId, delta: 4 });

    expect((await storeProduct(untracked.productId)).variants[0].availability).to.deep.equal({ available: true, quantity: null });
    expect((await storeProduct(empty.productId)).variants[0].availability).to.deep.equal({ available: false, quantity: 0 });
    expect((await storeProduct(stocked.productId)).variants[0].availability).to.deep.equal({ available: true, quantity: 4 });
    const listed = await inStockIds('Stockcheck');
    expect(listed).to.have.members([untracked.productId, stocked.productId]);
  });

  it('sums stock over locations and counts backorderable variants as available', async () => {
    const spread = await productWithVariant(c, 'Spreadcheck Spread');
    const back = await productWithVariant(c, 'Spreadcheck Backorder');
    const annex = await created(c.admin.as, '/admin/inventory/locations', { name: 'Annex', code: 'annex' });
    await c.admin.as.post('/admin/inventory/adjustments', { variantId: spread.variantId, delta: 2 });
    await c.admin.as.post('/admin/inventory/adjustments', { variantId: spread.variantId, locationId: annex.id, delta: 3 });
    await c.admin.as.put('/admin/inventory/levels', { variantId: back.variantId, onHand: 0, allowBackorder: true });
    expect((await storeProduct(spread.productId)).variants[0].availability).to.deep.equal({ available: true, quantity: 5 });
    expect((await storeProduct(back.productId)).variants[0].availability).to.deep.equal({ available: true, quantity: 0 });
    expect(await inStockIds('Spreadcheck')).to.have.members([spread.productId, back.productId]);
  });

  it('counts a product in stock when any variant is', async () => {
    const product = await created(c.admin.as, '/admin/products', {
      ...simpleProduct('Sizecheck Shirt', 1000),
      options: [{ name: 'Size', values: ['S', 'M'] }],
      variants: [
        { sku: 'SIZECHECK-S', options: { Size: 'S' }, prices: [{ currencyCode: 'USD', amount: 1000 }] },
        { sku: 'SIZECHECK-M', options: { Size: 'M' }, prices: [{ currencyCode: 'USD', amount: 1000 }] },
      ],
    });
    await c.admin.as.put('/admin/inventory/levels', { variantId: product.variants[0].id, onHand: 0 });
    await c.admin.as.put('/admin/inventory/levels', { variantId: product.variants[1].id, onHand: 0 });
    expect(await inStockIds('Sizecheck')).to.deep.equal([]);
    await c.admin.as.post('/admin/inventory/adjustments', { variantId: product.variants[1].id, delta: 1 });
    expect(await inStockIds('Sizecheck')).to.deep.equal([product.id]);
  });

  it('emits inventory.low_stock once when available falls to the threshold, not on further decreases, and again after a restock', async () => {
    const { variantId, productId, sku } = await productWithVariant(c, 'Alerted Anvil');
    await c.admin.as.put('/admin/inventory/levels', { variantId, onHand: 10, lowStockThreshold: 3 });
    const alerts = () =>
      query<{ payload: any }>(c, `select payload from cw_outbox_event where name = 'inventory.low_stock' and payload->>'variantId' = ? order by occurred_at, id`, [variantId]).then((rows) =>
        rows.map((r) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload)),
      );
    await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: -6 }); // 4: above
    expect(await alerts()).to.have.length(0);
    await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: -1 }); // 3: crossed
    await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: -2 }); // 1: still below
    const first = await alerts();
    expect(first).to.have.length(1);
    expect(first[0]).to.include({ variantId, productId, sku, available: 3, threshold: 3, vendorId: null });
    await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: 9 }); // 10: above again
    await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: -9 }); // 1: crossed again
    expect(await alerts()).to.have.length(2);
  });

  it('tells the vendor who owns a variant, and the admins, when its stock runs low, through event delivery and the in-app inbox', async () => {
    await c.store.commerce.withScope((s) =>
      s.cradle.userService.create({ email: 'low-stock-vendor@example.com', role: 'vendor', password: STRONG_PASSWORD, name: 'Potter', status: 'active' }),
    );
    const vendor = await login(c.store, 'low-stock-vendor@example.com');
    const { variantId, sku } = await productWithVariant(c, 'Vendor Vat', vendor.as);
    expect((await vendor.as.put('/admin/inventory/levels', { variantId, onHand: 5, lowStockThreshold: 2 })).status).to.equal(200);
    expect((await vendor.as.post('/admin/inventory/adjustments', { variantId, delta: -3, reason: 'adjustment', note: 'breakage' })).status).to.equal(201);
    const [event] = await query<{ payload: any }>(c, `select payload from cw_outbox_event where name = 'inventory.low_stock' and payload->>'variantId' = ?`, [variantId]);
    expect(typeof event!.payload === 'string' ? JSON.parse(event!.payload) : event!.payload).to.include({ vendorId: vendor.id, available: 2, threshold: 2 });

    await c.store.deliverEvents();
    const messages = await query<{ recipient: any; channel: string }>(
      c,
      `select recipient, channel from cw_notification_message where event_name = 'inventory.low_stock' and data->'product'->>'sku' = ? order by channel, recipient_key`,
      [sku],
    );
    const recipients = messages.map((m) => `${(typeof m.recipient === 'string' ? JSON.parse(m.recipient) : m.recipient).userId}|${m.channel}`).sort();
    expect(recipients).to.deep.equal([`${c.admin.id}|email`, `${c.admin.id}|in_app`, `${vendor.id}|email`, `${vendor.id}|in_app`].sort());

    await c.store.commerce.withScope(async (scope) => {
      const job = c.store.commerce.jobs.definitions().find((d) => d.name === 'notifications.send-due')!;
      await job.handler(undefined, { em: scope.cradle.em, cradle: scope.cradle, logger: scope.cradle.logger, jobId: 'test' });
    });
    const inbox = (await vendor.as.get('/store/me/notifications')).body.items as any[];
    expect(inbox.some((entry) => JSON.stringify(entry).includes(sku))).to.equal(true);
  });
});
