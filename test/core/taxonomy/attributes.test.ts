import { expect } from 'chai';
import type { TestStore } from '@cartwright/core/testing';
import { checkAttributeValue } from '../../../core/src/modules/taxonomy/index.ts';
import { auditEntries, createAdminTestStore, createAndLogin, expectFieldProblem, expectProblem, insertProduct, type SignedIn } from './taxonomy-helpers.ts';

describe('attribute definitions', () => {
  describe('checking a product value', () => {
    const def = (type: 'text' | 'number' | 'boolean' | 'enum', enumValues: string[] = []) => ({ type, enumValues });
    const cases: Array<[string, ReturnType<typeof def>, unknown, ReturnType<typeof checkAttributeValue>]> = [
      ['accepts text, trimmed', def('text'), '  cotton ', { ok: true, value: 'cotton' }],
      ['accepts text of 1000 characters', def('text'), 'x'.repeat(1000), { ok: true, value: 'x'.repeat(1000) }],
      ['refuses text over 1000 characters', def('text'), 'x'.repeat(1001), { ok: false, rule: 'maxLength' }],
      ['refuses blank text', def('text'), '   ', { ok: false, rule: 'minLength' }],
      ['refuses a number for text', def('text'), 5, { ok: false, rule: 'type' }],
      ['accepts a number', def('number'), 15.6, { ok: true, value: 15.6 }],
      ['refuses a numeric string for number', def('number'), '15', { ok: false, rule: 'type' }],
      ['refuses NaN', def('number'), Number.NaN, { ok: false, rule: 'finite' }],
      ['refuses Infinity', def('number'), Number.POSITIVE_INFINITY, { ok: false, rule: 'finite' }],
      ['accepts false', def('boolean'), false, { ok: true, value: false }],
      ['refuses "true" as boolean', def('boolean'), 'true', { ok: false, rule: 'type' }],
      ['accepts an enum value', def('enum', ['red', 'blue']), 'blue', { ok: true, value: 'blue' }],
      ['refuses a value not in the enum', def('enum', ['red', 'blue']), 'Blue', { ok: false, rule: 'enum' }],
      ['refuses null for enum', def('enum', ['red']), null, { ok: false, rule: 'type' }],
    ];
    for (const [title, definition, value, expected] of cases) {
      it(title, () => expect(checkAttributeValue(definition, value)).to.deep.equal(expected));
    }
  });

  describe('admin', () => {
    let store: TestStore;
    let admin: SignedIn;

    before(async () => {
      store = await createAdminTestStore();
      admin = await createAndLogin(store, 'admin@example.com', 'admin');
    });
    after(() => store.stop());

    it('defines attributes of each type', async () => {
      const colour = await admin.as.post('/admin/attributes', { code: 'colour', name: 'Colour', type: 'enum', enumValues: ['red', ' blue '], filterable: true });
      expect(colour.status, colour.text).to.equal(201);
      expect(colour.body).to.include({ code: 'colour', type: 'enum', unit: null, filterable: true });
      expect(colour.body.enumValues).to.deep.equal(['red', 'blue']);
      const width = await admin.as.post('/admin/attributes', { code: 'width_cm', name: 'Width', type: 'number', unit: 'cm' });
      expect(width.body).to.include({ type: 'number', unit: 'cm', filterable: false });
      expect(width.body.enumValues).to.deep.equal([]);
      expect((await admin.as.post('/admin/attributes', { code: 'organic', name: 'Organic', type: 'boolean', filterable: true })).status).to.equal(201);
      expect((await admin.as.post('/admin/attributes', { code: 'material', name: 'Material', type: 'text' })).status).to.equal(201);
    });

    it('refuses bad codes, duplicate codes, and enum values missing, repeated or where they do not belong', async () => {
      for (const code of ['Colour', '1st', 'with-dash', '_x', '']) {
        expectFieldProblem(await admin.as.post('/admin/attributes', { code, name: 'X', type: 'text' }), 400, 'VALIDATION_FAILED', '/code');
      }
      expectFieldProblem(await admin.as.post('/admin/attributes', { code: 'colour', name: 'Again', type: 'text' }), 409, 'ATTRIBUTE_CODE_TAKEN', '/code');
      expectFieldProblem(await admin.as.post('/admin/attributes', { code: 'size', name: 'Size', type: 'enum' }), 400, 'ATTRIBUTE_INVALID', '/enumValues');
      expectFieldProblem(await admin.as.post('/admin/attributes', { code: 'size', name: 'Size', type: 'enum', enumValues: [] }), 400, 'ATTRIBUTE_INVALID', '/enumValues');
      expectFieldProblem(await admin.as.post('/admin/attributes', { code: 'size', name: 'Size', type: 'enum', enumValues: ['S', 'M', 'S '] }), 400, 'ATTRIBUTE_INVALID', '/enumValues/2');
      expectFieldProblem(await admin.as.post('/admin/attributes', { code: 'size', name: 'Size', type: 'enum', enumValues: ['S', ' '] }), 400, 'ATTRIBUTE_INVALID', '/enumValues/1');
      expectFieldProblem(await admin.as.post('/admin/attributes', { code: 'size', name: 'Size', type: 'text', enumValues: ['S'] }), 400, 'ATTRIBUTE_INVALID', '/enumValues');
      expectFieldProblem(await admin.as.post('/admin/attributes', { code: 'size', name: 'Size', type: 'date' }), 400, 'VALIDATION_FAILED', '/type');
    });

    it('never changes the code', async () => {
      const [colour] = (await admin.as.get('/admin/attributes', { query: { q: 'colour' } })).body.items;
      expectFieldProblem(await admin.as.patch(`/admin/attributes/${colour.id}`, { code: 'color' }), 400, 'VALIDATION_FAILED', '/code');
    });

    it('changes type, values, unit and filterability while no product has a value', async () => {
      const created = (await admin.as.post('/admin/attributes', { code: 'fit', name: 'Fit', type: 'text' })).body;
      const toEnum = await admin.as.patch(`/admin/attributes/${created.id}`, { type: 'enum', enumValues: ['slim', 'regular'] });
      expect(toEnum.status, toEnum.text).to.equal(200);
      expect(toEnum.body).to.include({ type: 'enum' });
      const back = await admin.as.patch(`/admin/attributes/${created.id}`, { type: 'text', filterable: true, name: 'Cut' });
      expect(back.body).to.include({ type: 'text', filterable: true, name: 'Cut' });
      expect(back.body.enumValues).to.deep.equal([]);
      expectFieldProblem(await admin.as.patch(`/admin/attributes/${created.id}`, { type: 'enum' }), 400, 'ATTRIBUTE_INVALID', '/enumValues');
      const { items } = await auditEntries(admin, { targetId: created.id });
      expect(items.map((e) => e.action)).to.deep.equal(['attribute.updated', 'attribute.updated', 'attribute.created']);
    });

    it('refuses a type change once a product has a value, and removing an enum value still in use', async () => {
      const [colour] = (await admin.as.get('/admin/attributes', { query: { q: 'colour' } })).body.items;
      const product = await insertProduct(store);
      await store.commerce.withScope((s) =>
        s.cradle.em.execute('insert into cw_product_attribute (product_id, attribute_id, text_value) values (?, ?, ?)', [product, colour.id, 'red']),
      );
      expectFieldProblem(await admin.as.patch(`/admin/attributes/${colour.id}`, { type: 'text' }), 409, 'ATTRIBUTE_TYPE_LOCKED', '/type');
      const inUse = expectProblem(await admin.as.patch(`/admin/attributes/${colour.id}`, { enumValues: ['blue'] }), 409, 'ATTRIBUTE_ENUM_VALUE_IN_USE');
      expect(inUse.values).to.deep.equal(['red']);
      const ok = await admin.as.patch(`/admin/attributes/${colour.id}`, { enumValues: ['red', 'green'], name: 'Color' });
      expect(ok.status, ok.text).to.equal(200);
      expect(ok.body.enumValues).to.deep.equal(['red', 'green']);
      expect((await admin.as.get(`/admin/attributes/${colour.id}`)).body).to.include({ type: 'enum', name: 'Color' });
    });

    it('lists by code with filters, and gives the catalog definitions by code', async () => {
      const all = await admin.as.get('/admin/attributes');
      expect(all.body.items.map((a: { code: string }) => a.code)).to.deep.equal(['colour', 'fit', 'material', 'organic', 'width_cm']);
      const filterable = await admin.as.get('/admin/attributes', { query: { filterable: true } });
      expect(filterable.body.items.map((a: { code: string }) => a.code)).to.deep.equal(['colour', 'fit', 'organic']);
      const numbers = await admin.as.get('/admin/attributes', { query: { type: 'number' } });
      expect(numbers.body.count).to.equal(1);
      await store.commerce.withScope(async (scope) => {
        const attributes = scope.cradle.attributeService;
        const byCode = await attributes.byCodes(['colour', 'width_cm', 'nope']);
        expect([...byCode.keys()].sort()).to.deep.equal(['colour', 'width_cm']);
        expect(byCode.get('width_cm')).to.deep.include({ code: 'width_cm', name: 'Width', type: 'number', enumValues: [], unit: 'cm', filterable: false });
        expect((await attributes.filterable()).map((a) => a.code)).to.deep.equal(['colour', 'fit', 'organic']);
      });
    });

    it('deletes a definition with the product values for it', async () => {
      const [colour] = (await admin.as.get('/admin/attributes', { query: { q: 'colour' } })).body.items;
      expect((await admin.as.delete(`/admin/attributes/${colour.id}`)).status).to.equal(204);
      const values = await store.commerce.withScope((s) => s.cradle.em.execute('select 1 from cw_product_attribute where attribute_id = ?', [colour.id]));
      expect(values).to.deep.equal([]);
      expectProblem(await admin.as.get(`/admin/attributes/${colour.id}`), 404, 'ATTRIBUTE_NOT_FOUND');
    });

    it('lets approved vendors read definitions but not change them', async () => {
      const vendor = await createAndLogin(store, 'vendor@example.com', 'vendor');
      await admin.as.post(`/admin/users/${vendor.id}/approve`);
      expect((await vendor.as.get('/admin/attributes')).status).to.equal(200);
      expectProblem(await vendor.as.post('/admin/attributes', { code: 'vendor_made', name: 'X', type: 'text' }), 403, 'FORBIDDEN');
    });
  });
});
