import { expect } from 'chai';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { createAndLogin, type SignedIn } from '../admin/admin-helpers.ts';
import { audienceOf, customer, order, product, unsubscribeAddress } from './campaign-helpers.ts';
import { sql } from './delivery-helpers.ts';

describe('notifications › campaign segments', function () {
  this.timeout(120_000);
  let store: TestStore;
  let admin: SignedIn;

  before(async () => {
    store = await createTestStore();
    admin = await createAndLogin(store, 'segments-admin@example.com', 'admin');
  });
  after(async () => {
    await store?.stop();
  });

  const created = async (path: string, body: Record<string, unknown>) => {
    const response = await admin.as.post(path, body);
    if (response.status !== 201) throw new Error(`${path}: ${response.status} ${response.text}`);
    return response.body as { id: string };
  };

  // each test tags its own customers with a locale, so the stores' other customers never get in the way
  const only = (locale: string) => ({ field: 'locale', op: 'eq', value: locale });

  it('selects every active customer who consented to marketing email, and no one else', async () => {
    await customer(store, 'all-yes@example.com', { locale: 'en-all' });
    await customer(store, 'all-no-consent@example.com', { locale: 'en-all', consent: false });
    await customer(store, 'all-staff@example.com', { locale: 'en-all', role: 'staff' });
    await customer(store, 'all-disabled@example.com', { locale: 'en-all', status: 'disabled' });
    await customer(store, 'All-Unsubscribed@example.com', { locale: 'en-all' });
    await unsubscribeAddress(store, 'All-Unsubscribed@example.com');
    const opted = await customer(store, 'all-opted-out@example.com', { locale: 'en-all' });
    await sql(store, `update cw_notification_preference set enabled = false where subject = ?`, [`user:${opted.id}`]);

    const everyone = await audienceOf(admin, {});
    expect(everyone.emails).to.include('all-yes@example.com');
    for (const excluded of ['all-no-consent@example.com', 'all-staff@example.com', 'all-disabled@example.com', 'all-unsubscribed@example.com', 'all-opted-out@example.com']) {
      expect(everyone.emails).not.to.include(excluded);
    }
    expect(await audienceOf(admin, { filter: [only('en-all')] })).to.deep.equal({ count: 1, emails: ['all-yes@example.com'] });
  });

  it('selects buyers from a category or any of its descendants, not from an unrelated one, ignoring cancelled orders', async () => {
    const clothing = await created('/admin/categories', { name: 'Segment clothing' });
    const shirts = await created('/admin/categories', { name: 'Segment shirts', parentId: clothing.id });
    const garden = await created('/admin/categories', { name: 'Segment garden' });
    const shirt = await product(store, [shirts.id]);
    const coat = await product(store, [clothing.id]);
    const rake = await product(store, [garden.id]);
    const shirtBuyer = await customer(store, 'cat-shirt@example.com', { locale: 'en-cat' });
    const coatBuyer = await customer(store, 'cat-coat@example.com', { locale: 'en-cat' });
    const gardener = await customer(store, 'cat-garden@example.com', { locale: 'en-cat' });
    const cancelled = await customer(store, 'cat-cancelled@example.com', { locale: 'en-cat' });
    const oldBuyer = await customer(store, 'cat-old@example.com', { locale: 'en-cat' });
    await order(store, shirtBuyer.id, { productIds: [shirt] });
    await order(store, coatBuyer.id, { productIds: [coat, rake] });
    await order(store, gardener.id, { productIds: [rake] });
    await order(store, cancelled.id, { productIds: [shirt], status: 'cancelled' });
    await order(store, oldBuyer.id, { productIds: [shirt], placedDaysAgo: 200 });

    const clothingBuyers = await audienceOf(admin, { boughtFromCategory: { categoryId: clothing.id }, filter: [only('en-cat')] });
    expect(clothingBuyers.emails).to.deep.equal(['cat-coat@example.com', 'cat-old@example.com', 'cat-shirt@example.com']);
    const onlyTopLevel = await audienceOf(admin, { boughtFromCategory: { categoryId: clothing.id, includeDescendants: false }, filter: [only('en-cat')] });
    expect(onlyTopLevel.emails).to.deep.equal(['cat-coat@example.com']);
    const recent = await audienceOf(admin, { boughtFromCategory: { categoryId: shirts.id, withinDays: 30 }, filter: [only('en-cat')] });
    expect(recent.emails).to.deep.equal(['cat-shirt@example.com']);
    const gardeners = await audienceOf(admin, { boughtFromCategory: { categoryId: garden.id }, filter: [only('en-cat')] });
    expect(gardeners.emails).to.deep.equal(['cat-coat@example.com', 'cat-garden@example.com']);
  });

  it('selects customers inactive for N days: old buyers and old accounts that never ordered, not recent buyers or new accounts', async () => {
    const recent = await customer(store, 'idle-recent@example.com', { locale: 'en-idle' });
    const old = await customer(store, 'idle-old@example.com', { locale: 'en-idle' });
    await customer(store, 'idle-never@example.com', { locale: 'en-idle', registeredDaysAgo: 120 });
    await customer(store, 'idle-newcomer@example.com', { locale: 'en-idle', registeredDaysAgo: 10 });
    const cancelledOnly = await customer(store, 'idle-cancelled@example.com', { locale: 'en-idle' });
    await order(store, recent.id, { placedDaysAgo: 5 });
    await order(store, old.id, { placedDaysAgo: 100 });
    await order(store, cancelledOnly.id, { placedDaysAgo: 5, status: 'cancelled' });

    const idle = await audienceOf(admin, { inactiveDays: 90, filter: [only('en-idle')] });
    expect(idle.emails).to.deep.equal(['idle-cancelled@example.com', 'idle-never@example.com', 'idle-old@example.com']);
  });

  it('filters on orders count, total spent per currency, last order, registration, verified email and locale', async () => {
    const none = await customer(store, 'f-none@example.com', { locale: 'en-flt', registeredDaysAgo: 30 });
    const one = await customer(store, 'f-one@example.com', { locale: 'en-flt', verified: true });
    const three = await customer(store, 'f-three@example.com', { locale: 'en-flt', verified: true });
    await customer(store, 'f-other-locale@example.com', { locale: 'de-flt' });
    await order(store, one.id, { total: 5_000, placedDaysAgo: 50 });
    await order(store, three.id, { total: 2_000, placedDaysAgo: 3 });
    await order(store, three.id, { total: 2_000, placedDaysAgo: 4 });
    await order(store, three.id, { total: 9_000, currencyCode: 'USD', placedDaysAgo: 5 });
    await order(store, three.id, { total: 50_000, status: 'cancelled' });
    void none;

    const emails = async (...filter: Array<Record<string, unknown>>) => (await audienceOf(admin, { filter: [only('en-flt'), ...filter] })).emails;
    expect(await emails({ field: 'ordersCount', op: 'eq', value: 0 })).to.deep.equal(['f-none@example.com']);
    expect(await emails({ field: 'ordersCount', op: 'gte', value: 2 })).to.deep.equal(['f-three@example.com']);
    expect(await emails({ field: 'ordersCount', op: 'lte', value: 1 })).to.deep.equal(['f-none@example.com', 'f-one@example.com']);
    expect(await emails({ field: 'totalSpent', op: 'gte', value: { amount: 4_000, currencyCode: 'EUR' } })).to.deep.equal(['f-one@example.com', 'f-three@example.com']);
    expect(await emails({ field: 'totalSpent', op: 'gte', value: { amount: 4_001, currencyCode: 'EUR' } })).to.deep.equal(['f-one@example.com']);
    expect(await emails({ field: 'totalSpent', op: 'gte', value: { amount: 9_000, currencyCode: 'USD' } })).to.deep.equal(['f-three@example.com']);
    expect(await emails({ field: 'totalSpent', op: 'lte', value: { amount: 100, currencyCode: 'EUR' } })).to.deep.equal(['f-none@example.com']);
    const tenDaysAgo = new Date(Date.now() - 10 * 24 * 3600 * 1000).toISOString();
    expect(await emails({ field: 'lastOrderAt', op: 'after', value: tenDaysAgo })).to.deep.equal(['f-three@example.com']);
    expect(await emails({ field: 'lastOrderAt', op: 'before', value: tenDaysAgo })).to.deep.equal(['f-one@example.com']);
    const sixtyDaysAgo = new Date(Date.now() - 60 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    expect(await emails({ field: 'registeredAt', op: 'after', value: sixtyDaysAgo })).to.deep.equal(['f-none@example.com']);
    expect(await emails({ field: 'registeredAt', op: 'before', value: sixtyDaysAgo })).to.deep.equal(['f-one@example.com', 'f-three@example.com']);
    expect(await emails({ field: 'emailVerified', op: 'eq', value: true })).to.deep.equal(['f-one@example.com', 'f-three@example.com']);
    expect(await emails({ field: 'emailVerified', op: 'eq', value: false })).to.deep.equal(['f-none@example.com']);
    const either = await audienceOf(admin, { filter: [{ field: 'locale', op: 'in', value: ['en-flt', 'de-flt'] }, { field: 'ordersCount', op: 'eq', value: 0 }] });
    expect(either.emails).to.deep.equal(['f-none@example.com', 'f-other-locale@example.com']);
  });

  it('refuses unknown fields, operators, values and categories with 422 naming the pointer, writing nothing', async () => {
    const [{ n: before }] = await sql(store, 'select count(*)::int as n from cw_campaign');
    const refused = async (segment: Record<string, unknown>) => {
      const response = await admin.as.post('/admin/notifications/campaigns', { name: 'Bad', content: { en: { subject: 's', html: '<p>h</p>', text: 't' } }, segment });
      expect(response.status, response.text).to.equal(422);
      expect(response.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(response.body.code).to.equal('NOTIFICATION_CAMPAIGN_INVALID');
      return response.body.errors[0];
    };
    expect(await refused({ filter: [only('en'), { field: 'password_hash', op: 'eq', value: 'x' }] })).to.include({ pointer: '/segment/filter/1/field', rule: 'enum' });
    expect(await refused({ filter: [{ field: 'ordersCount', op: 'before', value: 1 }] })).to.include({ pointer: '/segment/filter/0/op', rule: 'enum' });
    expect(await refused({ filter: [{ field: 'ordersCount', op: 'eq', value: '1 or 1=1' }] })).to.include({ pointer: '/segment/filter/0/value' });
    expect(await refused({ filter: [{ field: 'totalSpent', op: 'gte', value: { amount: 10.5, currencyCode: 'EUR' } }] })).to.include({ pointer: '/segment/filter/0/value' });
    expect(await refused({ filter: [{ field: 'registeredAt', op: 'after', value: 'yesterday' }] })).to.include({ pointer: '/segment/filter/0/value' });
    expect(await refused({ boughtFromCategory: { categoryId: 'cat_missing' } })).to.include({ pointer: '/segment/boughtFromCategory/categoryId', rule: 'exists' });
    const unknownKey = await admin.as.post('/admin/notifications/campaigns', { name: 'Bad', content: { en: { subject: 's', html: 'h', text: 't' } }, segment: { everyone: true } });
    expect(unknownKey.status).to.equal(400);
    expect(unknownKey.body.errors[0].pointer).to.match(/^\/segment/);
    const [{ n: after }] = await sql(store, 'select count(*)::int as n from cw_campaign');
    expect(after).to.equal(before);
  });

  it('treats SQL-looking values as plain values', async () => {
    const real = await created('/admin/categories', { name: 'Segment injection' });
    const refused = async (segment: Record<string, unknown>) => {
      const response = await admin.as.post('/admin/notifications/campaigns', { name: 'Bad', content: { en: { subject: 's', html: 'h', text: 't' } }, segment });
      expect(response.status, response.text).to.equal(422);
      return response.body.errors[0].pointer;
    };
    expect(await refused({ boughtFromCategory: { categoryId: "x' or '1'='1" } })).to.equal('/segment/boughtFromCategory/categoryId');
    expect(await refused({ boughtFromCategory: { categoryId: `${real.id}' or '1'='1` } })).to.equal('/segment/boughtFromCategory/categoryId');
    expect(await refused({ filter: [{ field: 'locale', op: 'eq', value: "x' or '1'='1" }] })).to.equal('/segment/filter/0/value');
    expect(await refused({ filter: [{ field: "locale' or '1'='1", op: 'eq', value: 'en' }] })).to.equal('/segment/filter/0/field');

    const name = "Robert'); drop table cw_user; --";
    const kept = await admin.as.post('/admin/notifications/campaigns', { name, content: { en: { subject: 's', html: 'h', text: 't' } }, segment: { boughtFromCategory: { categoryId: real.id } } });
    expect(kept.status, kept.text).to.equal(201);
    expect(kept.body.name).to.equal(name);
    const [{ n: users }] = await sql(store, 'select count(*)::int as n from cw_user');
    expect(users).to.be.greaterThan(0);
    expect((await admin.as.get(`/admin/notifications/campaigns/${kept.body.id}/audience`)).body.count).to.equal(0);
  });
});
