import { definePlugin } from '../../kernel/plugin.ts';
import { adminProductRoutes } from './admin-products.routes.ts';
import { productCsvRoutes } from './product-csv.routes.ts';
import { seedDemoCatalog } from './demo-catalog.ts';
import { CatalogPricing } from './pricing.ts';
import { ProductService } from './product.service.ts';
import { storeProductRoutes } from './store-products.routes.ts';
import { UntrackedAvailability, type VariantAvailabilitySource } from './variant-availability.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    productService: ProductService;
    catalogPricing: CatalogPricing;
    /** Whether variants can be sold; registered by the inventory module (`UntrackedAvailability` when stock is not counted). */
    variantAvailability: VariantAvailabilitySource;
  }
}

declare module '../../kernel/events/event-map.ts' {
  interface EventMap {
    'product.created': { productId: string; vendorId: string | null; status: string };
    /** `fields` names what changed (`status`, `prices`, `variants`, `images`, `categories`…). */
    'product.updated': { productId: string; vendorId: string | null; fields: string[] };
    'product.deleted': { productId: string; vendorId: string | null };
  }
}

/** Products with options, variants, prices and images: `/store/products` and `/admin/products`. */
export const catalogModule = definePlugin({
  name: '@cartwright/core/catalog',
  version: '0.1.0',
  register(api) {
    api.service('catalogPricing', (cradle) => new CatalogPricing(cradle.config.catalog), { lifetime: 'singleton' });
    api.service('productService', (cradle) => new ProductService(cradle));
    api.routes('/store/products', storeProductRoutes);
    api.routes('/admin/products', [...productCsvRoutes, ...adminProductRoutes]);
    api.demoSeed('catalog', seedDemoCatalog);
  },
});

export { CatalogPricing, ProductService, UntrackedAvailability };
export type { VariantAvailabilitySource };
export type { VariantAvailability } from './variant-availability.ts';
export { CatalogErrors } from './catalog.errors.ts';
export { catalogScope, type CatalogScope } from './catalog-access.ts';
export { loadProductViews } from './product-views.ts';
export { listProducts, type ProductListRequest } from './product-listing.ts';
export { listProductsByIds } from './product-list-by-ids.ts';
export { loadVariantsForSale, type VariantForSale } from './variants-for-sale.ts';
export type { ShownPrice } from './pricing.ts';
export * as ProductSchemas from './product.schemas.ts';
