import { Type } from 'typebox';
import { defineRoute } from '../../kernel/http/route.ts';
import { loadVariantsForSale, ProductSchemas } from '../catalog/index.ts';
import { cartCallerOf } from '../carts/index.ts';
import { carrierAddressOf } from './carriers/index.ts';

const ShippingOfferView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  amount: ProductSchemas.MoneyView,
  minDays: Type.Union([Type.Integer(), Type.Null()]),
  maxDays: Type.Union([Type.Integer(), Type.Null()]),
  /** Whether cash on delivery may be chosen with this option. */
  codAllowed: Type.Boolean(),
});

/** `/store/carts/:id/shipping-options`. */
export const shippingRoutes = [
  defineRoute({
    method: 'GET',
    path: '/:id/shipping-options',
    summary: 'The shipping options the cart may choose, priced for it',
    description:
      'The options of the shipping zone the cart’s address belongs to and the store’s flat rates for its country (only the flat rates before an ' +
      'address is set), each priced in the cart currency for the goods after discounts and their weight; a carrier-calculated option is priced by ' +
      'the carrier and that price is kept for the cart for 30 minutes. Options that do not apply (too heavy, below a minimum order, no price in the ' +
      'currency, the carrier could not price it) are left out. Same access rules as the cart.',
    tags: ['cart'],
    schema: { params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }), response: { 200: Type.Object({ items: Type.Array(ShippingOfferView) }) } },
    handler: async ({ actor, headers, params, cradle }) => {
      const cart = await cradle.cartService.view(cartCallerOf(actor, headers), params.id);
      const buyable = cart.lines.filter((line) => line.availability !== 'unavailable');
      const variants = await loadVariantsForSale(cradle, cradle.em, buyable.map((line) => line.variantId), cart.currencyCode);
      const address = cart.shippingAddress;
      const offers = await cradle.shippingOffers.offers(
        cradle.em,
        {
          cartId: cart.id,
          currencyCode: cart.currencyCode,
          destination: address ? { countryCode: address.countryCode, region: address.region ?? null, postalCode: address.postalCode } : null,
          address: address ? carrierAddressOf(address, cart.email) : null,
          goodsAmount: cart.totals.subtotal.amount - cart.totals.discountTotal.amount,
          weightGrams: buyable.reduce((sum, line) => sum + (variants.get(line.variantId)?.weightGrams ?? 0) * line.quantity, 0),
        },
        cradle.carrierQuotes,
      );
      return {
        items: offers.map((o) => ({
          id: o.id,
          name: o.name,
          amount: { amount: o.amount, currencyCode: o.currencyCode },
          minDays: o.minDays,
          maxDays: o.maxDays,
          codAllowed: o.codAllowed,
        })),
      };
    },
  }),
];
