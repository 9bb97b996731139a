import { expect } from 'chai';
import type { TestStore } from '@cartwright/core/testing';
import {
  auditEntries,
  createAdminTestStore,
  createAndLogin,
  expectFieldProblem,
  expectProblem,
  insertMedia,
  insertProduct,
  outboxEvents,
  type SignedIn,
} from './taxonomy-helpers.ts';

describe('brands and tags', () => {
  let store: TestStore;
  let admin: SignedIn;

  before(async () => {
    store = await createAdminTestStore();
    admin = await createAndLogin(store, 'admin@example.com', 'admin');
  });
  after(() => store.stop());

  describe('brands', () => {
    it('creates a brand with a generated slug, suffixing it when taken', async () => {
      const first = await admin.as.post('/admin/brands', { name: 'Acme Tools', description: 'Since 1949' });
      expect(first.status, first.text).to.equal(201);
      expect(first.body).to.include({ name: 'Acme Tools', slug: 'acme-tools', description: 'Since 1949', logoMediaId: null });
      expect(first.body.id).to.match(/^brand_/);
      const second = await admin.as.post('/admin/brands', { name: 'ACME tools!' });
      expect(second.body.slug).to.equal('acme-tools-2');
    });

    it('refuses a taken or malformed slug, a blank name and a logo that is not an uploaded file', async () => {
      await admin.as.post('/admin/brands', { name: 'Zeta', slug: 'zeta' });
      expectFieldProblem(await admin.as.post('/admin/brands', { name: 'Zeta 2', slug: 'zeta' }), 409, 'BRAND_SLUG_TAKEN', '/slug');
      expectFieldProblem(await admin.as.post('/admin/brands', { name: 'Zeta 3', slug: 'Zeta!' }), 400, 'VALIDATION_FAILED', '/slug');
      expectFieldProblem(await admin.as.post('/admin/brands', { name: '' }), 400, 'VALIDATION_FAILED', '/name');
      expectFieldProblem(await admin.as.post('/admin/brands', { name: 'Logo-less', logoMediaId: 'med_missing' }), 422, 'BRAND_LOGO_NOT_FOUND', '/logoMediaId');
    });

    it('sets and clears a logo, changes fields, audits and emits events', async () => {
      const media = await insertMedia(store);
      const brand = (await admin.as.post('/admin/brands', { name: 'Logo Co', logoMediaId: media })).body;
      expect(brand.logoMediaId).to.equal(media);
      const changed = await admin.as.patch(`/admin/brands/${brand.id}`, { name: 'Logo Company', logoMediaId: null, slug: 'logo-company' });
      expect(changed.status, changed.text).to.equal(200);
      expect(changed.body).to.include({ name: 'Logo Company', slug: 'logo-company', logoMediaId: null });
      expectFieldProblem(await admin.as.patch(`/admin/brands/${brand.id}`, { slug: 'zeta' }), 409, 'BRAND_SLUG_TAKEN', '/slug');
      expectFieldProblem(await admin.as.patch(`/admin/brands/${brand.id}`, {}), 400, 'VALIDATION_FAILED', '');
      const { items } = await auditEntries(admin, { targetId: brand.id });
      expect(items.map((e) => e.action)).to.deep.equal(['brand.updated', 'brand.created']);
      const events = (await outboxEvents(store, 'brand.')).filter((e) => e.payload.brandId === brand.id);
      expect(events.map((e) => [e.name, e.payload.fields ?? null])).to.deep.equal([
        ['brand.created', null],
        ['brand.updated', ['name', 'slug', 'logoMediaId']],
      ]);
    });

    it('deletes a brand; its products stay without a brand', async () => {
      const brand = (await admin.as.post('/admin/brands', { name: 'Short Lived' })).body;
      const product = await insertProduct(store);
      await store.commerce.withScope((s) => s.cradle.em.execute('update cw_product set brand_id = ? where id = ?', [brand.id, product]));
      expect((await admin.as.delete(`/admin/brands/${brand.id}`)).status).to.equal(204);
      const [row] = await store.commerce.withScope((s) => s.cradle.em.execute<Array<{ brand_id: string | null }>>('select brand_id from cw_product where id = ?', [product]));
      expect(row!.brand_id).to.equal(null);
      expectProblem(await admin.as.get(`/admin/brands/${brand.id}`), 404, 'BRAND_NOT_FOUND');
      expectProblem(await admin.as.delete(`/admin/brands/${brand.id}`), 404, 'BRAND_NOT_FOUND');
    });

    it('lists brands by name with a search, and shows them to the storefront by id or slug', async () => {
      const list = await admin.as.get('/admin/brands', { query: { q: 'acme' } });
      expect(list.body.items.map((b: { slug: string }) => b.slug)).to.deep.equal(['acme-tools', 'acme-tools-2']);
      expect(list.body.count).to.equal(2);
      const storeList = await store.client.get('/store/brands', { query: { limit: 1, offset: 1, q: 'acme' } });
      expect(storeList.status, storeList.text).to.equal(200);
      expect(storeList.body).to.deep.equal({ items: [{ id: list.body.items[1].id, name: 'ACME tools!', slug: 'acme-tools-2', description: null, logoMediaId: null }], count: 2 });
      const bySlug = await store.client.get('/store/brands/acme-tools');
      expect(bySlug.body).to.deep.equal({ id: list.body.items[0].id, name: 'Acme Tools', slug: 'acme-tools', description: 'Since 1949', logoMediaId: null });
      expect((await store.client.get(`/store/brands/${list.body.items[0].id}`)).body.slug).to.equal('acme-tools');
      expectProblem(await store.client.get('/store/brands/nope'), 404, 'BRAND_NOT_FOUND');
    });

    it('gives the catalog brand lookups by id or slug', async () => {
      const acme = (await admin.as.get('/admin/brands', { query: { q: 'Acme Tools' } })).body.items.find((b: { slug: string }) => b.slug === 'acme-tools');
      await store.commerce.withScope(async (scope) => {
        const brands = scope.cradle.brandService;
        expect(await brands.idBySlugOrId('acme-tools')).to.equal(acme.id);
        expect(await brands.idBySlugOrId(acme.id)).to.equal(acme.id);
        expect(await brands.idBySlugOrId('nope')).to.equal(undefined);
        await brands.requireExisting(acme.id);
        const error = await brands.requireExisting('brand_missing', { pointer: '/brandId' }).catch((e: unknown) => e as { code: string; errors: unknown[] });
        expect(error).to.include({ code: 'BRAND_NOT_FOUND' });
        expect(error!.errors).to.have.length(1);
        const summaries = await brands.summaries([acme.id, 'brand_missing']);
        expect([...summaries.values()]).to.deep.equal([{ id: acme.id, name: 'Acme Tools', slug: 'acme-tools' }]);
      });
    });

    it('lets approved vendors read brands but not change them; customers get 403', async () => {
      const vendor = await createAndLogin(store, 'vendor@example.com', 'vendor');
      await admin.as.post(`/admin/users/${vendor.id}/approve`);
      expect((await vendor.as.get('/admin/brands')).status).to.equal(200);
      expectProblem(await vendor.as.post('/admin/brands', { name: 'Vendor brand' }), 403, 'FORBIDDEN');
      const customer = await createAndLogin(store, 'customer@example.com', 'customer');
      expectProblem(await customer.as.get('/admin/brands'), 403, 'FORBIDDEN');
      expectProblem(await customer.as.get('/admin/tags'), 403, 'FORBIDDEN');
    });
  });

  describe('tags', () => {
    it('creates, renames, lists and deletes tags; generated slugs stay within 100 characters', async () => {
      const vegan = await admin.as.post('/admin/tags', { name: 'Vegan' });
      expect(vegan.status, vegan.text).to.equal(201);
      expect(vegan.body).to.include({ name: 'Vegan', slug: 'vegan' });
      expect((await admin.as.post('/admin/tags', { name: 'vegan' })).body.slug).to.equal('vegan-2');
      const long = await admin.as.post('/admin/tags', { name: 'ß'.repeat(100) });
      expect(long.status, long.text).to.equal(201);
      expect(long.body.slug.length).to.be.at.most(100);
      expectFieldProblem(await admin.as.post('/admin/tags', { name: 'Vegan again', slug: 'vegan' }), 409, 'TAG_SLUG_TAKEN', '/slug');
      expectFieldProblem(await admin.as.post('/admin/tags', { name: 'x'.repeat(101) }), 400, 'VALIDATION_FAILED', '/name');
      expectFieldProblem(await admin.as.post('/admin/tags', { name: 'Bad', slug: 'a'.repeat(101) }), 400, 'VALIDATION_FAILED', '/slug');

      const renamed = await admin.as.patch(`/admin/tags/${vegan.body.id}`, { name: 'Plant based', slug: 'plant-based' });
      expect(renamed.body).to.include({ name: 'Plant based', slug: 'plant-based' });
      const storeTags = await store.client.get('/store/tags', { query: { q: 'plant' } });
      expect(storeTags.body).to.deep.equal({ items: [{ id: vegan.body.id, name: 'Plant based', slug: 'plant-based' }], count: 1 });

      const product = await insertProduct(store);
      await store.commerce.withScope((s) => s.cradle.em.execute('insert into cw_product_tag (product_id, tag_id) values (?, ?)', [product, vegan.body.id]));
      expect((await admin.as.delete(`/admin/tags/${vegan.body.id}`)).status).to.equal(204);
      const links = await store.commerce.withScope((s) => s.cradle.em.execute('select 1 from cw_product_tag where product_id = ?', [product]));
      expect(links).to.deep.equal([]);
      expectProblem(await admin.as.get(`/admin/tags/${vegan.body.id}`), 404, 'TAG_NOT_FOUND');
      const { items } = await auditEntries(admin, { targetId: vegan.body.id });
      expect(items.map((e) => e.action)).to.deep.equal(['tag.deleted', 'tag.updated', 'tag.created']);
    });

    it('gives the catalog tag lookups by ids and slugs', async () => {
      const gift = (await admin.as.post('/admin/tags', { name: 'Gift idea' })).body;
      const sale = (await admin.as.post('/admin/tags', { name: 'Sale' })).body;
      await store.commerce.withScope(async (scope) => {
        const tags = scope.cradle.tagService;
        expect((await tags.idsBySlugsOrIds(['gift-idea', sale.id, 'unknown', 'sale'])).sort()).to.deep.equal([gift.id, sale.id].sort());
        expect(await tags.idsBySlugsOrIds([])).to.deep.equal([]);
        await tags.requireExisting([gift.id, sale.id]);
        const error = await tags.requireExisting([gift.id, 'tag_missing']).catch((e: unknown) => e as { code: string; extensions: Record<string, unknown> });
        expect(error).to.include({ code: 'TAG_NOT_FOUND' });
        expect(error!.extensions.missing).to.deep.equal(['tag_missing']);
        const summaries = await tags.summaries([gift.id]);
        expect(summaries.get(gift.id)).to.deep.equal({ id: gift.id, name: 'Gift idea', slug: 'gift-idea' });
      });
    });
  });
});
