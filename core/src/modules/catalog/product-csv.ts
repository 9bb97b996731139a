/**
 * The product CSV format, shared by the import and the export: one row per variant, the rows of a
 * product next to each other and sharing `product_slug`. See docs/admin/product-import.md.
 */
import { CatalogErrors } from './catalog.errors.ts';

/** Columns that describe the product: the first row of a product gives them; later rows repeat them or leave them empty. */
export const PRODUCT_COLUMNS = [
  'product_slug',
  'title',
  'description',
  'status',
  'brand',
  'categories',
  'tags',
  'featured',
  'meta_title',
  'meta_description',
  // last, so columns of exports made before it existed keep their positions for scripts that read by position
  'tax_class',
] as const;

export const MAX_CSV_OPTIONS = 3;

export const VARIANT_COLUMNS = [
  'option1_name',
  'option1_value',
  'option2_name',
  'option2_value',
  'option3_name',
  'option3_value',
  'sku',
  'barcode',
  'weight_grams',
  'length_mm',
  'width_mm',
  'height_mm',
] as const;

/** Without these a row cannot be placed: the product it belongs to and the variant it is. */
export const REQUIRED_COLUMNS = ['product_slug', 'sku'] as const;

/** Separates the slugs in `categories` and `tags`. */
export const LIST_SEPARATOR = '|';

export const PRICE_PREFIX = 'price_';
export const COMPARE_AT_PREFIX = 'compare_at_';
export const ATTRIBUTE_PREFIX = 'attr_';

/** Where each column sits in the file, and which currencies and attributes it carries. */
export interface CsvLayout {
  columns: string[];
  /** Currencies with a `price_<CUR>` column. */
  priceCurrencies: string[];
  /** Currencies with a `compare_at_<CUR>` column. */
  compareAtCurrencies: string[];
  /** Attribute codes with an `attr_<code>` column. */
  attributeCodes: string[];
  has(column: string): boolean;
  /** The cell of `column` in `record`, with the CSV-injection guard removed; `undefined` when the file has no such column. */
  cell(record: readonly string[], column: string): string | undefined;
}

/**
 * Reads the header row. Refuses (400, nothing written) a header that lacks `product_slug` or `sku`,
 * repeats a column, or names a column that is not part of the format: an unknown plain column, a
 * price in a currency the store does not sell, a compare-at price without its price column, or an
 * attribute code no attribute has.
 */
export function readHeader(header: readonly string[], storeCurrencies: readonly string[], knownAttributeCodes: ReadonlySet<string>): CsvLayout {
  const columns = header.map((c) => c.trim());
  const fixed = new Set<string>([...PRODUCT_COLUMNS, ...VARIANT_COLUMNS]);
  const unknown: string[] = [];
  const duplicate: string[] = [];
  const seen = new Set<string>();
  const priceCurrencies: string[] = [];
  const compareAtCurrencies: string[] = [];
  const attributeCodes: string[] = [];
  for (const column of columns) {
    if (seen.has(column)) duplicate.push(column);
    seen.add(column);
    if (fixed.has(column)) continue;
    if (column.startsWith(PRICE_PREFIX) && storeCurrencies.includes(column.slice(PRICE_PREFIX.length))) priceCurrencies.push(column.slice(PRICE_PREFIX.length));
    else if (column.startsWith(COMPARE_AT_PREFIX) && storeCurrencies.includes(column.slice(COMPARE_AT_PREFIX.length))) {
      compareAtCurrencies.push(column.slice(COMPARE_AT_PREFIX.length));
    } else if (column.startsWith(ATTRIBUTE_PREFIX) && knownAttributeCodes.has(column.slice(ATTRIBUTE_PREFIX.length))) {
      attributeCodes.push(column.slice(ATTRIBUTE_PREFIX.length));
    } else unknown.push(column);
  }
  const missing: string[] = REQUIRED_COLUMNS.filter((c) => !seen.has(c));
  for (const currency of compareAtCurrencies) if (!priceCurrencies.includes(currency)) missing.push(`${PRICE_PREFIX}${currency}`);
  for (let k = 1; k <= MAX_CSV_OPTIONS; k++) {
    if (seen.has(`option${k}_name`) !== seen.has(`option${k}_value`)) missing.push(seen.has(`option${k}_name`) ? `option${k}_value` : `option${k}_name`);
  }
  if (missing.length || unknown.length || duplicate.length) {
    const parts = [
      missing.length ? `lacks ${missing.join(', ')}` : '',
      unknown.length ? `has unknown columns ${unknown.join(', ')}` : '',
      duplicate.length ? `repeats ${duplicate.join(', ')}` : '',
    ].filter(Boolean);
    throw CatalogErrors.CATALOG_CSV_HEADER_INVALID(
      `The header ${parts.join('; ')}. Prices are price_<CUR> for ${storeCurrencies.join(', ')}; attributes are attr_<code> of an existing attribute`,
      { extensions: { missing, unknown, duplicate } },
    );
  }
  const index = new Map(columns.map((c, i) => [c, i]));
  return {
    columns,
    priceCurrencies,
    compareAtCurrencies,
    attributeCodes,
    has: (column) => index.has(column),
    cell: (record, column) => {
      const i = index.get(column);
      return i === undefined ? undefined : unprotectCell(record[i] ?? '');
    },
  };
}

/** The export's header: every column, prices for every store currency, every attribute. */
export function exportHeader(currencies: readonly string[], attributeCodes: readonly string[]): string[] {
  return [
    ...PRODUCT_COLUMNS,
    ...VARIANT_COLUMNS,
    ...currencies.flatMap((c) => [`${PRICE_PREFIX}${c}`, `${COMPARE_AT_PREFIX}${c}`]),
    ...attributeCodes.map((code) => `${ATTRIBUTE_PREFIX}${code}`),
  ];
}

// Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV injection").
const FORMULA_START = /^'*[=+\-@\t\r]/;
const GUARDED = /^'+[=+\-@\t\r]/;

/**
 * A cell as written by the export: one that a spreadsheet would run as a formula gets a leading `'`.
 * Cells that already start with quotes before such a character get one more, so `unprotectCell`
 * gives back exactly what was there.
 */
export function protectCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The inverse of `protectCell`: drops the one `'` the export (or a careful person) put before a formula character. */
export function unprotectCell(value: string): string {
  return GUARDED.test(value) ? value.slice(1) : value;
}

export function splitList(value: string): string[] {
  return value
    .split(LIST_SEPARATOR)
    .map((v) => v.trim())
    .filter(Boolean);
}
