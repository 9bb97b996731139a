import pg from 'pg';

/**
 * A catalog for the search benchmark: `count` products whose titles and descriptions are drawn from a
 * shop's vocabulary (adjective, material, product noun), so a two-word query like "linen shirt"
 * matches a realistic share of the catalog (about 1 in 500 products) rather than all of it. Three
 * levels of categories (5 × 4 × 5), 60 brands, 20 tags, a filterable enum and boolean attribute, one
 * variant per product with a USD price and stock at one location for four products in five, 1 %
 * drafts. Set-based SQL: 100,000 products take seconds.
 */
export const ADJECTIVES = ['classic', 'modern', 'vintage', 'compact', 'heavy', 'light', 'soft', 'rugged', 'elegant', 'slim', 'warm', 'cool', 'bright', 'quiet', 'sturdy', 'foldable', 'portable', 'waterproof', 'organic', 'handmade', 'rustic', 'minimal', 'deluxe', 'everyday', 'outdoor', 'travel', 'summer', 'winter', 'cozy', 'premium', 'recycled', 'padded', 'woven', 'brushed', 'polished', 'striped', 'dotted'];
export const MATERIALS = ['linen', 'cotton', 'wool', 'leather', 'bamboo', 'oak', 'walnut', 'steel', 'brass', 'ceramic', 'glass', 'canvas', 'silk'];
export const NOUNS = ['shirt', 'jacket', 'scarf', 'blanket', 'lamp', 'chair', 'table', 'mug', 'bowl', 'vase', 'backpack', 'wallet', 'belt', 'sneaker', 'boot', 'hat', 'glove', 'pillow', 'rug', 'curtain', 'towel', 'apron', 'notebook', 'pen', 'clock', 'mirror', 'shelf', 'stool', 'bench', 'basket', 'candle', 'teapot', 'kettle', 'pan', 'knife', 'cutting board', 'planter', 'frame', 'headphones', 'speaker', 'watch'];

const sqlArray = (words: readonly string[]) => `array[${words.map((w) => `'${w.replace(/'/g, "''")}'`).join(',')}]::text[]`;

export async function seedSearchCatalog(url: string, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const adjective = `(${sqlArray(ADJECTIVES)})[1 + i % ${ADJECTIVES.length}]`;
  const material = `(${sqlArray(MATERIALS)})[1 + (i / ${ADJECTIVES.length}) % ${MATERIALS.length}]`;
  const noun = `(${sqlArray(NOUNS)})[1 + (i / ${ADJECTIVES.length * MATERIALS.length}) % ${NOUNS.length}]`;
  const pid = `'prod_' || lpad(i::text, 7, '0')`;
  try {
    await client.query('begin');
    const statements = [
      `insert into cw_category (id, parent_id, name, slug, description, path, depth, position, created_at, updated_at)
       select 'cat_r' || r, null, (array['Home','Kitchen','Apparel','Outdoor','Office'])[r], 'department-' || r, null, '/cat_r' || r || '/', 0, r - 1, now(), now()
       from generate_series(1, 5) r`,
      `insert into cw_category (id, parent_id, name, slug, description, path, depth, position, created_at, updated_at)
       select 'cat_r' || r || 's' || s, 'cat_r' || r, 'Section ' || r || '.' || s, 'section-' || r || '-' || s, null, '/cat_r' || r || '/cat_r' || r || 's' || s || '/', 1, s - 1, now(), now()
       from generate_series(1, 5) r, generate_series(1, 4) s`,
      `insert into cw_category (id, parent_id, name, slug, description, path, depth, position, created_at, updated_at)
       select 'cat_r' || r || 's' || s || 'l' || l, 'cat_r' || r || 's' || s, 'Shelf ' || r || '.' || s || '.' || l, 'shelf-' || r || '-' || s || '-' || l, null,
         '/cat_r' || r || '/cat_r' || r || 's' || s || '/cat_r' || r || 's' || s || 'l' || l || '/', 2, l - 1, now(), now()
       from generate_series(1, 5) r, generate_series(1, 4) s, generate_series(1, 5) l`,
      `insert into cw_brand (id, name, slug, description, created_at, updated_at)
       select 'brand_' || lpad(b::text, 3, '0'), 'Maker ' || b, 'maker-' || b, null, now(), now() from generate_series(1, 60) b`,
      `insert into cw_tag (id, name, slug, created_at) select 'tag_' || lpad(t::text, 2, '0'), 'Collection ' || t, 'collection-' || t, now() from generate_series(1, 20) t`,
      `insert into cw_attribute (id, code, name, type, enum_values, unit, filterable, created_at, updated_at) values
         ('attr_colour', 'colour', 'Colour', 'enum', '["Black","White","Navy","Olive","Sand"]', null, true, now(), now()),
         ('attr_gift', 'giftable', 'Giftable', 'boolean', '[]', null, true, now(), now())`,
      `insert into cw_product (id, title, slug, description_markdown, description_html, status, brand_id, vendor_id, featured, meta_title, meta_description,
         popularity, rating_average, rating_count, published_at, created_at, updated_at)
       select ${pid}, initcap(${adjective} || ' ' || ${material} || ' ' || ${noun}) || ' ' || i, 'search-product-' || i,
         'A ' || ${adjective} || ' ' || ${noun} || ' in ' || ${material} || ', made to last and easy to care for.', '',
         case when i % 100 = 0 then 'draft' else 'published' end,
         'brand_' || lpad((1 + i % 60)::text, 3, '0'), null, i % 25 = 0, null, null,
         (i * 7919) % 1000, case when i % 3 = 0 then round((2.5 + (i % 26) / 10.0)::numeric, 2) end, case when i % 3 = 0 then 1 + i % 40 else 0 end,
         timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute', timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute',
         timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute'
       from generate_series(1, ${count}) i`,
      `insert into cw_product_slug (slug, product_id, created_at) select slug, id, created_at from cw_product`,
      `insert into cw_product_category (product_id, category_id)
       select ${pid}, 'cat_r' || (1 + (i / 20) % 5) || 's' || (1 + (i / 5) % 4) || 'l' || (1 + i % 5) from generate_series(1, ${count}) i`,
      `insert into cw_product_tag (product_id, tag_id)
       select distinct ${pid}, 'tag_' || lpad((1 + t)::text, 2, '0') from generate_series(1, ${count}) i, lateral (values (i % 20), ((i * 7 + 3) % 20)) tags(t)`,
      `insert into cw_product_attribute (product_id, attribute_id, text_value, number_value, boolean_value)
       select ${pid}, 'attr_colour', (array['Black','White','Navy','Olive','Sand'])[1 + i % 5], null::numeric, null::boolean from generate_series(1, ${count}) i
       union all
       select ${pid}, 'attr_gift', null, null, i % 2 = 0 from generate_series(1, ${count}) i where i % 3 <> 0`,
      `insert into cw_product_variant (id, product_id, sku, barcode, title, option_key, option_values, weight_grams, length_mm, width_mm, height_mm, position, created_at, updated_at)
       select 'var_' || lpad(i::text, 7, '0'), ${pid}, 'SRCH-' || i, null, 'Default', '', '[]', 400, null, null, null, 0, now(), now()
       from generate_series(1, ${count}) i`,
      `insert into cw_variant_price (variant_id, currency_code, amount, compare_at_amount)
       select 'var_' || lpad(i::text, 7, '0'), 'USD', 499 + (i * 37) % 30000, null from generate_series(1, ${count}) i`,
    ];
    for (const statement of statements) await client.query(statement);
    await client.query('commit');
    await seedStock(client, count);
    await client.query('analyze');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** Stock at the default location for four products in five; the fifth has none, so "in stock" filters and boosts have something to do. */
async function seedStock(client: pg.Client, count: number): Promise<void> {
  const { rows } = await client.query<{ id: string }>(`select id from cw_stock_location order by is_default desc, created_at limit 1`);
  const location = rows[0]?.id;
  if (!location) return;
  await client.query(
    `insert into cw_stock_level (variant_id, location_id, on_hand, reserved, low_stock_threshold, allow_backorder, updated_at)
     select 'var_' || lpad(i::text, 7, '0'), $1, 20, 0, 0, false, now() from generate_series(1, ${count}) i where i % 5 <> 0`,
    [location],
  );
}
