import { Type, type TSchema } from 'typebox';
import { SLUG_PATTERN } from '../../kernel/slug.ts';
import { Pagination } from '../audit/index.ts';
import { ATTRIBUTE_CODE_PATTERN, MAX_TEXT_ATTRIBUTE_LENGTH } from './attribute-rules.ts';
import { MAX_CATEGORY_DEPTH } from './category.service.ts';
import { MAX_COLLECTION_PRODUCTS } from './collection.service.ts';

/** The request and response schemas of categories, brands, tags, collections and attribute definitions. */

/** A name must hold something other than spaces; it is stored trimmed. */
const Name = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });
const Slug = (maxLength: number) =>
  Type.String({
    minLength: 1,
    maxLength,
    pattern: SLUG_PATTERN,
    description: 'Lower-case letters and digits in words joined by single hyphens (`summer-dresses`). Generated from the name when left out.',
  });
const Description = Type.Union([Type.String({ maxLength: 5000 }), Type.Null()], { description: 'Plain text or Markdown; blank is stored as null' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Timestamp = Type.String({ format: 'date-time' });
const Id = Type.String({ minLength: 1, maxLength: 64 });

export const IdParams = Type.Object({ id: Id });
export const IdOrSlugParams = Type.Object({ idOrSlug: Type.String({ minLength: 1, maxLength: 200, description: 'The id or the slug' }) });

export const NameSearchQuery = Type.Object({
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Case-insensitive substring of the name' })),
  ...Pagination,
});

const list = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), count: Type.Integer({ description: 'How many match, over all pages' }) });

// ---- categories ----

export const CreateCategoryBody = Type.Object({
  name: Name(200),
  slug: Type.Optional(Slug(200)),
  description: Type.Optional(Description),
  parentId: Type.Optional(Nullable(Id)),
  position: Type.Optional(Type.Integer({ minimum: 0, description: 'Place among the siblings, from 0; the end when left out or past it' })),
});

export const UpdateCategoryBody = Type.Object(
  { name: Type.Optional(Name(200)), slug: Type.Optional(Slug(200)), description: Type.Optional(Description) },
  { minProperties: 1, description: 'Use POST /admin/categories/:id/move to change the parent or position' },
);

export const MoveCategoryBody = Type.Object({
  parentId: Nullable(Id),
  position: Type.Optional(Type.Integer({ minimum: 0, description: 'Place among the new siblings, from 0; the end when left out or past it' })),
});

export const CategoryListQuery = Type.Object({
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Case-insensitive substring of the name' })),
  parentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only the children of this category; `root` for the top level' })),
  ...Pagination,
});

export const CategoryView = Type.Object({
  id: Type.String(),
  parentId: Nullable(Type.String()),
  name: Type.String(),
  slug: Type.String(),
  description: Nullable(Type.String()),
  path: Type.String({ description: 'Ancestor ids and its own, `/cat_a/cat_b/`' }),
  depth: Type.Integer({ description: '0 for a top-level category' }),
  position: Type.Integer({ description: 'Place among its siblings, from 0' }),
  productCount: Type.Optional(Type.Integer({ description: 'Products linked to this category itself (not its subcategories)' })),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const CategoryList = list(CategoryView);

const StoreCategoryFields = {
  id: Type.String(),
  name: Type.String(),
  slug: Type.String(),
  description: Nullable(Type.String()),
};
export const StoreCategory = Type.Object(StoreCategoryFields);

/** The nested tree, spelled out level by level (MAX_CATEGORY_DEPTH levels) so the response stays shaped by its schema. */
function treeNode(level: number): TSchema {
  const children = level + 1 < MAX_CATEGORY_DEPTH ? Type.Array(treeNode(level + 1)) : Type.Array(Type.Object({}), { maxItems: 0 });
  return Type.Object({ ...StoreCategoryFields, children });
}
/** Nested (`children`), or with `?flat=true` flat in tree order (`parentId`, `depth`, `position`, no `children`). */
export const StoreCategoryTree = Type.Object({
  items: Type.Array(
    Type.Object({
      ...StoreCategoryFields,
      parentId: Type.Optional(Nullable(Type.String({ description: 'Flat list only' }))),
      depth: Type.Optional(Type.Integer({ description: 'Flat list only' })),
      position: Type.Optional(Type.Integer({ description: 'Flat list only' })),
      children: Type.Optional(Type.Array(treeNode(1), { description: 'Nested tree only: the subcategories in order' })),
    }),
  ),
  count: Type.Integer({ description: 'How many categories the whole tree holds' }),
});
export const StoreCategoryTreeQuery = Type.Object({
  flat: Type.Optional(Type.Boolean({ default: false, description: 'A flat list (with parentId, depth, position) in tree order instead of nested children' })),
});
export const StoreCategoryDetail = Type.Object({
  ...StoreCategoryFields,
  parentId: Nullable(Type.String()),
  depth: Type.Integer(),
  ancestors: Type.Array(StoreCategory, { description: 'From the top level down to the parent: the breadcrumb' }),
  children: Type.Array(StoreCategory, { description: 'Direct subcategories in order' }),
});

// ---- brands ----

export const CreateBrandBody = Type.Object({
  name: Name(200),
  slug: Type.Optional(Slug(200)),
  description: Type.Optional(Description),
  logoMediaId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'An uploaded media file (POST /admin/media)' }))),
});
export const UpdateBrandBody = Type.Partial(CreateBrandBody, { minProperties: 1 });
export const BrandView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  slug: Type.String(),
  description: Nullable(Type.String()),
  logoMediaId: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const BrandList = list(BrandView);
export const StoreBrand = Type.Object({ id: Type.String(), name: Type.String(), slug: Type.String(), description: Nullable(Type.String()), logoMediaId: Nullable(Type.String()) });
export const StoreBrandList = list(StoreBrand);

// ---- tags ----

export const CreateTagBody = Type.Object({ name: Name(100), slug: Type.Optional(Slug(100)) });
export const UpdateTagBody = Type.Partial(CreateTagBody, { minProperties: 1 });
export const TagView = Type.Object({ id: Type.String(), name: Type.String(), slug: Type.String(), createdAt: Timestamp });
export const TagList = list(TagView);
export const StoreTag = Type.Object({ id: Type.String(), name: Type.String(), slug: Type.String() });
export const StoreTagList = list(StoreTag);

// ---- collections ----

export const CreateCollectionBody = Type.Object({ title: Name(200), slug: Type.Optional(Slug(200)), description: Type.Optional(Description) });
export const UpdateCollectionBody = Type.Partial(CreateCollectionBody, { minProperties: 1 });
export const CollectionView = Type.Object({
  id: Type.String(),
  title: Type.String(),
  slug: Type.String(),
  description: Nullable(Type.String()),
  productCount: Type.Optional(Type.Integer({ description: 'Products listed that are not deleted' })),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const CollectionDetail = Type.Object({ ...CollectionView.properties, productIds: Type.Array(Type.String(), { description: 'In display order' }) });
export const CollectionList = list(CollectionView);
export const SetCollectionProductsBody = Type.Object({
  productIds: Type.Array(Id, { maxItems: MAX_COLLECTION_PRODUCTS, uniqueItems: true, description: 'The whole list, in display order; [] empties it' }),
});
export const CollectionProducts = Type.Object({ productIds: Type.Array(Type.String()) });
export const StoreCollection = Type.Object({
  id: Type.String(),
  title: Type.String(),
  slug: Type.String(),
  description: Nullable(Type.String()),
  productIds: Type.Array(Type.String(), { description: 'Published products, in display order' }),
});

// ---- attribute definitions ----

const AttributeTypeSchema = Type.Union(
  [Type.Literal('text'), Type.Literal('number'), Type.Literal('boolean'), Type.Literal('enum')],
  { description: `text (up to ${MAX_TEXT_ATTRIBUTE_LENGTH} characters), number, boolean, or enum (one of enumValues)` },
);
const EnumValues = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  maxItems: 500,
  description: 'Required (at least one, each once) for enum attributes; not allowed for other types',
});
const Unit = Nullable(Type.String({ maxLength: 20, description: 'Shown after number values, e.g. `cm`, `kg`, `mAh`' }));

export const CreateAttributeBody = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 64, pattern: ATTRIBUTE_CODE_PATTERN, description: 'Lower case, digits and underscores, starting with a letter; cannot change later' }),
  name: Name(200),
  type: AttributeTypeSchema,
  enumValues: Type.Optional(EnumValues),
  unit: Type.Optional(Unit),
  filterable: Type.Optional(Type.Boolean({ description: 'Offered as a storefront filter and search facet' })),
});
export const UpdateAttributeBody = Type.Object(
  {
    name: Type.Optional(Name(200)),
    type: Type.Optional(AttributeTypeSchema),
    enumValues: Type.Optional(EnumValues),
    unit: Type.Optional(Unit),
    filterable: Type.Optional(Type.Boolean()),
  },
  { minProperties: 1, description: 'The code cannot change. The type cannot change once products have values; enum values in use cannot be removed.' },
);
export const AttributeListQuery = Type.Object({
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Case-insensitive substring of the code or the name' })),
  type: Type.Optional(AttributeTypeSchema),
  filterable: Type.Optional(Type.Boolean()),
  ...Pagination,
});
export const AttributeView = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  type: AttributeTypeSchema,
  enumValues: Type.Array(Type.String()),
  unit: Nullable(Type.String()),
  filterable: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const AttributeList = list(AttributeView);
