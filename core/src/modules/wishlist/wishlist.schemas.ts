import { Type, type Static } from 'typebox';
import { ProductSchemas } from '../catalog/index.ts';

const VariantId = Type.String({ minLength: 1, maxLength: 64 });
const CurrencyCode = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code; the store\'s default currency when absent' });

export const WishlistListQuery = Type.Object(
  {
    currency: Type.Optional(CurrencyCode),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'From `nextCursor`; when sent, `offset` is ignored' })),
  },
  { additionalProperties: false },
);

export const WishlistCurrencyQuery = Type.Object({ currency: Type.Optional(CurrencyCode) }, { additionalProperties: false });

export const AddToWishlistBody = Type.Object({ variantId: VariantId }, { additionalProperties: false });

export const WishlistItemParams = Type.Object({ variantId: VariantId });

export const WishlistItemView = Type.Object({
  variantId: Type.String(),
  productId: Type.String(),
  productTitle: Type.String(),
  productSlug: Type.String(),
  variantTitle: Type.String(),
  sku: Type.String(),
  options: Type.Record(Type.String(), Type.String()),
  thumbnail: Type.Union([ProductSchemas.ImageView, Type.Null()]),
  /** The price now, in the requested currency; `null` when there is none there or the variant is off sale. */
  price: Type.Union([
    Type.Object({ amount: Type.Integer(), currencyCode: Type.String(), compareAtAmount: Type.Union([Type.Integer(), Type.Null()]) }),
    Type.Null(),
  ]),
  availability: Type.Union([Type.Literal('available'), Type.Literal('unavailable')]),
  /** How many can be bought now; `null` when the store does not track this variant's stock. */
  availableQuantity: Type.Union([Type.Integer(), Type.Null()]),
  /** Published, and neither the product nor the variant deleted. */
  onSale: Type.Boolean(),
  addedAt: Type.String({ format: 'date-time' }),
});
export type WishlistItemView = Static<typeof WishlistItemView>;

export const WishlistItemEnvelope = Type.Object({ item: WishlistItemView });

export const WishlistPage = Type.Object({ items: Type.Array(WishlistItemView), count: Type.Integer(), nextCursor: Type.Optional(Type.String()) });
