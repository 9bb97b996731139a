import { expect } from 'chai';
import { createCatalogStore, created, simpleProduct, type CatalogStore } from './catalog-helpers.ts';

describe('products under concurrent writes, and their events', () => {
  let c: CatalogStore;
  before(async () => {
    c = await createCatalogStore();
  });
  after(() => c.store.stop());

  it('gives a SKU to exactly one of several products created at the same moment', async () => {
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) => c.admin.as.post('/admin/products', simpleProduct(`Racer ${i}`, 100, {}, { sku: 'RACE-SKU' }))),
    );
    expect(responses.map((r) => r.status).sort()).to.deep.equal([201, 409, 409, 409, 409, 409]);
    for (const loser of responses.filter((r) => r.status === 409)) expect(loser.body.code).to.equal('PRODUCT_SKU_TAKEN');
    const rows = await c.store.commerce.withScope((s) => s.cradle.em.execute(`select count(*)::int as n from cw_product where title like 'Racer %'`));
    expect(rows[0]!.n).to.equal(1);
  });

  it('gives products created at the same moment with one title distinct generated slugs', async () => {
    const responses = await Promise.all(Array.from({ length: 4 }, () => c.admin.as.post('/admin/products', simpleProduct('Same Title', 100))));
    expect(responses.map((r) => r.status)).to.deep.equal([201, 201, 201, 201]);
    expect(responses.map((r) => r.body.slug).sort()).to.deep.equal(['same-title', 'same-title-2', 'same-title-3', 'same-title-4']);
  });

  it('writes product events to the outbox with the change, for search and notifications to follow', async () => {
    const product = await created(c.admin.as, '/admin/products', simpleProduct('Evented', 100));
    await c.admin.as.patch(`/admin/products/${product.id}`, { title: 'Evented 2', featured: true });
    await c.admin.as.delete(`/admin/products/${product.id}`);
    const events = await c.store.commerce.withScope((s) =>
      s.cradle.em.execute<Array<{ name: string; payload: any }>>(`select name, payload from cw_outbox_event where payload->>'productId' = ? order by occurred_at, id`, [product.id]),
    );
    expect(events.map((e) => e.name)).to.deep.equal(['product.created', 'product.updated', 'product.deleted']);
    const updated = typeof events[1]!.payload === 'string' ? JSON.parse(events[1]!.payload) : events[1]!.payload;
    expect(updated.fields).to.have.members(['title', 'featured']);
  });
});
