import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { Type } from 'typebox';
import { defineRoute } from '../../kernel/http/route.ts';
import { catalogScope, PRODUCT_READ_ACCESS, PRODUCT_WRITE_ACCESS } from './catalog-access.ts';
import { exportProducts } from './product-export.ts';
import { IMPORT_MAX_BYTES, importProducts } from './product-import.ts';
import { ProductStatus } from './product.schemas.ts';

const ImportRowError = Type.Object({
  row: Type.Integer({ description: 'The line of the file where the row starts (the header is line 1)' }),
  sku: Type.Union([Type.String(), Type.Null()]),
  column: Type.Union([Type.String(), Type.Null()]),
  rule: Type.String(),
  message: Type.String(),
  code: Type.Optional(Type.String({ description: 'The catalog error code, when a catalog rule refused the row' })),
});

const Counts = { created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(), failed: Type.Integer() };

const ImportReport = Type.Object({
  dryRun: Type.Boolean(),
  rows: Type.Integer({ description: 'Data rows read; each one is created, updated, unchanged or failed' }),
  ...Counts,
  products: Type.Object(Counts),
  errors: Type.Array(ImportRowError),
  truncated: Type.Boolean({ description: 'More rows failed than `errors` lists' }),
});

/**
 * `/admin/products/import` and `/admin/products/export`: the product CSV (docs/admin/product-import.md).
 * Mounted before the `/:id` routes so `export` is not taken for a product id.
 */
export const productCsvRoutes = [
  defineRoute({
    method: 'POST',
    path: '/import',
    summary: 'Import products from CSV: upsert by SKU, one transaction per product, a report per row',
    description:
      'The body is the CSV file itself (`Content-Type: text/csv`), read as it arrives. Rows are grouped into products by ' +
      '`product_slug`; a product whose rows all pass is written whole, one with a bad row is not written and every row of it is ' +
      'reported. Rows equal to the stored product write nothing. `dryRun=true` checks everything and writes nothing. A header ' +
      'with unknown or missing columns is refused (400) before anything is written.',
    tags: ['catalog'],
    access: PRODUCT_WRITE_ACCESS,
    // each product written is audited by the catalog; an import that changes nothing leaves no entry
    audit: false,
    stream: { contentTypes: ['text/csv'], maxBytes: IMPORT_MAX_BYTES },
    schema: {
      query: Type.Object({ dryRun: Type.Optional(Type.Boolean({ default: false })) }),
      response: { 200: ImportReport },
    },
    handler: async ({ query, cradle, actor, stream }) => {
      const scope = catalogScope(actor, 'write');
      return importProducts(cradle, scope, stream!, { dryRun: query.dryRun ?? false });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/export',
    summary: 'Export products as CSV, in the format the import reads',
    description: 'Streams `text/csv`, one row per variant, read from the database in batches. Deleted products are left out.',
    tags: ['catalog'],
    access: PRODUCT_READ_ACCESS,
    schema: {
      query: Type.Object({
        status: Type.Optional(ProductStatus),
        category: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Category id or slug; descendants included' })),
        brand: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Brand id or slug' })),
      }),
      response: { 200: Type.String({ description: 'The CSV file (text/csv)' }) },
    },
    handler: async ({ query, cradle, actor, ctx }) => {
      const rows = await exportProducts(cradle, catalogScope(actor, 'read'), query);
      const date = new Date().toISOString().slice(0, 10);
      ctx.status = 200;
      ctx.set('Content-Type', 'text/csv; charset=utf-8');
      ctx.set('Content-Disposition', `attachment; filename="products-${date}.csv"`);
      // a line break inside a cell is quoted whatever it is, so the file reads back the same
      const csv = stringify({ record_delimiter: 'windows', quoted_match: /[\r\n]/ });
      Readable.from(rows)
        .on('error', (error) => csv.destroy(error))
        .pipe(csv);
      ctx.body = csv;
    },
  }),
];
