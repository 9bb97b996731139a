import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { createCatalogStore, created, type CatalogStore } from './catalog-helpers.ts';
import { createAndLogin, type SignedIn } from '../admin/admin-helpers.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

function importCsv(as: SignedIn['as'], csv: string, query: Record<string, string | boolean> = {}) {
  return as.post('/admin/products/import', undefined, { rawBody: csv, headers: { 'content-type': 'text/csv' }, query });
}

async function imported(as: SignedIn['as'], csv: string, query: Record<string, string | boolean> = {}) {
  const response = await importCsv(as, csv, query);
  if (response.status !== 200) throw new Error(`import: ${response.status} ${response.text}`);
  return response.body;
}

describe('product CSV import and export', () => {
  let c: CatalogStore;
  const sql = <T = any>(query: string, params: unknown[] = []) => c.store.commerce.withScope((s) => s.cradle.em.execute<T[]>(query, params));
  const product = async (slug: string) => {
    const [row] = await sql<{ id: string }>('select id from cw_product where slug = ?', [slug]);
    if (!row) return undefined;
    return (await c.admin.as.get(`/admin/products/${row.id}`)).body;
  };
  const footprint = async () => {
    const [events] = await sql<{ n: number }>('select count(*)::int as n from cw_outbox_event');
    const [audit] = await sql<{ n: number }>('select count(*)::int as n from cw_audit_log');
    const [stamp] = await sql<{ at: string }>(`select coalesce(max(updated_at)::text, '') as at from cw_product`);
    const [variants] = await sql<{ at: string }>(`select coalesce(max(updated_at)::text, '') as at from cw_product_variant`);
    return { events: events!.n, audit: audit!.n, products: stamp!.at, variants: variants!.at };
  };

  before(async () => {
    c = await createCatalogStore();
    await created(c.admin.as, '/admin/brands', { name: 'Acme', slug: 'acme' });
    await created(c.admin.as, '/admin/categories', { name: 'Shirts', slug: 'shirts' });
    await created(c.admin.as, '/admin/categories', { name: 'Kitchen', slug: 'kitchen' });
    await created(c.admin.as, '/admin/tags', { name: 'Summer', slug: 'summer' });
    await created(c.admin.as, '/admin/tags', { name: 'Sale', slug: 'sale' });
    await created(c.admin.as, '/admin/attributes', { code: 'material', name: 'Material', type: 'text' });
  });
  after(() => c.store.stop());

  describe('importing good and bad rows', () => {
    let report: any;
    before(async () => {
      report = await imported(c.admin.as, fixture('mixed.csv'));
    });

    it('reports exactly the bad rows, with their line numbers, columns and rules', () => {
      const errors = report.errors.map((e: any) => [e.row, e.sku, e.column, e.rule]);
      expect(errors).to.deep.equal([
        [6, 'MUG-1', 'price_USD', 'decimal'],
        [7, 'BAG-1', 'brand', 'exists'],
        [8, 'SOCK-S', null, 'group'],
        [9, 'SOCK-S2', 'option1_value', 'unique'],
        [10, null, 'sku', 'required'],
      ]);
      expect(report.errors[3].code).to.equal('PRODUCT_DUPLICATE_VARIANT');
      expect(report.errors[0].message).to.equal('must be an amount in USD with at most 2 decimals, like 19.99');
      expect(report).to.deep.include({ dryRun: false, rows: 8, created: 3, updated: 0, unchanged: 0, failed: 5, truncated: false });
      expect(report.products).to.deep.equal({ created: 2, updated: 0, unchanged: 0, failed: 4 });
    });

    it('writes the good products with exact values, prices in minor units', async () => {
      const tee = await product('tee');
      expect(tee).to.deep.include({ title: 'Tee', status: 'published', descriptionMarkdown: 'Soft **cotton**', featured: true, metaTitle: null });
      expect(tee.brand.slug).to.equal('acme');
      expect(tee.categories.map((x: any) => x.slug)).to.deep.equal(['shirts']);
      expect(tee.tags.map((x: any) => x.slug).sort()).to.deep.equal(['sale', 'summer']);
      expect(tee.attributes.map((a: any) => [a.code, a.value])).to.deep.equal([['material', 'cotton']]);
      expect(tee.options).to.deep.equal([{ name: 'Size', values: ['S', 'M'] }]);
      expect(tee.variants.map((v: any) => [v.sku, v.options, v.weightGrams, v.prices])).to.deep.equal([
        ['TEE-S', { Size: 'S' }, 180, [
          { currencyCode: 'EUR', amount: 1850, compareAtAmount: null },
          { currencyCode: 'USD', amount: 1999, compareAtAmount: 2499 },
        ]],
        ['TEE-M', { Size: 'M' }, null, [{ currencyCode: 'USD', amount: 2001, compareAtAmount: null }]],
      ]);
      const lamp = await product('lamp');
      expect(lamp.descriptionMarkdown).to.equal('- bright\n- warm');
      expect(lamp.variants[0].prices).to.deep.equal([{ currencyCode: 'JPY', amount: 1500, compareAtAmount: null }]);
    });

    it('writes nothing of a product with a bad row', async () => {
      for (const slug of ['mug', 'bag', 'sock', 'cap']) expect(await product(slug), slug).to.equal(undefined);
      const [skus] = await sql<{ n: number }>(`select count(*)::int as n from cw_product_variant where sku in ('MUG-1', 'BAG-1', 'SOCK-S', 'SOCK-S2')`);
      expect(skus!.n).to.equal(0);
    });

    it('changes nothing when the same file is imported again: no writes, no events, no audit entries', async () => {
      const before = await footprint();
      const again = await imported(c.admin.as, fixture('mixed.csv'));
      expect(again).to.deep.include({ rows: 8, created: 0, updated: 0, unchanged: 3, failed: 5 });
      expect(again.errors).to.have.length(5);
      expect(await footprint()).to.deep.equal(before);
    });

    it('updates exactly the variant whose price changed', async () => {
      const before = await footprint();
      const changed = await imported(c.admin.as, fixture('mixed.csv').replace('TEE-M,,20.01', 'TEE-M,,21.00'));
      expect(changed).to.deep.include({ created: 0, updated: 1, unchanged: 2, failed: 5 });
      expect(changed.products).to.deep.include({ updated: 1, unchanged: 1 });
      const tee = await product('tee');
      expect(tee.variants[1].prices).to.deep.equal([{ currencyCode: 'USD', amount: 2100, compareAtAmount: null }]);
      expect(tee.variants[0].prices[1]).to.deep.equal({ currencyCode: 'USD', amount: 1999, compareAtAmount: 2499 });
      const after = await footprint();
      expect(after.events).to.equal(before.events + 1);
    });

    it('adds a new SKU to an existing product as a variant, with its new option value', async () => {
      const csv = 'product_slug,option1_name,option1_value,sku,price_USD\ntee,Size,L,TEE-L,22.00\n';
      const result = await imported(c.admin.as, csv);
      expect(result).to.deep.include({ rows: 1, created: 1, failed: 0 });
      const tee = await product('tee');
      expect(tee.options).to.deep.equal([{ name: 'Size', values: ['S', 'M', 'L'] }]);
      expect(tee.variants.map((v: any) => v.sku)).to.deep.equal(['TEE-S', 'TEE-M', 'TEE-L']);
      // columns the file does not have are left as they are
      expect(tee.title).to.equal('Tee');
      expect(tee.brand.slug).to.equal('acme');
    });
  });

  describe('dry runs, headers, export, vendors and size', () => {
  it('checks everything and writes nothing on a dry run', async () => {
    const csv = 'product_slug,title,sku,price_USD\ndry-1,Dry,DRY-1,1.00\ndry-2,Dry two,DRY-2,1.001\n';
    const before = await footprint();
    const report = await imported(c.admin.as, csv, { dryRun: true });
    expect(report).to.deep.include({ dryRun: true, rows: 2, created: 1, failed: 1 });
    expect(report.errors.map((e: any) => [e.row, e.column, e.rule])).to.deep.equal([[3, 'price_USD', 'decimal']]);
    expect(await product('dry-1')).to.equal(undefined);
    expect(await footprint()).to.deep.equal(before);
  });

  it('refuses a header with missing or unknown columns (400), writing nothing', async () => {
    const missing = await importCsv(c.admin.as, 'product_slug,title,price_USD\nx,X,1.00\n');
    expect(missing.status).to.equal(400);
    expect(missing.headers.get('content-type')).to.include('application/problem+json');
    expect(missing.body.code).to.equal('CATALOG_CSV_HEADER_INVALID');
    expect(missing.body.missing).to.deep.equal(['sku']);
    const unknown = await importCsv(c.admin.as, 'product_slug,sku,colour,price_CHF,attr_nope,compare_at_EUR\nx,X-1,red,1,2,3\n');
    expect(unknown.status).to.equal(400);
    expect(unknown.body.unknown).to.deep.equal(['colour', 'price_CHF', 'attr_nope']);
    expect(unknown.body.missing).to.deep.equal(['price_EUR']);
    expect(await product('x')).to.equal(undefined);
    const json = await c.admin.as.post('/admin/products/import', { rows: [] });
    expect(json.status).to.equal(415);
  });

  it('reads tax_class: a class, an empty cell for the store default, a bad class as a row error', async () => {
    const report = await imported(
      c.admin.as,
      'product_slug,title,tax_class,sku,price_USD\n' +
        'taxed-bread,Bread,reduced,BREAD-1,3.00\n' +
        'taxed-soap,Soap,,SOAP-1,2.00\n' +
        'taxed-bad,Bad,Reduced Rate,BAD-TAX-1,1.00\n' +
        'taxed-long,Long,a' + 'b'.repeat(64) + ',LONG-TAX-1,1.00\n',
    );
    expect(report.errors.map((e: any) => [e.row, e.column, e.rule])).to.deep.equal([[4, 'tax_class', 'pattern'], [5, 'tax_class', 'pattern']]);
    expect(report).to.deep.include({ created: 2, failed: 2 });
    expect((await product('taxed-bread')).taxClass).to.equal('reduced');
    expect((await product('taxed-soap')).taxClass).to.equal(null);
    expect(await product('taxed-bad')).to.equal(undefined);
    expect(await product('taxed-long')).to.equal(undefined);

    const changed = await imported(c.admin.as, 'product_slug,tax_class,sku\ntaxed-bread,zero,BREAD-1\ntaxed-soap,standard,SOAP-1\n');
    expect(changed).to.deep.include({ updated: 2, unchanged: 0, failed: 0 });
    expect((await product('taxed-bread')).taxClass).to.equal('zero');
    expect((await product('taxed-soap')).taxClass).to.equal('standard');
    const cleared = await imported(c.admin.as, 'product_slug,tax_class,sku\ntaxed-soap,,SOAP-1\n');
    expect(cleared).to.deep.include({ updated: 1 });
    expect((await product('taxed-soap')).taxClass).to.equal(null);
    // a file without the column leaves the class as it is
    await imported(c.admin.as, 'product_slug,title,sku\ntaxed-bread,Rye Bread,BREAD-1\n');
    expect((await product('taxed-bread')).taxClass).to.equal('zero');
  });

  it('exports a CSV that imports back unchanged, with formula cells guarded', async () => {
    await imported(
      c.admin.as,
      'product_slug,title,description,meta_title,sku,barcode,price_USD\n' +
        'formula,"=HYPERLINK(""http://evil"")","- a list\n- of two","@risky",FORMULA-1,+123,3.50\n' +
        "quoted,'=not a formula,'plain quote,,QUOTED-1,,1.00\n",
    );
    const formula = await product('formula');
    expect(formula.title).to.equal('=HYPERLINK("http://evil")');
    expect(formula.descriptionMarkdown).to.equal('- a list\n- of two');
    expect(formula.metaTitle).to.equal('@risky');
    expect(formula.variants[0].barcode).to.equal('+123');
    expect((await product('quoted')).title).to.equal('=not a formula');
    expect((await product('quoted')).descriptionMarkdown).to.equal("'plain quote");

    const response = await c.admin.as.get('/admin/products/export');
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).to.match(/^attachment; filename="products-\d{4}-\d{2}-\d{2}\.csv"$/);
    const csv = response.text;
    expect(csv.split('\r\n')[0]).to.equal(
      'product_slug,title,description,status,brand,categories,tags,featured,meta_title,meta_description,tax_class,' +
        'option1_name,option1_value,option2_name,option2_value,option3_name,option3_value,sku,barcode,weight_grams,length_mm,width_mm,height_mm,' +
        'price_USD,compare_at_USD,price_EUR,compare_at_EUR,price_JPY,compare_at_JPY,price_GBP,compare_at_GBP,attr_material',
    );
    expect(csv).to.include(`formula,"'=HYPERLINK(""http://evil"")","'- a list\n- of two",draft,,,,false,'@risky,`);
    expect(csv).to.include(",FORMULA-1,'+123,");
    expect(csv).to.include("quoted,'=not a formula,'plain quote,");
    expect(csv).to.include('tee,Tee,Soft **cotton**,published,acme,shirts,');
    expect(csv).to.include('taxed-bread,Rye Bread,,draft,,,,false,,,zero,,,,,,,BREAD-1,');
    expect(csv).to.include('taxed-soap,Soap,,draft,,,,false,,,,,,,,,,SOAP-1,');

    const before = await footprint();
    const back = await imported(c.admin.as, csv);
    expect(back.errors).to.deep.equal([]);
    expect(back.unchanged).to.equal(back.rows);
    expect(back.rows).to.be.greaterThan(5);
    expect(await footprint()).to.deep.equal(before);

    const filtered = await c.admin.as.get('/admin/products/export', { query: { brand: 'acme', status: 'published' } });
    expect(filtered.text.trim().split('\r\n').slice(1).map((line) => line.split(',')[0])).to.deep.equal(['tee', 'tee', 'tee']);
    expect((await c.admin.as.get('/admin/products/export', { query: { category: 'nope' } })).status).to.equal(404);
  });

  it('lets a vendor import its own products only', async () => {
    const vendor = await createAndLogin(c.store, 'csv-seller@example.com', 'vendor');
    await sql(`update cw_user set status = 'active' where email = 'csv-seller@example.com'`);
    const report = await imported(vendor.as, 'product_slug,title,sku,price_USD\nvendor-vase,Vase,VASE-1,30.00\nvendor-tee,Tee copy,TEE-S,1.00\ntee,Tee,TEE-Z,1.00\n');
    expect(report.errors.map((e: any) => [e.row, e.column, e.rule, e.code])).to.deep.equal([
      [3, 'sku', 'vendor', 'PRODUCT_NOT_YOURS'],
      [4, 'product_slug', 'vendor', 'PRODUCT_NOT_YOURS'],
    ]);
    expect(report).to.deep.include({ created: 1, failed: 2 });
    expect((await product('vendor-vase')).vendorId).to.equal(vendor.id);
    expect((await product('tee')).variants.map((v: any) => v.sku)).not.to.include('TEE-Z');
    const exported = await vendor.as.get('/admin/products/export');
    expect(exported.text.trim().split('\r\n').slice(1).map((line) => line.split(',')[0])).to.deep.equal(['vendor-vase']);
  });

  it('imports 5,000 rows of 1,000 products, then finds them all unchanged', async function () {
    this.timeout(600_000);
    const sizes = ['XS', 'S', 'M', 'L', 'XL'];
    const lines = ['product_slug,title,status,categories,option1_name,option1_value,sku,price_USD,price_EUR'];
    for (let p = 0; p < 1000; p++) {
      for (const [i, size] of sizes.entries()) lines.push(`bulk-${p},Bulk ${p},published,kitchen,Size,${size},BULK-${p}-${size},${10 + i}.${String(p % 100).padStart(2, '0')},9.5`);
    }
    const csv = `${lines.join('\n')}\n`;
    let started = performance.now();
    const report = await imported(c.admin.as, csv);
    const first = performance.now() - started;
    expect(report).to.deep.include({ rows: 5000, created: 5000, failed: 0 });
    expect(report.products.created).to.equal(1000);
    const [count] = await sql<{ n: number }>(`select count(*)::int as n from cw_product_variant where sku like 'BULK-%'`);
    expect(count!.n).to.equal(5000);
    started = performance.now();
    const again = await imported(c.admin.as, csv);
    const second = performance.now() - started;
    expect(again).to.deep.include({ rows: 5000, unchanged: 5000 });
    console.log(`      5,000-row import: ${Math.round(first)} ms; unchanged re-import: ${Math.round(second)} ms`);
  });
  });
});
