import { definePlugin } from '../../kernel/plugin.ts';
import { Attribute } from './attribute.entity.ts';
import { adminAttributeRoutes } from './attribute.routes.ts';
import { AttributeService } from './attribute.service.ts';
import { Brand } from './brand.entity.ts';
import { adminBrandRoutes, storeBrandRoutes } from './brand.routes.ts';
import { BrandService } from './brand.service.ts';
import { Category } from './category.entity.ts';
import { adminCategoryRoutes, storeCategoryRoutes } from './category.routes.ts';
import { CategoryService, MAX_CATEGORY_DEPTH } from './category.service.ts';
import { Collection } from './collection.entity.ts';
import { adminCollectionRoutes, storeCollectionRoutes } from './collection.routes.ts';
import { CollectionService, MAX_COLLECTION_PRODUCTS } from './collection.service.ts';
import { Tag } from './tag.entity.ts';
import { adminTagRoutes, storeTagRoutes } from './tag.routes.ts';
import { TagService } from './tag.service.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    categoryService: CategoryService;
    brandService: BrandService;
    tagService: TagService;
    collectionService: CollectionService;
    attributeService: AttributeService;
  }
}

declare module '../../kernel/events/event-map.ts' {
  interface EventMap {
    'category.created': { categoryId: string; parentId: string | null; slug: string };
    /** `fields` names what changed: `name`, `slug`, `description`. */
    'category.updated': { categoryId: string; fields: string[] };
    /**
     * A category moved (with its whole subtree) or changed place among its siblings. When `path`
     * differs from `previousPath`, every descendant's path changed too: their paths start with `path`.
     */
    'category.moved': { categoryId: string; fromParentId: string | null; toParentId: string | null; position: number; path: string; previousPath: string };
    /** Its products lost the link to it. */
    'category.deleted': { categoryId: string; parentId: string | null; slug: string };
    'brand.created': { brandId: string; slug: string };
    'brand.updated': { brandId: string; fields: string[] };
    /** Its products no longer have a brand. */
    'brand.deleted': { brandId: string; slug: string };
    'tag.created': { tagId: string; slug: string };
    'tag.updated': { tagId: string; fields: string[] };
    /** Its products no longer carry it. */
    'tag.deleted': { tagId: string; slug: string };
    'collection.created': { collectionId: string; slug: string };
    'collection.updated': { collectionId: string; fields: string[] };
    /** The product list was replaced: `productIds` is the new list in order; `removedProductIds` left it. */
    'collection.products_changed': { collectionId: string; productIds: string[]; removedProductIds: string[] };
    'collection.deleted': { collectionId: string; slug: string };
    'attribute.created': { attributeId: string; code: string };
    'attribute.updated': { attributeId: string; code: string; fields: string[] };
    /** Every product's value for it was deleted with it. */
    'attribute.deleted': { attributeId: string; code: string };
  }
}

/**
 * The catalog's taxonomy: the category tree, brands, tags, collections and attribute definitions,
 * under `/admin/*` (staff write, staff and vendors read) and `/store/*` (navigation). Products
 * refer to them by id; the catalog validates and resolves those ids through these services.
 */
export const taxonomyModule = definePlugin({
  name: '@cartwright/core/taxonomy',
  version: '0.1.0',
  register(api) {
    api.entities(Category, Brand, Tag, Collection, Attribute);
    api.service('categoryService', (cradle) => new CategoryService(cradle));
    api.service('brandService', (cradle) => new BrandService(cradle));
    api.service('tagService', (cradle) => new TagService(cradle));
    api.service('collectionService', (cradle) => new CollectionService(cradle));
    api.service('attributeService', (cradle) => new AttributeService(cradle));
    api.routes('/admin/categories', adminCategoryRoutes);
    api.routes('/admin/brands', adminBrandRoutes);
    api.routes('/admin/tags', adminTagRoutes);
    api.routes('/admin/collections', adminCollectionRoutes);
    api.routes('/admin/attributes', adminAttributeRoutes);
    api.routes('/store/categories', storeCategoryRoutes);
    api.routes('/store/brands', storeBrandRoutes);
    api.routes('/store/tags', storeTagRoutes);
    api.routes('/store/collections', storeCollectionRoutes);
  },
});

export { Attribute, AttributeService, Brand, BrandService, Category, CategoryService, Collection, CollectionService, Tag, TagService };
export { MAX_CATEGORY_DEPTH, MAX_COLLECTION_PRODUCTS };
export type { AttributeRecord, AttributeType } from './attribute.entity.ts';
export { ATTRIBUTE_TYPES } from './attribute.entity.ts';
export type { BrandRecord } from './brand.entity.ts';
export type { CategoryRecord } from './category.entity.ts';
export type { CollectionRecord } from './collection.entity.ts';
export type { TagRecord } from './tag.entity.ts';
export type { CategorySummary, CategoryTreeNode, LookupOptions } from './category.service.ts';
export type { BrandSummary } from './brand.service.ts';
export type { TagSummary } from './tag.service.ts';
export {
  checkAttributeValue,
  describeAttributeRule,
  ATTRIBUTE_CODE_PATTERN,
  MAX_TEXT_ATTRIBUTE_LENGTH,
  type AttributeDefinition,
  type AttributeValueCheck,
} from './attribute-rules.ts';
export { TaxonomyErrors } from './taxonomy.errors.ts';
