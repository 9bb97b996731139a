import type { FieldIssue } from '../../kernel/errors.ts';
import { CatalogErrors } from './catalog.errors.ts';
import type { OptionInput, PriceInput } from './product.schemas.ts';

/** A product's options as stored: each value has an id, so a variant's combination is a set of ids. */
export interface StoredOption {
  id: string;
  name: string;
  values: Array<{ id: string; value: string }>;
}

const issue = (pointer: string, rule: string, message: string): FieldIssue => ({ in: 'body', pointer, rule, message });

const invalid = (message: string, errors: FieldIssue[]) => CatalogErrors.PRODUCT_INVALID(message, { errors });

/** Option names are unique per product, ignoring case; values unique per option, ignoring case. */
export function checkOptions(options: readonly OptionInput[], pointer = '/options'): void {
  const names = new Set<string>();
  options.forEach((option, index) => {
    const name = option.name.trim().toLowerCase();
    if (names.has(name)) throw invalid(`Two options are called "${option.name}"`, [issue(`${pointer}/${index}/name`, 'unique', 'option names must differ')]);
    names.add(name);
    const values = new Set<string>();
    option.values.forEach((value, v) => {
      const key = value.trim().toLowerCase();
      if (values.has(key)) {
        throw invalid(`Option "${option.name}" lists "${value}" twice`, [issue(`${pointer}/${index}/values/${v}`, 'unique', 'option values must differ')]);
      }
      values.add(key);
    });
  });
}

/**
 * A variant's option values, checked against the product's options: exactly one known value for
 * each option. Returns the stored form and the combination key (sorted value ids; empty for the
 * default variant of a product without options).
 */
export function resolveVariantOptions(
  options: readonly StoredOption[],
  given: Record<string, string> | undefined,
  pointer: string,
): { optionValues: Array<{ option: string; value: string }>; optionKey: string } {
  const provided = given ?? {};
  const errors: FieldIssue[] = [];
  for (const name of Object.keys(provided)) {
    if (!options.some((o) => o.name === name)) errors.push(issue(`${pointer}/options/${name}`, 'option', `the product has no option "${name}"`));
  }
  const chosen: Array<{ option: string; value: string; id: string }> = [];
  for (const option of options) {
    const value = provided[option.name];
    if (value === undefined) {
      errors.push(issue(`${pointer}/options/${option.name}`, 'required', `a value for "${option.name}" is required`));
      continue;
    }
    const match = option.values.find((v) => v.value === value);
    if (!match) {
      errors.push(issue(`${pointer}/options/${option.name}`, 'enum', `must be one of: ${option.values.map((v) => v.value).join(', ')}`));
      continue;
    }
    chosen.push({ option: option.name, value: match.value, id: match.id });
  }
  if (errors.length) throw invalid('The variant\'s option values do not match the product\'s options', errors);
  return {
    optionValues: chosen.map(({ option, value }) => ({ option, value })),
    optionKey: chosen.map((c) => c.id).sort().join('.'),
  };
}

/** Refuses two variants with one combination, and two SKUs equal ignoring case, within one request. */
export function checkVariantSet(variants: ReadonlyArray<{ sku: string; optionKey: string }>, optionCount: number, pointer = '/variants'): void {
  if (optionCount === 0 && variants.length > 1) {
    throw CatalogErrors.PRODUCT_DUPLICATE_VARIANT('A product without options has exactly one variant; add options to sell several', {
      errors: [issue(`${pointer}/1`, 'maxItems', 'only one variant without options')],
    });
  }
  const keys = new Map<string, number>();
  const skus = new Map<string, number>();
  variants.forEach((variant, index) => {
    const same = keys.get(variant.optionKey);
    if (same !== undefined) {
      throw CatalogErrors.PRODUCT_DUPLICATE_VARIANT(`Variants ${same} and ${index} have the same option values`, {
        errors: [issue(`${pointer}/${index}/options`, 'unique', `same option values as variant ${same}`)],
      });
    }
    keys.set(variant.optionKey, index);
    const sku = variant.sku.toLowerCase();
    const twin = skus.get(sku);
    if (twin !== undefined) {
      throw CatalogErrors.PRODUCT_SKU_TAKEN(`Variants ${twin} and ${index} have the same SKU ${variant.sku}`, {
        errors: [issue(`${pointer}/${index}/sku`, 'unique', `same SKU as variant ${twin}`)],
      });
    }
    skus.set(sku, index);
  });
}

/** One price per currency, and a compare-at price above the price it is compared with. */
export function checkPrices(prices: readonly PriceInput[], pointer: string): void {
  const seen = new Set<string>();
  prices.forEach((price, index) => {
    if (seen.has(price.currencyCode)) {
      throw invalid(`Two prices in ${price.currencyCode}`, [issue(`${pointer}/${index}/currencyCode`, 'unique', 'one price per currency')]);
    }
    seen.add(price.currencyCode);
    if (price.compareAtAmount != null && price.compareAtAmount <= price.amount) {
      throw invalid('A compare-at price must be higher than the price', [
        issue(`${pointer}/${index}/compareAtAmount`, 'exclusiveMinimum', `must be more than ${price.amount}`),
      ]);
    }
  });
}

/** The title shown for a variant: its option values, or the product's title for a default variant. */
export function variantTitle(productTitle: string, optionValues: ReadonlyArray<{ value: string }>): string {
  return optionValues.length ? optionValues.map((o) => o.value).join(' / ') : productTitle;
}
