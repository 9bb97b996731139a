import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { sql } from 'kysely';
import type { TSchema } from 'typebox';
import type { Cradle } from '../../kernel/container.ts';
import { AppError } from '../../kernel/errors.ts';
import { bodyAjv, closeObjects, toFieldIssues, type ValidateFunction } from '../../kernel/http/validation.ts';
import type { AttributeDefinition } from '../taxonomy/index.ts';
import { parseDecimalAmount, currencyExponent } from '../money/index.ts';
import type { CatalogScope } from './catalog-access.ts';
import { CatalogErrors } from './catalog.errors.ts';
import { rows as queryRows } from './catalog-sql.ts';
import {
  ATTRIBUTE_PREFIX,
  COMPARE_AT_PREFIX,
  MAX_CSV_OPTIONS,
  PRICE_PREFIX,
  PRODUCT_COLUMNS,
  readHeader,
  splitList,
  type CsvLayout,
} from './product-csv.ts';
import { loadProductViews } from './product-views.ts';
import {
  CreateProductBody,
  UpdateProductBody,
  VariantInput,
  VariantPatch,
  MAX_TAX_CLASS_LENGTH,
  TAX_CLASS_PATTERN,
  type AdminProductView,
  type PriceInput,
  type ProductStatus,
} from './product.schemas.ts';
import type { ProductService } from './product.service.ts';

/** The largest CSV file an import reads; the upload is refused (413) as soon as it passes this. */
export const IMPORT_MAX_BYTES = 50 * 1024 * 1024;
/** The report lists at most this many row errors (`truncated` says when there were more). */
export const IMPORT_MAX_ERRORS = 1000;
/** Rows looked up together: existing SKUs, slugs, taxonomy and current products are read once per batch. */
const BATCH_ROWS = 250;
const TAX_CLASS = new RegExp(TAX_CLASS_PATTERN);

export interface ImportRowError {
  /** The 1-based line of the file where the row starts (the header is line 1). */
  row: number;
  sku: string | null;
  column: string | null;
  rule: string;
  message: string;
  /** The catalog error code, when a catalog rule refused the row. */
  code?: string;
}

export interface ImportReport {
  dryRun: boolean;
  /** Data rows read (not the header). Each is created, updated, unchanged or failed. */
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  products: { created: number; updated: number; unchanged: number; failed: number };
  errors: ImportRowError[];
  truncated: boolean;
}

type Deps = Pick<
  Cradle,
  'em' | 'productService' | 'catalogPricing' | 'brandService' | 'categoryService' | 'tagService' | 'attributeService' | 'mediaService' | 'variantAvailability'
>;

interface Row {
  line: number;
  record: string[];
  sku: string;
  slug: string;
  issues: Issue[];
}

interface Issue {
  column: string | null;
  rule: string;
  message: string;
  code?: string;
}

interface Group {
  slug: string;
  rows: Row[];
}

type AttributeValue = string | number | boolean | null;

interface ProductValues {
  title?: string;
  descriptionMarkdown?: string;
  status?: ProductStatus;
  brandId?: string | null;
  categoryIds?: string[];
  tagIds?: string[];
  featured?: boolean;
  metaTitle?: string | null;
  metaDescription?: string | null;
  taxClass?: string | null;
  attributes: Record<string, AttributeValue>;
  /** Option names in order, when the file has option columns. */
  optionNames?: string[];
}

interface VariantValues {
  sku: string;
  barcode?: string | null;
  weightGrams?: number | null;
  lengthMm?: number | null;
  widthMm?: number | null;
  heightMm?: number | null;
  options?: Record<string, string>;
  /** Currency → amount (null: no price there) and compare-at amount (undefined: the file has no column for it). */
  prices: Map<string, { amount: number | null; compareAtAmount: number | null | undefined }>;
}

/** Raised inside a dry run's transaction after every check has passed, so nothing it wrote stays. */
class DryRunRollback extends Error {}

/** A catalog rule refused the write of one row: the whole product's transaction rolls back. */
class RowFailure extends Error {
  readonly rowIndex: number;
  readonly error: AppError;
  readonly pointerBase: 'product' | 'variant';
  constructor(rowIndex: number, error: AppError, pointerBase: 'product' | 'variant') {
    super(error.message);
    this.rowIndex = rowIndex;
    this.error = error;
    this.pointerBase = pointerBase;
  }
}

const compiled = new Map<TSchema, ValidateFunction>();
function validator(schema: TSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = bodyAjv.compile(closeObjects(schema))));
  return validate;
}

const PRODUCT_POINTER_COLUMNS: Record<string, string> = {
  title: 'title',
  slug: 'product_slug',
  descriptionMarkdown: 'description',
  status: 'status',
  brandId: 'brand',
  categoryIds: 'categories',
  tagIds: 'tags',
  featured: 'featured',
  metaTitle: 'meta_title',
  metaDescription: 'meta_description',
  taxClass: 'tax_class',
  vendorId: 'product_slug',
};
const VARIANT_POINTER_COLUMNS: Record<string, string> = {
  sku: 'sku',
  barcode: 'barcode',
  weightGrams: 'weight_grams',
  lengthMm: 'length_mm',
  widthMm: 'width_mm',
  heightMm: 'height_mm',
};
const VARIANT_NUMBER_COLUMNS = [
  ['weight_grams', 'weightGrams'],
  ['length_mm', 'lengthMm'],
  ['width_mm', 'widthMm'],
  ['height_mm', 'heightMm'],
] as const;

/** Reports row outcomes and errors, keeping at most IMPORT_MAX_ERRORS errors. */
class ReportBuilder {
  readonly report: ImportReport;
  constructor(dryRun: boolean) {
    this.report = {
      dryRun,
      rows: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      failed: 0,
      products: { created: 0, updated: 0, unchanged: 0, failed: 0 },
      errors: [],
      truncated: false,
    };
  }

  error(row: { line: number; sku: string }, issue: Issue): void {
    if (this.report.errors.length >= IMPORT_MAX_ERRORS) {
      this.report.truncated = true;
      return;
    }
    this.report.errors.push({ row: row.line, sku: row.sku || null, column: issue.column, rule: issue.rule, message: issue.message, ...(issue.code ? { code: issue.code } : {}) });
  }

  /** A product that is not written: its rows with their own issues, and every other row of it as `group`. */
  failGroup(group: Group, issues: Map<number, Issue[]>): void {
    const first = [...issues.keys()].sort((a, b) => a - b)[0] ?? 0;
    group.rows.forEach((row, index) => {
      const own = issues.get(index);
      if (own?.length) own.forEach((issue) => this.error(row, issue));
      else this.error(row, { column: null, rule: 'group', message: `not imported: line ${group.rows[first]!.line} of product ${group.slug} has errors` });
    });
    this.report.failed += group.rows.length;
    this.report.products.failed += 1;
  }
}

/**
 * Imports products from a CSV stream (docs/admin/product-import.md), reading it row by row. Rows
 * are grouped by `product_slug`; each product is written in one transaction through
 * ProductService, or not at all when any of its rows breaks a rule. Rows equal to what is stored
 * write nothing, so importing one file twice changes nothing the second time.
 */
export async function importProducts(deps: Deps, scope: CatalogScope, body: Readable, options: { dryRun: boolean }): Promise<ImportReport> {
  const out = new ReportBuilder(options.dryRun);
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true });
  body.on('error', (error) => parser.destroy(error));
  body.pipe(parser);
  let layout: CsvLayout | undefined;
  let definitions = new Map<string, AttributeDefinition>();
  const importer = () => new BatchImporter(deps, scope, layout!, definitions, out, options.dryRun);
  let batch: BatchImporter | undefined;
  let current: Group | undefined;
  const closedSlugs = new Map<string, number>();
  const skuLines = new Map<string, number>();
  const close = async () => {
    if (!current) return;
    closedSlugs.set(current.slug, current.rows[0]!.line);
    (batch ??= importer()).add(current);
    current = undefined;
    if (batch.rowCount >= BATCH_ROWS) {
      await batch.run();
      batch = undefined;
    }
  };
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = info.lines - record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
      if (!layout) {
        const header = record.map((c) => c.trim());
        const codes = header.filter((c) => c.startsWith(ATTRIBUTE_PREFIX)).map((c) => c.slice(ATTRIBUTE_PREFIX.length));
        definitions = await deps.attributeService.byCodes(codes);
        layout = readHeader(header, deps.catalogPricing.currencies, new Set(definitions.keys()));
        continue;
      }
      out.report.rows += 1;
      const row: Row = { line, record, sku: (layout.cell(record, 'sku') ?? '').trim(), slug: (layout.cell(record, 'product_slug') ?? '').trim(), issues: [] };
      if (record.length !== layout.columns.length) {
        row.issues.push({ column: null, rule: 'columns', message: `has ${record.length} cells; the header has ${layout.columns.length}` });
      }
      if (!row.sku) row.issues.push({ column: 'sku', rule: 'required', message: 'every row needs a SKU' });
      else {
        const earlier = skuLines.get(row.sku.toLowerCase());
        if (earlier !== undefined) row.issues.push({ column: 'sku', rule: 'unique', message: `SKU ${row.sku} is on line ${earlier} already` });
        else skuLines.set(row.sku.toLowerCase(), line);
      }
      if (!row.slug) {
        row.issues.push({ column: 'product_slug', rule: 'required', message: 'every row names its product by slug' });
        await close();
        out.failGroup({ slug: '', rows: [row] }, new Map([[0, row.issues]]));
        continue;
      }
      if (current?.slug === row.slug) {
        current.rows.push(row);
        continue;
      }
      await close();
      const first = closedSlugs.get(row.slug);
      if (first !== undefined) {
        row.issues.push({ column: 'product_slug', rule: 'contiguous', message: `the rows of product ${row.slug} must be next to each other (it started on line ${first})` });
        out.failGroup({ slug: row.slug, rows: [row] }, new Map([[0, row.issues]]));
        continue;
      }
      current = { slug: row.slug, rows: [row] };
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // the file is not CSV from here on: the product being read is incomplete, so it is not written
    const line = Number((error as CsvError & { lines?: number }).lines ?? 0);
    if (current) {
      out.failGroup(current, new Map([[current.rows.length - 1, [{ column: null, rule: 'csv', message: `the file is malformed from line ${line}: ${error.message}` }]]]));
      current = undefined;
    } else {
      out.error({ line, sku: '' }, { column: null, rule: 'csv', message: error.message });
      out.report.failed += 1;
      out.report.rows += 1;
    }
  }
  if (!layout) {
    throw CatalogErrors.CATALOG_CSV_HEADER_INVALID('The file is empty: the first line must be the header', {
      extensions: { missing: ['product_slug', 'sku'], unknown: [], duplicate: [] },
    });
  }
  await close();
  if (batch) await batch.run();
  return out.report;
}

interface SkuOwner {
  id: string;
  sku: string;
  product_id: string;
  slug: string;
  vendor_id: string | null;
}

interface SlugOwner {
  slug: string;
  product_id: string;
  current_slug: string;
  vendor_id: string | null;
  deleted: boolean;
}

/** Taxonomy slugs → ids, remembered for the whole import (one lookup per distinct slug). */
const taxonomyCaches = new WeakMap<Deps, { brands: Map<string, string | null>; categories: Map<string, string | null>; tags: Map<string, string | null> }>();

/** One batch of whole products: looked up together, then written one product (one transaction) at a time. */
class BatchImporter {
  readonly #deps: Deps;
  readonly #scope: CatalogScope;
  readonly #layout: CsvLayout;
  readonly #definitions: Map<string, AttributeDefinition>;
  readonly #out: ReportBuilder;
  readonly #dryRun: boolean;
  readonly #groups: Group[] = [];
  rowCount = 0;

  constructor(deps: Deps, scope: CatalogScope, layout: CsvLayout, definitions: Map<string, AttributeDefinition>, out: ReportBuilder, dryRun: boolean) {
    this.#deps = deps;
    this.#scope = scope;
    this.#layout = layout;
    this.#definitions = definitions;
    this.#out = out;
    this.#dryRun = dryRun;
  }

  add(group: Group): void {
    this.#groups.push(group);
    this.rowCount += group.rows.length;
  }

  async run(): Promise<void> {
    const em = this.#deps.em;
    const rows = this.#groups.flatMap((g) => g.rows);
    const skus = [...new Set(rows.filter((r) => r.sku).map((r) => r.sku.toLowerCase()))];
    const slugs = [...new Set(this.#groups.map((g) => g.slug))];
    const [skuOwners, slugOwners] = await Promise.all([
      queryRows<SkuOwner>(
        em,
        sql`select v.id, v.sku, v.product_id, p.slug, p.vendor_id from cw_product_variant v join cw_product p on p.id = v.product_id
          where lower(v.sku) = any(${skus}) and v.deleted_at is null`,
      ),
      queryRows<SlugOwner>(
        em,
        sql`select s.slug, s.product_id, p.slug as current_slug, p.vendor_id, p.deleted_at is not null as deleted
          from cw_product_slug s join cw_product p on p.id = s.product_id where s.slug = any(${slugs})`,
      ),
    ]);
    const bySku = new Map(skuOwners.map((o) => [o.sku.toLowerCase(), o]));
    const bySlug = new Map(slugOwners.map((o) => [o.slug, o]));
    await this.#resolveTaxonomy(rows);
    const existing = slugOwners.filter((o) => o.slug === o.current_slug && !o.deleted && this.#inScope(o.vendor_id)).map((o) => o.product_id);
    const views = await loadProductViews(em, this.#deps, this.#deps.catalogPricing, existing, this.#deps.catalogPricing.defaultCurrency);
    for (const group of this.#groups) await this.#importGroup(group, bySku, bySlug.get(group.slug), views);
  }

  #inScope(vendorId: string | null): boolean {
    return this.#scope.kind === 'all' || vendorId === this.#scope.vendorId;
  }

  get #taxonomy() {
    let cache = taxonomyCaches.get(this.#deps);
    if (!cache) taxonomyCaches.set(this.#deps, (cache = { brands: new Map(), categories: new Map(), tags: new Map() }));
    return cache;
  }

  async #resolveTaxonomy(rows: Row[]): Promise<void> {
    const { brands, categories, tags } = this.#taxonomy;
    const wanted = (column: string, cache: Map<string, string | null>, list: boolean) =>
      [...new Set(rows.flatMap((r) => {
        const cell = this.#layout.cell(r.record, column)?.trim() ?? '';
        return list ? splitList(cell) : cell ? [cell] : [];
      }))].filter((slug) => !cache.has(slug));
    for (const slug of wanted('brand', brands, false)) brands.set(slug, (await this.#deps.brandService.idBySlugOrId(slug)) ?? null);
    for (const slug of wanted('categories', categories, true)) categories.set(slug, (await this.#deps.categoryService.descendantIds(slug))?.[0] ?? null);
    const newTags = wanted('tags', tags, true);
    if (newTags.length) {
      const ids = await this.#deps.tagService.idsBySlugsOrIds(newTags);
      const summaries = await this.#deps.tagService.summaries(ids);
      const found = new Map<string, string>();
      for (const tag of summaries.values()) {
        found.set(tag.slug, tag.id);
        found.set(tag.id, tag.id);
      }
      for (const slug of newTags) tags.set(slug, found.get(slug) ?? null);
    }
  }

  async #importGroup(group: Group, bySku: Map<string, SkuOwner>, slugOwner: SlugOwner | undefined, views: Map<string, AdminProductView>): Promise<void> {
    const issues = new Map<number, Issue[]>();
    const flag = (index: number, issue: Issue) => {
      const list = issues.get(index);
      if (list) list.push(issue);
      else issues.set(index, [issue]);
    };
    group.rows.forEach((row, i) => row.issues.forEach((issue) => flag(i, issue)));
    const product = this.#productValues(group, flag);
    const variants = group.rows.map((row, i) => this.#variantValues(row, product.optionNames, (issue) => flag(i, issue)));

    let view: AdminProductView | undefined;
    if (slugOwner) {
      if (slugOwner.current_slug !== group.slug) {
        flag(0, { column: 'product_slug', rule: 'slug', message: `${group.slug} is an earlier slug of product ${slugOwner.current_slug}; use the current slug` });
      } else if (slugOwner.deleted) {
        flag(0, { column: 'product_slug', rule: 'deleted', message: `product ${group.slug} is deleted; restore it before importing into it` });
      } else if (!this.#inScope(slugOwner.vendor_id)) {
        flag(0, { column: 'product_slug', rule: 'vendor', message: `product ${group.slug} belongs to another vendor`, code: 'PRODUCT_NOT_YOURS' });
      } else view = views.get(slugOwner.product_id);
    }
    group.rows.forEach((row, i) => {
      const owner = row.sku ? bySku.get(row.sku.toLowerCase()) : undefined;
      if (!owner || owner.product_id === view?.id) return;
      if (!this.#inScope(owner.vendor_id)) flag(i, { column: 'sku', rule: 'vendor', message: `SKU ${row.sku} belongs to another vendor's product`, code: 'PRODUCT_NOT_YOURS' });
      else if (owner.product_id !== slugOwner?.product_id) {
        flag(i, { column: 'sku', rule: 'product', message: `SKU ${row.sku} belongs to product ${owner.slug}, not ${group.slug}`, code: 'PRODUCT_SKU_TAKEN' });
      }
    });
    if (issues.size) return this.#out.failGroup(group, issues);

    const outcome = view ? await this.#update(group, view, product, variants, bySku, flag) : await this.#create(group, product, variants, flag);
    if (issues.size) return this.#out.failGroup(group, issues);
    const report = this.#out.report;
    if (outcome === 'unchanged') {
      report.products.unchanged += 1;
      report.unchanged += group.rows.length;
      return;
    }
    report.products[outcome.product] += 1;
    for (const rowOutcome of outcome.rows) report[rowOutcome] += 1;
  }

  // ---- reading cells ----

  #productValues(group: Group, flag: (index: number, issue: Issue) => void): ProductValues {
    const layout = this.#layout;
    const first = group.rows[0]!.record;
    // later rows repeat the product's cells or leave them empty
    const productColumns = [
      ...PRODUCT_COLUMNS,
      ...layout.attributeCodes.map((c) => `${ATTRIBUTE_PREFIX}${c}`),
      ...Array.from({ length: MAX_CSV_OPTIONS }, (_, k) => `option${k + 1}_name`),
    ].filter((c) => layout.has(c));
    group.rows.forEach((row, i) => {
      if (i === 0) return;
      for (const column of productColumns) {
        const cell = layout.cell(row.record, column)!;
        if (cell !== '' && cell !== layout.cell(first, column)) {
          flag(i, { column, rule: 'consistent', message: `differs from line ${group.rows[0]!.line}; the first row of a product gives its ${column}` });
        }
      }
    });
    const cell = (column: string) => layout.cell(first, column);
    const flagFirst = (issue: Issue) => flag(0, issue);
    const values: ProductValues = { attributes: {} };
    const title = cell('title')?.trim();
    if (title) values.title = title;
    const description = cell('description');
    if (description !== undefined) values.descriptionMarkdown = description;
    const status = cell('status')?.trim();
    if (status) values.status = status as ProductStatus;
    const { brands, categories, tags } = this.#taxonomy;
    const brand = cell('brand')?.trim();
    if (brand !== undefined) {
      values.brandId = brand ? (brands.get(brand) ?? null) : null;
      if (brand && !values.brandId) flagFirst({ column: 'brand', rule: 'exists', message: `no brand has the slug ${brand}` });
    }
    for (const [column, cache, key] of [
      ['categories', categories, 'categoryIds'],
      ['tags', tags, 'tagIds'],
    ] as const) {
      const text = cell(column);
      if (text === undefined) continue;
      const ids: string[] = [];
      for (const slug of splitList(text)) {
        const id = cache.get(slug);
        if (id) ids.push(id);
        else flagFirst({ column, rule: 'exists', message: `no ${column === 'tags' ? 'tag' : 'category'} has the slug ${slug}` });
      }
      values[key] = [...new Set(ids)];
    }
    const featured = cell('featured')?.trim().toLowerCase();
    if (featured !== undefined) {
      if (featured === '' || featured === 'false') values.featured = false;
      else if (featured === 'true') values.featured = true;
      else flagFirst({ column: 'featured', rule: 'boolean', message: 'must be true or false' });
    }
    for (const [column, key] of [
      ['meta_title', 'metaTitle'],
      ['meta_description', 'metaDescription'],
    ] as const) {
      const text = cell(column);
      if (text !== undefined) values[key] = text.trim() ? text : null;
    }
    const taxClass = cell('tax_class')?.trim();
    if (taxClass !== undefined) {
      // checked here: the schema's nullable union would report one bad cell three times (pattern, type, anyOf)
      if (taxClass && (taxClass.length > MAX_TAX_CLASS_LENGTH || !TAX_CLASS.test(taxClass))) {
        flagFirst({ column: 'tax_class', rule: 'pattern', message: `must be at most ${MAX_TAX_CLASS_LENGTH} lower-case letters, digits, _ or -, starting with a letter or digit` });
      } else values.taxClass = taxClass || null;
    }
    for (const code of layout.attributeCodes) values.attributes[code] = attributeValue(this.#definitions.get(code)!, cell(`${ATTRIBUTE_PREFIX}${code}`)!);
    if (layout.has('option1_name')) {
      const names: string[] = [];
      for (let k = 1; k <= MAX_CSV_OPTIONS; k++) {
        const name = cell(`option${k}_name`)?.trim() ?? '';
        if (!name) continue;
        if (names.length !== k - 1) flagFirst({ column: `option${k}_name`, rule: 'order', message: `option${k} needs option${k - 1} before it` });
        names.push(name);
      }
      values.optionNames = names;
    }
    return values;
  }

  #variantValues(row: Row, optionNames: string[] | undefined, flag: (issue: Issue) => void): VariantValues {
    const layout = this.#layout;
    const cell = (column: string) => layout.cell(row.record, column);
    const values: VariantValues = { sku: row.sku, prices: new Map() };
    const barcode = cell('barcode');
    if (barcode !== undefined) values.barcode = barcode.trim() || null;
    for (const [column, key] of VARIANT_NUMBER_COLUMNS) {
      const text = cell(column)?.trim();
      if (text === undefined) continue;
      if (text === '') values[key] = null;
      else if (/^\d{1,15}$/.test(text)) values[key] = Number(text);
      else flag({ column, rule: 'integer', message: 'must be a whole number' });
    }
    if (optionNames) {
      values.options = {};
      optionNames.forEach((name, k) => {
        const value = cell(`option${k + 1}_value`)?.trim() ?? '';
        if (value) values.options![name] = value;
        else flag({ column: `option${k + 1}_value`, rule: 'required', message: `needs a value for ${name}` });
      });
      for (let k = optionNames.length + 1; k <= MAX_CSV_OPTIONS; k++) {
        if (cell(`option${k}_value`)?.trim()) flag({ column: `option${k}_value`, rule: 'option', message: `the product has no option${k}_name` });
      }
    }
    for (const currency of layout.priceCurrencies) {
      const amount = decimalCell(cell(`${PRICE_PREFIX}${currency}`)!, currency, `${PRICE_PREFIX}${currency}`, flag);
      const compareText = cell(`${COMPARE_AT_PREFIX}${currency}`);
      const compareAtAmount = compareText === undefined ? undefined : decimalCell(compareText, currency, `${COMPARE_AT_PREFIX}${currency}`, flag);
      if (amount === null && compareAtAmount != null) {
        flag({ column: `${PRICE_PREFIX}${currency}`, rule: 'required', message: `a compare-at price in ${currency} needs a price in ${currency}` });
      }
      values.prices.set(currency, { amount, compareAtAmount });
    }
    return values;
  }

  // ---- writing ----

  async #create(group: Group, product: ProductValues, variants: VariantValues[], flag: (index: number, issue: Issue) => void) {
    const options = (product.optionNames ?? []).map((name) => ({
      name,
      values: [...new Set(variants.map((v) => v.options?.[name]).filter((v): v is string => v !== undefined))],
    }));
    const attributes = Object.fromEntries(Object.entries(product.attributes).filter(([, v]) => v !== null));
    const body = {
      ...defined({
        title: product.title,
        descriptionMarkdown: product.descriptionMarkdown,
        status: product.status,
        brandId: product.brandId,
        categoryIds: product.categoryIds,
        tagIds: product.tagIds,
        featured: product.featured,
        metaTitle: product.metaTitle,
        metaDescription: product.metaDescription,
        taxClass: product.taxClass,
      }),
      slug: group.slug,
      ...(Object.keys(attributes).length ? { attributes } : {}),
      ...(options.length ? { options } : {}),
      variants: variants.map((v) => variantInput(v, [])),
    } as CreateProductBody;
    this.#priceCurrencyIndex = body.variants.map((v) => (v.prices ?? []).map((p) => p.currencyCode));
    if (!product.title) flag(0, { column: 'title', rule: 'required', message: 'a new product needs a title' });
    if (this.#schemaIssues(CreateProductBody, body, (pointer) => this.#locate(pointer, 'product', product.optionNames, 0), flag)) return 'unchanged' as const;
    const written = await this.#transaction(group, product.optionNames, flag, async (products, attempt) => {
      await attempt(0, 'create', () => products.create(this.#scope, body));
    });
    return written ? { product: 'created' as const, rows: group.rows.map(() => 'created' as const) } : ('unchanged' as const);
  }

  async #update(
    group: Group,
    view: AdminProductView,
    product: ProductValues,
    variants: VariantValues[],
    bySku: Map<string, SkuOwner>,
    flag: (index: number, issue: Issue) => void,
  ) {
    const patch: UpdateProductBody = {};
    if (product.title !== undefined && product.title !== view.title) patch.title = product.title;
    if (product.descriptionMarkdown !== undefined && product.descriptionMarkdown !== view.descriptionMarkdown) patch.descriptionMarkdown = product.descriptionMarkdown;
    if (product.brandId !== undefined && product.brandId !== (view.brand?.id ?? null)) patch.brandId = product.brandId;
    if (product.categoryIds && !sameSet(product.categoryIds, view.categories.map((c) => c.id))) patch.categoryIds = product.categoryIds;
    if (product.tagIds && !sameSet(product.tagIds, view.tags.map((t) => t.id))) patch.tagIds = product.tagIds;
    if (product.featured !== undefined && product.featured !== view.featured) patch.featured = product.featured;
    if (product.metaTitle !== undefined && product.metaTitle !== view.metaTitle) patch.metaTitle = product.metaTitle;
    if (product.metaDescription !== undefined && product.metaDescription !== view.metaDescription) patch.metaDescription = product.metaDescription;
    if (product.taxClass !== undefined && product.taxClass !== view.taxClass) patch.taxClass = product.taxClass;
    const attributes: Record<string, AttributeValue> = {};
    for (const [code, value] of Object.entries(product.attributes)) {
      const current = view.attributes.find((a) => a.code === code)?.value ?? null;
      if (!sameAttribute(value, current)) attributes[code] = value;
    }
    if (Object.keys(attributes).length) patch.attributes = attributes;
    const publishing = product.status === 'published' && view.status !== 'published';
    if (product.status !== undefined && product.status !== view.status && !publishing) patch.status = product.status;

    if (product.optionNames) {
      const names = view.options.map((o) => o.name);
      if (names.join('\u0000') !== product.optionNames.join('\u0000')) {
        flag(0, {
          column: 'option1_name',
          rule: 'options',
          message: `product ${group.slug} has the options ${names.join(', ') || '(none)'}; change its options in the admin, not by import`,
        });
        return 'unchanged' as const;
      }
      const merged = view.options.map((o) => ({
        name: o.name,
        values: [...o.values, ...new Set(variants.map((v) => v.options?.[o.name]).filter((v): v is string => v !== undefined && !o.values.includes(v)))],
      }));
      if (merged.some((o, k) => o.values.length !== view.options[k]!.values.length)) patch.options = merged;
    }

    const changes: Array<{ index: number; variantId: string; patch: VariantPatch }> = [];
    const additions: Array<{ index: number; input: VariantInput }> = [];
    variants.forEach((incoming, index) => {
      const owner = bySku.get(incoming.sku.toLowerCase());
      const current = owner ? view.variants.find((v) => v.id === owner.id) : undefined;
      if (!current) {
        additions.push({ index, input: variantInput(incoming, []) });
        return;
      }
      const change: VariantPatch = {};
      if (incoming.sku !== current.sku) change.sku = incoming.sku;
      if (incoming.barcode !== undefined && incoming.barcode !== current.barcode) change.barcode = incoming.barcode;
      for (const [, key] of VARIANT_NUMBER_COLUMNS) if (incoming[key] !== undefined && incoming[key] !== current[key]) change[key] = incoming[key];
      if (incoming.options && !sameOptions(incoming.options, current.options)) change.options = incoming.options;
      const prices = desiredPrices(incoming, current.prices);
      if (!samePrices(prices, current.prices)) change.prices = prices;
      if (Object.keys(change).length) changes.push({ index, variantId: current.id, patch: change });
    });

    this.#priceCurrencyIndex = [];
    for (const { index, patch: change } of changes) this.#priceCurrencyIndex[index] = (change.prices ?? []).map((p) => p.currencyCode);
    for (const { index, input } of additions) this.#priceCurrencyIndex[index] = (input.prices ?? []).map((p) => p.currencyCode);
        const productChanged = Object.keys(patch).length > 0 || publishing;
    if (!productChanged && !changes.length && !additions.length) return 'unchanged' as const;
    let invalid = this.#schemaIssues(UpdateProductBody, patch, (pointer) => this.#locate(pointer, 'product', product.optionNames, 0), flag);
    for (const { index, patch: change } of changes) {
      invalid = this.#schemaIssues(VariantPatch, change, (pointer) => this.#locate(pointer, 'variant', product.optionNames, index), flag) || invalid;
    }
    for (const { index, input } of additions) {
      invalid = this.#schemaIssues(VariantInput, input, (pointer) => this.#locate(pointer, 'variant', product.optionNames, index), flag) || invalid;
    }
    if (invalid) return 'unchanged' as const;

    const written = await this.#transaction(group, product.optionNames, flag, async (products, attempt) => {
      if (Object.keys(patch).length) await attempt(0, 'product', () => products.update(this.#scope, view.id, patch));
      for (const { index, variantId, patch: change } of changes) await attempt(index, 'variant', () => products.updateVariant(this.#scope, view.id, variantId, change));
      for (const { index, input } of additions) await attempt(index, 'variant', () => products.addVariant(this.#scope, view.id, input));
      // published last, once every variant has its prices
      if (publishing) await attempt(0, 'product', () => products.update(this.#scope, view.id, { status: 'published' }));
    });
    if (!written) return 'unchanged' as const;
    const changed = new Set(changes.map((c) => c.index));
    const added = new Set(additions.map((a) => a.index));
    return {
      product: 'updated' as const,
      rows: group.rows.map((_, i) => (added.has(i) ? ('created' as const) : changed.has(i) || (i === 0 && productChanged) ? ('updated' as const) : ('unchanged' as const))),
    };
  }

  /**
   * Runs the product's writes in one transaction; a catalog rule that refuses one of them rolls all
   * of them back and is reported on its row. A dry run rolls back after the last write.
   */
  async #transaction(
    group: Group,
    optionNames: string[] | undefined,
    flag: (index: number, issue: Issue) => void,
    work: (products: ProductService, attempt: (index: number, base: 'create' | 'product' | 'variant', write: () => Promise<unknown>) => Promise<void>) => Promise<void>,
  ): Promise<boolean> {
    const attempt = async (index: number, base: 'create' | 'product' | 'variant', write: () => Promise<unknown>) => {
      try {
        await write();
      } catch (error) {
        if (error instanceof AppError && error.status < 500) throw new RowFailure(index, error, base === 'variant' ? 'variant' : 'product');
        throw error;
      }
    };
    try {
      await this.#deps.productService.inOneTransaction(async (products) => {
        await work(products, attempt);
        if (this.#dryRun) throw new DryRunRollback();
      });
      return true;
    } catch (error) {
      if (error instanceof DryRunRollback) return true;
      const failure = error instanceof RowFailure ? error : error instanceof AppError && error.status < 500 ? new RowFailure(0, error, 'product') : undefined;
      if (!failure) throw error;
      for (const located of this.#locateError(group, failure, optionNames)) flag(located.index, located.issue);
      return false;
    }
  }

  /** Checks a request body against the schema the HTTP API uses for it; flags each issue on its row and column. */
  #schemaIssues(schema: TSchema, value: unknown, locate: (pointer: string) => { index: number; column: string | null }, flag: (index: number, issue: Issue) => void): boolean {
    const validate = validator(schema);
    if (validate(value)) return false;
    for (const issue of toFieldIssues(validate.errors, 'body')) {
      const { index, column } = locate(issue.pointer);
      flag(index, { column, rule: issue.rule, message: issue.message });
    }
    return true;
  }

  /** The row and column a JSON pointer of a product (`/variants/2/prices/0/amount`) or variant (`/sku`) body points at. */
  #locate(pointer: string, base: 'product' | 'variant', optionNames: string[] | undefined, index: number): { index: number; column: string | null } {
    const parts = pointer.split('/').slice(1).map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
    if (base === 'product' && parts[0] === 'variants') {
      return this.#locate(`/${parts.slice(2).join('/')}`, 'variant', optionNames, parts[1] !== undefined && /^\d+$/.test(parts[1]) ? Number(parts[1]) : index);
    }
    const [field, key, sub] = parts;
    if (field === undefined || field === '') return { index, column: null };
    if (field === 'options') {
      if (base === 'product') return { index, column: key !== undefined && /^\d+$/.test(key) ? `option${Number(key) + 1}_${sub === 'values' ? 'value' : 'name'}` : 'option1_name' };
      const k = key !== undefined ? (optionNames?.indexOf(key) ?? -1) : -1;
      return { index, column: `option${k >= 0 ? k + 1 : 1}_value` };
    }
    if (field === 'attributes') return { index, column: key ? `${ATTRIBUTE_PREFIX}${key}` : null };
    if (field === 'prices') {
      const currency = key !== undefined && /^\d+$/.test(key) ? this.#priceCurrencyAt(index, Number(key)) : this.#deps.catalogPricing.defaultCurrency;
      return { index, column: `${sub === 'compareAtAmount' ? COMPARE_AT_PREFIX : PRICE_PREFIX}${currency}` };
    }
    const columns = base === 'product' ? PRODUCT_POINTER_COLUMNS : VARIANT_POINTER_COLUMNS;
    return { index, column: columns[field] ?? null };
  }

  #priceCurrencyIndex: Array<string[]> = [];
  #priceCurrencyAt(index: number, position: number): string {
    return this.#priceCurrencyIndex[index]?.[position] ?? this.#deps.catalogPricing.defaultCurrency;
  }

  #locateError(group: Group, failure: RowFailure, optionNames: string[] | undefined): Array<{ index: number; issue: Issue }> {
    const { error } = failure;
    if (error.errors?.length) {
      return error.errors.map((fieldIssue) => {
        const { index, column } = this.#locate(fieldIssue.pointer, failure.pointerBase, optionNames, failure.rowIndex);
        return { index, issue: { column, rule: fieldIssue.rule, message: `${error.message}: ${fieldIssue.message}`, code: error.code } };
      });
    }
    const skus = (error.extensions?.skus as string[] | undefined)?.map((s) => s.toLowerCase());
    const indexes = skus?.length ? group.rows.flatMap((row, i) => (skus.includes(row.sku.toLowerCase()) ? [i] : [])) : [];
    const column = error.code === 'PRODUCT_SKU_TAKEN' ? 'sku' : error.code === 'PRODUCT_SLUG_TAKEN' ? 'product_slug' : error.code === 'PRODUCT_DUPLICATE_VARIANT' ? 'option1_value' : null;
    return (indexes.length ? indexes : [failure.rowIndex]).map((index) => ({ index, issue: { column, rule: ruleOf(error.code), message: error.message, code: error.code } }));
  }
}

function ruleOf(code: string): string {
  switch (code) {
    case 'PRODUCT_SKU_TAKEN':
    case 'PRODUCT_SLUG_TAKEN':
    case 'PRODUCT_DUPLICATE_VARIANT':
      return 'unique';
    case 'PRODUCT_NOT_YOURS':
      return 'vendor';
    default:
      return code.toLowerCase();
  }
}

/** A decimal price cell in minor units: `null` when empty, undefined (and flagged) when not an exact amount of the currency. */
function decimalCell(text: string, currency: string, column: string, flag: (issue: Issue) => void): number | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const amount = parseDecimalAmount(trimmed, currency);
  if (amount === undefined) {
    const decimals = currencyExponent(currency);
    flag({ column, rule: 'decimal', message: `must be an amount in ${currency} with at most ${decimals} decimal${decimals === 1 ? '' : 's'}, like ${decimals ? `19.${'9'.repeat(decimals)}` : '1999'}` });
    return null;
  }
  return amount;
}

/** An attribute cell as the value its type takes; text the type cannot read stays text, for the catalog's check to refuse. */
function attributeValue(definition: AttributeDefinition, text: string): AttributeValue {
  const trimmed = text.trim();
  if (!trimmed) return null;
  if (definition.type === 'number') return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
  if (definition.type === 'boolean') return trimmed === 'true' ? true : trimmed === 'false' ? false : trimmed;
  return definition.type === 'text' ? trimmed : text;
}

function sameAttribute(incoming: AttributeValue, current: string | number | boolean | null): boolean {
  return incoming === current;
}

/** The prices a variant should have: the file's currencies as the file says, the others as they are. */
function desiredPrices(incoming: VariantValues, current: readonly PriceInput[]): PriceInput[] {
  const prices: PriceInput[] = current.filter((p) => !incoming.prices.has(p.currencyCode)).map((p) => ({ ...p, compareAtAmount: p.compareAtAmount ?? null }));
  for (const [currencyCode, { amount, compareAtAmount }] of incoming.prices) {
    if (amount === null) continue;
    const kept = compareAtAmount === undefined ? (current.find((p) => p.currencyCode === currencyCode)?.compareAtAmount ?? null) : compareAtAmount;
    prices.push({ currencyCode, amount, compareAtAmount: kept });
  }
  return prices.sort((a, b) => a.currencyCode.localeCompare(b.currencyCode));
}

function samePrices(a: readonly PriceInput[], b: readonly PriceInput[]): boolean {
  const key = (prices: readonly PriceInput[]) =>
    [...prices].sort((x, y) => x.currencyCode.localeCompare(y.currencyCode)).map((p) => `${p.currencyCode}:${p.amount}:${p.compareAtAmount ?? ''}`).join(',');
  return key(a) === key(b);
}

function sameOptions(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(b);
  return a.length === set.size && a.every((x) => set.has(x));
}

function variantInput(values: VariantValues, current: readonly PriceInput[]): VariantInput {
  const prices = desiredPrices(values, current);
  return {
    sku: values.sku,
    ...defined({
      barcode: values.barcode,
      weightGrams: values.weightGrams,
      lengthMm: values.lengthMm,
      widthMm: values.widthMm,
      heightMm: values.heightMm,
      options: values.options && Object.keys(values.options).length ? values.options : undefined,
    }),
    ...(prices.length ? { prices } : {}),
  };
}

function defined<T extends Record<string, unknown>>(object: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
