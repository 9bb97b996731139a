import { expect } from 'chai';
import { DefaultQueryExecutor } from 'kysely';
import { createCatalogStore, created, simpleProduct, type CatalogStore } from './catalog-helpers.ts';

/**
 * A known catalog: three levels of categories, two brands, two tags, three filterable attributes
 * and one that is not, five published products, a draft and an archived one.
 */
async function seedFixture(c: CatalogStore) {
  const as = c.admin.as;
  const clothing = await created(as, '/admin/categories', { name: 'Clothing' });
  const tops = await created(as, '/admin/categories', { name: 'Tops', parentId: clothing.id });
  const tshirts = await created(as, '/admin/categories', { name: 'T-shirts', parentId: tops.id });
  const bottoms = await created(as, '/admin/categories', { name: 'Bottoms', parentId: clothing.id });
  const home = await created(as, '/admin/categories', { name: 'Home' });
  const acme = await created(as, '/admin/brands', { name: 'Acme' });
  const globex = await created(as, '/admin/brands', { name: 'Globex' });
  const sale = await created(as, '/admin/tags', { name: 'Sale' });
  const fresh = await created(as, '/admin/tags', { name: 'New' });
  await created(as, '/admin/attributes', { code: 'material', name: 'Material', type: 'enum', enumValues: ['cotton', 'wool'], filterable: true });
  await created(as, '/admin/attributes', { code: 'capacity_ml', name: 'Capacity', type: 'number', unit: 'ml', filterable: true });
  await created(as, '/admin/attributes', { code: 'organic', name: 'Organic', type: 'boolean', filterable: true });
  await created(as, '/admin/attributes', { code: 'care', name: 'Care', type: 'text' });

  const p = async (body: any) => (await created(as, '/admin/products', body)) as { id: string; slug: string };
  const alpha = await p(
    simpleProduct('Alpha Tee', 1500, { categoryIds: [tshirts.id], brandId: acme.id, tagIds: [sale.id], attributes: { material: 'cotton', organic: true, care: 'Wash cold' } }, {
      prices: [
        { currencyCode: 'USD', amount: 1500, compareAtAmount: 2000 },
        { currencyCode: 'EUR', amount: 1400 },
      ],
    }),
  );
  const bravo = await p(simpleProduct('Bravo Hoodie', 4500, { categoryIds: [tops.id], brandId: globex.id, tagIds: [fresh.id], attributes: { material: 'wool', organic: false } }));
  const charlie = await p({
    title: 'Charlie Jeans',
    status: 'published',
    categoryIds: [bottoms.id],
    brandId: acme.id,
    tagIds: [sale.id, fresh.id],
    attributes: { material: 'cotton' },
    options: [{ name: 'Size', values: ['S', 'M'] }],
    variants: [
      { sku: 'JEANS-S', options: { Size: 'S' }, prices: [{ currencyCode: 'USD', amount: 6000 }] },
      { sku: 'JEANS-M', options: { Size: 'M' }, prices: [{ currencyCode: 'USD', amount: 6500 }] },
    ],
  });
  const delta = await p(simpleProduct('Delta Mug', 900, { categoryIds: [home.id], brandId: globex.id, attributes: { capacity_ml: 350 } }));
  const echo = await p(simpleProduct('Echo Mug', 1200, { categoryIds: [home.id], attributes: { capacity_ml: 500 } }));
  const draft = await p({ ...simpleProduct('Foxtrot Draft', 100, { categoryIds: [tshirts.id] }), status: 'draft' });
  const archived = await p({ ...simpleProduct('Golf Archived', 100, { categoryIds: [home.id] }), status: 'archived' });
  await c.store.commerce.withScope((s) =>
    s.cradle.em.execute(`update cw_product set popularity = case id when ? then 50 when ? then 40 when ? then 30 else 0 end`, [echo.id, alpha.id, delta.id]),
  );
  return { alpha, bravo, charlie, delta, echo, draft, archived, categories: { clothing, tops, tshirts, bottoms, home } };
}

describe('store products', () => {
  let c: CatalogStore;
  let f: Awaited<ReturnType<typeof seedFixture>>;
  const titles = async (query: Record<string, string | number | boolean>) => {
    const response = await c.store.client.get('/store/products', { query });
    if (response.status !== 200) throw new Error(`${response.status} ${response.text}`);
    return (response.body.items as Array<{ title: string }>).map((i) => i.title);
  };
  before(async () => {
    c = await createCatalogStore();
    f = await seedFixture(c);
  });
  after(() => c.store.stop());

  it('shows published products only, newest first, with their total', async () => {
    const response = await c.store.client.get('/store/products');
    expect(response.body.count).to.equal(5);
    expect(response.body.items.map((i: any) => i.title)).to.deep.equal(['Echo Mug', 'Delta Mug', 'Charlie Jeans', 'Bravo Hoodie', 'Alpha Tee']);
    expect((await c.store.client.get(`/store/products/${f.draft.id}`)).status).to.equal(404);
    expect((await c.store.client.get(`/store/products/${f.draft.slug}`)).status).to.equal(404);
    expect((await c.store.client.get(`/store/products/${f.archived.slug}`)).status).to.equal(404);
  });

  it('filters by category including its descendants, by brand, tag and featured flag', async () => {
    expect(await titles({ category: 'clothing', sort: 'name' })).to.deep.equal(['Alpha Tee', 'Bravo Hoodie', 'Charlie Jeans']);
    expect(await titles({ category: 'tops', sort: 'name' })).to.deep.equal(['Alpha Tee', 'Bravo Hoodie']);
    expect(await titles({ category: f.categories.tshirts.id })).to.deep.equal(['Alpha Tee']);
    expect(await titles({ category: 'no-such-category' })).to.deep.equal([]);
    expect(await titles({ brand: 'acme', sort: 'name' })).to.deep.equal(['Alpha Tee', 'Charlie Jeans']);
    expect(await titles({ brand: 'acme,globex', sort: 'name' })).to.deep.equal(['Alpha Tee', 'Bravo Hoodie', 'Charlie Jeans', 'Delta Mug']);
    expect(await titles({ tag: 'sale', sort: 'name' })).to.deep.equal(['Alpha Tee', 'Charlie Jeans']);
    expect(await titles({ tag: 'sale', brand: 'acme', category: 'bottoms' })).to.deep.equal(['Charlie Jeans']);
  });

  it('filters by the lowest price in the requested currency, converted where a variant has no price of its own', async () => {
    expect(await titles({ priceMin: 1000, priceMax: 5000, sort: 'price_asc' })).to.deep.equal(['Echo Mug', 'Alpha Tee', 'Bravo Hoodie']);
    // EUR: Alpha has its own 1400; Delta 900 × 0.9215 = 829.35 → 829; Echo 1200 × 0.9215 = 1105.8 → 1106
    expect(await titles({ currency: 'EUR', priceMax: 1400, sort: 'price_asc' })).to.deep.equal(['Delta Mug', 'Echo Mug', 'Alpha Tee']);
  });

  it('filters by filterable attributes, and refuses to filter by one that is not', async () => {
    expect(await titles({ 'attr.material': 'cotton', sort: 'name' })).to.deep.equal(['Alpha Tee', 'Charlie Jeans']);
    expect(await titles({ 'attr.material': 'cotton,wool', sort: 'name' })).to.deep.equal(['Alpha Tee', 'Bravo Hoodie', 'Charlie Jeans']);
    expect(await titles({ 'attr.capacity_ml.min': 400 })).to.deep.equal(['Echo Mug']);
    expect(await titles({ 'attr.capacity_ml': 350 })).to.deep.equal(['Delta Mug']);
    expect(await titles({ 'attr.organic': true })).to.deep.equal(['Alpha Tee']);
    const notFilterable = await c.store.client.get('/store/products', { query: { 'attr.care': 'Wash cold' } });
    expect(notFilterable.status).to.equal(400);
    expect(notFilterable.body.errors[0]).to.include({ in: 'query', pointer: '/attr.care', rule: 'filterable' });
    const unknownParameter = await c.store.client.get('/store/products', { query: { colour: 'red' } });
    expect(unknownParameter.status).to.equal(400);
  });

  it('sorts by price, name, popularity and newest', async () => {
    expect(await titles({ sort: 'price_asc' })).to.deep.equal(['Delta Mug', 'Echo Mug', 'Alpha Tee', 'Bravo Hoodie', 'Charlie Jeans']);
    expect(await titles({ sort: 'price_desc' })).to.deep.equal(['Charlie Jeans', 'Bravo Hoodie', 'Alpha Tee', 'Echo Mug', 'Delta Mug']);
    expect(await titles({ sort: 'name' })).to.deep.equal(['Alpha Tee', 'Bravo Hoodie', 'Charlie Jeans', 'Delta Mug', 'Echo Mug']);
    expect((await titles({ sort: 'popularity' })).slice(0, 3)).to.deep.equal(['Echo Mug', 'Alpha Tee', 'Delta Mug']);
  });

  it('pages with a cursor through every product exactly once, and with an offset', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const response = await c.store.client.get('/store/products', { query: { sort: 'price_asc', limit: 2, ...(cursor ? { cursor } : {}) } });
      expect(response.body.count).to.equal(5);
      seen.push(...response.body.items.map((i: any) => i.title));
      cursor = response.body.nextCursor;
    } while (cursor);
    expect(seen).to.deep.equal(['Delta Mug', 'Echo Mug', 'Alpha Tee', 'Bravo Hoodie', 'Charlie Jeans']);
    expect(await titles({ sort: 'name', limit: 2, offset: 2 })).to.deep.equal(['Charlie Jeans', 'Delta Mug']);
    const beyond = await c.store.client.get('/store/products', { query: { offset: 50 } });
    expect(beyond.body).to.deep.equal({ items: [], count: 5 });
    const foreign = await c.store.client.get('/store/products', { query: { sort: 'name', cursor: Buffer.from('["price_asc","1","x"]').toString('base64url') } });
    expect(foreign.status).to.equal(400);
    expect(foreign.body.code).to.equal('CATALOG_CURSOR_INVALID');
  });

  it('shows prices in the currency asked for: its own, converted at the configured rate, or none', async () => {
    const usd = await c.store.client.get(`/store/products/${f.alpha.slug}`);
    expect(usd.body.variants[0].price).to.deep.equal({ amount: 1500, currencyCode: 'USD', compareAtAmount: 2000, converted: false });
    const eur = await c.store.client.get(`/store/products/${f.alpha.slug}`, { query: { currency: 'EUR' } });
    expect(eur.body.variants[0].price).to.deep.equal({ amount: 1400, currencyCode: 'EUR', compareAtAmount: null, converted: false });
    const converted = await c.store.client.get(`/store/products/${f.bravo.id}`, { query: { currency: 'EUR' } });
    // 4500 × 0.9215 = 4146.75 → 4147 (half up)
    expect(converted.body.variants[0].price).to.deep.equal({ amount: 4147, currencyCode: 'EUR', compareAtAmount: null, converted: true });
    // JPY has no minor unit: 15.00 USD × 151.37 = 2270.55 ¥ → 2271, and 20.00 × 151.37 = 3027.4 → 3027
    const yen = await c.store.client.get(`/store/products/${f.alpha.id}`, { query: { currency: 'JPY' } });
    expect(yen.body.variants[0].price).to.deep.equal({ amount: 2271, currencyCode: 'JPY', compareAtAmount: 3027, converted: true });
    const pounds = await c.store.client.get(`/store/products/${f.alpha.id}`, { query: { currency: 'GBP' } });
    expect(pounds.body.variants[0].price).to.equal(null);
    expect(pounds.body.priceRange).to.equal(null);
    const francs = await c.store.client.get(`/store/products/${f.alpha.id}`, { query: { currency: 'CHF' } });
    expect(francs.status).to.equal(422);
    expect(francs.body.code).to.equal('CURRENCY_NOT_SUPPORTED');
  });

  it('converts in the listing query exactly as in the product view', async () => {
    for (const currency of ['EUR', 'JPY']) {
      const list = await c.store.client.get('/store/products', { query: { currency, limit: 100 } });
      for (const item of list.body.items) {
        const detail = await c.store.client.get(`/store/products/${item.id}`, { query: { currency } });
        expect(item.priceRange, `${item.title} in ${currency}`).to.deep.equal(detail.body.priceRange);
      }
    }
  });

  it('shows a product with its variants, options, taxonomy, attributes and availability, hiding admin fields', async () => {
    const detail = await c.store.client.get(`/store/products/${f.charlie.slug}`);
    expect(detail.status).to.equal(200);
    expect(detail.body).to.include({ title: 'Charlie Jeans', slug: 'charlie-jeans' });
    expect(detail.body.brand).to.include({ name: 'Acme', slug: 'acme' });
    expect(detail.body.categories.map((x: any) => x.slug)).to.deep.equal(['bottoms']);
    expect(detail.body.tags.map((x: any) => x.slug).sort()).to.deep.equal(['new', 'sale']);
    expect(detail.body.attributes).to.deep.equal([{ code: 'material', name: 'Material', type: 'enum', unit: null, value: 'cotton' }]);
    expect(detail.body.options).to.deep.equal([{ name: 'Size', values: ['S', 'M'] }]);
    expect(detail.body.variants.map((v: any) => [v.sku, v.price.amount, v.availability])).to.deep.equal([
      ['JEANS-S', 6000, { available: true, quantity: null }],
      ['JEANS-M', 6500, { available: true, quantity: null }],
    ]);
    expect(detail.body.priceRange).to.deep.equal({ min: { amount: 6000, currencyCode: 'USD' }, max: { amount: 6500, currencyCode: 'USD' } });
    for (const hidden of ['status', 'descriptionMarkdown', 'previousSlugs', 'deletedAt']) expect(detail.body).not.to.have.property(hidden);
    expect(detail.body.variants[0]).not.to.have.property('prices');
  });

  it('costs the same number of queries for a page of one product as for a page of five', async () => {
    const prototype = Object.getPrototypeOf(DefaultQueryExecutor.prototype) as { executeQuery: (...args: unknown[]) => Promise<unknown> };
    const original = prototype.executeQuery;
    let queries = 0;
    prototype.executeQuery = function (this: unknown, ...args: unknown[]) {
      queries += 1;
      return original.apply(this, args);
    };
    const countFor = async (query: Record<string, string | number>) => {
      queries = 0;
      const response = await c.store.client.get('/store/products', { query });
      expect(response.status).to.equal(200);
      return { queries, items: response.body.items.length as number };
    };
    try {
      const one = await countFor({ limit: 1, brand: 'acme,globex', tag: 'sale,new', category: 'clothing' });
      const five = await countFor({ limit: 5 });
      const filteredFive = await countFor({ limit: 5, brand: 'acme,globex', tag: 'sale,new', category: 'clothing', 'attr.material': 'cotton,wool' });
      expect(one.items).to.equal(1);
      expect(five.items).to.equal(5);
      expect(five.queries).to.be.greaterThan(0);
      expect(filteredFive.items).to.equal(3);
      // filters add a fixed number of lookups, never one per product on the page
      expect(one.queries).to.equal(countFilters({ brand: 2, tag: 1, category: 1 }) + five.queries);
      expect(filteredFive.queries).to.equal(one.queries + 1);
    } finally {
      prototype.executeQuery = original;
    }
  });
});

/** Lookups the named filters cost: one per brand value, one for all tags, one per category. */
function countFilters(filters: { brand: number; tag: number; category: number }): number {
  return filters.brand + filters.tag + filters.category;
}
