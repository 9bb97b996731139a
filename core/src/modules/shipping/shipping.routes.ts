import { Type } from 'typebox';
import { defineRoute } from '../../kernel/http/route.ts';
import { ProductSchemas } from '../catalog/index.ts';
import { cartCallerOf } from '../carts/index.ts';

const ShippingOfferView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  amount: ProductSchemas.MoneyView,
  minDays: Type.Union([Type.Integer(), Type.Null()]),
  maxDays: Type.Union([Type.Integer(), Type.Null()]),
});

/** `/store/carts/:id/shipping-options`. */
export const shippingRoutes = [
  defineRoute({
    method: 'GET',
    path: '/:id/shipping-options',
    summary: 'The shipping options the cart may choose, priced for it',
    description:
      'Options for the shipping address’s country (every option before an address is set) with a price in the cart currency; ' +
      'free-shipping thresholds are compared with the goods after discounts. Same access rules as the cart.',
    tags: ['cart'],
    schema: { params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }), response: { 200: Type.Object({ items: Type.Array(ShippingOfferView) }) } },
    handler: async ({ actor, headers, params, cradle }) => {
      const cart = await cradle.cartService.view(cartCallerOf(actor, headers), params.id);
      const offers = cradle.flatRateShipping.offers({
        currencyCode: cart.currencyCode,
        countryCode: cart.shippingAddress?.countryCode ?? null,
        goodsAmount: cart.totals.subtotal.amount - cart.totals.discountTotal.amount,
      });
      return {
        items: offers.map((o) => ({ id: o.id, name: o.name, amount: { amount: o.amount, currencyCode: o.currencyCode }, minDays: o.minDays, maxDays: o.maxDays })),
      };
    },
  }),
];
