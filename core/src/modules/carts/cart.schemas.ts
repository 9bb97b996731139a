import { Type, type Static } from 'typebox';
import { PostalAddressInput, PostalAddressView } from '../addresses/address.schema.ts';
import { ProductSchemas } from '../catalog/index.ts';

const { MoneyView, ImageView, PriceView } = ProductSchemas;
const Id = Type.String({ minLength: 1, maxLength: 64 });
const CurrencyCode = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217; one the store sells in' });
const Email = Type.String({ minLength: 3, maxLength: 320, description: 'Checked and lower-cased by the cart' });

export const CartParams = Type.Object({ id: Id });
export const CartLineParams = Type.Object({ id: Id, itemId: Id });

export const CreateCartBody = Type.Object({
  currencyCode: Type.Optional(CurrencyCode),
  email: Type.Optional(Email),
});

export const AddItemBody = Type.Object({
  variantId: Id,
  quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  fromWishlist: Type.Optional(Type.Boolean({ description: 'Also take the variant off the wishlist, in the same change ("move to cart")' })),
});
export type AddItemBody = Static<typeof AddItemBody>;

export const ChangeItemBody = Type.Object({ quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }) });

export const UpdateCartBody = Type.Object({
  email: Type.Optional(Type.Union([Email, Type.Null()])),
  currencyCode: Type.Optional(CurrencyCode),
  shippingAddress: Type.Optional(Type.Union([PostalAddressInput, Type.Null()])),
  billingAddress: Type.Optional(Type.Union([PostalAddressInput, Type.Null()])),
  /** One of `GET /store/carts/:id/shipping-options`; null clears it. */
  shippingOptionId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
});
export type UpdateCartBody = Static<typeof UpdateCartBody>;

export const LineAvailability = Type.Union([Type.Literal('available'), Type.Literal('insufficient'), Type.Literal('unavailable')]);
export type LineAvailability = Static<typeof LineAvailability>;

const TaxView = Type.Object({ rateId: Type.String(), name: Type.String(), rate: Type.String(), amount: MoneyView });
const DiscountView = Type.Object({ source: Type.String(), label: Type.String(), amount: MoneyView });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const CartLineView = Type.Object({
  id: Type.String(),
  variantId: Type.String(),
  productId: Nullable(Type.String()),
  productTitle: Nullable(Type.String()),
  productSlug: Nullable(Type.String()),
  variantTitle: Nullable(Type.String()),
  sku: Nullable(Type.String()),
  options: Type.Record(Type.String(), Type.String()),
  /** The vendor selling it (marketplaces); null for the store's own products. */
  vendorId: Nullable(Type.String()),
  /** The product's tax class; null: the store's default. */
  taxClass: Nullable(Type.String()),
  thumbnail: Nullable(ImageView),
  quantity: Type.Integer(),
  /** The catalog's price now; null when the line cannot be bought. */
  unitPrice: Nullable(PriceView),
  /** `available`: can be bought as is; `insufficient`: fewer are in stock than the line asks for; `unavailable`: cannot be bought at all. */
  availability: LineAvailability,
  /** How many can be bought now; null when stock is not counted or backorders are allowed. */
  availableQuantity: Nullable(Type.Integer()),
  subtotal: Nullable(MoneyView),
  discount: Nullable(MoneyView),
  discounts: Type.Array(DiscountView),
  tax: Nullable(MoneyView),
  taxes: Type.Array(TaxView),
  /** What the shopper pays for the line; null for an unavailable line (left out of the totals). */
  total: Nullable(MoneyView),
});

export const CartTotalsView = Type.Object({
  currencyCode: Type.String(),
  pricesIncludeTax: Type.Boolean(),
  /** Where tax was worked out for: the shipping address, the store's estimate, or nowhere yet (no tax shown). */
  taxBasis: Type.Union([Type.Literal('shipping_address'), Type.Literal('estimate'), Type.Literal('none')]),
  subtotal: MoneyView,
  discountTotal: MoneyView,
  shippingTotal: MoneyView,
  taxTotal: MoneyView,
  total: MoneyView,
  taxes: Type.Array(TaxView),
  discounts: Type.Array(DiscountView),
  /** Shipping, and charges taxed like it (a payment method's fee at checkout). */
  shipping: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), amount: MoneyView, tax: MoneyView, taxes: Type.Array(TaxView), total: MoneyView })),
});

export const CartView = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('merged'), Type.Literal('completed'), Type.Literal('expired')]),
  /** Send it back in `If-Match` to refuse a change when someone else changed the cart first. */
  version: Type.Integer(),
  customerId: Nullable(Type.String()),
  /** Where a merged guest cart's lines went. */
  mergedInto: Nullable(Type.String()),
  currencyCode: Type.String(),
  email: Nullable(Type.String()),
  shippingAddress: Nullable(PostalAddressView),
  billingAddress: Nullable(PostalAddressView),
  shippingOptionId: Nullable(Type.String()),
  /** The order a completed cart became. */
  orderId: Nullable(Type.String()),
  lines: Type.Array(CartLineView),
  /** Units over all lines. */
  itemCount: Type.Integer(),
  /** Whether every line can be bought as it is. */
  purchasable: Type.Boolean(),
  totals: CartTotalsView,
  createdAt: Type.String(),
  updatedAt: Type.String(),
  /** A guest cart's token, shown once, when the cart is created: send it as `X-Cart-Token`. */
  token: Type.Optional(Type.String()),
});
export type CartView = Static<typeof CartView>;
export type CartLineView = Static<typeof CartLineView>;
