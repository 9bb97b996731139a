import { expect } from 'chai';
import type { TestStore } from '@cartwright/core/testing';
import { createCatalogStore, created, simpleProduct, type CatalogStore } from '../catalog/catalog-helpers.ts';

async function runJob(store: TestStore, name: string): Promise<void> {
  const job = store.commerce.jobs.definitions().find((d) => d.name === name);
  if (!job) throw new Error(`the job ${name} is not defined`);
  await store.commerce.withScope(async (s) => job.handler({}, { em: s.cradle.em, cradle: s.cradle, logger: s.cradle.logger, jobId: 'test' }));
}

async function ok(as: CatalogStore['admin']['as'], method: 'patch' | 'delete', path: string, body?: unknown): Promise<any> {
  const response = method === 'patch' ? await as.patch(path, body) : await as.delete(path);
  if (response.status >= 300) throw new Error(`${method.toUpperCase()} ${path}: ${response.status} ${response.text}`);
  return response.body;
}

/**
 * A small lighting catalog: Lighting › Desk lamps and Home; two brands; a filterable colour and
 * wattage; three published products, a draft, and one published then deleted.
 */
async function seedCatalog(c: CatalogStore) {
  const as = c.admin.as;
  const lighting = await created(as, '/admin/categories', { name: 'Lighting' });
  const deskLamps = await created(as, '/admin/categories', { name: 'Desk lamps', parentId: lighting.id });
  const home = await created(as, '/admin/categories', { name: 'Home' });
  const lumina = await created(as, '/admin/brands', { name: 'Lumina' });
  const bright = await created(as, '/admin/brands', { name: 'Bright' });
  const sale = await created(as, '/admin/tags', { name: 'Sale' });
  await created(as, '/admin/attributes', { code: 'color', name: 'Colour', type: 'enum', enumValues: ['brass', 'black'], filterable: true });
  await created(as, '/admin/attributes', { code: 'wattage', name: 'Wattage', type: 'number', unit: 'W', filterable: true });
  const product = (body: unknown) => created(as, '/admin/products', body);
  const brass = await product(
    simpleProduct('Brass desk lamp', 4500, {
      categoryIds: [deskLamps.id],
      brandId: lumina.id,
      tagIds: [sale.id],
      attributes: { color: 'brass', wattage: 40 },
      descriptionMarkdown: 'A **heavy** lamp with a [linen shade](https://example.com/shade).',
    }),
  );
  const floor = await product(simpleProduct('Walnut floor lamp', 12000, { categoryIds: [lighting.id], brandId: bright.id, attributes: { color: 'black', wattage: 60 } }));
  const mug = await product(simpleProduct('Ceramic mug', 1200, { categoryIds: [home.id] }));
  const draft = await product({ ...simpleProduct('Prototype lamp', 100, { categoryIds: [deskLamps.id] }), status: 'draft' });
  const deleted = await product(simpleProduct('Retired lamp', 3000, { categoryIds: [deskLamps.id] }));
  await ok(as, 'delete', `/admin/products/${deleted.id}`);
  await c.store.deliverEvents();
  return { lighting, deskLamps, home, lumina, bright, sale, brass, floor, mug, draft, deleted };
}

describe('store search', function () {
  let c: CatalogStore;
  let f: Awaited<ReturnType<typeof seedCatalog>>;
  const search = (query: Record<string, string | number | boolean>) => c.store.client.get('/store/search', { query });
  const titles = (body: any) => (body.items as Array<{ title: string }>).map((i) => i.title).sort();

  before(async () => {
    c = await createCatalogStore();
    f = await seedCatalog(c);
  });
  after(async () => {
    await c?.store.stop();
  });

  it('finds published products only: never a draft or a deleted product', async () => {
    const found = await search({ q: 'lamp' });
    expect(found.status, found.text).to.equal(200);
    expect(titles(found.body)).to.deep.equal(['Brass desk lamp', 'Walnut floor lamp']);
    expect(found.body.count).to.equal(2);

    const everything = await search({ limit: 100 });
    expect(titles(everything.body)).to.deep.equal(['Brass desk lamp', 'Ceramic mug', 'Walnut floor lamp']);
    for (const q of ['prototype', 'retired']) expect((await search({ q })).body.count, q).to.equal(0);
  });

  it('answers the same list items as /store/products, in the provider\'s order', async () => {
    const found = await search({ q: 'lamp', sort: 'price_desc', currency: 'EUR' });
    expect(found.body.items.map((i: any) => i.title)).to.deep.equal(['Walnut floor lamp', 'Brass desk lamp']);
    const listed = await c.store.client.get('/store/products', { query: { currency: 'EUR', sort: 'price_desc', category: f.lighting.slug } });
    expect(found.body.items).to.deep.equal(listed.body.items);
    // converted at the configured rate: 45.00 USD × 0.9215
    expect(found.body.items[1].priceRange.min).to.deep.equal({ amount: 4147, currencyCode: 'EUR' });
  });

  it('matches categories by their ancestors\' names, brands, tags, attribute values, description words and SKUs', async () => {
    expect(titles((await search({ q: 'lighting' })).body)).to.deep.equal(['Brass desk lamp', 'Walnut floor lamp']);
    expect(titles((await search({ q: 'lumina' })).body)).to.deep.equal(['Brass desk lamp']);
    expect(titles((await search({ q: 'sale' })).body)).to.deep.equal(['Brass desk lamp']);
    expect(titles((await search({ q: 'brass' })).body)).to.deep.equal(['Brass desk lamp']);
    expect(titles((await search({ q: 'linen shade' })).body)).to.deep.equal(['Brass desk lamp']);
    // the link's URL is markup, not text
    expect((await search({ q: 'example' })).body.count).to.equal(0);
    const sku = f.mug.variants[0].sku as string;
    expect(titles((await search({ q: sku })).body)).to.deep.equal(['Ceramic mug']);
  });

  it('filters as /store/products does: category by slug with descendants, brands and tags by slug, price, attributes', async () => {
    expect(titles((await search({ category: f.lighting.slug })).body)).to.deep.equal(['Brass desk lamp', 'Walnut floor lamp']);
    expect(titles((await search({ category: f.deskLamps.id })).body)).to.deep.equal(['Brass desk lamp']);
    expect(titles((await search({ brand: `${f.bright.slug},${f.lumina.id}` })).body)).to.deep.equal(['Brass desk lamp', 'Walnut floor lamp']);
    expect(titles((await search({ tag: f.sale.slug })).body)).to.deep.equal(['Brass desk lamp']);
    expect(titles((await search({ priceMin: 1000, priceMax: 5000 })).body)).to.deep.equal(['Brass desk lamp', 'Ceramic mug']);
    expect(titles((await search({ 'attr.color': 'black,brass', 'attr.wattage.min': 50 })).body)).to.deep.equal(['Walnut floor lamp']);
    expect(titles((await search({ q: 'lamp', 'attr.wattage': 40 })).body)).to.deep.equal(['Brass desk lamp']);
  });

  it('answers facets with the names and slugs of categories and brands', async () => {
    const found = await search({ q: 'lamp' });
    const category = Object.fromEntries(found.body.facets.category.map((f: any) => [f.name, f]));
    expect(category.Lighting).to.deep.equal({ id: f.lighting.id, name: 'Lighting', slug: f.lighting.slug, count: 2 });
    expect(category['Desk lamps']).to.deep.equal({ id: f.deskLamps.id, name: 'Desk lamps', slug: f.deskLamps.slug, count: 1 });
    expect(category.Home).to.equal(undefined);
    expect(found.body.facets.brand).to.have.deep.members([
      { id: f.lumina.id, name: 'Lumina', slug: f.lumina.slug, count: 1 },
      { id: f.bright.id, name: 'Bright', slug: f.bright.slug, count: 1 },
    ]);
    const colour = found.body.facets.attributes.find((a: any) => a.code === 'color');
    expect(colour).to.deep.include({ name: 'Colour', type: 'enum' });
    expect(colour.values).to.have.deep.members([{ value: 'brass', count: 1 }, { value: 'black', count: 1 }]);
    expect(found.body.facets.price.reduce((sum: number, band: any) => sum + band.count, 0)).to.equal(2);

    const some = await search({ q: 'lamp', facets: 'brand' });
    expect(Object.keys(some.body.facets)).to.deep.equal(['brand']);
    const none = await search({ q: 'lamp', facets: '' });
    expect(none.body.facets).to.deep.equal({});
    expect((await search({ facets: 'brand,colour' })).status).to.equal(400);
  });

  it('refuses unknown categories, brands, tags and attributes with 422 naming the parameter, and a currency the store does not sell in', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ category: 'no-such-category' }, '/category'],
      [{ brand: `${f.lumina.slug},nobody` }, '/brand'],
      [{ tag: 'ghost' }, '/tag'],
      [{ 'attr.flavour': 'lemon' }, '/attr.flavour'],
    ];
    for (const [query, pointer] of cases) {
      const refused = await search(query);
      expect(refused.status, JSON.stringify(query)).to.equal(422);
      expect(refused.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(refused.body.code).to.equal('SEARCH_FILTER_NOT_FOUND');
      expect(refused.body.errors.map((e: any) => e.pointer)).to.deep.equal([pointer]);
    }
    const currency = await search({ q: 'lamp', currency: 'CHF' });
    expect(currency.status).to.equal(422);
    expect(currency.body.code).to.equal('CURRENCY_NOT_SUPPORTED');
    expect((await search({ 'attr.wattage': 'bright' })).status).to.equal(400);
    expect((await search({ q: 'x'.repeat(201) })).status).to.equal(400);
  });

  it('treats SQL in the query, the sort and the filters as data: 4xx for invalid values, normal answers for text', async () => {
    for (const q of ["'; drop table cw_product; --", "lamp' or '1'='1", 'lamp) | (mug', '"unterminated', '\\', '%_%', 'lamp:* & !mug']) {
      const answered = await search({ q });
      expect(answered.status, q).to.equal(200);
      for (const item of answered.body.items) expect(item.title, q).to.match(/lamp|mug/i);
    }
    expect((await search({ q: "lamp' or '1'='1" })).body.count).to.be.lessThan(3);
    expect((await search({ sort: 'price_asc; drop table cw_product' })).status).to.equal(400);
    expect((await search({ priceMin: '1 or 1=1' })).status).to.equal(400);
    expect((await search({ category: "x' or '1'='1" })).status).to.equal(422);
    expect((await search({ 'attr.color': "brass' or '1'='1" })).body.count).to.equal(0);
    expect((await search({ 'attr.color;drop': 'x' })).status).to.equal(400);
    // and the catalog is still there
    expect((await search({ q: 'lamp' })).body.count).to.equal(2);
  });

  it('suggests completions for what is typed so far', async () => {
    const suggested = await c.store.client.get('/store/search/suggest', { query: { q: 'wal', limit: 5 } });
    expect(suggested.status, suggested.text).to.equal(200);
    expect(suggested.body.items.length).to.be.within(1, 5);
    expect(suggested.body.items.map((s: any) => s.text.toLowerCase()).join(' ')).to.contain('walnut');
    expect((await c.store.client.get('/store/search/suggest', { query: { q: 'wal', limit: 21 } })).status).to.equal(400);
    expect((await c.store.client.get('/store/search/suggest', { query: {} })).status).to.equal(400);
  });

  describe('keeping the index in step', () => {
    it('finds a product by its new title once its update is delivered, and no longer by the old one', async () => {
      await ok(c.admin.as, 'patch', `/admin/products/${f.mug.id}`, { title: 'Stoneware cup' });
      await c.store.deliverEvents();
      expect(titles((await search({ q: 'stoneware' })).body)).to.deep.equal(['Stoneware cup']);
      expect((await search({ q: 'ceramic' })).body.count).to.equal(0);
    });

    it('filters on a changed price', async () => {
      const variant = f.floor.variants[0];
      await ok(c.admin.as, 'patch', `/admin/products/${f.floor.id}/variants/${variant.id}`, { prices: [{ currencyCode: 'USD', amount: 2500 }] });
      await c.store.deliverEvents();
      expect(titles((await search({ q: 'lamp', priceMax: 3000 })).body)).to.deep.equal(['Walnut floor lamp']);
    });

    it('follows a category moved to another parent', async () => {
      const moved = await c.admin.as.post(`/admin/categories/${f.deskLamps.id}/move`, { parentId: f.home.id });
      expect(moved.status, moved.text).to.equal(200);
      await c.store.deliverEvents();
      expect(titles((await search({ category: f.home.slug, q: 'lamp' })).body)).to.deep.equal(['Brass desk lamp']);
      expect(titles((await search({ category: f.lighting.slug })).body)).to.deep.equal(['Walnut floor lamp']);
    });

    it('finds products by their brand\'s new name', async () => {
      await ok(c.admin.as, 'patch', `/admin/brands/${f.bright.id}`, { name: 'Aurora' });
      await c.store.deliverEvents();
      expect(titles((await search({ q: 'aurora' })).body)).to.deep.equal(['Walnut floor lamp']);
      expect((await search({ q: 'bright' })).body.count).to.equal(0);
      const facet = (await search({ q: 'lamp', facets: 'brand' })).body.facets.brand;
      expect(facet.map((b: any) => b.name).sort()).to.deep.equal(['Aurora', 'Lumina']);
    });

    it('leaves out a product whose stock ran out once the stock sync has run', async () => {
      const adjusted = await c.admin.as.post('/admin/inventory/adjustments', { variantId: f.brass.variants[0].id, delta: 3, reason: 'receipt' });
      expect(adjusted.status, adjusted.text).to.equal(201);
      await runJob(c.store, 'search.sync-stock');
      expect(titles((await search({ q: 'lamp', inStock: true })).body)).to.deep.equal(['Brass desk lamp', 'Walnut floor lamp']);

      await c.admin.as.post('/admin/inventory/adjustments', { variantId: f.brass.variants[0].id, delta: -3, reason: 'adjustment' });
      await runJob(c.store, 'search.sync-stock');
      expect(titles((await search({ q: 'lamp', inStock: true })).body)).to.deep.equal(['Walnut floor lamp']);
      // running it again changes nothing
      await runJob(c.store, 'search.sync-stock');
      expect(titles((await search({ q: 'lamp', inStock: true })).body)).to.deep.equal(['Walnut floor lamp']);
      expect(titles((await search({ q: 'lamp' })).body)).to.deep.equal(['Brass desk lamp', 'Walnut floor lamp']);
    });

    it('drops a product that is unpublished or deleted, and brings it back when it is published again', async () => {
      await ok(c.admin.as, 'patch', `/admin/products/${f.floor.id}`, { status: 'draft' });
      await c.store.deliverEvents();
      expect(titles((await search({ q: 'lamp' })).body)).to.deep.equal(['Brass desk lamp']);
      await ok(c.admin.as, 'patch', `/admin/products/${f.floor.id}`, { status: 'published' });
      await ok(c.admin.as, 'patch', `/admin/products/${f.draft.id}`, { status: 'published' });
      await c.store.deliverEvents();
      expect(titles((await search({ q: 'lamp' })).body)).to.deep.equal(['Brass desk lamp', 'Prototype lamp', 'Walnut floor lamp']);
      await ok(c.admin.as, 'delete', `/admin/products/${f.draft.id}`);
      // a delivery that repeats is harmless
      await c.store.deliverEvents();
      await c.store.deliverEvents();
      expect(titles((await search({ q: 'lamp' })).body)).to.deep.equal(['Brass desk lamp', 'Walnut floor lamp']);
    });

    it('drops a deleted tag from its products', async () => {
      await ok(c.admin.as, 'delete', `/admin/tags/${f.sale.id}`);
      await c.store.deliverEvents();
      expect((await search({ q: 'sale' })).body.count).to.equal(0);
      expect((await search({ tag: f.sale.slug })).status).to.equal(422);
    });
  });

  it('answers 503 problem+json when the search provider fails, and recovers', async () => {
    const sql = (statement: string) => c.store.commerce.withScope((s) => s.cradle.em.execute(statement));
    await sql('alter table cw_search_document rename to cw_search_document_away');
    try {
      const failed = await search({ q: 'lamp' });
      expect(failed.status).to.equal(503);
      expect(failed.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(failed.body.code).to.equal('SEARCH_UNAVAILABLE');
      expect(failed.body.detail).to.not.contain('cw_search_document');
      expect((await c.store.client.get('/store/search/suggest', { query: { q: 'lam' } })).status).to.equal(503);
    } finally {
      await sql('alter table cw_search_document_away rename to cw_search_document');
    }
    expect((await search({ q: 'lamp' })).status).to.equal(200);
  });
});
