import type { VariantAvailability } from '../catalog/index.ts';
import type { LineAvailability } from './cart.schemas.ts';

/** How many of a variant a cart may hold now: `null` when there is no limit (stock not counted, or backorders allowed). */
export function purchasableQuantity(availability: VariantAvailability | undefined): number | null {
  if (!availability) return 0;
  if (availability.quantity === null || availability.backorder) return null;
  return Math.max(0, availability.quantity);
}

/** A line's standing: a variant off sale (or without a price) is unavailable, and so is one with nothing left. */
export function lineAvailability(forSale: boolean, limit: number | null, quantity: number): LineAvailability {
  if (!forSale) return 'unavailable';
  if (limit === null || quantity <= limit) return 'available';
  return limit === 0 ? 'unavailable' : 'insufficient';
}
