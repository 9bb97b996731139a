import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createTestStore, type TestStore } from '@cartwright/core/testing';

const catalog = { defaultCurrency: 'USD', currencies: ['USD', 'EUR'] };

async function seededStore(): Promise<TestStore> {
  const store = await createTestStore({ catalog, media: { directory: mkdtempSync(join(tmpdir(), 'cw-demo-media-')) } });
  try {
    expect(await store.commerce.seedDemo()).to.deep.equal(['@cartwright/core/catalog:catalog']);
    return store;
  } catch (error) {
    await store.stop();
    throw error;
  }
}

async function query<T>(store: TestStore, text: string): Promise<T[]> {
  return store.commerce.withScope((scope) => scope.cradle.em.execute<T[]>(text));
}

/** What must come out the same from every fresh store: everything but ids and timestamps. */
function fingerprint(store: TestStore) {
  return query<{ slug: string; sku: string; status: string; category: string; prices: string }>(
    store,
    `select p.slug, v.sku, p.status, c.slug as category,
       (select string_agg(vp.currency_code || ':' || vp.amount || ':' || coalesce(vp.compare_at_amount::text, '-'), ',' order by vp.currency_code)
        from cw_variant_price vp where vp.variant_id = v.id) as prices
     from cw_product p join cw_product_variant v on v.product_id = p.id
     join cw_product_category pc on pc.product_id = p.id join cw_category c on c.id = pc.category_id
     order by v.sku`,
  );
}

describe('demo catalog seed', () => {
  let first: TestStore;
  let second: TestStore;
  before(async () => {
    first = await seededStore();
    second = await seededStore();
  });
  after(async () => {
    await first?.stop();
    await second?.stop();
  });

  it('creates hundreds of products with over a thousand variants, mostly published', async () => {
    const [counts] = await query<{ products: number; published: number; drafts: number; variants: number; featured: number }>(
      first,
      `select (select count(*)::int from cw_product) as products,
         (select count(*)::int from cw_product where status = 'published') as published,
         (select count(*)::int from cw_product where status = 'draft') as drafts,
         (select count(*)::int from cw_product_variant) as variants,
         (select count(*)::int from cw_product where featured) as featured`,
    );
    expect(counts!.products).to.be.at.least(300);
    expect(counts!.variants).to.be.at.least(1000);
    expect(counts!.published).to.be.above(counts!.products * 0.9);
    expect(counts!.drafts).to.be.above(0);
    expect(counts!.featured).to.be.above(0);
  });

  it('builds a three-level category tree, brands, tags, attributes and collections', async () => {
    const [counts] = await query<{ depth: number; brands: number; tags: number; attributes: number; filterable: number }>(
      first,
      `select (select max(depth)::int from cw_category) as depth, (select count(*)::int from cw_brand) as brands,
         (select count(*)::int from cw_tag) as tags, (select count(*)::int from cw_attribute) as attributes,
         (select count(*)::int from cw_attribute where filterable) as filterable`,
    );
    expect(counts).to.deep.include({ depth: 2 });
    expect(counts!.brands).to.be.at.least(10);
    expect(counts!.tags).to.be.at.least(12);
    expect(counts!.filterable).to.be.at.least(4);
    const tree = await first.client.get('/store/categories');
    expect(tree.status).to.equal(200);
    const clothing = tree.body.items.find((c: any) => c.slug === 'clothing');
    expect(clothing.children.map((c: any) => c.name)).to.include('Men');
    expect(clothing.children.find((c: any) => c.name === 'Men').children.map((c: any) => c.name)).to.include('T-shirts');
    for (const slug of ['featured', 'new-arrivals']) {
      const collection = await first.client.get(`/store/collections/${slug}`);
      expect(collection.status, slug).to.equal(200);
      expect(collection.body.productIds.length, slug).to.be.above(0);
    }
  });

  it('gives every product generated photos with renditions, served from media storage', async () => {
    const [images] = await query<{ without: number; media: number }>(
      first,
      `select (select count(*)::int from cw_product p where not exists (select 1 from cw_product_image i where i.product_id = p.id)) as without,
         (select count(distinct media_id)::int from cw_product_image) as media`,
    );
    expect(images).to.deep.equal({ without: 0, media: images!.media });
    expect(images!.media).to.be.within(20, 60);
    const list = await first.client.get('/store/products', { query: { limit: 1 } });
    const thumbnail = list.body.items[0].thumbnail;
    expect(thumbnail.sizes.length).to.be.at.least(2);
    const file = await fetch(new URL(thumbnail.sizes[0].url, first.url));
    expect(file.status).to.equal(200);
    expect(file.headers.get('content-type')).to.match(/^image\//);
  });

  it('lists through the store with category, brand, price, attribute and currency filters', async () => {
    const clothing = await first.client.get('/store/products', { query: { category: 'clothing', limit: 5 } });
    const tees = await first.client.get('/store/products', { query: { category: 'mens-t-shirts', limit: 5 } });
    expect(clothing.body.count).to.be.above(tees.body.count).and.above(0);
    const filtered = await first.client.get('/store/products', {
      query: { brand: 'northwind', priceMin: 2000, priceMax: 6000, sort: 'price_asc', 'attr.material': 'Cotton,Organic cotton', limit: 50 },
    });
    expect(filtered.status).to.equal(200);
    expect(filtered.body.count).to.be.above(0);
    const prices = filtered.body.items.map((i: any) => i.priceRange.min.amount);
    expect(prices).to.deep.equal([...prices].sort((a, b) => a - b));
    expect(filtered.body.items.every((i: any) => i.brand.slug === 'northwind')).to.equal(true);
    const detail = await first.client.get(`/store/products/${filtered.body.items[0].slug}`, { query: { currency: 'EUR' } });
    expect(detail.status).to.equal(200);
    expect(detail.body.variants[0].price).to.include({ currencyCode: 'EUR', converted: false });
    expect(detail.body.images.length).to.equal(2);
    expect(detail.body.attributes.map((a: any) => a.code)).to.include('material');
  });

  it('is deterministic: two fresh stores get the same slugs, SKUs, prices and categories', async () => {
    const [a, b] = await Promise.all([fingerprint(first), fingerprint(second)]);
    expect(a.length).to.be.at.least(1000);
    expect(b).to.deep.equal(a);
  });

  it('does nothing on a store that already has products', async () => {
    const before = await query<{ n: number }>(first, 'select count(*)::int as n from cw_product');
    await first.commerce.seedDemo();
    expect(await query<{ n: number }>(first, 'select count(*)::int as n from cw_product')).to.deep.equal(before);
  });
});
