import { Type, type Static } from 'typebox';
import { SLUG_PATTERN, MAX_SLUG_LENGTH } from '../../kernel/slug.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const CurrencyCode = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' });
/** Minor units (cents): never a float. */
const Amount = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Integer amount in the currency\'s minor unit' });
const Slug = Type.String({ pattern: SLUG_PATTERN, maxLength: MAX_SLUG_LENGTH });
const Millimetres = Type.Integer({ minimum: 0, maximum: 100_000 });
/** The same rule as the check on `cw_product.tax_class`, so a bad class is refused with its field rather than by the database. */
export const TAX_CLASS_PATTERN = '^[a-z0-9][a-z0-9_-]*$';
export const MAX_TAX_CLASS_LENGTH = 64;
const TaxClass = Type.String({ pattern: TAX_CLASS_PATTERN, maxLength: MAX_TAX_CLASS_LENGTH });

export const ProductStatus = Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('archived')]);
export type ProductStatus = Static<typeof ProductStatus>;

export const PriceInput = Type.Object({
  currencyCode: CurrencyCode,
  amount: Amount,
  compareAtAmount: Type.Optional(Type.Union([Amount, Type.Null()])),
});
export type PriceInput = Static<typeof PriceInput>;

const VariantFields = {
  sku: Type.String({ minLength: 1, maxLength: 100, pattern: '^\\S(.*\\S)?$', description: 'Unique across the store, case-insensitively' }),
  barcode: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
  /** Option name → value, one for each of the product's options. */
  options: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Type.String({ minLength: 1, maxLength: 100 }))),
  weightGrams: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 10_000_000 }), Type.Null()])),
  lengthMm: Type.Optional(Type.Union([Millimetres, Type.Null()])),
  widthMm: Type.Optional(Type.Union([Millimetres, Type.Null()])),
  heightMm: Type.Optional(Type.Union([Millimetres, Type.Null()])),
  prices: Type.Optional(Type.Array(PriceInput, { maxItems: 50 })),
};

export const VariantInput = Type.Object(VariantFields);
export type VariantInput = Static<typeof VariantInput>;
export const VariantPatch = Type.Partial(Type.Object(VariantFields));
export type VariantPatch = Static<typeof VariantPatch>;

export const OptionInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  values: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 100, uniqueItems: true }),
});
export type OptionInput = Static<typeof OptionInput>;

const AttributeValue = Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Boolean()]);

const ProductFields = {
  title: Type.String({ minLength: 1, maxLength: 300 }),
  slug: Slug,
  descriptionMarkdown: Type.String({ maxLength: 100_000 }),
  status: ProductStatus,
  brandId: Type.Union([Id, Type.Null()]),
  categoryIds: Type.Array(Id, { maxItems: 50, uniqueItems: true }),
  tagIds: Type.Array(Id, { maxItems: 100, uniqueItems: true }),
  /** Attribute code → value, typed by the attribute's definition; `null` removes a value. */
  attributes: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]*$' }), Type.Union([AttributeValue, Type.Null()])),
  featured: Type.Boolean(),
  metaTitle: Type.Union([Type.String({ maxLength: 300 }), Type.Null()]),
  metaDescription: Type.Union([Type.String({ maxLength: 500 }), Type.Null()]),
  /** Staff only: the vendor that sells this product. Vendors' own products are always theirs. */
  vendorId: Type.Union([Id, Type.Null()]),
  options: Type.Array(OptionInput, { maxItems: 10 }),
  /** Selects the tax rates configured for this class (`tax.rates[].taxClass`); `null`: the store's `tax.defaultTaxClass`. */
  taxClass: Type.Union([TaxClass, Type.Null()]),
};

export const CreateProductBody = Type.Object({
  ...Type.Partial(Type.Object(ProductFields)).properties,
  title: ProductFields.title,
  /** At least one; a product without options has exactly one (its default variant). */
  variants: Type.Array(VariantInput, { minItems: 1, maxItems: 500 }),
});
export type CreateProductBody = Static<typeof CreateProductBody>;

/** Only the fields sent change. `options` replaces the option list (values in use cannot go). */
export const UpdateProductBody = Type.Partial(Type.Object(ProductFields));
export type UpdateProductBody = Static<typeof UpdateProductBody>;

export const ImageInput = Type.Object({
  mediaId: Id,
  alt: Type.Optional(Type.String({ maxLength: 300 })),
  /** Show this image for these variants (their own gallery); none: a product image. */
  variantIds: Type.Optional(Type.Array(Id, { maxItems: 500, uniqueItems: true })),
});
export type ImageInput = Static<typeof ImageInput>;

export const SetImagesBody = Type.Object({ images: Type.Array(ImageInput, { maxItems: 100 }) });

// ---- views ----

export const MoneyView = Type.Object({ amount: Type.Integer(), currencyCode: Type.String() });

export const PriceView = Type.Object({
  amount: Type.Integer(),
  currencyCode: Type.String(),
  compareAtAmount: Type.Union([Type.Integer(), Type.Null()]),
  /** True when the store has no price in this currency and converted the default one at its exchange rate. */
  converted: Type.Boolean(),
});

const Rendition = Type.Object({ width: Type.Integer(), height: Type.Integer(), format: Type.String(), url: Type.String() });

export const ImageView = Type.Object({
  id: Type.String(),
  mediaId: Type.String(),
  alt: Type.String(),
  position: Type.Integer(),
  url: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  mimeType: Type.String(),
  sizes: Type.Array(Rendition),
  variantIds: Type.Array(Type.String()),
});
export type ImageView = Static<typeof ImageView>;

const Summary = Type.Object({ id: Type.String(), name: Type.String(), slug: Type.String() });

export const Availability = Type.Object({
  available: Type.Boolean(),
  /** How many can be bought now; `null` when the store does not track this variant's stock. */
  quantity: Type.Union([Type.Integer(), Type.Null()]),
});

export const VariantView = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  barcode: Type.Union([Type.String(), Type.Null()]),
  title: Type.String(),
  options: Type.Record(Type.String(), Type.String()),
  weightGrams: Type.Union([Type.Integer(), Type.Null()]),
  lengthMm: Type.Union([Type.Integer(), Type.Null()]),
  widthMm: Type.Union([Type.Integer(), Type.Null()]),
  heightMm: Type.Union([Type.Integer(), Type.Null()]),
  /** The price in the requested currency, or `null` when there is none (and no exchange rate). */
  price: Type.Union([PriceView, Type.Null()]),
  availability: Availability,
});

export const AdminVariantView = Type.Object({
  ...VariantView.properties,
  /** Every price the variant has, one per currency. */
  prices: Type.Array(Type.Object({ currencyCode: Type.String(), amount: Type.Integer(), compareAtAmount: Type.Union([Type.Integer(), Type.Null()]) })),
});

const AttributeView = Type.Object({
  code: Type.String(),
  name: Type.String(),
  type: Type.String(),
  unit: Type.Union([Type.String(), Type.Null()]),
  value: Type.Union([Type.String(), Type.Number(), Type.Boolean()]),
});

const ProductCommon = {
  id: Type.String(),
  title: Type.String(),
  slug: Type.String(),
  descriptionHtml: Type.String(),
  brand: Type.Union([Summary, Type.Null()]),
  categories: Type.Array(Summary),
  tags: Type.Array(Summary),
  attributes: Type.Array(AttributeView),
  options: Type.Array(Type.Object({ name: Type.String(), values: Type.Array(Type.String()) })),
  images: Type.Array(ImageView),
  featured: Type.Boolean(),
  metaTitle: Type.Union([Type.String(), Type.Null()]),
  metaDescription: Type.Union([Type.String(), Type.Null()]),
  /** Lowest and highest variant price in the requested currency. */
  priceRange: Type.Union([Type.Object({ min: MoneyView, max: MoneyView }), Type.Null()]),
  available: Type.Boolean(),
  rating: Type.Object({ average: Type.Union([Type.Number(), Type.Null()]), count: Type.Integer() }),
  vendorId: Type.Union([Type.String(), Type.Null()]),
  publishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
};

export const StoreProductView = Type.Object({ ...ProductCommon, variants: Type.Array(VariantView) });
export type StoreProductView = Static<typeof StoreProductView>;

export const AdminProductView = Type.Object({
  ...ProductCommon,
  status: ProductStatus,
  descriptionMarkdown: Type.String(),
  /** `null`: the store's default tax class. Admin only: shoppers meet its effect in the tax at checkout. */
  taxClass: Type.Union([Type.String(), Type.Null()]),
  variants: Type.Array(AdminVariantView),
  /** Earlier slugs that redirect to this product. */
  previousSlugs: Type.Array(Type.String()),
  deletedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type AdminProductView = Static<typeof AdminProductView>;

export const ProductListItem = Type.Object({
  id: Type.String(),
  title: Type.String(),
  slug: Type.String(),
  brand: Type.Union([Summary, Type.Null()]),
  thumbnail: Type.Union([ImageView, Type.Null()]),
  priceRange: Type.Union([Type.Object({ min: MoneyView, max: MoneyView }), Type.Null()]),
  /** The highest compare-at price among the variants, to show a strike-through. */
  compareAtAmount: Type.Union([Type.Integer(), Type.Null()]),
  available: Type.Boolean(),
  featured: Type.Boolean(),
  rating: Type.Object({ average: Type.Union([Type.Number(), Type.Null()]), count: Type.Integer() }),
  createdAt: Type.String({ format: 'date-time' }),
});
export type ProductListItem = Static<typeof ProductListItem>;

export const AdminProductListItem = Type.Object({
  ...ProductListItem.properties,
  status: ProductStatus,
  vendorId: Type.Union([Type.String(), Type.Null()]),
  variantCount: Type.Integer(),
  updatedAt: Type.String({ format: 'date-time' }),
  deletedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type AdminProductListItem = Static<typeof AdminProductListItem>;

export const ProductSort = Type.Union(
  [Type.Literal('newest'), Type.Literal('price_asc'), Type.Literal('price_desc'), Type.Literal('name'), Type.Literal('popularity'), Type.Literal('rating')],
  { default: 'newest' },
);

/** `attr.<code>` (any of comma-separated values) and, for number attributes, `attr.<code>.min` / `attr.<code>.max`. */
export const ATTRIBUTE_FILTER_KEY = '^attr\\.[a-z][a-z0-9_]*(\\.(min|max))?$';

const CommaList = Type.String({ minLength: 1, maxLength: 2000, description: 'One value or several, comma-separated (any of them matches)' });

export const StoreProductListQuery = Type.Object({
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Category id or slug; its descendants are included' })),
  brand: Type.Optional(CommaList),
  tag: Type.Optional(CommaList),
  collection: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  priceMin: Type.Optional(Type.Integer({ minimum: 0 })),
  priceMax: Type.Optional(Type.Integer({ minimum: 0 })),
  currency: Type.Optional(CurrencyCode),
  rating: Type.Optional(Type.Number({ minimum: 0, maximum: 5, description: 'Minimum average rating' })),
  inStock: Type.Optional(Type.Boolean()),
  featured: Type.Optional(Type.Boolean()),
  sort: Type.Optional(ProductSort),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
}, {
  additionalProperties: false,
  patternProperties: { [ATTRIBUTE_FILTER_KEY]: Type.String({ minLength: 1, maxLength: 500 }) },
});

export const ProductDetailQuery = Type.Object({ currency: Type.Optional(CurrencyCode) });

export const PageOf = <T extends ReturnType<typeof Type.Object>>(item: T) =>
  Type.Object({ items: Type.Array(item), count: Type.Integer(), nextCursor: Type.Optional(Type.String()) });
