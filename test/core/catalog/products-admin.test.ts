import { expect } from 'chai';
import { createCatalogStore, created, simpleProduct, sku, type CatalogStore } from './catalog-helpers.ts';
import { createAndLogin } from '../admin/admin-helpers.ts';

describe('admin products', () => {
  let c: CatalogStore;
  before(async () => {
    c = await createCatalogStore();
  });
  after(() => c.store.stop());

  describe('creating', () => {
    it('creates a product with options, one variant per combination, prices and a generated slug', async () => {
      const product = await created(c.admin.as, '/admin/products', {
        title: 'Crème Brûlée T-Shirt',
        descriptionMarkdown: '# Soft\n\nMade of **cotton**.',
        options: [
          { name: 'Size', values: ['S', 'M'] },
          { name: 'Colour', values: ['Red', 'Blue'] },
        ],
        variants: [
          { sku: 'TEE-S-RED', options: { Size: 'S', Colour: 'Red' }, weightGrams: 180, prices: [{ currencyCode: 'USD', amount: 1999, compareAtAmount: 2499 }] },
          { sku: 'TEE-M-RED', options: { Size: 'M', Colour: 'Red' }, prices: [{ currencyCode: 'USD', amount: 1999 }, { currencyCode: 'EUR', amount: 1899 }] },
          { sku: 'TEE-M-BLUE', options: { Colour: 'Blue', Size: 'M' }, prices: [{ currencyCode: 'USD', amount: 2199 }] },
        ],
      });
      expect(product.id).to.match(/^prod_/);
      expect(product.slug).to.equal('creme-brulee-t-shirt');
      expect(product.status).to.equal('draft');
      expect(product.descriptionHtml).to.equal('<h1>Soft</h1>\n<p>Made of <strong>cotton</strong>.</p>\n');
      expect(product.options).to.deep.equal([
        { name: 'Size', values: ['S', 'M'] },
        { name: 'Colour', values: ['Red', 'Blue'] },
      ]);
      expect(product.variants.map((v: any) => [v.sku, v.title, v.options])).to.deep.equal([
        ['TEE-S-RED', 'S / Red', { Size: 'S', Colour: 'Red' }],
        ['TEE-M-RED', 'M / Red', { Size: 'M', Colour: 'Red' }],
        ['TEE-M-BLUE', 'M / Blue', { Size: 'M', Colour: 'Blue' }],
      ]);
      expect(product.variants[0].weightGrams).to.equal(180);
      expect(product.variants[1].prices).to.deep.equal([
        { currencyCode: 'EUR', amount: 1899, compareAtAmount: null },
        { currencyCode: 'USD', amount: 1999, compareAtAmount: null },
      ]);
      expect(product.priceRange).to.deep.equal({ min: { amount: 1999, currencyCode: 'USD' }, max: { amount: 2199, currencyCode: 'USD' } });
    });

    it('gives a product without options its one default variant, titled like the product', async () => {
      const product = await created(c.admin.as, '/admin/products', simpleProduct('Plain Mug', 900));
      expect(product.variants).to.have.length(1);
      expect(product.variants[0].title).to.equal('Plain Mug');
      expect(product.variants[0].options).to.deep.equal({});
    });

    it('refuses variants whose option values do not fit the options, naming the field', async () => {
      const response = await c.admin.as.post('/admin/products', {
        title: 'Bad combo',
        options: [{ name: 'Size', values: ['S', 'M'] }],
        variants: [{ sku: sku(), options: { Size: 'XL' } }, { sku: sku(), options: { Colour: 'Red' } }],
      });
      expect(response.status).to.equal(422);
      expect(response.headers.get('content-type')).to.include('application/problem+json');
      expect(response.body.code).to.equal('PRODUCT_INVALID');
      expect(response.body.errors).to.deep.include({ in: 'body', pointer: '/variants/0/options/Size', rule: 'enum', message: 'must be one of: S, M' });
    });

    it('refuses two variants with the same option values, and a second variant without options', async () => {
      const twice = await c.admin.as.post('/admin/products', {
        title: 'Twins',
        options: [{ name: 'Size', values: ['S'] }],
        variants: [
          { sku: sku(), options: { Size: 'S' } },
          { sku: sku(), options: { Size: 'S' } },
        ],
      });
      expect(twice.status).to.equal(409);
      expect(twice.body.code).to.equal('PRODUCT_DUPLICATE_VARIANT');
      const noOptions = await c.admin.as.post('/admin/products', { title: 'Two defaults', variants: [{ sku: sku() }, { sku: sku() }] });
      expect(noOptions.status).to.equal(409);
      expect(noOptions.body.code).to.equal('PRODUCT_DUPLICATE_VARIANT');
    });

    it('refuses a SKU another variant has, ignoring case, and writes nothing', async () => {
      await created(c.admin.as, '/admin/products', simpleProduct('Has SKU', 100, {}, { sku: 'UNIQUE-1' }));
      const response = await c.admin.as.post('/admin/products', simpleProduct('Wants SKU', 100, {}, { sku: 'unique-1' }));
      expect(response.status).to.equal(409);
      expect(response.body.code).to.equal('PRODUCT_SKU_TAKEN');
      const list = await c.admin.as.get('/admin/products', { query: { q: 'Wants SKU' } });
      expect(list.body.count).to.equal(0);
    });

    it('refuses prices that are floats, negative, in a currency the store does not sell, or with a lower compare-at price', async () => {
      const float = await c.admin.as.post('/admin/products', simpleProduct('Float', 19.99));
      expect(float.status).to.equal(400);
      expect(float.body.errors[0]).to.include({ pointer: '/variants/0/prices/0/amount', rule: 'type' });
      const negative = await c.admin.as.post('/admin/products', simpleProduct('Negative', -1));
      expect(negative.status).to.equal(400);
      const currency = await c.admin.as.post('/admin/products', { title: 'CHF', variants: [{ sku: sku(), prices: [{ currencyCode: 'CHF', amount: 100 }] }] });
      expect(currency.status).to.equal(422);
      expect(currency.body.code).to.equal('CURRENCY_NOT_SUPPORTED');
      expect(currency.body.errors[0].pointer).to.equal('/variants/0/prices/0/currencyCode');
      const compare = await c.admin.as.post('/admin/products', { title: 'Cmp', variants: [{ sku: sku(), prices: [{ currencyCode: 'USD', amount: 100, compareAtAmount: 100 }] }] });
      expect(compare.status).to.equal(422);
      expect(compare.body.errors[0].pointer).to.equal('/variants/0/prices/0/compareAtAmount');
    });

    it('refuses to publish a product whose variant has no price in the default currency', async () => {
      const response = await c.admin.as.post('/admin/products', { title: 'Euro only', status: 'published', variants: [{ sku: sku(), prices: [{ currencyCode: 'EUR', amount: 100 }] }] });
      expect(response.status).to.equal(422);
      expect(response.body.errors[0]).to.include({ pointer: '/variants/0/prices', rule: 'defaultPrice' });
      const draft = await created(c.admin.as, '/admin/products', { title: 'Euro only', variants: [{ sku: sku(), prices: [{ currencyCode: 'EUR', amount: 100 }] }] });
      const publish = await c.admin.as.patch(`/admin/products/${draft.id}`, { status: 'published' });
      expect(publish.status).to.equal(422);
      expect(publish.body.code).to.equal('PRODUCT_INVALID');
    });

    it('refuses unknown brands, categories, tags and attributes', async () => {
      const brand = await c.admin.as.post('/admin/products', simpleProduct('No brand', 100, { brandId: 'brand_nope' }));
      expect(brand.status).to.equal(404);
      const category = await c.admin.as.post('/admin/products', simpleProduct('No category', 100, { categoryIds: ['cat_nope'] }));
      expect(category.status).to.equal(404);
      const attribute = await c.admin.as.post('/admin/products', simpleProduct('No attribute', 100, { attributes: { nope: 'x' } }));
      expect(attribute.status).to.equal(422);
      expect(attribute.body.errors[0]).to.include({ pointer: '/attributes/nope', rule: 'attribute' });
    });

    it('renders Markdown without letting HTML or script links through', async () => {
      const product = await created(c.admin.as, '/admin/products', {
        ...simpleProduct('Sneaky', 100),
        descriptionMarkdown: '<script>alert(1)</script>\n\n[click](javascript:alert(1)) and [shop](https://example.com)',
      });
      expect(product.descriptionHtml).not.to.include('<script>');
      expect(product.descriptionHtml).to.include('&lt;script&gt;');
      expect(product.descriptionHtml).not.to.include('href="javascript:');
      expect(product.descriptionHtml).to.include('<a href="https://example.com" rel="nofollow noopener noreferrer">shop</a>');
    });
  });

  describe('slugs', () => {
    it('suffixes a generated slug that is taken, and refuses a chosen one that is taken', async () => {
      const first = await created(c.admin.as, '/admin/products', simpleProduct('Blue Lamp', 100));
      const second = await created(c.admin.as, '/admin/products', simpleProduct('Blue Lamp', 100));
      expect([first.slug, second.slug]).to.deep.equal(['blue-lamp', 'blue-lamp-2']);
      const chosen = await c.admin.as.post('/admin/products', simpleProduct('Other', 100, { slug: 'blue-lamp' }));
      expect(chosen.status).to.equal(409);
      expect(chosen.body.code).to.equal('PRODUCT_SLUG_TAKEN');
      const malformed = await c.admin.as.post('/admin/products', simpleProduct('Other', 100, { slug: 'Not A Slug' }));
      expect(malformed.status).to.equal(400);
      expect(malformed.body.errors[0]).to.include({ pointer: '/slug', rule: 'pattern' });
    });

    it('answers an old slug with a 301 to the new one, and keeps old slugs from other products', async () => {
      const product = await created(c.admin.as, '/admin/products', simpleProduct('Desk Chair', 15000));
      const renamed = await c.admin.as.patch(`/admin/products/${product.id}`, { slug: 'office-chair' });
      expect(renamed.status).to.equal(200);
      expect(renamed.body.previousSlugs).to.deep.equal(['desk-chair']);
      const old = await c.store.client.get('/store/products/desk-chair', { query: { currency: 'EUR' }, redirect: 'manual' });
      expect(old.status).to.equal(301);
      expect(old.headers.get('location')).to.equal('/store/products/office-chair?currency=EUR');
      const current = await c.store.client.get('/store/products/office-chair');
      expect(current.status).to.equal(200);
      expect(current.body.id).to.equal(product.id);
      const thief = await c.admin.as.post('/admin/products', simpleProduct('Thief', 100, { slug: 'desk-chair' }));
      expect(thief.status).to.equal(409);
      const back = await c.admin.as.patch(`/admin/products/${product.id}`, { slug: 'desk-chair' });
      expect(back.status).to.equal(200);
      expect(back.body.slug).to.equal('desk-chair');
    });
  });

  describe('changing', () => {
    it('adds, changes and deletes variants, keeping at least one', async () => {
      const product = await created(c.admin.as, '/admin/products', {
        title: 'Socks',
        options: [{ name: 'Size', values: ['S', 'M', 'L'] }],
        variants: [{ sku: sku(), options: { Size: 'S' }, prices: [{ currencyCode: 'USD', amount: 500 }] }],
      });
      const added = await c.admin.as.post(`/admin/products/${product.id}/variants`, { sku: 'SOCK-M', options: { Size: 'M' }, prices: [{ currencyCode: 'USD', amount: 550 }] });
      expect(added.status).to.equal(201);
      expect(added.body.variants.map((v: any) => v.title)).to.deep.equal(['S', 'M']);
      const clash = await c.admin.as.post(`/admin/products/${product.id}/variants`, { sku: sku(), options: { Size: 'M' } });
      expect(clash.status).to.equal(409);
      const m = added.body.variants[1];
      const changed = await c.admin.as.patch(`/admin/products/${product.id}/variants/${m.id}`, { options: { Size: 'L' }, prices: [{ currencyCode: 'USD', amount: 600 }] });
      expect(changed.status).to.equal(200);
      expect(changed.body.variants[1]).to.deep.include({ title: 'L', options: { Size: 'L' } });
      expect(changed.body.variants[1].prices).to.deep.equal([{ currencyCode: 'USD', amount: 600, compareAtAmount: null }]);
      expect((await c.admin.as.delete(`/admin/products/${product.id}/variants/${m.id}`)).status).to.equal(204);
      const last = await c.admin.as.delete(`/admin/products/${product.id}/variants/${product.variants[0].id}`);
      expect(last.status).to.equal(409);
      expect(last.body.code).to.equal('PRODUCT_LAST_VARIANT');
    });

    it('changes options: refuses to drop a value a variant uses, and gives a new option\'s first value to every variant', async () => {
      const product = await created(c.admin.as, '/admin/products', {
        title: 'Cap',
        options: [{ name: 'Colour', values: ['Black', 'White'] }],
        variants: [
          { sku: sku(), options: { Colour: 'Black' } },
          { sku: sku(), options: { Colour: 'White' } },
        ],
      });
      const drop = await c.admin.as.patch(`/admin/products/${product.id}`, { options: [{ name: 'Colour', values: ['Black'] }] });
      expect(drop.status).to.equal(409);
      expect(drop.body.code).to.equal('PRODUCT_OPTION_IN_USE');
      const grow = await c.admin.as.patch(`/admin/products/${product.id}`, {
        options: [
          { name: 'Colour', values: ['Black', 'White', 'Green'] },
          { name: 'Size', values: ['One size', 'Kids'] },
        ],
      });
      expect(grow.status).to.equal(200);
      expect(grow.body.variants.map((v: any) => v.title)).to.deep.equal(['Black / One size', 'White / One size']);
    });

    it('deletes softly: the product leaves lists and can be restored', async () => {
      const product = await created(c.admin.as, '/admin/products', simpleProduct('Ephemeral', 100, {}, { sku: 'EPHEMERAL-1' }));
      expect((await c.admin.as.delete(`/admin/products/${product.id}`)).status).to.equal(204);
      expect((await c.admin.as.get('/admin/products', { query: { q: 'Ephemeral' } })).body.count).to.equal(0);
      expect((await c.admin.as.get('/admin/products', { query: { q: 'Ephemeral', deleted: true } })).body.count).to.equal(1);
      expect((await c.store.client.get(`/store/products/${product.id}`)).status).to.equal(404);
      // the SKU is free while the product is deleted
      await created(c.admin.as, '/admin/products', simpleProduct('Reuses SKU', 100, {}, { sku: 'EPHEMERAL-1' }));
      const restore = await c.admin.as.post(`/admin/products/${product.id}/restore`, {});
      expect(restore.status).to.equal(409);
      expect(restore.body.code).to.equal('PRODUCT_SKU_TAKEN');
    });

    it('sets the status of many products at once, or of none when one is unknown', async () => {
      const a = await created(c.admin.as, '/admin/products', { ...simpleProduct('Bulk A', 100), status: 'draft' });
      const b = await created(c.admin.as, '/admin/products', { ...simpleProduct('Bulk B', 100), status: 'draft' });
      const bad = await c.admin.as.post('/admin/products/bulk/status', { productIds: [a.id, 'prod_nope'], status: 'published' });
      expect(bad.status).to.equal(404);
      expect((await c.admin.as.get(`/admin/products/${a.id}`)).body.status).to.equal('draft');
      const ok = await c.admin.as.post('/admin/products/bulk/status', { productIds: [a.id, b.id], status: 'published' });
      expect(ok.body).to.deep.equal({ updated: 2 });
      expect((await c.admin.as.get(`/admin/products/${b.id}`)).body.status).to.equal('published');
    });

    it('sets prices by SKU in bulk, all or none', async () => {
      await created(c.admin.as, '/admin/products', simpleProduct('Priced', 100, {}, { sku: 'BULK-PRICE-1' }));
      const bad = await c.admin.as.post('/admin/products/bulk/prices', {
        prices: [
          { sku: 'BULK-PRICE-1', currencyCode: 'USD', amount: 250 },
          { sku: 'NO-SUCH-SKU', currencyCode: 'USD', amount: 1 },
        ],
      });
      expect(bad.status).to.equal(404);
      expect(bad.body.errors[0]).to.include({ pointer: '/prices/1/sku' });
      const ok = await c.admin.as.post('/admin/products/bulk/prices', { prices: [{ sku: 'bulk-price-1', currencyCode: 'EUR', amount: 230 }, { sku: 'BULK-PRICE-1', currencyCode: 'USD', amount: 250 }] });
      expect(ok.body).to.deep.equal({ updated: 2 });
      const list = await c.admin.as.get('/admin/products', { query: { q: 'BULK-PRICE-1', currency: 'EUR' } });
      expect(list.body.items[0].priceRange.min).to.deep.equal({ amount: 230, currencyCode: 'EUR' });
    });
  });

  describe('tax class', () => {
    const updatedEvents = async (productId: string) => {
      const events = await c.store.commerce.withScope((s) =>
        s.cradle.em.execute<Array<{ payload: any }>>(
          `select payload from cw_outbox_event where name = 'product.updated' and payload->>'productId' = ? order by occurred_at, id`,
          [productId],
        ),
      );
      return events.map((e) => (typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload));
    };

    it('creates a product with a tax class, and without one leaves it null (the store default)', async () => {
      const reduced = await created(c.admin.as, '/admin/products', simpleProduct('Bread', 300, { taxClass: 'reduced' }));
      expect(reduced.taxClass).to.equal('reduced');
      expect((await c.admin.as.get(`/admin/products/${reduced.id}`)).body.taxClass).to.equal('reduced');
      const plain = await created(c.admin.as, '/admin/products', simpleProduct('Toaster', 3000));
      expect(plain.taxClass).to.equal(null);
      const explicit = await created(c.admin.as, '/admin/products', simpleProduct('Kettle', 3000, { taxClass: null }));
      expect(explicit.taxClass).to.equal(null);
    });

    it('changes the tax class to another and back to the default, reporting taxClass in product.updated', async () => {
      const product = await created(c.admin.as, '/admin/products', simpleProduct('Cookbook', 2500, { taxClass: 'standard' }));
      const books = await c.admin.as.patch(`/admin/products/${product.id}`, { taxClass: 'books_2024' });
      expect(books.status).to.equal(200);
      expect(books.body.taxClass).to.equal('books_2024');
      const untouched = await c.admin.as.patch(`/admin/products/${product.id}`, { title: 'Cookbook, 2nd edition' });
      expect(untouched.body.taxClass).to.equal('books_2024');
      const reset = await c.admin.as.patch(`/admin/products/${product.id}`, { taxClass: null });
      expect(reset.status).to.equal(200);
      expect(reset.body.taxClass).to.equal(null);
      expect((await updatedEvents(product.id)).map((e) => e.fields)).to.deep.equal([['taxClass'], ['title'], ['taxClass']]);
    });

    it('refuses a tax class that breaks the pattern or is too long, naming /taxClass', async () => {
      for (const taxClass of ['Reduced', '-reduced', 'reduced rate', '', 'a'.repeat(65)]) {
        const response = await c.admin.as.post('/admin/products', simpleProduct('Bad class', 100, { taxClass }));
        expect(response.status, taxClass).to.equal(400);
        expect(response.body.code).to.equal('VALIDATION_FAILED');
        expect(response.body.errors.map((e: any) => e.pointer)).to.include('/taxClass');
      }
      const product = await created(c.admin.as, '/admin/products', simpleProduct('Good class', 100, { taxClass: 'zero' }));
      const patched = await c.admin.as.patch(`/admin/products/${product.id}`, { taxClass: 'Zero Rated' });
      expect(patched.status).to.equal(400);
      expect(patched.body.errors.map((e: any) => e.pointer)).to.include('/taxClass');
      expect((await c.admin.as.get(`/admin/products/${product.id}`)).body.taxClass).to.equal('zero');
    });

    it('keeps the tax class out of the store view', async () => {
      const product = await created(c.admin.as, '/admin/products', simpleProduct('Store Bread', 300, { taxClass: 'reduced' }));
      const view = await c.store.client.get(`/store/products/${product.id}`);
      expect(view.status).to.equal(200);
      expect(view.body).not.to.have.property('taxClass');
    });
  });

  describe('vendors', () => {
    it('lets a vendor manage its own products only, and an unapproved vendor none', async () => {
      const vendor = await createAndLogin(c.store, 'seller@example.com', 'vendor');
      const other = await createAndLogin(c.store, 'rival@example.com', 'vendor');
      await c.store.commerce.withScope((s) => s.cradle.em.execute(`update cw_user set status = 'active' where email in ('seller@example.com', 'rival@example.com')`));
      const mine = await created(vendor.as, '/admin/products', simpleProduct('Vendor Vase', 3000));
      expect(mine.vendorId).to.equal(vendor.id);
      const theirs = await created(other.as, '/admin/products', simpleProduct('Rival Vase', 3000));
      expect((await vendor.as.get(`/admin/products/${theirs.id}`)).status).to.equal(404);
      expect((await vendor.as.patch(`/admin/products/${theirs.id}`, { title: 'Mine now' })).status).to.equal(404);
      expect((await vendor.as.delete(`/admin/products/${theirs.id}`)).status).to.equal(404);
      const list = await vendor.as.get('/admin/products', { query: { limit: 100 } });
      expect(list.body.items.map((p: any) => p.id)).to.deep.equal([mine.id]);
      const steal = await vendor.as.post('/admin/products', simpleProduct('Forged', 100, { vendorId: other.id }));
      expect(steal.status).to.equal(403);
      expect(steal.body.code).to.equal('PRODUCT_NOT_YOURS');
      // staff see both
      const all = await c.admin.as.get('/admin/products', { query: { q: 'Vase' } });
      expect(all.body.count).to.equal(2);

      const pending = await createAndLogin(c.store, 'new-seller@example.com', 'vendor');
      expect((await pending.as.post('/admin/products', simpleProduct('Too early', 100))).status).to.equal(403);
      const customer = await createAndLogin(c.store, 'shopper@example.com', 'customer');
      expect((await customer.as.get('/admin/products')).status).to.equal(403);
    });
  });
});
