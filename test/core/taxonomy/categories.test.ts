import { expect } from 'chai';
import type { TestStore } from '@cartwright/core/testing';
import {
  auditEntries,
  createAdminTestStore,
  createAndLogin,
  expectFieldProblem,
  expectProblem,
  insertProduct,
  outboxEvents,
  type SignedIn,
} from './taxonomy-helpers.ts';

type Category = { id: string; parentId: string | null; name: string; slug: string; path: string; depth: number; position: number; productCount?: number };

describe('categories', () => {
  let store: TestStore;
  let admin: SignedIn;

  before(async () => {
    store = await createAdminTestStore();
    admin = await createAndLogin(store, 'admin@example.com', 'admin');
  });
  after(() => store.stop());

  async function create(body: Record<string, unknown>): Promise<Category> {
    const res = await admin.as.post('/admin/categories', body);
    expect(res.status, res.text).to.equal(201);
    return res.body;
  }

  async function get(id: string): Promise<Category> {
    const res = await admin.as.get(`/admin/categories/${id}`);
    expect(res.status, res.text).to.equal(200);
    return res.body;
  }

  async function move(id: string, body: Record<string, unknown>) {
    return admin.as.post(`/admin/categories/${id}/move`, body);
  }

  async function childrenOf(parentId: string | null): Promise<Category[]> {
    const res = await admin.as.get('/admin/categories', { query: { parentId: parentId ?? 'root', limit: 100 } });
    expect(res.status, res.text).to.equal(200);
    return res.body.items;
  }

  describe('creating', () => {
    it('creates a top-level category with a slug generated from its name', async () => {
      const category = await create({ name: 'Crème & Brûlée Tools', description: 'For the kitchen' });
      expect(category).to.include({ parentId: null, name: 'Crème & Brûlée Tools', slug: 'creme-and-brulee-tools', depth: 0 });
      expect(category.path).to.equal(`/${category.id}/`);
      expect(category.id).to.match(/^cat_/);
    });

    it('suffixes a generated slug that is taken with -2, -3', async () => {
      const first = await create({ name: 'Garden' });
      const second = await create({ name: 'Garden' });
      const third = await create({ name: 'garden!' });
      expect([first.slug, second.slug, third.slug]).to.deep.equal(['garden', 'garden-2', 'garden-3']);
    });

    it('refuses a given slug that another category has (409) and one that is not a slug (400 naming the field)', async () => {
      await create({ name: 'Shoes', slug: 'shoes' });
      expectFieldProblem(await admin.as.post('/admin/categories', { name: 'Other shoes', slug: 'shoes' }), 409, 'CATEGORY_SLUG_TAKEN', '/slug');
      for (const slug of ['Shoes', 'shoes--x', '-shoes', 'shoes_x', 'schuhe ü']) {
        expectFieldProblem(await admin.as.post('/admin/categories', { name: 'Bad', slug }), 400, 'VALIDATION_FAILED', '/slug');
      }
    });

    it('refuses a blank name and an unknown field', async () => {
      expectFieldProblem(await admin.as.post('/admin/categories', { name: '   ' }), 400, 'VALIDATION_FAILED', '/name');
      expectFieldProblem(await admin.as.post('/admin/categories', { name: 'X', colour: 'red' }), 400, 'VALIDATION_FAILED', '/colour');
    });

    it('refuses an unknown parent (422 naming parentId)', async () => {
      expectFieldProblem(await admin.as.post('/admin/categories', { name: 'Orphan', parentId: 'cat_missing' }), 422, 'CATEGORY_PARENT_NOT_FOUND', '/parentId');
    });

    it('creates under a parent at the end, or at a given position shifting later siblings', async () => {
      const parent = await create({ name: 'Clothing' });
      const shirts = await create({ name: 'Shirts', parentId: parent.id });
      const trousers = await create({ name: 'Trousers', parentId: parent.id });
      const hats = await create({ name: 'Hats', parentId: parent.id, position: 0 });
      const socks = await create({ name: 'Socks', parentId: parent.id, position: 99 });
      expect(shirts).to.include({ depth: 1, path: `${parent.path}${shirts.id}/` });
      expect((await childrenOf(parent.id)).map((c) => [c.name, c.position])).to.deep.equal([
        ['Hats', 0],
        ['Shirts', 1],
        ['Trousers', 2],
        ['Socks', 3],
      ]);
      expect(trousers.position).to.equal(1);
      expect(hats.position).to.equal(0);
      expect(socks.position).to.equal(3);
    });

    it('refuses to nest deeper than 10 levels', async () => {
      let parentId: string | null = null;
      for (let level = 0; level < 10; level++) parentId = (await create({ name: `Level ${level}`, parentId })).id;
      expectProblem(await admin.as.post('/admin/categories', { name: 'Level 10', parentId }), 422, 'CATEGORY_TOO_DEEP');
    });
  });

  describe('changing', () => {
    it('renames without changing the slug, and changes the slug when asked', async () => {
      const category = await create({ name: 'Lamps' });
      const renamed = await admin.as.patch(`/admin/categories/${category.id}`, { name: 'Lighting' });
      expect(renamed.status, renamed.text).to.equal(200);
      expect(renamed.body).to.include({ name: 'Lighting', slug: 'lamps' });
      const reslugged = await admin.as.patch(`/admin/categories/${category.id}`, { slug: 'lighting', description: 'Lamps and bulbs' });
      expect(reslugged.body).to.include({ slug: 'lighting', description: 'Lamps and bulbs' });
      expectFieldProblem(await admin.as.patch(`/admin/categories/${category.id}`, { slug: 'shoes' }), 409, 'CATEGORY_SLUG_TAKEN', '/slug');
      expectFieldProblem(await admin.as.patch(`/admin/categories/${category.id}`, { parentId: null }), 400, 'VALIDATION_FAILED', '/parentId');
      expectProblem(await admin.as.patch('/admin/categories/cat_missing', { name: 'X' }), 404, 'CATEGORY_NOT_FOUND');
    });

    it('records the change in the audit log and emits category.updated', async () => {
      const category = await create({ name: 'Audited' });
      await admin.as.patch(`/admin/categories/${category.id}`, { name: 'Audited twice' });
      const { items } = await auditEntries(admin, { targetId: category.id });
      expect(items.map((e) => e.action)).to.deep.equal(['category.updated', 'category.created']);
      expect(items[0]!.before).to.include({ name: 'Audited' });
      expect(items[0]!.after).to.include({ name: 'Audited twice' });
      const events = (await outboxEvents(store, 'category.')).filter((e) => e.payload.categoryId === category.id);
      expect(events.map((e) => e.name)).to.deep.equal(['category.created', 'category.updated']);
      expect(events[1]!.payload.fields).to.deep.equal(['name']);
    });
  });

  describe('moving', () => {
    it('moves a subtree to another parent, updating the paths and depths of every descendant', async () => {
      const a = await create({ name: 'Move A' });
      const b = await create({ name: 'Move B', parentId: a.id });
      const c = await create({ name: 'Move C', parentId: b.id });
      const d = await create({ name: 'Move D', parentId: c.id });
      const target = await create({ name: 'Move Target' });
      const targetChild = await create({ name: 'Move Target Child', parentId: target.id });

      const res = await move(b.id, { parentId: targetChild.id });
      expect(res.status, res.text).to.equal(200);
      expect(res.body).to.include({ parentId: targetChild.id, depth: 2, position: 0, path: `${targetChild.path}${b.id}/` });
      expect(await get(c.id)).to.include({ depth: 3, path: `${targetChild.path}${b.id}/${c.id}/`, parentId: b.id });
      expect(await get(d.id)).to.include({ depth: 4, path: `${targetChild.path}${b.id}/${c.id}/${d.id}/` });
      expect(await childrenOf(a.id)).to.deep.equal([]);

      const events = (await outboxEvents(store, 'category.moved')).filter((e) => e.payload.categoryId === b.id);
      expect(events.map((e) => e.payload)).to.deep.equal([
        { categoryId: b.id, fromParentId: a.id, toParentId: targetChild.id, position: 0, path: `${targetChild.path}${b.id}/`, previousPath: `${a.path}${b.id}/` },
      ]);
    });

    it('moves a subtree to the top level', async () => {
      const a = await create({ name: 'Root move A' });
      const b = await create({ name: 'Root move B', parentId: a.id });
      const c = await create({ name: 'Root move C', parentId: b.id });
      const roots = await childrenOf(null);
      const res = await move(b.id, { parentId: null, position: 0 });
      expect(res.body).to.include({ parentId: null, depth: 0, position: 0, path: `/${b.id}/` });
      expect(await get(c.id)).to.include({ depth: 1, path: `/${b.id}/${c.id}/` });
      const after = await childrenOf(null);
      expect(after.map((r) => r.id)).to.deep.equal([b.id, ...roots.map((r) => r.id)]);
      expect(after.map((r) => r.position)).to.deep.equal(after.map((_, i) => i));
    });

    it('refuses to move a category under itself or one of its descendants', async () => {
      const a = await create({ name: 'Cycle A' });
      const b = await create({ name: 'Cycle B', parentId: a.id });
      const c = await create({ name: 'Cycle C', parentId: b.id });
      expectFieldProblem(await move(a.id, { parentId: a.id }), 422, 'CATEGORY_CYCLE', '/parentId');
      expectFieldProblem(await move(a.id, { parentId: c.id }), 422, 'CATEGORY_CYCLE', '/parentId');
      expect(await get(a.id)).to.include({ parentId: null, depth: 0 });
      expectProblem(await move('cat_missing', { parentId: null }), 404, 'CATEGORY_NOT_FOUND');
      expectFieldProblem(await move(a.id, { parentId: 'cat_missing' }), 422, 'CATEGORY_PARENT_NOT_FOUND', '/parentId');
      expectFieldProblem(await move(a.id, {}), 400, 'VALIDATION_FAILED', '/parentId');
    });

    it('refuses a move that would make the tree deeper than 10 levels', async () => {
      const subtree = await create({ name: 'Deep subtree' });
      await create({ name: 'Deep subtree child', parentId: (await create({ name: 'Deep subtree mid', parentId: subtree.id })).id });
      let parentId: string | null = null;
      for (let level = 0; level < 8; level++) parentId = (await create({ name: `Deep chain ${level}`, parentId })).id;
      expectProblem(await move(subtree.id, { parentId }), 422, 'CATEGORY_TOO_DEEP');
    });

    it('reorders siblings, keeping positions contiguous from 0', async () => {
      const parent = await create({ name: 'Reorder parent' });
      const names = ['One', 'Two', 'Three', 'Four'];
      const kids: Category[] = [];
      for (const name of names) kids.push(await create({ name: `Reorder ${name}`, parentId: parent.id }));
      const order = async () => (await childrenOf(parent.id)).map((c) => [c.name.replace('Reorder ', ''), c.position]);

      await move(kids[3]!.id, { parentId: parent.id, position: 0 });
      expect(await order()).to.deep.equal([['Four', 0], ['One', 1], ['Two', 2], ['Three', 3]]);
      await move(kids[3]!.id, { parentId: parent.id, position: 2 });
      expect(await order()).to.deep.equal([['One', 0], ['Two', 1], ['Four', 2], ['Three', 3]]);
      await move(kids[0]!.id, { parentId: parent.id });
      expect(await order()).to.deep.equal([['Two', 0], ['Four', 1], ['Three', 2], ['One', 3]]);
      // moving out closes the gap it leaves
      const elsewhere = await create({ name: 'Reorder elsewhere' });
      await move(kids[3]!.id, { parentId: elsewhere.id });
      expect(await order()).to.deep.equal([['Two', 0], ['Three', 1], ['One', 2]]);
    });
  });

  describe('deleting', () => {
    it('refuses to delete a category that has subcategories, and deletes a leaf, closing the gap among its siblings', async () => {
      const parent = await create({ name: 'Delete parent' });
      const first = await create({ name: 'Delete first', parentId: parent.id });
      const second = await create({ name: 'Delete second', parentId: parent.id });
      await create({ name: 'Delete grandchild', parentId: first.id });

      const refused = expectProblem(await admin.as.delete(`/admin/categories/${parent.id}`), 409, 'CATEGORY_HAS_CHILDREN');
      expect(refused.childCount).to.equal(2);
      expectProblem(await admin.as.delete(`/admin/categories/${first.id}`), 409, 'CATEGORY_HAS_CHILDREN');

      const product = await insertProduct(store);
      await store.commerce.withScope((s) => s.cradle.em.execute('insert into cw_product_category (product_id, category_id) values (?, ?)', [product, second.id]));
      expect((await get(second.id)).productCount).to.equal(1);
      const [firstChild] = await childrenOf(first.id);
      expect((await admin.as.delete(`/admin/categories/${firstChild!.id}`)).status).to.equal(204);
      expect((await admin.as.delete(`/admin/categories/${first.id}`)).status).to.equal(204);
      expect(await get(second.id)).to.include({ position: 0 });
      expect((await admin.as.delete(`/admin/categories/${second.id}`)).status).to.equal(204);
      const links = await store.commerce.withScope((s) => s.cradle.em.execute('select 1 from cw_product_category where product_id = ?', [product]));
      expect(links).to.deep.equal([]);
      expectProblem(await admin.as.get(`/admin/categories/${second.id}`), 404, 'CATEGORY_NOT_FOUND');
      const { items } = await auditEntries(admin, { targetId: second.id, action: 'category.deleted' });
      expect(items).to.have.length(1);
    });
  });

  describe('listing', () => {
    it('lists depth-first in sibling order, paginated, with a name search', async () => {
      const res = await admin.as.get('/admin/categories', { query: { limit: 100 } });
      expect(res.status, res.text).to.equal(200);
      const items: Category[] = res.body.items;
      const index = new Map(items.map((c, i) => [c.id, i]));
      for (const c of items) if (c.parentId && index.has(c.parentId)) expect(index.get(c.parentId)!).to.be.lessThan(index.get(c.id)!);
      const page = await admin.as.get('/admin/categories', { query: { limit: 2, offset: 1 } });
      expect(page.body.count).to.equal(res.body.count);
      expect(page.body.items.map((c: Category) => c.id)).to.deep.equal(items.slice(1, 3).map((c) => c.id));
      const search = await admin.as.get('/admin/categories', { query: { q: 'CLOTH' } });
      expect(search.body.items.map((c: Category) => c.name)).to.deep.equal(['Clothing']);
      expectFieldProblem(await admin.as.get('/admin/categories', { query: { limit: 101 } }), 400, 'VALIDATION_FAILED', '/limit');
    });
  });

  describe('storefront', () => {
    let electronics: Category;
    let phones: Category;
    let android: Category;
    let laptops: Category;
    let storeStore: TestStore;
    let storeAdmin: SignedIn;

    before(async () => {
      storeStore = await createAdminTestStore();
      storeAdmin = await createAndLogin(storeStore, 'admin@example.com', 'admin');
      const make = async (body: Record<string, unknown>) => (await storeAdmin.as.post('/admin/categories', body)).body as Category;
      electronics = await make({ name: 'Electronics', description: 'Gadgets' });
      laptops = await make({ name: 'Laptops', parentId: electronics.id });
      phones = await make({ name: 'Phones', parentId: electronics.id, position: 0 });
      android = await make({ name: 'Android', parentId: phones.id });
      await make({ name: 'Books' });
    });
    after(() => storeStore.stop());

    it('answers the whole tree nested, in sibling order, to anyone', async () => {
      const res = await storeStore.client.get('/store/categories');
      expect(res.status, res.text).to.equal(200);
      expect(res.body.count).to.equal(5);
      expect(res.body.items).to.deep.equal([
        {
          id: electronics.id,
          name: 'Electronics',
          slug: 'electronics',
          description: 'Gadgets',
          children: [
            { id: phones.id, name: 'Phones', slug: 'phones', description: null, children: [{ id: android.id, name: 'Android', slug: 'android', description: null, children: [] }] },
            { id: laptops.id, name: 'Laptops', slug: 'laptops', description: null, children: [] },
          ],
        },
        { id: res.body.items[1].id, name: 'Books', slug: 'books', description: null, children: [] },
      ]);
    });

    it('answers a flat list in tree order with ?flat=true', async () => {
      const res = await storeStore.client.get('/store/categories', { query: { flat: true } });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.items.map((c: Record<string, unknown>) => [c.name, c.parentId, c.depth, c.position])).to.deep.equal([
        ['Electronics', null, 0, 0],
        ['Phones', electronics.id, 1, 0],
        ['Android', phones.id, 2, 0],
        ['Laptops', electronics.id, 1, 1],
        ['Books', null, 0, 1],
      ]);
      expect(res.body.items[0]).to.not.have.property('children');
    });

    it('answers one category by slug or id with its breadcrumb and children', async () => {
      const bySlug = await storeStore.client.get('/store/categories/android');
      expect(bySlug.status, bySlug.text).to.equal(200);
      expect(bySlug.body).to.deep.equal({
        id: android.id,
        name: 'Android',
        slug: 'android',
        description: null,
        parentId: phones.id,
        depth: 2,
        ancestors: [
          { id: electronics.id, name: 'Electronics', slug: 'electronics', description: 'Gadgets' },
          { id: phones.id, name: 'Phones', slug: 'phones', description: null },
        ],
        children: [],
      });
      const byId = await storeStore.client.get(`/store/categories/${electronics.id}`);
      expect(byId.body.ancestors).to.deep.equal([]);
      expect(byId.body.children.map((c: Category) => c.name)).to.deep.equal(['Phones', 'Laptops']);
      expectProblem(await storeStore.client.get('/store/categories/nope'), 404, 'CATEGORY_NOT_FOUND');
    });

    it('gives the catalog the subtree of a category (by id or slug) in one call', async () => {
      await storeStore.commerce.withScope(async (scope) => {
        const service = scope.cradle.categoryService;
        expect(await service.descendantIds('electronics')).to.deep.equal([electronics.id, phones.id, laptops.id, android.id]);
        expect(await service.descendantIds(phones.id)).to.deep.equal([phones.id, android.id]);
        expect(await service.descendantIds(android.id)).to.deep.equal([android.id]);
        expect(await service.descendantIds('missing')).to.equal(undefined);
        const summaries = await service.summaries([android.id, 'cat_missing']);
        expect([...summaries.keys()]).to.deep.equal([android.id]);
        expect(summaries.get(android.id)).to.deep.equal({ id: android.id, name: 'Android', slug: 'android', path: `/${electronics.id}/${phones.id}/${android.id}/`, depth: 2 });
        await service.requireExisting([electronics.id, android.id]);
        const error = await service.requireExisting([electronics.id, 'cat_x', 'cat_y'], { pointer: '/categoryIds' }).then(
          () => undefined,
          (e: unknown) => e as { code: string; status: number; extensions: Record<string, unknown>; errors: Array<{ pointer: string }> },
        );
        expect(error).to.include({ code: 'CATEGORY_NOT_FOUND', status: 404 });
        expect(error!.extensions.missing).to.deep.equal(['cat_x', 'cat_y']);
        expect(error!.errors.map((e) => e.pointer)).to.deep.equal(['/categoryIds/1', '/categoryIds/2']);
      });
    });
  });

  describe('permissions', () => {
    it('refuses customers (403) and anonymous callers (401) on /admin/categories', async () => {
      const customer = await createAndLogin(store, 'customer@example.com', 'customer');
      expectProblem(await customer.as.get('/admin/categories'), 403, 'FORBIDDEN');
      expectProblem(await customer.as.post('/admin/categories', { name: 'Nope' }), 403, 'FORBIDDEN');
      expectProblem(await store.client.get('/admin/categories'), 401, 'UNAUTHENTICATED');
    });

    it('lets approved vendors read categories but not change them', async () => {
      const vendor = await createAndLogin(store, 'vendor@example.com', 'vendor');
      // a vendor waiting for approval holds no permission yet
      expectProblem(await vendor.as.get('/admin/categories'), 403, 'FORBIDDEN');
      expect((await admin.as.post(`/admin/users/${vendor.id}/approve`)).status).to.equal(200);
      const list = await vendor.as.get('/admin/categories');
      expect(list.status, list.text).to.equal(200);
      const [some] = list.body.items as Category[];
      expect((await vendor.as.get(`/admin/categories/${some!.id}`)).status).to.equal(200);
      expectProblem(await vendor.as.post('/admin/categories', { name: 'Vendor made' }), 403, 'FORBIDDEN');
      expectProblem(await vendor.as.patch(`/admin/categories/${some!.id}`, { name: 'Vendor renamed' }), 403, 'FORBIDDEN');
      expectProblem(await vendor.as.post(`/admin/categories/${some!.id}/move`, { parentId: null }), 403, 'FORBIDDEN');
      expectProblem(await vendor.as.delete(`/admin/categories/${some!.id}`), 403, 'FORBIDDEN');
    });
  });
});
