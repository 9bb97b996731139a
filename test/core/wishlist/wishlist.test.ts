import { expect } from 'chai';
import { sql } from 'kysely';
import { createCatalogStore, created, simpleProduct, type CatalogStore } from '../catalog/catalog-helpers.ts';
import { registerAndLogin } from '../auth/auth-helpers.ts';

type Client = Awaited<ReturnType<typeof registerAndLogin>>['as'];

const BASE = '/store/wishlist';

describe('wishlist', () => {
  let c: CatalogStore;
  let accounts = 0;
  before(async () => {
    c = await createCatalogStore();
  });
  after(() => c.store.stop());

  const customer = async () => registerAndLogin(c.store, `wisher${++accounts}@example.com`);

  /** A one-variant published product priced in USD (and more currencies when given). */
  async function variant(title: string, prices: Array<{ currencyCode: string; amount: number }> = [{ currencyCode: 'USD', amount: 1000 }]) {
    const body = simpleProduct(title, 1000);
    body.variants[0]!.prices = prices;
    const product = await created(c.admin.as, '/admin/products', body);
    return { productId: product.id as string, variantId: product.variants[0].id as string, slug: product.slug as string };
  }

  async function list(as: Client, query: Record<string, string | number> = {}) {
    const res = await as.get(BASE, { query });
    expect(res.status, res.text).to.equal(200);
    return res.body as { items: Array<Record<string, any>>; count: number; nextCursor?: string };
  }

  it('is for signed-in customers only: a guest gets a 401 problem on every route', async () => {
    for (const res of [
      await c.store.client.get(BASE),
      await c.store.client.post(BASE, { variantId: 'var_x' }),
      await c.store.client.post(`${BASE}/var_x`),
      await c.store.client.delete(`${BASE}/var_x`),
      await c.store.client.delete(BASE),
    ]) {
      expect(res.status).to.equal(401);
      expect(res.headers.get('content-type')).to.match(/application\/problem\+json/);
      expect(res.body.code).to.equal('UNAUTHENTICATED');
    }
    const spec = await c.store.client.get('/openapi.json');
    expect(spec.status).to.equal(200);
    expect(Object.keys(spec.body.paths)).to.include('/store/wishlist');
  });

  it('adds, lists, removes and clears, answering 201 for a new item and 200 for one already there', async () => {
    const { as } = await customer();
    const lamp = await variant('Wish Lamp');
    const desk = await variant('Wish Desk');
    expect((await list(as))).to.deep.equal({ items: [], count: 0 });

    const first = await as.post(BASE, { variantId: lamp.variantId });
    expect(first.status, first.text).to.equal(201);
    expect(first.body.item).to.include({ variantId: lamp.variantId, productId: lamp.productId, productTitle: 'Wish Lamp', productSlug: lamp.slug, onSale: true });
    expect(first.body.item.price).to.deep.equal({ amount: 1000, currencyCode: 'USD', compareAtAmount: null });
    const again = await as.post(BASE, { variantId: lamp.variantId });
    expect(again.status, again.text).to.equal(200);
    expect(again.body.item.addedAt).to.equal(first.body.item.addedAt);
    const byPath = await as.post(`${BASE}/${desk.variantId}`);
    expect(byPath.status, byPath.text).to.equal(201);
    expect((await as.post(`${BASE}/${desk.variantId}`)).status).to.equal(200);

    let page = await list(as);
    expect(page.count).to.equal(2);
    expect(page.items.map((i) => i.variantId)).to.deep.equal([desk.variantId, lamp.variantId]);
    expect(page.items[0]).to.have.all.keys(
      'variantId', 'productId', 'productTitle', 'productSlug', 'variantTitle', 'sku', 'options', 'thumbnail', 'price', 'availability', 'availableQuantity', 'onSale', 'addedAt',
    );
    expect(page.items[0]!.addedAt).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const removed = await as.delete(`${BASE}/${desk.variantId}`);
    expect(removed.status, removed.text).to.equal(204);
    page = await list(as);
    expect(page.items.map((i) => i.variantId)).to.deep.equal([lamp.variantId]);

    await as.post(BASE, { variantId: desk.variantId });
    const cleared = await as.delete(BASE);
    expect(cleared.status, cleared.text).to.equal(204);
    expect(await list(as)).to.deep.equal({ items: [], count: 0 });
  });

  it('answers 404 for removing a variant that is not in the wishlist', async () => {
    const { as } = await customer();
    const { variantId } = await variant('Never Wished');
    const res = await as.delete(`${BASE}/${variantId}`);
    expect(res.status).to.equal(404);
    expect(res.body.code).to.equal('WISHLIST_ITEM_NOT_FOUND');
  });

  it('refuses an unknown or off-sale variant with a 422 naming variantId and the on-sale rule', async () => {
    const { as } = await customer();
    const unknown = await as.post(BASE, { variantId: 'var_nope' });
    expect(unknown.status).to.equal(422);
    expect(unknown.body.code).to.equal('WISHLIST_VARIANT_UNAVAILABLE');
    expect(unknown.body.errors).to.deep.include({ in: 'body', pointer: '/variantId', rule: 'on-sale', message: 'There is no variant var_nope' });
    const inPath = await as.post(`${BASE}/var_nope`);
    expect(inPath.status).to.equal(422);
    expect(inPath.body.errors[0]).to.include({ in: 'params', pointer: '/variantId', rule: 'on-sale' });

    const draft = await created(c.admin.as, '/admin/products', { ...simpleProduct('Draft Wish', 500), status: 'draft' });
    const offSale = await as.post(BASE, { variantId: draft.variants[0].id });
    expect(offSale.status).to.equal(422);
    expect(offSale.body.errors[0]).to.include({ pointer: '/variantId', rule: 'on-sale' });

    const missingField = await as.post(BASE, {});
    expect(missingField.status).to.equal(400);
    expect(missingField.body.errors[0]).to.include({ pointer: '/variantId', rule: 'required' });
    expect((await list(as)).count).to.equal(0);
  });

  it('shows prices in the default currency, in a currency with its own price, and converted at the configured rate', async () => {
    const { as } = await customer();
    const { variantId } = await variant('Priced Vase', [
      { currencyCode: 'USD', amount: 1000 },
      { currencyCode: 'EUR', amount: 950 },
    ]);
    const added = await as.post(BASE, { variantId }, { query: { currency: 'EUR' } });
    expect(added.body.item.price).to.deep.equal({ amount: 950, currencyCode: 'EUR', compareAtAmount: null });
    expect((await list(as)).items[0]!.price).to.deep.equal({ amount: 1000, currencyCode: 'USD', compareAtAmount: null });
    expect((await list(as, { currency: 'EUR' })).items[0]!.price).to.deep.equal({ amount: 950, currencyCode: 'EUR', compareAtAmount: null });
    // $10.00 at 151.37 yen: 1513.7, rounded half up
    expect((await list(as, { currency: 'JPY' })).items[0]!.price).to.deep.equal({ amount: 1514, currencyCode: 'JPY', compareAtAmount: null });
    const unsold = await as.get(BASE, { query: { currency: 'CHF' } });
    expect(unsold.status).to.equal(422);
    expect(unsold.body.code).to.equal('CURRENCY_NOT_SUPPORTED');
  });

  it('reflects stock: untracked is available, tracked follows on-hand stock', async () => {
    const { as } = await customer();
    const { variantId } = await variant('Stocked Stool');
    await as.post(BASE, { variantId });
    expect((await list(as)).items[0]).to.include({ availability: 'available', availableQuantity: null });

    const stocked = await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: 3, reason: 'adjustment' });
    expect(stocked.status, stocked.text).to.equal(201);
    expect((await list(as)).items[0]).to.include({ availability: 'available', availableQuantity: 3 });

    await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: -3, reason: 'adjustment' });
    expect((await list(as)).items[0]).to.include({ availability: 'unavailable', availableQuantity: 0 });
  });

  it('keeps an item whose product is unpublished, shown off sale, unavailable and without a price', async () => {
    const { as } = await customer();
    const { productId, variantId } = await variant('Fading Rug');
    await as.post(BASE, { variantId });
    const unpublished = await c.admin.as.patch(`/admin/products/${productId}`, { status: 'draft' });
    expect(unpublished.status, unpublished.text).to.equal(200);
    const page = await list(as);
    expect(page.count).to.equal(1);
    expect(page.items[0]).to.include({ variantId, onSale: false, availability: 'unavailable', availableQuantity: 0, price: null, productTitle: 'Fading Rug' });
    // already saved: re-adding is idempotent, not refused
    expect((await as.post(BASE, { variantId })).status).to.equal(200);
    expect((await as.delete(`${BASE}/${variantId}`)).status).to.equal(204);
  });

  it('pages newest first with a cursor or an offset, and refuses a cursor it did not give out', async () => {
    const { as } = await customer();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { variantId } = await variant(`Paged ${i}`);
      expect((await as.post(BASE, { variantId })).status).to.equal(201);
      ids.unshift(variantId);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await list(as, { limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.count).to.equal(5);
      seen.push(...page.items.map((i) => i.variantId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).to.equal(3);
    expect(seen).to.deep.equal(ids);

    const byOffset = await list(as, { limit: 2, offset: 3 });
    expect(byOffset.items.map((i) => i.variantId)).to.deep.equal(ids.slice(3));
    expect(byOffset.nextCursor).to.equal(undefined);

    const bad = await as.get(BASE, { query: { cursor: 'bm90LWEtY3Vyc29y' } });
    expect(bad.status).to.equal(400);
    expect(bad.body.code).to.equal('WISHLIST_CURSOR_INVALID');
    expect(bad.body.errors[0]).to.include({ in: 'query', pointer: '/cursor', rule: 'cursor' });
    const tooMany = await as.get(BASE, { query: { limit: 101 } });
    expect(tooMany.status).to.equal(400);
    expect(tooMany.body.errors[0]).to.include({ pointer: '/limit', rule: 'maximum' });
  });

  it('keeps each customer\'s wishlist to themselves', async () => {
    const alice = await customer();
    const bob = await customer();
    const { variantId } = await variant('Private Pen');
    await alice.as.post(BASE, { variantId });
    expect((await list(bob.as)).count).to.equal(0);
    expect((await bob.as.delete(`${BASE}/${variantId}`)).status).to.equal(404);
    await bob.as.delete(BASE);
    expect((await list(alice.as)).items.map((i) => i.variantId)).to.deep.equal([variantId]);
  });

  it('lets remove(em, …) join the caller\'s transaction: a rollback leaves the item in place', async () => {
    const { as, user } = await customer();
    const { variantId } = await variant('Moved Mug');
    await as.post(BASE, { variantId });
    const failure = await c.store.commerce
      .withScope((scope) =>
        scope.cradle.em.transactional(async (em) => {
          expect(await scope.cradle.wishlistService.remove(em, user.id, variantId)).to.equal(true);
          const inside = await sql<{ n: number }>`select count(*)::int as n from cw_wishlist_item where user_id = ${user.id}`.execute(em.getKysely());
          expect(inside.rows[0]!.n).to.equal(0);
          throw new Error('the cart line could not be added');
        }),
      )
      .then(
        () => undefined,
        (error: Error) => error,
      );
    expect(failure?.message).to.equal('the cart line could not be added');
    expect((await list(as)).items.map((i) => i.variantId)).to.deep.equal([variantId]);

    const committed = await c.store.commerce.withScope((scope) =>
      scope.cradle.em.transactional((em) => scope.cradle.wishlistService.remove(em, user.id, variantId)),
    );
    expect(committed).to.equal(true);
    expect((await list(as)).count).to.equal(0);
  });

  it('holds at most 500 items', async () => {
    const { as, user } = await customer();
    const { variantId: last } = await variant('One Too Many');
    const { productId } = await variant('Many Variants');
    // the cap is about rows, so fill it directly rather than creating 500 products over HTTP
    await c.store.commerce.withScope(async (scope) => {
      const db = scope.cradle.em.getKysely();
      await sql`insert into cw_product_variant (id, product_id, title, sku, option_key, position, created_at, updated_at)
        select 'var_fill_' || g, ${productId}, 'Fill ' || g, 'FILL-' || g, 'fill-' || g, g, now(), now() from generate_series(1, 500) g`.execute(db);
      await sql`insert into cw_wishlist_item (user_id, variant_id, created_at)
        select ${user.id}, 'var_fill_' || g, now() from generate_series(1, 500) g`.execute(db);
    });
    const full = await as.post(BASE, { variantId: last });
    expect(full.status).to.equal(422);
    expect(full.body).to.include({ code: 'WISHLIST_FULL', limit: 500 });
    expect((await as.post(BASE, { variantId: 'var_fill_1' })).status).to.equal(200);
  });
});
