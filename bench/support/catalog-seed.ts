import pg from 'pg';

/**
 * Fills a migrated, empty catalog with PRODUCTS products in a few set-based statements (seconds,
 * where going through the services would take many minutes): 5 departments × 4 sections × 5 leaves
 * of categories, 50 brands, 20 tags, two attributes, a Size option with three values and so three
 * variants per product, USD prices (compare-at on every fifth product), two images per product
 * drawn from `mediaIds` (real uploads, so the rows have renditions), and a few drafts.
 */
export const PRODUCTS = 10_000;
export const BRANDS = 50;
export const ROOT_CATEGORIES = 5;

export async function seedBenchCatalog(url: string, mediaIds: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin');
    const statements = [
      // categories: roots r1..r5, sections r1-s1.., leaves r1-s1-l1..; paths are chains of ids
      `insert into cw_category (id, parent_id, name, slug, description, path, depth, position, created_at, updated_at)
       select 'cat_r' || r, null, 'Department ' || r, 'department-' || r, null, '/cat_r' || r || '/', 0, r - 1, now(), now()
       from generate_series(1, ${ROOT_CATEGORIES}) r`,
      `insert into cw_category (id, parent_id, name, slug, description, path, depth, position, created_at, updated_at)
       select 'cat_r' || r || 's' || s, 'cat_r' || r, 'Section ' || r || '.' || s, 'section-' || r || '-' || s, null,
         '/cat_r' || r || '/cat_r' || r || 's' || s || '/', 1, s - 1, now(), now()
       from generate_series(1, ${ROOT_CATEGORIES}) r, generate_series(1, 4) s`,
      `insert into cw_category (id, parent_id, name, slug, description, path, depth, position, created_at, updated_at)
       select 'cat_r' || r || 's' || s || 'l' || l, 'cat_r' || r || 's' || s, 'Leaf ' || r || '.' || s || '.' || l, 'leaf-' || r || '-' || s || '-' || l, null,
         '/cat_r' || r || '/cat_r' || r || 's' || s || '/cat_r' || r || 's' || s || 'l' || l || '/', 2, l - 1, now(), now()
       from generate_series(1, ${ROOT_CATEGORIES}) r, generate_series(1, 4) s, generate_series(1, 5) l`,
      `insert into cw_brand (id, name, slug, description, created_at, updated_at)
       select 'brand_' || lpad(b::text, 3, '0'), 'Brand ' || b, 'brand-' || b, 'The brand number ' || b, now(), now() from generate_series(1, ${BRANDS}) b`,
      `insert into cw_tag (id, name, slug, created_at) select 'tag_' || lpad(t::text, 2, '0'), 'Tag ' || t, 'tag-' || t, now() from generate_series(1, 20) t`,
      `insert into cw_attribute (id, code, name, type, enum_values, unit, filterable, created_at, updated_at) values
         ('attr_material', 'material', 'Material', 'enum', '["Cotton","Wool","Linen","Steel"]', null, true, now(), now()),
         ('attr_organic', 'organic', 'Organic', 'boolean', '[]', null, true, now(), now())`,
      `insert into cw_product (id, title, slug, description_markdown, description_html, status, brand_id, vendor_id, featured, meta_title, meta_description,
         popularity, rating_average, rating_count, published_at, created_at, updated_at)
       select 'prod_' || lpad(i::text, 6, '0'), 'Bench Product ' || i, 'bench-product-' || i,
         'A sturdy thing, number ' || i || '. Made to last.', '<p>A sturdy thing, number ' || i || '. Made to last.</p>' || chr(10),
         case when i % 97 = 0 then 'draft' else 'published' end,
         'brand_' || lpad((1 + i % ${BRANDS})::text, 3, '0'), null, i % 20 = 0, 'Bench Product ' || i, null,
         (i * 7919) % 1000, case when i % 3 = 0 then round((3 + (i % 20) / 10.0)::numeric, 2) end, case when i % 3 = 0 then i % 40 else 0 end,
         case when i % 97 = 0 then null else timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute' end,
         timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute', timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute'
       from generate_series(1, ${PRODUCTS}) i`,
      `insert into cw_product_slug (slug, product_id, created_at) select slug, id, created_at from cw_product`,
      // one leaf each: leaf number i % 100 spreads products evenly over the 100 leaves
      `insert into cw_product_category (product_id, category_id)
       select 'prod_' || lpad(i::text, 6, '0'), 'cat_r' || (1 + (i / 20) % ${ROOT_CATEGORIES}) || 's' || (1 + (i / 5) % 4) || 'l' || (1 + i % 5)
       from generate_series(1, ${PRODUCTS}) i`,
      `insert into cw_product_tag (product_id, tag_id)
       select distinct 'prod_' || lpad(i::text, 6, '0'), 'tag_' || lpad((1 + t)::text, 2, '0')
       from generate_series(1, ${PRODUCTS}) i, lateral (values (i % 20), ((i * 7 + 3) % 20)) tags(t)
       -- in key order, so a heap scan and an index scan return a product's tags in the same order
       order by 1, 2`,
      `insert into cw_product_attribute (product_id, attribute_id, text_value, number_value, boolean_value)
       select 'prod_' || lpad(i::text, 6, '0'), 'attr_material', (array['Cotton','Wool','Linen','Steel'])[1 + i % 4], null::numeric, null::boolean from generate_series(1, ${PRODUCTS}) i
       union all
       select 'prod_' || lpad(i::text, 6, '0'), 'attr_organic', null, null, i % 2 = 0 from generate_series(1, ${PRODUCTS}) i where i % 3 <> 0`,
      `insert into cw_product_option (id, product_id, name, position) select 'opt_' || lpad(i::text, 6, '0'), 'prod_' || lpad(i::text, 6, '0'), 'Size', 0 from generate_series(1, ${PRODUCTS}) i`,
      `insert into cw_product_option_value (id, option_id, value, position)
       select 'optval_' || lpad(i::text, 6, '0') || '_' || k, 'opt_' || lpad(i::text, 6, '0'), (array['S','M','L'])[k], k - 1
       from generate_series(1, ${PRODUCTS}) i, generate_series(1, 3) k`,
      `insert into cw_product_variant (id, product_id, sku, barcode, title, option_key, option_values, weight_grams, length_mm, width_mm, height_mm, position, created_at, updated_at)
       select 'var_' || lpad(i::text, 6, '0') || '_' || k, 'prod_' || lpad(i::text, 6, '0'), 'BENCH-' || i || '-' || (array['S','M','L'])[k],
         case when k = 1 then lpad((4000000000000 + i)::text, 13, '0') end, 'Bench Product ' || i || ' / ' || (array['S','M','L'])[k],
         'optval_' || lpad(i::text, 6, '0') || '_' || k, jsonb_build_array(jsonb_build_object('option', 'Size', 'value', (array['S','M','L'])[k])),
         200 + k * 50, case when k = 2 then 300 end, null, null, k - 1,
         timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute', timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute'
       from generate_series(1, ${PRODUCTS}) i, generate_series(1, 3) k`,
      `insert into cw_variant_price (variant_id, currency_code, amount, compare_at_amount)
       select 'var_' || lpad(i::text, 6, '0') || '_' || k, 'USD', 999 + (i * 37) % 9000 + (k - 1) * 200,
         case when i % 5 = 0 then 1999 + (i * 37) % 9000 + (k - 1) * 200 end
       from generate_series(1, ${PRODUCTS}) i, generate_series(1, 3) k`,
      `insert into cw_product_image (id, product_id, variant_ids, media_id, position, alt)
       select 'pimg_' || lpad(i::text, 6, '0') || '_' || n, 'prod_' || lpad(i::text, 6, '0'), '[]', m.ids[1 + (i + n) % array_length(m.ids, 1)], n,
         case when n = 0 then 'Bench Product ' || i else '' end
       from generate_series(1, ${PRODUCTS}) i, generate_series(0, 1) n, (select $1::text[] as ids) m`,
    ];
    for (const statement of statements) await client.query(statement, statement.includes('$1') ? [mediaIds] : []);
    await client.query('commit');
    await client.query('analyze');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
