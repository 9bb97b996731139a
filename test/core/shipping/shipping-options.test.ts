import { expect } from 'chai';
import { query } from '../inventory/inventory-helpers.ts';
import { address, cartWith, createShippingStore, offered, option, weighedVariant, zone, type ShippingStore } from './shipping-helpers.ts';

const names = (offers: Array<{ name: string }>) => offers.map((o) => o.name);

describe('shipping options for a cart', () => {
  let c: ShippingStore;

  before(async () => {
    c = await createShippingStore();
  });
  after(async () => c.store.stop());

  describe('zones', () => {
    let lamp: string;

    before(async () => {
      lamp = await weighedVariant(c, 'Zone lamp', 2_000, 300);
      const country = await zone(c, { name: 'United States', areas: [{ countryCode: 'US' }] });
      const region = await zone(c, { name: 'California', areas: [{ countryCode: 'US', region: 'CA' }] });
      const postal = await zone(c, { name: 'San Francisco', areas: [{ countryCode: 'US', postalCodePattern: '941*' }] });
      const world = await zone(c, { name: 'Rest of world', areas: [] });
      for (const [z, name, amount] of [[country, 'US ground', 800], [region, 'California courier', 600], [postal, 'SF bike', 300], [world, 'International', 2_500]] as const) {
        await option(c, { zoneId: z.id, name, rate: { type: 'flat', amounts: { USD: amount } }, minDays: 1, maxDays: 3 });
      }
      await option(c, { zoneId: postal.id, name: 'SF drone (retired)', rate: { type: 'flat', amounts: { USD: 100 } }, active: false });
    });

    it('offers only the options of the most specific zone (postal code, region, country, rest of world) next to the config flat rate', async () => {
      const at = async (to: ReturnType<typeof address>) => names(await offered(await cartWith(c, [{ variantId: lamp, quantity: 1 }], { shippingAddress: to })));
      expect(await at(address('US', 'CA', '94103'))).to.deep.equal(['Standard', 'SF bike']);
      expect(await at(address('US', 'CA', '90210'))).to.deep.equal(['Standard', 'California courier']);
      expect(await at(address('US', 'NY', '10001'))).to.deep.equal(['Standard', 'US ground']);
      expect(await at(address('FR', null, '75001'))).to.deep.equal(['Standard', 'International']);
    });

    it('offers only the config flat rates before an address is set, with prices, delivery estimates and cash on delivery', async () => {
      const cart = await cartWith(c, [{ variantId: lamp, quantity: 1 }]);
      expect(await offered(cart)).to.deep.equal([{ id: 'standard', name: 'Standard', amount: { amount: 500, currencyCode: 'USD' }, minDays: null, maxDays: null, codAllowed: true }]);
    });

    it('lets a cart choose only an active option of its address’s zone, naming shippingOptionId', async () => {
      const cart = await cartWith(c, [{ variantId: lamp, quantity: 1 }]);
      const options = await c.admin.as.get('/admin/shipping/options');
      const idOf = (name: string) => options.body.items.find((o: any) => o.name === name).id as string;

      const beforeAddress = await cart.as.patch(`/store/carts/${cart.id}`, { shippingOptionId: idOf('SF bike') });
      expect(beforeAddress.status, beforeAddress.text).to.equal(422);
      expect(beforeAddress.body.errors[0]).to.deep.include({ pointer: '/shippingOptionId', rule: 'available' });

      const otherZone = await cart.as.patch(`/store/carts/${cart.id}`, { shippingAddress: address('US', 'NY', '10001'), shippingOptionId: idOf('SF bike') });
      expect(otherZone.status).to.equal(422);
      expect(otherZone.body.code).to.equal('CART_SHIPPING_OPTION_INVALID');
      // the refused write changed nothing, not even the address sent with it
      expect((await cart.as.get(`/store/carts/${cart.id}`)).body.shippingAddress).to.equal(null);

      const retired = await cart.as.patch(`/store/carts/${cart.id}`, { shippingAddress: address('US', 'CA', '94110'), shippingOptionId: idOf('SF drone (retired)') });
      expect(retired.status).to.equal(422);

      const chosen = await cart.as.patch(`/store/carts/${cart.id}`, { shippingAddress: address('US', 'CA', '94110'), shippingOptionId: idOf('SF bike') });
      expect(chosen.status, chosen.text).to.equal(200);
      expect(chosen.body.totals.shipping.map((s: any) => [s.name, s.amount.amount])).to.deep.equal([['SF bike', 300]]);

      // moving the address out of the zone drops the charge; checkout then asks for another option
      const moved = await cart.as.patch(`/store/carts/${cart.id}`, { shippingAddress: address('US', 'NY', '10001') });
      expect(moved.body.shippingOptionId).to.equal(idOf('SF bike'));
      expect(moved.body.totals.shipping).to.deep.equal([]);
    });
  });

  describe('rate types in the cart totals', () => {
    let zoneId: string;

    before(async () => {
      zoneId = (await zone(c, { name: 'Germany', areas: [{ countryCode: 'DE' }] })).id;
    });

    const deCart = (lines: Array<{ variantId: string; quantity: number }>, shippingOptionId?: string) =>
      cartWith(c, lines, { shippingAddress: address('DE', null, '10115'), ...(shippingOptionId ? { shippingOptionId } : {}) });

    it('prices a weight table by the cart’s weight, bounds inclusive, and leaves out a cart heavier than the last bracket', async () => {
      const parcel = await option(c, {
        zoneId,
        name: 'DHL Paket',
        rate: { type: 'weight', brackets: [{ upToGrams: 1_000, amounts: { USD: 450 } }, { upToGrams: 2_000, amounts: { USD: 900 } }] },
      });
      const brick = await weighedVariant(c, 'Brick of 250 g', 1_000, 250);
      const crumb = await weighedVariant(c, 'Crumb of 1 g', 10, 1);
      const weightless = await weighedVariant(c, 'Gift card', 5_000, null);
      const price = async (lines: Array<{ variantId: string; quantity: number }>) =>
        (await offered(await deCart(lines))).find((o) => o.id === parcel.id)?.amount.amount ?? 'not offered';

      expect(await price([{ variantId: brick, quantity: 4 }, { variantId: weightless, quantity: 3 }])).to.equal(450); // 1000 g
      expect(await price([{ variantId: brick, quantity: 4 }, { variantId: crumb, quantity: 1 }])).to.equal(900); // 1001 g
      expect(await price([{ variantId: brick, quantity: 8 }])).to.equal(900); // 2000 g
      expect(await price([{ variantId: brick, quantity: 8 }, { variantId: crumb, quantity: 1 }])).to.equal('not offered'); // 2001 g

      const cart = await deCart([{ variantId: brick, quantity: 4 }], parcel.id);
      const line = (await cart.as.get(`/store/carts/${cart.id}`)).body.lines[0];
      expect((await cart.as.get(`/store/carts/${cart.id}`)).body.totals.shippingTotal.amount).to.equal(450);
      const heavier = await cart.as.patch(`/store/carts/${cart.id}/items/${line.id}`, { quantity: 5 });
      expect(heavier.body.totals.shippingTotal.amount).to.equal(900);
    });

    it('makes an option free from its threshold: exactly at it is free, one cent below is not', async () => {
      const flat = await option(c, { zoneId, name: 'Hermes', rate: { type: 'flat', amounts: { USD: 600 } }, freeAbove: { USD: 5_000 } });
      const atThreshold = await weighedVariant(c, 'Fifty-dollar vase', 5_000, 800);
      const below = await weighedVariant(c, 'Cheaper vase', 4_999, 800);
      const charged = async (variantId: string) => (await deCart([{ variantId, quantity: 1 }], flat.id).then((cart) => cart.as.get(`/store/carts/${cart.id}`))).body.totals.shippingTotal.amount;
      expect(await charged(atThreshold)).to.equal(0);
      expect(await charged(below)).to.equal(600);
    });

    it('prices an order-value table by the goods and leaves it out below the minimum order, and checkout refuses it then', async () => {
      const tiered = await option(c, {
        zoneId,
        name: 'Spedition',
        rate: { type: 'order_value', brackets: { USD: [{ from: 3_000, amount: 1_200 }, { from: 8_000, amount: 400 }] } },
      });
      const chair = await weighedVariant(c, 'Chair', 4_000, 5_000);
      const offeredFor = async (quantity: number) => (await offered(await deCart([{ variantId: chair, quantity }]))).find((o) => o.id === tiered.id)?.amount.amount;
      expect(await offeredFor(1)).to.equal(1_200);
      expect(await offeredFor(2)).to.equal(400);

      const stool = await weighedVariant(c, 'Stool', 2_999, 2_000);
      const small = await deCart([{ variantId: stool, quantity: 1 }]);
      expect((await offered(small)).map((o) => o.id)).to.not.include(tiered.id);
      const chosen = await small.as.patch(`/store/carts/${small.id}`, { email: 'ada@example.com', billingAddress: address('DE', null, '10115'), shippingOptionId: tiered.id });
      expect(chosen.status, chosen.text).to.equal(200);
      expect(chosen.body.totals.shipping).to.deep.equal([]);
      const checkout = await small.as.post(`/store/carts/${small.id}/checkout`, { paymentMethod: 'cod' });
      expect(checkout.status, checkout.text).to.equal(422);
      expect(checkout.body.code).to.equal('CART_SHIPPING_OPTION_INVALID');
    });

    it('places an order with a zone option’s price in its totals', async () => {
      const express = await option(c, { zoneId, name: 'Express', rate: { type: 'flat', amounts: { USD: 1_500 } } });
      const kettle = await weighedVariant(c, 'Kettle', 2_500, 900);
      const cart = await deCart([{ variantId: kettle, quantity: 2 }], express.id);
      await cart.as.patch(`/store/carts/${cart.id}`, { email: 'ada@example.com', billingAddress: address('DE', null, '10115') });
      const response = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' });
      expect(response.status, response.text).to.equal(201);
      expect(response.body.order.totals.shipping.map((s: any) => [s.id, s.name, s.amount.amount])).to.deep.include([express.id, 'Express', 1_500]);
    });
  });

  describe('cash on delivery per option', () => {
    it('is not available with an option that does not allow it: the payment methods say why and checkout refuses it, writing nothing', async () => {
      const zoneId = (await zone(c, { name: 'United Kingdom', areas: [{ countryCode: 'GB' }] })).id;
      const prepaid = await option(c, { zoneId, name: 'Royal Mail Tracked', rate: { type: 'flat', amounts: { USD: 700 } }, codAllowed: false });
      const withCod = await option(c, { zoneId, name: 'Courier with cash', rate: { type: 'flat', amounts: { USD: 900 } } });
      const teapot = await weighedVariant(c, 'Teapot', 3_000, 700);
      const to = address('GB', null, 'SW1A 1AA');
      const cart = await cartWith(c, [{ variantId: teapot, quantity: 1 }], { email: 'ada@example.com', shippingAddress: to, billingAddress: to, shippingOptionId: prepaid.id });

      expect((await offered(cart)).map((o) => [o.name, o.codAllowed])).to.deep.include.members([
        ['Royal Mail Tracked', false],
        ['Courier with cash', true],
      ]);
      const methods = await cart.as.get('/store/payment-methods', { query: { cartId: cart.id } });
      expect(methods.status, methods.text).to.equal(200);
      const cod = methods.body.items.find((m: any) => m.id === 'cod');
      expect(cod).to.deep.include({ available: false, fee: null });
      expect(cod.reason).to.match(/Royal Mail Tracked/);

      const orders = async () => Number((await query<{ n: number }>(c, 'select count(*)::int as n from cw_order'))[0]!.n);
      const before = await orders();
      const refused = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' });
      expect(refused.status, refused.text).to.equal(422);
      expect(refused.body.code).to.equal('PAYMENT_METHOD_UNAVAILABLE');
      expect(refused.body.errors[0]).to.deep.include({ pointer: '/paymentMethod', rule: 'available' });
      expect(await orders()).to.equal(before);

      await cart.as.patch(`/store/carts/${cart.id}`, { shippingOptionId: withCod.id });
      const again = await cart.as.get('/store/payment-methods', { query: { cartId: cart.id } });
      expect(again.body.items.find((m: any) => m.id === 'cod')).to.deep.include({ available: true });
      const placed = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' });
      expect(placed.status, placed.text).to.equal(201);
    });

    it('is refused too when an order shipped with such an option is paid again after a declined card', async () => {
      const zoneId = (await zone(c, { name: 'France', areas: [{ countryCode: 'FR' }] })).id;
      const prepaid = await option(c, { zoneId, name: 'Colissimo Prepaid', rate: { type: 'flat', amounts: { USD: 650 } }, codAllowed: false });
      const vase = await weighedVariant(c, 'Vase', 4_000, 900);
      const to = address('FR', null, '75001');
      const cart = await cartWith(c, [{ variantId: vase, quantity: 1 }], { email: 'lin@example.com', shippingAddress: to, billingAddress: to, shippingOptionId: prepaid.id });
      const placed = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'card' });
      expect(placed.status, placed.text).to.equal(201);
      expect(placed.body.payment.failure).to.deep.include({ reason: 'card_declined' });
      const buyer = c.store.client.with({ 'x-order-token': placed.body.orderToken });

      const retried = await buyer.post(`/store/orders/${placed.body.order.id}/payments`, { method: 'cod' });
      expect(retried.status, retried.text).to.equal(422);
      expect(retried.body.code).to.equal('PAYMENT_METHOD_UNAVAILABLE');
      expect(retried.body.errors[0]).to.deep.include({ pointer: '/method', rule: 'available' });
      expect(retried.body.detail).to.match(/Colissimo Prepaid/);
      const order = await buyer.get(`/store/orders/${placed.body.order.id}`);
      expect(order.body).to.deep.include({ status: 'pending', paymentStatus: 'not_paid' });
    });
  });

  describe('carrier-calculated options', () => {
    let carrierOption: string;
    let parcel: string;

    before(async () => {
      const zoneId = (await zone(c, { name: 'Benelux', areas: [{ countryCode: 'NL' }, { countryCode: 'BE' }] })).id;
      carrierOption = (await option(c, { zoneId, name: 'ParcelCo Ground', rate: { type: 'carrier', carrierId: 'parcelco', service: 'ground', markup: { percent: 10 } } })).id;
      parcel = await weighedVariant(c, 'Parcel of 400 g', 1_500, 400);
    });

    it('asks the carrier with the origin, the address and the parcel weight, adds the markup, and keeps the quote for the cart', async () => {
      c.carrier.failing = false;
      c.carrier.base = 300;
      c.carrier.calls = [];
      const cart = await cartWith(c, [{ variantId: parcel, quantity: 2 }], { shippingAddress: address('NL', null, '1012 AB') });
      const offer = (await offered(cart)).find((o) => o.id === carrierOption);
      // (300 + 800 g) + 10 %
      expect(offer).to.deep.include({ name: 'ParcelCo Ground', amount: { amount: 1_210, currencyCode: 'USD' }, minDays: 3, maxDays: 5 });
      expect(c.carrier.calls).to.have.length(1);
      expect(c.carrier.calls[0]).to.deep.include({ parcel: { weightGrams: 800 }, currencyCode: 'USD' });
      expect(c.carrier.calls[0]!.from).to.deep.include({ postalCode: '94607', countryCode: 'US' });
      expect(c.carrier.calls[0]!.to).to.deep.include({ postalCode: '1012 AB', countryCode: 'NL', name: 'Ada Lovelace' });

      await offered(cart);
      expect(c.carrier.calls, 'a second listing uses the kept quote').to.have.length(1);

      const chosen = await cart.as.patch(`/store/carts/${cart.id}`, { email: 'ada@example.com', billingAddress: address('NL', null, '1012 AB'), shippingOptionId: carrierOption });
      expect(chosen.status, chosen.text).to.equal(200);
      expect(chosen.body.totals.shippingTotal.amount).to.equal(1_210);

      // the carrier's price moves, but the cart keeps what the shopper was shown, through to the order
      c.carrier.base = 5_000;
      expect((await cart.as.get(`/store/carts/${cart.id}`)).body.totals.shippingTotal.amount).to.equal(1_210);
      expect(c.carrier.calls).to.have.length(1);
      const placed = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' });
      expect(placed.status, placed.text).to.equal(201);
      expect(placed.body.order.totals.shipping.map((s: any) => [s.id, s.amount.amount])).to.deep.include([carrierOption, 1_210]);
      expect(c.carrier.calls).to.have.length(1);
    });

    it('needs a new quote once the parcel’s weight or the postal code changes', async () => {
      c.carrier.failing = false;
      c.carrier.base = 300;
      c.carrier.calls = [];
      const cart = await cartWith(c, [{ variantId: parcel, quantity: 1 }], { shippingAddress: address('BE', null, '1000') });
      expect((await offered(cart)).find((o) => o.id === carrierOption)?.amount.amount).to.equal(770); // (300 + 400) + 10 %
      const chosen = await cart.as.patch(`/store/carts/${cart.id}`, { shippingOptionId: carrierOption });
      expect(chosen.body.totals.shippingTotal.amount).to.equal(770);

      c.carrier.base = 1_000;
      const line = chosen.body.lines[0];
      const heavier = await cart.as.patch(`/store/carts/${cart.id}/items/${line.id}`, { quantity: 2 });
      expect(heavier.body.totals.shipping, 'the old quote was for 400 g').to.deep.equal([]);
      expect((await offered(cart)).find((o) => o.id === carrierOption)?.amount.amount).to.equal(1_980); // (1000 + 800) + 10 %
      expect((await cart.as.get(`/store/carts/${cart.id}`)).body.totals.shippingTotal.amount).to.equal(1_980);
      expect(c.carrier.calls).to.have.length(2);

      const moved = await cart.as.patch(`/store/carts/${cart.id}`, { shippingAddress: address('BE', null, '2000') });
      expect(moved.body.totals.shipping, 'the quote was for another postal code').to.deep.equal([]);
      expect((await offered(cart)).find((o) => o.id === carrierOption)?.amount.amount).to.equal(1_980);
      expect(c.carrier.calls.at(-1)!.to).to.deep.include({ postalCode: '2000' });
      expect((await cart.as.get(`/store/carts/${cart.id}`)).body.totals.shippingTotal.amount).to.equal(1_980);
    });

    it('leaves the option out, without an error, when the carrier fails', async () => {
      c.carrier.failing = true;
      const cart = await cartWith(c, [{ variantId: parcel, quantity: 1 }], { shippingAddress: address('NL', null, '3011 AA') });
      const response = await cart.as.get(`/store/carts/${cart.id}/shipping-options`);
      expect(response.status, response.text).to.equal(200);
      expect(response.body.items.map((o: any) => o.id)).to.deep.equal(['standard']);
      const chosen = await cart.as.patch(`/store/carts/${cart.id}`, { shippingOptionId: carrierOption });
      expect(chosen.status).to.equal(422);
      expect(chosen.body.errors[0].pointer).to.equal('/shippingOptionId');
      c.carrier.failing = false;
    });
  });
});
