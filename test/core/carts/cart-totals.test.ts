import { expect } from 'chai';
import { definePlugin, type TaxCalculator } from '@cartwright/core';
import { createInventoryStore, created, simpleProduct, type InventoryStore } from '../inventory/inventory-helpers.ts';
import type { SignedIn } from '../admin/admin-helpers.ts';

/** A guest cart holding the given variants; returns a reader of its current view. */
async function cartWith(c: InventoryStore, lines: Array<{ variantId: string; quantity: number }>, body: Record<string, unknown> = {}) {
  const start = await c.store.client.post('/store/carts', body);
  expect(start.status, start.text).to.equal(201);
  const as = c.store.client.with({ 'x-cart-token': start.body.token });
  for (const line of lines) {
    const added = await as.post(`/store/carts/${start.body.id}/items`, line);
    expect(added.status, added.text).to.equal(200);
  }
  const patch = async (change: Record<string, unknown>) => {
    const response = await as.patch(`/store/carts/${start.body.id}`, change);
    expect(response.status, response.text).to.equal(200);
    return response.body;
  };
  return { id: start.body.id as string, read: async () => (await as.get(`/store/carts/${start.body.id}`)).body, patch };
}

async function product(admin: SignedIn, title: string, prices: Array<{ currencyCode: string; amount: number }>, taxClass: string | null = null): Promise<string> {
  const body = simpleProduct(title, prices[0]!.amount, { taxClass }, { prices });
  return (await created(admin.as, '/admin/products', body)).variants[0].id;
}

const address = (countryCode: string, region: string | null, postalCode: string) => ({
  firstName: 'Tax',
  lastName: 'Payer',
  line1: '1 Test Road',
  city: 'Testville',
  region,
  postalCode,
  countryCode,
});

describe('cart totals and tax', () => {
  describe('a tax-exclusive store (US sales tax, KWD and JPY prices)', () => {
    let c: InventoryStore;
    before(async () => {
      c = await createInventoryStore({
        catalog: { defaultCurrency: 'USD', currencies: ['USD', 'JPY', 'KWD'], exchangeRates: { JPY: '151.37' } },
        tax: {
          pricesIncludeTax: false,
          rates: [
            { id: 'us-ca', name: 'CA sales tax', countryCode: 'US', region: 'CA', rate: '7.25' },
            { id: 'us-ca-grocery', name: 'CA groceries', countryCode: 'US', region: 'CA', taxClass: 'grocery', rate: '0' },
            { id: 'us-ny', name: 'NY sales tax', countryCode: 'US', region: 'NY', rate: '8.875' },
            { id: 'jp', name: '消費税 10%', countryCode: 'JP', rate: '10' },
            { id: 'kw', name: 'VAT 5%', countryCode: 'KW', rate: '5' },
          ],
        },
      });
    });
    after(() => c.store.stop());

    it('shows no tax before an address, then taxes each line by its class at the destination, rounding per line half up', async () => {
      const shirt = await product(c.admin, 'Tax shirt', [{ currencyCode: 'USD', amount: 333 }]);
      const bread = await product(c.admin, 'Tax bread', [{ currencyCode: 'USD', amount: 450 }], 'grocery');
      const cart = await cartWith(c, [{ variantId: shirt, quantity: 3 }, { variantId: bread, quantity: 2 }]);
      const before = await cart.read();
      expect(before.totals).to.deep.include({ taxBasis: 'none', taxTotal: { amount: 0, currencyCode: 'USD' }, total: { amount: 1899, currencyCode: 'USD' } });

      const inCalifornia = await cart.patch({ shippingAddress: address('US', 'CA', '94103') });
      // 999 × 7.25 % = 72.4275 → 72; groceries at 0 %
      const lines = Object.fromEntries(inCalifornia.lines.map((l: any) => [l.variantId, l]));
      expect(lines[shirt].tax.amount).to.equal(72);
      expect(lines[shirt].taxes[0]).to.include({ rateId: 'us-ca', rate: '7.25' });
      expect(lines[bread].tax.amount).to.equal(0);
      expect(lines[bread].taxes[0]).to.include({ rateId: 'us-ca-grocery' });
      expect(inCalifornia.totals).to.deep.include({ taxBasis: 'shipping_address', pricesIncludeTax: false });
      expect(inCalifornia.totals.taxTotal.amount).to.equal(72);
      expect(inCalifornia.totals.total.amount).to.equal(1899 + 72);

      // grocery has no New York rule: no tax on it there; 999 × 8.875 % = 88.66… → 89
      const inNewYork = await cart.patch({ shippingAddress: address('US', 'NY', '10001') });
      expect(inNewYork.totals.taxes).to.deep.equal([{ rateId: 'us-ny', name: 'NY sales tax', rate: '8.875', amount: { amount: 89, currencyCode: 'USD' } }]);
    });

    it('rounds tax in currencies with no and with three decimals', async () => {
      const kettle = await product(c.admin, 'Tax kettle', [
        { currencyCode: 'USD', amount: 1000 },
        { currencyCode: 'KWD', amount: 12345 },
      ]);
      const yen = await cartWith(c, [{ variantId: kettle, quantity: 1 }], { currencyCode: 'JPY' });
      const inJapan = await yen.patch({ shippingAddress: address('JP', null, '100-0001') });
      // 10.00 USD → 1513.7 → 1514 JPY; 10 % = 151.4 → 151
      expect(inJapan.totals.subtotal.amount).to.equal(1514);
      expect(inJapan.totals.taxTotal).to.deep.equal({ amount: 151, currencyCode: 'JPY' });
      const dinar = await cartWith(c, [{ variantId: kettle, quantity: 1 }], { currencyCode: 'KWD' });
      const inKuwait = await dinar.patch({ shippingAddress: address('KW', null, '13001') });
      // 12.345 KWD × 5 % = 0.61725 → 0.617
      expect(inKuwait.totals.taxTotal).to.deep.equal({ amount: 617, currencyCode: 'KWD' });
      expect(inKuwait.totals.total.amount).to.equal(12962);
    });
  });

  describe('a tax-inclusive store (German VAT) with an estimate before the address', () => {
    let c: InventoryStore;
    before(async () => {
      c = await createInventoryStore({
        catalog: { defaultCurrency: 'EUR', currencies: ['EUR'], exchangeRates: {} },
        tax: {
          pricesIncludeTax: true,
          estimateCountryCode: 'DE',
          rates: [
            { id: 'de-vat', name: 'MwSt. 19 %', countryCode: 'DE', rate: '19' },
            { id: 'de-vat-reduced', name: 'MwSt. 7 %', countryCode: 'DE', taxClass: 'reduced', rate: '7' },
            { id: 'at-vat', name: 'USt. 20 %', countryCode: 'AT', rate: '20' },
          ],
        },
      });
    });
    after(() => c.store.stop());

    it('takes the tax out of the prices per line and rate, without changing what the shopper pays', async () => {
      const lamp = await product(c.admin, 'MwSt lamp', [{ currencyCode: 'EUR', amount: 999 }]);
      const book = await product(c.admin, 'MwSt book', [{ currencyCode: 'EUR', amount: 1070 }], 'reduced');
      const cart = await cartWith(c, [{ variantId: lamp, quantity: 1 }, { variantId: book, quantity: 1 }]);
      const estimated = await cart.read();
      // 999 × 19/119 = 159.50… → 160; 1070 × 7/107 = 70
      expect(estimated.totals).to.deep.include({ taxBasis: 'estimate', pricesIncludeTax: true });
      expect(estimated.totals.taxes.map((t: any) => [t.rateId, t.amount.amount])).to.deep.equal([
        ['de-vat', 160],
        ['de-vat-reduced', 70],
      ]);
      expect(estimated.totals.total.amount).to.equal(2069);
      // Austria has no reduced rule in this store: the book carries no tax there, the lamp 20 % (166.5 → 167)
      const inAustria = await cart.patch({ shippingAddress: address('AT', null, '1010') });
      expect(inAustria.totals.taxes.map((t: any) => [t.rateId, t.amount.amount])).to.deep.equal([['at-vat', 167]]);
      expect(inAustria.totals.total.amount).to.equal(2069);
    });
  });

  describe('the totals pipeline', () => {
    let c: InventoryStore;
    const calls: string[] = [];
    const flatTen: TaxCalculator = {
      pricesIncludeTax: false,
      calculate: ({ items }) => items.map((item) => ({ id: item.id, taxes: [{ rateId: 'flat', name: 'Flat 10 %', rate: '10', amount: Math.floor((item.amount + 5) / 10) }] })),
    };
    const promotions = definePlugin({
      name: '@fixtures/plugin-totals',
      version: '1.0.0',
      register(api) {
        api.value('taxCalculator', flatTen);
        api.filter('cart.adjusters', (adjusters, { cart }) => {
          calls.push(cart.id);
          return [
            ...adjusters,
            {
              name: 'fixture-promo',
              adjust: (state) => (state.lines.length >= 2 ? { orderDiscounts: [{ amount: 500, label: 'TWOFORLESS' }] } : {}),
            },
            { name: 'fixture-shipping', adjust: () => ({ shipping: [{ id: 'flat-ship', name: 'Flat shipping', amount: 495 }] }) },
          ];
        });
      },
    });
    before(async () => {
      c = await createInventoryStore({ plugins: [promotions()], tax: { estimateCountryCode: 'US' } });
    });
    after(() => c.store.stop());

    it('runs plugin adjusters (discounts, shipping) and a plugin tax calculator in the cart totals', async () => {
      const a = await product(c.admin, 'Pipeline A', [{ currencyCode: 'USD', amount: 1000 }]);
      const b = await product(c.admin, 'Pipeline B', [{ currencyCode: 'USD', amount: 3000 }]);
      const single = await (await cartWith(c, [{ variantId: a, quantity: 1 }])).read();
      expect(single.totals.discountTotal.amount).to.equal(0);
      const cart = await cartWith(c, [{ variantId: a, quantity: 1 }, { variantId: b, quantity: 1 }]);
      const view = await cart.read();
      expect(calls).to.include(cart.id);
      // 500 off spread 1:3 → 125 and 375; tax 10 % of 875, 2625 and 495
      expect(view.lines.map((l: any) => l.discount.amount)).to.deep.equal([125, 375]);
      expect(view.totals.discounts).to.deep.equal([{ source: 'fixture-promo', label: 'TWOFORLESS', amount: { amount: 500, currencyCode: 'USD' } }]);
      expect(view.totals.shipping).to.deep.equal([
        {
          id: 'flat-ship',
          name: 'Flat shipping',
          amount: { amount: 495, currencyCode: 'USD' },
          tax: { amount: 50, currencyCode: 'USD' },
          taxes: [{ rateId: 'flat', name: 'Flat 10 %', rate: '10', amount: { amount: 50, currencyCode: 'USD' } }],
          total: { amount: 545, currencyCode: 'USD' },
        },
      ]);
      expect(view.totals.taxTotal.amount).to.equal(88 + 263 + 50);
      expect(view.totals.total.amount).to.equal(4000 - 500 + 495 + 401);
    });
  });
});
