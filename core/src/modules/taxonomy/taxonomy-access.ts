import type { RouteAccess } from '../../kernel/http/access.ts';

/** Reading the taxonomy: staff, and vendors, who pick categories, brands, tags and attributes for their products. */
export const TAXONOMY_READ: RouteAccess = { permission: ['products:read', 'vendor:portal'] };
/** Changing it: staff only. */
export const TAXONOMY_WRITE: RouteAccess = { permission: 'products:write' };
