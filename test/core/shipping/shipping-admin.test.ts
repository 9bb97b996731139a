import { expect } from 'chai';
import { createAndLogin } from '../admin/admin-helpers.ts';
import { createShippingStore, option, zone, type ShippingStore } from './shipping-helpers.ts';
import { query } from '../inventory/inventory-helpers.ts';

describe('admin shipping zones and options', () => {
  let c: ShippingStore;

  before(async () => {
    c = await createShippingStore();
  });
  after(async () => c.store.stop());

  it('creates a zone with normalised areas and an option of each rate type, and reads them back', async () => {
    const made = await zone(c, {
      name: 'West coast',
      areas: [{ countryCode: 'US', region: 'ca' }, { countryCode: 'US', region: 'OR', postalCodePattern: '97*' }, { countryCode: 'CA', postalCodePattern: 'v6b 1a1' }],
    });
    expect(made.id).to.match(/^shz_/);
    expect(made.restOfWorld).to.equal(false);
    expect(made.areas).to.deep.equal([
      { countryCode: 'US', region: 'CA', postalCodePattern: null },
      { countryCode: 'US', region: 'OR', postalCodePattern: '97*' },
      { countryCode: 'CA', region: null, postalCodePattern: 'V6B1A1' },
    ]);

    const flat = await option(c, { zoneId: made.id, name: 'Standard', rate: { type: 'flat', amounts: { USD: 600 } }, freeAbove: { USD: 5_000 }, minDays: 2, maxDays: 4 });
    expect(flat).to.deep.include({ zoneId: made.id, source: 'admin', codAllowed: true, active: true, position: 0, minDays: 2, maxDays: 4, freeAbove: { USD: 5_000 } });
    await option(c, { zoneId: made.id, name: 'By weight', rate: { type: 'weight', brackets: [{ upToGrams: 1_000, amounts: { USD: 500 } }] }, position: 2 });
    await option(c, { zoneId: made.id, name: 'By value', rate: { type: 'order_value', brackets: { USD: [{ from: 0, amount: 700 }] } }, position: 3 });
    const carrier = await option(c, { zoneId: made.id, name: 'ParcelCo', rate: { type: 'carrier', carrierId: 'parcelco', service: 'ground', markup: { percent: 5 } }, codAllowed: false, position: 4 });

    const read = await c.admin.as.get(`/admin/shipping/zones/${made.id}`);
    expect(read.status, read.text).to.equal(200);
    expect(read.body.options.map((o: any) => o.rate.type)).to.deep.equal(['flat', 'weight', 'order_value', 'carrier']);
    // fulfillment reads the carrier and service of a carrier-calculated option from columns of their own
    const [columns] = await query(c, 'select rate_type, carrier_id, carrier_service from cw_shipping_option where id = ?', [carrier.id]);
    expect(columns).to.deep.equal({ rate_type: 'carrier', carrier_id: 'parcelco', carrier_service: 'ground' });

    const listed = await c.admin.as.get('/admin/shipping/options', { query: { zoneId: made.id } });
    expect(listed.body.items.map((o: any) => o.name)).to.deep.equal(['Standard', 'By weight', 'By value', 'ParcelCo']);
    const all = await c.admin.as.get('/admin/shipping/options');
    expect(all.body.items.at(-1)).to.deep.include({ id: 'standard', source: 'config', zoneId: null, freeAbove: { USD: 100_000 } });
  });

  it('answers 409 naming the area when another zone already covers it, and keeps one rest-of-world zone', async () => {
    const first = await zone(c, { name: 'Germany', areas: [{ countryCode: 'DE' }] });
    const clash = await c.admin.as.post('/admin/shipping/zones', { name: 'Berlin and Germany', areas: [{ countryCode: 'DE', postalCodePattern: '10*' }, { countryCode: 'DE' }] });
    expect(clash.status, clash.text).to.equal(409);
    expect(clash.body.code).to.equal('SHIPPING_ZONE_AREA_TAKEN');
    expect(clash.body.errors[0]).to.deep.include({ pointer: '/areas/1', rule: 'unique' });
    expect(clash.body.zoneId).to.equal(first.id);
    // nothing of the refused zone was written
    expect(await query(c, `select 1 from cw_shipping_zone where name = 'Berlin and Germany'`)).to.have.length(0);

    const rest = await zone(c, { name: 'Rest of world', areas: [] });
    expect(rest.restOfWorld).to.equal(true);
    const second = await c.admin.as.post('/admin/shipping/zones', { name: 'Everywhere else', areas: [] });
    expect(second.status, second.text).to.equal(409);
    expect(second.body.errors[0]).to.deep.include({ pointer: '/areas', rule: 'unique' });
  });

  it('refuses bad areas with 422 naming each one', async () => {
    const response = await c.admin.as.post('/admin/shipping/zones', {
      name: 'Broken',
      areas: [{ countryCode: 'FR', postalCodePattern: '75999-75000' }, { countryCode: 'FR', region: 'IDF' }, { countryCode: 'FR', region: ' idf ' }],
    });
    expect(response.status, response.text).to.equal(422);
    expect(response.body.code).to.equal('SHIPPING_ZONE_INVALID');
    expect(response.body.errors.map((e: any) => [e.pointer, e.rule])).to.deep.equal([
      ['/areas/0/postalCodePattern', 'pattern'],
      ['/areas/2', 'unique'],
    ]);
    const lowercase = await c.admin.as.post('/admin/shipping/zones', { name: 'Lower', areas: [{ countryCode: 'fr' }] });
    expect(lowercase.status).to.equal(400);
    expect(lowercase.body.errors[0].pointer).to.equal('/areas/0/countryCode');
  });

  it('refuses bad rates with 422 naming the field and the rule, writing nothing', async () => {
    const target = await zone(c, { name: 'Italy', areas: [{ countryCode: 'IT' }] });
    const cases: Array<[Record<string, unknown>, string, string, string]> = [
      [{ rate: { type: 'flat', amounts: { CHF: 500 } } }, 'SHIPPING_RATE_INVALID', '/rate/amounts/CHF', 'currency'],
      [
        { rate: { type: 'weight', brackets: [{ upToGrams: 2_000, amounts: { USD: 5 } }, { upToGrams: 1_000, amounts: { USD: 9 } }] } },
        'SHIPPING_RATE_INVALID',
        '/rate/brackets/1/upToGrams',
        'order',
      ],
      [{ rate: { type: 'order_value', brackets: { USD: [{ from: 100, amount: 5 }, { from: 100, amount: 0 }] } } }, 'SHIPPING_RATE_INVALID', '/rate/brackets/USD/1/from', 'order'],
      [{ rate: { type: 'carrier', carrierId: 'nope', service: 'ground' } }, 'SHIPPING_RATE_INVALID', '/rate/carrierId', 'carrier'],
      [{ rate: { type: 'flat', amounts: { USD: 500 } }, freeAbove: { EUR: 1_000 } }, 'SHIPPING_RATE_INVALID', '/freeAbove/EUR', 'currency'],
      [{ rate: { type: 'flat', amounts: { USD: 500 } }, minDays: 5, maxDays: 2 }, 'SHIPPING_OPTION_INVALID', '/maxDays', 'order'],
    ];
    for (const [body, code, pointer, rule] of cases) {
      const response = await c.admin.as.post('/admin/shipping/options', { zoneId: target.id, name: 'Bad', ...body });
      expect(response.status, response.text).to.equal(422);
      expect(response.body.code).to.equal(code);
      expect(response.body.errors[0]).to.deep.include({ pointer, rule });
    }
    const noType = await c.admin.as.post('/admin/shipping/options', { zoneId: target.id, name: 'Bad', rate: { type: 'teleport' } });
    expect(noType.status).to.equal(400);
    const noZone = await c.admin.as.post('/admin/shipping/options', { zoneId: 'shz_missing', name: 'Lost', rate: { type: 'flat', amounts: { USD: 1 } } });
    expect(noZone.status).to.equal(404);
    expect(noZone.body.errors[0].pointer).to.equal('/zoneId');
    expect((await c.admin.as.get('/admin/shipping/options', { query: { zoneId: target.id } })).body.items).to.have.length(0);
  });

  it('changes an option (a new rate replaces the old one) and deletes options and zones', async () => {
    const target = await zone(c, { name: 'Spain', areas: [{ countryCode: 'ES' }] });
    const made = await option(c, { zoneId: target.id, name: 'Correos', rate: { type: 'flat', amounts: { USD: 800 } }, minDays: 3 });
    const changed = await c.admin.as.patch(`/admin/shipping/options/${made.id}`, { rate: { type: 'weight', brackets: [{ upToGrams: 500, amounts: { USD: 300 } }] }, codAllowed: false, active: false });
    expect(changed.status, changed.text).to.equal(200);
    expect(changed.body).to.deep.include({ name: 'Correos', minDays: 3, codAllowed: false, active: false });
    expect(changed.body.rate).to.deep.equal({ type: 'weight', brackets: [{ upToGrams: 500, amounts: { USD: 300 } }] });
    const badDays = await c.admin.as.patch(`/admin/shipping/options/${made.id}`, { maxDays: 1 });
    expect(badDays.status).to.equal(422);

    const renamed = await c.admin.as.patch(`/admin/shipping/zones/${target.id}`, { name: 'España', areas: [{ countryCode: 'ES' }, { countryCode: 'AD' }] });
    expect(renamed.status, renamed.text).to.equal(200);
    expect(renamed.body.areas.map((a: any) => a.countryCode)).to.deep.equal(['ES', 'AD']);

    expect((await c.admin.as.delete(`/admin/shipping/options/${made.id}`)).status).to.equal(204);
    expect((await c.admin.as.get(`/admin/shipping/options/${made.id}`)).status).to.equal(404);
    await option(c, { zoneId: target.id, name: 'Seur', rate: { type: 'flat', amounts: { USD: 900 } } });
    expect((await c.admin.as.delete(`/admin/shipping/zones/${target.id}`)).status).to.equal(204);
    expect(await query(c, 'select 1 from cw_shipping_option where zone_id = ?', [target.id])).to.have.length(0);
    expect((await c.admin.as.delete(`/admin/shipping/zones/${target.id}`)).status).to.equal(404);
  });

  it('keeps the options from config read-only', async () => {
    const read = await c.admin.as.get('/admin/shipping/options/standard');
    expect(read.status).to.equal(200);
    expect(read.body).to.deep.include({ source: 'config', name: 'Standard' });
    const changed = await c.admin.as.patch('/admin/shipping/options/standard', { name: 'Changed' });
    expect(changed.status).to.equal(409);
    expect(changed.body.code).to.equal('SHIPPING_OPTION_READ_ONLY');
    expect((await c.admin.as.delete('/admin/shipping/options/standard')).status).to.equal(409);
  });

  it('lists the installed carriers with their capabilities', async () => {
    const response = await c.admin.as.get('/admin/shipping/carriers');
    expect(response.status, response.text).to.equal(200);
    expect(response.body.items.find((carrier: any) => carrier.id === 'parcelco')).to.deep.equal({
      id: 'parcelco',
      name: 'ParcelCo',
      capabilities: { rates: true, labels: false, returns: false, tracking: false, webhooks: false },
    });
  });

  it('records writes in the audit log and keeps shipping from customers', async () => {
    const made = await zone(c, { name: 'Portugal', areas: [{ countryCode: 'PT' }] });
    const entries = await c.admin.as.get('/admin/audit-log', { query: { action: 'shipping_zone.created' } });
    expect(entries.body.items.map((e: any) => e.target)).to.deep.include({ type: 'shipping_zone', id: made.id });
    const customer = await createAndLogin(c.store, 'shopper@example.com', 'customer');
    expect((await customer.as.get('/admin/shipping/zones')).status).to.equal(403);
    expect((await customer.as.post('/admin/shipping/zones', { name: 'Mine', areas: [] })).status).to.equal(403);
  });
});
