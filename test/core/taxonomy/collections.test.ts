import { expect } from 'chai';
import type { TestStore } from '@cartwright/core/testing';
import { auditEntries, createAdminTestStore, createAndLogin, expectFieldProblem, expectProblem, insertProduct, outboxEvents, type SignedIn } from './taxonomy-helpers.ts';

describe('collections', () => {
  let store: TestStore;
  let admin: SignedIn;

  before(async () => {
    store = await createAdminTestStore();
    admin = await createAndLogin(store, 'admin@example.com', 'admin');
  });
  after(() => store.stop());

  it('creates a collection with a generated slug, refusing a taken or malformed one', async () => {
    const res = await admin.as.post('/admin/collections', { title: 'Summer Sale', description: 'Hot deals' });
    expect(res.status, res.text).to.equal(201);
    expect(res.body).to.include({ title: 'Summer Sale', slug: 'summer-sale', description: 'Hot deals', productCount: 0 });
    expect((await admin.as.post('/admin/collections', { title: 'Summer sale' })).body.slug).to.equal('summer-sale-2');
    expectFieldProblem(await admin.as.post('/admin/collections', { title: 'Other', slug: 'summer-sale' }), 409, 'COLLECTION_SLUG_TAKEN', '/slug');
    expectFieldProblem(await admin.as.post('/admin/collections', { title: 'Other', slug: 'Summer Sale' }), 400, 'VALIDATION_FAILED', '/slug');
    expectFieldProblem(await admin.as.post('/admin/collections', {}), 400, 'VALIDATION_FAILED', '/title');
  });

  it('sets the whole product list in order, and the storefront sees only published products in that order', async () => {
    const collection = (await admin.as.post('/admin/collections', { title: 'Staff picks' })).body;
    const [a, b, c] = [await insertProduct(store), await insertProduct(store), await insertProduct(store)];
    const draft = await insertProduct(store, { status: 'draft' });

    const set = await admin.as.put(`/admin/collections/${collection.id}/products`, { productIds: [c, draft, a, b] });
    expect(set.status, set.text).to.equal(200);
    expect(set.body).to.deep.equal({ productIds: [c, draft, a, b] });
    const detail = await admin.as.get(`/admin/collections/${collection.id}`);
    expect(detail.body).to.include({ productCount: 4 });
    expect(detail.body.productIds).to.deep.equal([c, draft, a, b]);
    const positions = await store.commerce.withScope((s) =>
      s.cradle.em.execute<Array<{ product_id: string; position: number }>>('select product_id, position from cw_collection_product where collection_id = ? order by position', [collection.id]),
    );
    expect(positions.map((r) => [r.product_id, Number(r.position)])).to.deep.equal([[c, 0], [draft, 1], [a, 2], [b, 3]]);

    const storefront = await store.client.get('/store/collections/staff-picks');
    expect(storefront.status, storefront.text).to.equal(200);
    expect(storefront.body).to.deep.equal({ id: collection.id, title: 'Staff picks', slug: 'staff-picks', description: null, productIds: [c, a, b] });
    expect((await store.client.get(`/store/collections/${collection.id}`)).body.productIds).to.deep.equal([c, a, b]);

    await admin.as.put(`/admin/collections/${collection.id}/products`, { productIds: [b, a] });
    expect((await admin.as.get(`/admin/collections/${collection.id}`)).body.productIds).to.deep.equal([b, a]);
    const events = (await outboxEvents(store, 'collection.products_changed')).filter((e) => e.payload.collectionId === collection.id);
    expect(events.map((e) => e.payload)).to.deep.equal([
      { collectionId: collection.id, productIds: [c, draft, a, b], removedProductIds: [] },
      { collectionId: collection.id, productIds: [b, a], removedProductIds: [c, draft] },
    ]);
    await admin.as.put(`/admin/collections/${collection.id}/products`, { productIds: [] });
    expect((await admin.as.get(`/admin/collections/${collection.id}`)).body.productIds).to.deep.equal([]);
    const { items } = await auditEntries(admin, { targetId: collection.id, action: 'collection.products_set' });
    expect(items).to.have.length(3);
  });

  it('refuses unknown and deleted products, changing nothing, and duplicates', async () => {
    const collection = (await admin.as.post('/admin/collections', { title: 'Strict' })).body;
    const kept = await insertProduct(store);
    await admin.as.put(`/admin/collections/${collection.id}/products`, { productIds: [kept] });
    const deleted = await insertProduct(store, { deleted: true });
    const refused = expectFieldProblem(
      await admin.as.put(`/admin/collections/${collection.id}/products`, { productIds: [kept, 'prod_missing', deleted] }),
      422,
      'COLLECTION_PRODUCT_NOT_FOUND',
      '/productIds/1',
    );
    expect(refused.missing).to.deep.equal(['prod_missing', deleted]);
    expect((await admin.as.get(`/admin/collections/${collection.id}`)).body.productIds).to.deep.equal([kept]);
    expectFieldProblem(await admin.as.put(`/admin/collections/${collection.id}/products`, { productIds: [kept, kept] }), 400, 'VALIDATION_FAILED', '/productIds');
    expectProblem(await admin.as.put('/admin/collections/coll_missing/products', { productIds: [] }), 404, 'COLLECTION_NOT_FOUND');
  });

  it('changes, lists and deletes collections; the products stay', async () => {
    const collection = (await admin.as.post('/admin/collections', { title: 'Winter' })).body;
    const product = await insertProduct(store);
    const put = await admin.as.put(`/admin/collections/${collection.id}/products`, { productIds: [product] });
    expect(put.status, put.text).to.equal(200);
    const changed = await admin.as.patch(`/admin/collections/${collection.id}`, { title: 'Winter 2025', slug: 'winter-2025', description: 'Cold' });
    expect(changed.body).to.include({ title: 'Winter 2025', slug: 'winter-2025', description: 'Cold' });
    const list = await admin.as.get('/admin/collections', { query: { q: 'winter' } });
    expect(list.body.items.map((c: Record<string, unknown>) => [c.slug, c.productCount])).to.deep.equal([['winter-2025', 1]]);
    expect((await admin.as.delete(`/admin/collections/${collection.id}`)).status).to.equal(204);
    expectProblem(await store.client.get('/store/collections/winter-2025'), 404, 'COLLECTION_NOT_FOUND');
    const rows = await store.commerce.withScope((s) => s.cradle.em.execute('select id from cw_product where id = ?', [product]));
    expect(rows).to.have.length(1);
    await store.commerce.withScope(async (scope) => {
      expect(await scope.cradle.collectionService.idBySlugOrId('summer-sale')).to.match(/^coll_/);
      expect(await scope.cradle.collectionService.idBySlugOrId('winter-2025')).to.equal(undefined);
    });
  });

  it('refuses vendors changing collections', async () => {
    const vendor = await createAndLogin(store, 'vendor@example.com', 'vendor');
    await admin.as.post(`/admin/users/${vendor.id}/approve`);
    expect((await vendor.as.get('/admin/collections')).status).to.equal(200);
    expectProblem(await vendor.as.post('/admin/collections', { title: 'Mine' }), 403, 'FORBIDDEN');
  });
});
