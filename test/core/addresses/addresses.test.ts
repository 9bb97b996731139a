import { expect } from 'chai';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { registerAndLogin } from '../auth/auth-helpers.ts';

type Client = Awaited<ReturnType<typeof registerAndLogin>>['as'];

const BASE = '/store/me/addresses';

/** A valid Indian address; tests override what they are about. */
const home = (overrides: Record<string, unknown> = {}) => ({
  label: 'Home',
  firstName: 'Asha',
  lastName: 'Rao',
  line1: '12 MG Road',
  city: 'Bengaluru',
  region: 'Karnataka',
  postalCode: '560001',
  countryCode: 'IN',
  phone: '+919876543210',
  ...overrides,
});

const usAddress = (overrides: Record<string, unknown> = {}) => ({
  firstName: 'Sam',
  lastName: 'Lee',
  line1: '1 Market St',
  city: 'San Francisco',
  region: 'CA',
  postalCode: '94103',
  countryCode: 'US',
  ...overrides,
});

describe('address book', () => {
  let store: TestStore;
  let accounts = 0;
  before(async () => {
    store = await createTestStore();
  });
  after(() => store.stop());

  const customer = async () => registerAndLogin(store, `shopper${++accounts}@example.com`);

  async function create(as: Client, body: Record<string, unknown>) {
    const res = await as.post(BASE, body);
    expect(res.status, res.text).to.equal(201);
    return res.body as Record<string, any>;
  }

  async function list(as: Client) {
    const res = await as.get(BASE);
    expect(res.status, res.text).to.equal(200);
    return res.body as { items: Array<Record<string, any>>; count: number };
  }

  async function defaults(as: Client) {
    const { items } = await list(as);
    return {
      shipping: items.filter((a) => a.isDefaultShipping).map((a) => a.id),
      billing: items.filter((a) => a.isDefaultBilling).map((a) => a.id),
    };
  }

  function expectInvalid(res: { status: number; headers: Headers; body: any; text: string }, pointer: string, rule: string) {
    expect(res.status, res.text).to.equal(400);
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
    const issue = (res.body.errors as Array<Record<string, string>>).find((e) => e.pointer === pointer);
    expect(issue, res.text).to.include({ in: 'body', pointer, rule });
    return issue as { message: string };
  }

  async function addressEvents(userId: string) {
    return store.commerce.withScope(async (scope) => {
      const rows = await scope.cradle.em.execute<Array<{ name: string; payload: string | Record<string, any> }>>(
        `select name, payload from cw_outbox_event where name like 'address.%' and payload->>'userId' = ? order by occurred_at, id`,
        [userId],
      );
      return rows.map((r) => ({ name: r.name, payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload }));
    });
  }

  it('answers 401 to anonymous callers on every address route', async () => {
    for (const res of [
      await store.client.get(BASE),
      await store.client.post(BASE, home()),
      await store.client.patch(`${BASE}/addr_whatever`, { city: 'Mysuru' }),
      await store.client.delete(`${BASE}/addr_whatever`),
    ]) {
      expect(res.status).to.equal(401);
      expect(res.body.code).to.equal('UNAUTHENTICATED');
    }
  });

  it('creates, lists, updates and deletes an address, recording an event for each change', async () => {
    const { as, user } = await customer();
    const created = await create(as, home({ line2: '  ', company: 'Rao & Sons' }));
    expect(created.id).to.match(/^addr_[0-9a-z]{26}$/);
    expect(created).to.deep.include({
      label: 'Home',
      firstName: 'Asha',
      lastName: 'Rao',
      company: 'Rao & Sons',
      line1: '12 MG Road',
      line2: null,
      city: 'Bengaluru',
      region: 'Karnataka',
      postalCode: '560001',
      countryCode: 'IN',
      phone: '+919876543210',
      isDefaultShipping: true,
      isDefaultBilling: true,
    });
    expect(created).to.have.all.keys(
      'id', 'label', 'firstName', 'lastName', 'company', 'line1', 'line2', 'city', 'region', 'postalCode', 'countryCode', 'phone',
      'isDefaultShipping', 'isDefaultBilling', 'createdAt', 'updatedAt',
    );
    expect(await list(as)).to.deep.equal({ items: [created], count: 1 });

    const updated = await as.patch(`${BASE}/${created.id}`, { city: 'Mysuru', postalCode: '570001', label: null });
    expect(updated.status, updated.text).to.equal(200);
    expect(updated.body).to.deep.include({ city: 'Mysuru', postalCode: '570001', label: null, line1: '12 MG Road', region: 'Karnataka' });
    expect(Date.parse(updated.body.updatedAt)).to.be.at.least(Date.parse(created.updatedAt));
    expect((await list(as)).items).to.deep.equal([updated.body]);

    const deleted = await as.delete(`${BASE}/${created.id}`);
    expect(deleted.status).to.equal(204);
    expect(await list(as)).to.deep.equal({ items: [], count: 0 });

    expect(await addressEvents(user.id)).to.deep.equal([
      { name: 'address.created', payload: { addressId: created.id, userId: user.id, countryCode: 'IN', isDefaultShipping: true, isDefaultBilling: true } },
      { name: 'address.updated', payload: { addressId: created.id, userId: user.id, fields: ['city', 'postalCode', 'label'] } },
      { name: 'address.deleted', payload: { addressId: created.id, userId: user.id } },
    ]);
  });

  describe('country rules', () => {
    let as: Client;
    before(async () => {
      ({ as } = await customer());
    });

    const accepted: Array<[string, Record<string, unknown>, { postalCode: string; region: string | null }]> = [
      ['an Indian PIN with the state by name', home({ postalCode: '560001', region: 'karnataka' }), { postalCode: '560001', region: 'Karnataka' }],
      ['an Indian PIN written with a space, the state by ISO code', home({ postalCode: '110 001', region: 'DL' }), { postalCode: '110001', region: 'Delhi' }],
      ['a US ZIP with the state in lower case', usAddress({ region: 'ny', postalCode: '10001' }), { postalCode: '10001', region: 'NY' }],
      ['a US ZIP+4', usAddress({ postalCode: '94103-1234' }), { postalCode: '94103-1234', region: 'CA' }],
      ['a UK postcode in lower case without a space', usAddress({ countryCode: 'GB', region: null, postalCode: 'sw1a1aa' }), { postalCode: 'SW1A 1AA', region: null }],
      ['a UK postcode with extra spaces', usAddress({ countryCode: 'gb', region: 'Greater London', postalCode: ' ec1a   1bb ' }), { postalCode: 'EC1A 1BB', region: 'Greater London' }],
      ['a German PLZ', usAddress({ countryCode: 'DE', region: null, postalCode: '10115' }), { postalCode: '10115', region: null }],
      ['a country without a known format', usAddress({ countryCode: 'NL', region: null, postalCode: '1012 AB' }), { postalCode: '1012 AB', region: null }],
    ];
    for (const [what, body, expected] of accepted) {
      it(`accepts ${what} and stores it normalised`, async () => {
        const created = await create(as, body);
        expect(created).to.include(expected);
        expect(created.countryCode).to.equal(String(body.countryCode).toUpperCase());
      });
    }

    const refused: Array<[string, Record<string, unknown>, string]> = [
      ['an Indian PIN starting with 0', home({ postalCode: '056001' }), 'IN'],
      ['an Indian PIN of five digits', home({ postalCode: '56001' }), 'IN'],
      ['a US ZIP of four digits', usAddress({ postalCode: '9410' }), 'US'],
      ['a broken ZIP+4', usAddress({ postalCode: '94103-12' }), 'US'],
      ['a UK postcode without its inward letters', usAddress({ countryCode: 'GB', region: null, postalCode: 'SW1A 1' }), 'GB'],
      ['a UK postcode starting with Q', usAddress({ countryCode: 'GB', region: null, postalCode: 'QA1 1AA' }), 'GB'],
      ['a German PLZ of four digits', usAddress({ countryCode: 'DE', region: null, postalCode: '1011' }), 'DE'],
      ['a German PLZ with letters', usAddress({ countryCode: 'DE', region: null, postalCode: '1011A' }), 'DE'],
      ['a postal code with symbols where no format is known', usAddress({ countryCode: 'NL', region: null, postalCode: '1012#AB' }), 'NL'],
    ];
    for (const [what, body, country] of refused) {
      it(`refuses ${what} on /postalCode`, async () => {
        const res = await as.post(BASE, body);
        const issue = expectInvalid(res, '/postalCode', 'postalCode');
        expect(issue.message).to.equal(`is not a valid postal code for ${country}`);
        expect(res.body).to.include({ code: 'ADDRESS_INVALID', status: 400, title: 'The address is not valid' });
        expect(res.body.detail).to.equal(`body/postalCode is not a valid postal code for ${country}`);
      });
    }

    it('refuses a country code that ISO 3166-1 does not assign, and a malformed one', async () => {
      const unknown = await as.post(BASE, home({ countryCode: 'XX' }));
      expect(expectInvalid(unknown, '/countryCode', 'countryCode').message).to.equal('is not an ISO 3166-1 alpha-2 country code');
      expect(unknown.body.errors).to.have.length(1); // postal and region rules wait for a real country
      const malformed = await as.post(BASE, home({ countryCode: 'IND' }));
      expect(malformed.status).to.equal(400);
      expect(malformed.body.code).to.equal('VALIDATION_FAILED');
      expect(malformed.body.errors[0]).to.include({ in: 'body', pointer: '/countryCode', rule: 'pattern' });
    });

    it('requires a USPS state code for US addresses and a state or union territory for Indian ones', async () => {
      const { region: _region, ...withoutRegion } = usAddress();
      expect(expectInvalid(await as.post(BASE, withoutRegion), '/region', 'required').message).to.equal('is required for US addresses');
      expect(expectInvalid(await as.post(BASE, usAddress({ region: '  ' })), '/region', 'required').message).to.equal('is required for US addresses');
      expect(expectInvalid(await as.post(BASE, usAddress({ region: 'California' })), '/region', 'region').message).to.match(/USPS state code/);
      expect(expectInvalid(await as.post(BASE, home({ region: null })), '/region', 'required').message).to.equal('is required for IN addresses');
      expect(expectInvalid(await as.post(BASE, home({ region: 'Bavaria' })), '/region', 'region').message).to.match(/Indian state or union territory/);
    });

    it('reports every broken rule at once, each with its pointer', async () => {
      const res = await as.post(BASE, usAddress({ postalCode: 'ABCDE', region: 'ZZ', firstName: '   ' }));
      expect(res.status).to.equal(400);
      expect(res.body.errors.map((e: any) => `${e.pointer} ${e.rule}`)).to.have.members(['/firstName minLength', '/postalCode postalCode', '/region region']);
    });

    it('refuses a field the address does not have, and an invalid phone number', async () => {
      const unknownKey = await as.post(BASE, home({ street: 'MG Road' }));
      expect(unknownKey.status).to.equal(400);
      expect(unknownKey.body.code).to.equal('VALIDATION_FAILED');
      expect(unknownKey.body.errors).to.deep.include({ in: 'body', pointer: '/street', rule: 'additionalProperties', message: 'is not an allowed field' });
      const phone = await as.post(BASE, home({ phone: '98765 43210' }));
      expect(phone.status).to.equal(400);
      expect(phone.body.errors[0]).to.include({ pointer: '/phone', rule: 'pattern' });
    });

    it('writes nothing when an address is refused', async () => {
      const { as: fresh } = await customer();
      await fresh.post(BASE, home({ postalCode: '000000' }));
      await fresh.post(BASE, home({ countryCode: 'XX' }));
      expect(await list(fresh)).to.deep.equal({ items: [], count: 0 });
    });
  });

  describe('partial updates', () => {
    it('checks the merged address: switching only the country to US fails on the Indian PIN', async () => {
      const { as } = await customer();
      const created = await create(as, home());
      const res = await as.patch(`${BASE}/${created.id}`, { countryCode: 'US', region: 'CA' });
      expect(expectInvalid(res, '/postalCode', 'postalCode').message).to.equal('is not a valid postal code for US');
      const noRegion = await as.patch(`${BASE}/${created.id}`, { countryCode: 'US', postalCode: '94103' });
      expect(expectInvalid(noRegion, '/region', 'region').message).to.match(/USPS state code/);
      const together = await as.patch(`${BASE}/${created.id}`, { countryCode: 'US', postalCode: '94103', region: 'CA', city: 'San Francisco' });
      expect(together.status, together.text).to.equal(200);
      expect(together.body).to.include({ countryCode: 'US', postalCode: '94103', region: 'CA', line1: '12 MG Road', firstName: 'Asha' });
    });

    it('clears optional fields sent as null and refuses null for required ones', async () => {
      const { as } = await customer();
      const created = await create(as, home({ line2: 'Near the park', company: 'Acme' }));
      const res = await as.patch(`${BASE}/${created.id}`, { line2: null, company: '', phone: null });
      expect(res.status, res.text).to.equal(200);
      expect(res.body).to.include({ line2: null, company: null, phone: null });
      const required = await as.patch(`${BASE}/${created.id}`, { city: null });
      expect(required.status).to.equal(400);
      expect(required.body.errors[0]).to.include({ pointer: '/city' });
      const empty = await as.patch(`${BASE}/${created.id}`, {});
      expect(empty.status).to.equal(400);
    });

    it('leaves updatedAt and the event log alone when nothing changes', async () => {
      const { as, user } = await customer();
      const created = await create(as, home());
      const res = await as.patch(`${BASE}/${created.id}`, { city: 'Bengaluru', region: 'KA' });
      expect(res.status).to.equal(200);
      expect(res.body.updatedAt).to.equal(created.updatedAt);
      expect((await addressEvents(user.id)).map((e) => e.name)).to.deep.equal(['address.created']);
    });
  });

  describe('defaults', () => {
    it('makes the first address both defaults and later ones neither, unless asked', async () => {
      const { as } = await customer();
      const first = await create(as, home());
      const second = await create(as, usAddress());
      expect(first).to.include({ isDefaultShipping: true, isDefaultBilling: true });
      expect(second).to.include({ isDefaultShipping: false, isDefaultBilling: false });
      const { as: other } = await customer();
      const optedOut = await create(other, home({ isDefaultBilling: false }));
      expect(optedOut).to.include({ isDefaultShipping: true, isDefaultBilling: false });
    });

    it('keeps one default of each kind: a new default clears the previous one', async () => {
      const { as, user } = await customer();
      const first = await create(as, home());
      const second = await create(as, usAddress({ isDefaultShipping: true }));
      expect(second).to.include({ isDefaultShipping: true, isDefaultBilling: false });
      expect(await defaults(as)).to.deep.equal({ shipping: [second.id], billing: [first.id] });

      const third = await create(as, home({ label: 'Office' }));
      const patched = await as.patch(`${BASE}/${third.id}`, { isDefaultBilling: true, isDefaultShipping: true });
      expect(patched.status, patched.text).to.equal(200);
      expect(await defaults(as)).to.deep.equal({ shipping: [third.id], billing: [third.id] });

      // the defaults come first in the list
      expect((await list(as)).items.map((a) => a.id)).to.deep.equal([third.id, second.id, first.id]);
      const events = (await addressEvents(user.id)).filter((e) => e.name === 'address.updated').map((e) => e.payload);
      // events of one transaction share a timestamp, so their order is not asserted
      expect(events).to.have.deep.members([
        { addressId: first.id, userId: user.id, fields: ['isDefaultShipping'] },
        { addressId: first.id, userId: user.id, fields: ['isDefaultBilling'] },
        { addressId: second.id, userId: user.id, fields: ['isDefaultShipping'] },
        { addressId: third.id, userId: user.id, fields: ['isDefaultShipping', 'isDefaultBilling'] },
      ]);
    });

    it('lets a default be switched off, leaving none of that kind', async () => {
      const { as } = await customer();
      const only = await create(as, home());
      const res = await as.patch(`${BASE}/${only.id}`, { isDefaultShipping: false });
      expect(res.body).to.include({ isDefaultShipping: false, isDefaultBilling: true });
      expect(await defaults(as)).to.deep.equal({ shipping: [], billing: [only.id] });
    });

    it('passes the defaults of a deleted address to the most recently updated one left', async () => {
      const { as } = await customer();
      const first = await create(as, home());
      const second = await create(as, usAddress());
      const third = await create(as, home({ label: 'Office' }));
      expect((await as.patch(`${BASE}/${second.id}`, { line2: 'Suite 5' })).status).to.equal(200); // now the most recently updated
      expect((await as.delete(`${BASE}/${first.id}`)).status).to.equal(204);
      expect(await defaults(as)).to.deep.equal({ shipping: [second.id], billing: [second.id] });

      // deleting an address that is no default changes no default
      expect((await as.delete(`${BASE}/${third.id}`)).status).to.equal(204);
      expect(await defaults(as)).to.deep.equal({ shipping: [second.id], billing: [second.id] });
      expect((await as.delete(`${BASE}/${second.id}`)).status).to.equal(204);
      expect(await list(as)).to.deep.equal({ items: [], count: 0 });
    });

    it('ends with one default of each kind when two first addresses are created at once', async () => {
      const { as } = await customer();
      const results = await Promise.all([as.post(BASE, home()), as.post(BASE, usAddress()), as.post(BASE, home({ label: 'Office' }))]);
      expect(results.map((r) => r.status)).to.deep.equal([201, 201, 201]);
      const { shipping, billing } = await defaults(as);
      expect(shipping).to.have.length(1);
      expect(billing).to.have.length(1);
    });

    it('ends with one default when two addresses are made the default at once', async () => {
      const { as } = await customer();
      const ids = [(await create(as, home())).id, (await create(as, usAddress())).id, (await create(as, home({ label: 'Office' }))).id];
      const results = await Promise.all(ids.map((id) => as.patch(`${BASE}/${id}`, { isDefaultShipping: true, isDefaultBilling: true })));
      expect(results.map((r) => r.status)).to.deep.equal([200, 200, 200]);
      const { shipping, billing } = await defaults(as);
      expect(shipping).to.have.length(1);
      expect(billing).to.deep.equal(shipping);
    });

    it('has the database refuse a second default even if the service were bypassed', async () => {
      const { as } = await customer();
      const first = await create(as, home());
      const second = await create(as, usAddress());
      const error = await store.commerce
        .withScope((scope) => scope.cradle.em.execute('update cw_address set is_default_shipping = true where id = ?', [second.id]))
        .then(() => undefined, (e: Error) => e);
      expect(error, 'the partial unique index should refuse it').to.be.instanceOf(Error);
      expect(error!.message).to.match(/cw_address_default_shipping_unique|unique/i);
      expect(await defaults(as)).to.deep.equal({ shipping: [first.id], billing: [first.id] });
    });
  });

  describe('ownership', () => {
    it("answers 404 to another customer's address, as for a missing one, and leaves it unchanged", async () => {
      const { as: alice } = await customer();
      const { as: bob } = await customer();
      const hers = await create(alice, home());
      const bobsOwn = await create(bob, usAddress());

      expect((await list(bob)).items.map((a) => a.id)).to.deep.equal([bobsOwn.id]);
      const missing = await bob.patch(`${BASE}/addr_00000000000000000000000000`, { city: 'Pune' });
      const patch = await bob.patch(`${BASE}/${hers.id}`, { city: 'Pune' });
      const makeDefault = await bob.patch(`${BASE}/${hers.id}`, { isDefaultShipping: true });
      const del = await bob.delete(`${BASE}/${hers.id}`);
      for (const res of [missing, patch, makeDefault, del]) {
        expect(res.status).to.equal(404);
        expect(res.body.code).to.equal('ADDRESS_NOT_FOUND');
      }
      const strip = ({ requestId: _r, detail: _d, instance: _i, ...rest }: Record<string, unknown>) => rest;
      expect(strip(patch.body)).to.deep.equal(strip(missing.body));

      expect(await list(alice)).to.deep.equal({ items: [hers], count: 1 });
      expect(await defaults(bob)).to.deep.equal({ shipping: [bobsOwn.id], billing: [bobsOwn.id] });
    });
  });

  describe('limits and paging', () => {
    it('holds at most 50 addresses per customer and answers 409 for the 51st', async () => {
      const { as } = await customer();
      for (let i = 0; i < 50; i++) await create(as, home({ label: `Address ${i + 1}` }));
      const full = await as.post(BASE, home({ label: 'One too many' }));
      expect(full.status).to.equal(409);
      expect(full.body).to.include({ code: 'ADDRESS_LIMIT_REACHED', limit: 50 });

      const page = await as.get(BASE, { query: { limit: 10, offset: 45 } });
      expect(page.body.count).to.equal(50);
      expect(page.body.items).to.have.length(5);
      const firstPage = await as.get(BASE);
      expect(firstPage.body.items).to.have.length(20);
      expect(firstPage.body.items[0]).to.include({ label: 'Address 1', isDefaultShipping: true });
      expect(firstPage.body.items[1].label).to.equal('Address 50');

      const { items } = firstPage.body;
      expect((await as.delete(`${BASE}/${items[1].id}`)).status).to.equal(204);
      expect((await as.post(BASE, home({ label: 'Room again' }))).status).to.equal(201);
    });
  });
});
