import { expect } from 'chai';
import type { TestStore } from '@cartwright/core/testing';
import { createCatalogStore, created, simpleProduct, type CatalogStore } from '../catalog/catalog-helpers.ts';

async function runJob(store: TestStore, name: string): Promise<void> {
  const job = store.commerce.jobs.definitions().find((d) => d.name === name);
  if (!job) throw new Error(`the job ${name} is not defined`);
  await store.commerce.withScope(async (s) => job.handler({}, { em: s.cradle.em, cradle: s.cradle, logger: s.cradle.logger, jobId: 'test' }));
}

describe('store search › attribute changes', function () {
  let c: CatalogStore;
  const search = (query: Record<string, string>) => c.store.client.get('/store/search', { query });

  before(async () => {
    c = await createCatalogStore();
  });
  after(async () => {
    await c?.store.stop();
  });

  it('shows a renamed attribute under its new name, and forgets a deleted attribute’s values after the reindex it queues', async () => {
    const finish = await created(c.admin.as, '/admin/attributes', { code: 'finish', name: 'Finish', type: 'text', filterable: true });
    await created(c.admin.as, '/admin/products', simpleProduct('Writing desk', 25000, { attributes: { finish: 'satin' } }));
    await created(c.admin.as, '/admin/products', simpleProduct('Reading chair', 18000));
    await c.store.deliverEvents();
    const before = await search({ q: 'satin' });
    expect(before.status, before.text).to.equal(200);
    expect(before.body.items.map((i: { title: string }) => i.title)).to.deep.equal(['Writing desk']);
    expect(before.body.facets.attributes).to.deep.include({ code: 'finish', name: 'Finish', type: 'text', values: [{ value: 'satin', count: 1 }] });

    const renamed = await c.admin.as.patch(`/admin/attributes/${finish.id}`, { name: 'Surface finish' });
    expect(renamed.status, renamed.text).to.equal(200);
    await c.store.deliverEvents();
    expect((await search({ q: 'satin' })).body.facets.attributes[0]).to.include({ code: 'finish', name: 'Surface finish' });

    expect((await c.admin.as.delete(`/admin/attributes/${finish.id}`)).status).to.be.oneOf([200, 204]);
    const delivered = await c.store.deliverEvents();
    expect(delivered).to.include({ retried: 0, failed: 0 });
    await runJob(c.store, 'search.reindex');
    expect((await search({ q: 'satin' })).body.count).to.equal(0);
    expect((await search({ q: 'desk' })).body.items.map((i: { title: string }) => i.title)).to.deep.equal(['Writing desk']);
    expect((await search({ 'attr.finish': 'satin' })).status).to.equal(422);
  });
});
