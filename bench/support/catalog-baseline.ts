import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import pg from 'pg';

/**
 * The catalog benchmark's baseline: a bare Koa server answering the same three store requests with
 * the same JSON as the store, each from one hand-written query that builds the whole body in
 * PostgreSQL. No framework, no validation, no container, no ORM: the practical ceiling for these
 * endpoints on this machine and database. It knows only what the bench asks (USD, untracked
 * stock, local media under /media) and serves nothing else.
 *
 * The cart read (`GET /store/carts/:id`) is one statement too: the cart, found by id and the SHA-256
 * of its `X-Cart-Token` (guest carts only), with its lines, each with its variant and product, its
 * price in the cart's currency, its thumbnail and its stock summed over every location; the line
 * standing (available / insufficient / unavailable), line totals and cart totals are worked out in
 * JavaScript, as the store does. It knows no tax (no address, no estimate), no discounts, no
 * shipping and no currency conversion: what the bench's carts need.
 *
 * Runs as a child process: reads CARTWRIGHT_BENCH_BASELINE ({ url, poolSize }), sends `{ url }`,
 * answers `cpu`, stops on `stop` or when the parent goes away.
 */
const { url, poolSize } = JSON.parse(process.env.CARTWRIGHT_BENCH_BASELINE ?? '{}') as { url: string; poolSize: number };
const pool = new pg.Pool({ connectionString: url, max: poolSize });

const MEDIA = `'/media/'`;
const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const imageJson = (i: string, m: string) => `json_build_object(
  'id', ${i}.id, 'mediaId', ${i}.media_id, 'alt', coalesce(nullif(${i}.alt, ''), ${m}.alt), 'position', ${i}.position,
  'url', ${MEDIA} || ${m}.storage_key, 'width', ${m}.width, 'height', ${m}.height, 'mimeType', ${m}.mime_type,
  'sizes', (select coalesce(json_agg(json_build_object('width', (r->>'width')::int, 'height', (r->>'height')::int, 'format', r->>'format', 'url', ${MEDIA} || (r->>'key'))
             order by (r->>'width')::int, r->>'format'), '[]') from jsonb_array_elements(${m}.renditions) r),
  'variantIds', ${i}.variant_ids)`;
const summary = (alias: string) => `json_build_object('id', ${alias}.id, 'name', ${alias}.name, 'slug', ${alias}.slug)`;

const DETAIL = `
select json_build_object(
  'id', p.id, 'title', p.title, 'slug', p.slug, 'descriptionHtml', p.description_html,
  'brand', (select ${summary('b')} from cw_brand b where b.id = p.brand_id),
  'categories', (select coalesce(json_agg(${summary('c')} order by c.path), '[]') from cw_product_category pc join cw_category c on c.id = pc.category_id where pc.product_id = p.id),
  'tags', (select coalesce(json_agg(${summary('t')} order by lower(t.name)), '[]') from cw_product_tag pt join cw_tag t on t.id = pt.tag_id where pt.product_id = p.id),
  'attributes', (select coalesce(json_agg(json_build_object('code', a.code, 'name', a.name, 'type', a.type, 'unit', a.unit,
      'value', case a.type when 'number' then to_json(pa.number_value) when 'boolean' then to_json(pa.boolean_value) else to_json(pa.text_value) end) order by a.name), '[]')
    from cw_product_attribute pa join cw_attribute a on a.id = pa.attribute_id where pa.product_id = p.id),
  'options', (select coalesce(json_agg(json_build_object('name', o.name,
      'values', (select coalesce(json_agg(ov.value order by ov.position), '[]') from cw_product_option_value ov where ov.option_id = o.id)) order by o.position), '[]')
    from cw_product_option o where o.product_id = p.id),
  'images', (select coalesce(json_agg(${imageJson('i', 'm')} order by i.position), '[]') from cw_product_image i join cw_media m on m.id = i.media_id where i.product_id = p.id),
  'featured', p.featured, 'metaTitle', p.meta_title, 'metaDescription', p.meta_description,
  'priceRange', case when v.min_price is not null then json_build_object('min', json_build_object('amount', v.min_price, 'currencyCode', 'USD'),
    'max', json_build_object('amount', v.max_price, 'currencyCode', 'USD')) end,
  'available', v.variants is not null,
  'rating', json_build_object('average', p.rating_average, 'count', p.rating_count),
  'vendorId', p.vendor_id, 'publishedAt', ${iso('p.published_at')}, 'createdAt', ${iso('p.created_at')}, 'updatedAt', ${iso('p.updated_at')},
  'variants', coalesce(v.variants, '[]')
)::text as body
from cw_product p
cross join lateral (
  select min(vp.amount) as min_price, max(vp.amount) as max_price,
    json_agg(json_build_object('id', v.id, 'sku', v.sku, 'barcode', v.barcode, 'title', v.title,
      'options', (select coalesce(json_object_agg(e->>'option', e->>'value'), '{}') from jsonb_array_elements(v.option_values) e),
      'weightGrams', v.weight_grams, 'lengthMm', v.length_mm, 'widthMm', v.width_mm, 'heightMm', v.height_mm,
      'price', case when vp.amount is not null then json_build_object('amount', vp.amount, 'currencyCode', 'USD', 'compareAtAmount', vp.compare_at_amount, 'converted', false) end,
      'availability', json_build_object('available', true, 'quantity', null)) order by v.position, v.id) as variants
  from cw_product_variant v left join cw_variant_price vp on vp.variant_id = v.id and vp.currency_code = 'USD'
  where v.product_id = p.id and v.deleted_at is null
) v
where p.slug = $1 and p.status = 'published' and p.deleted_at is null`;

/** One page as JSON text, the total, and the sort key and id of the row after the page (if any). */
const listQuery = (filter: string, order: string, sortKey: string, needsPricesToFilter: boolean) => `
with matching as (
  select p.id, p.title, p.slug, p.brand_id, p.featured, p.rating_average, p.rating_count, p.created_at${needsPricesToFilter ? ', pr.*' : ''}
  from cw_product p
  ${needsPricesToFilter ? 'cross join lateral (select min(vp.amount) as min_price, max(vp.amount) as max_price, max(vp.compare_at_amount) as compare_at, count(*) > 0 as in_stock from cw_product_variant v left join cw_variant_price vp on vp.variant_id = v.id and vp.currency_code = \'USD\' where v.product_id = p.id and v.deleted_at is null) pr' : ''}
  where p.status = 'published' and p.deleted_at is null and ${filter}
), page as (
  select m.*, ${sortKey} as sort_key from matching m order by ${order} limit $2
), priced as (
  select page.*${needsPricesToFilter ? '' : ', pr.*'} from page
  ${needsPricesToFilter ? '' : 'cross join lateral (select min(vp.amount) as min_price, max(vp.amount) as max_price, max(vp.compare_at_amount) as compare_at, count(*) > 0 as in_stock from cw_product_variant v left join cw_variant_price vp on vp.variant_id = v.id and vp.currency_code = \'USD\' where v.product_id = page.id and v.deleted_at is null) pr'}
)
select (select count(*) from matching)::int as total,
  (select coalesce(json_agg(json_build_object(
    'id', x.id, 'title', x.title, 'slug', x.slug,
    'brand', (select ${summary('b')} from cw_brand b where b.id = x.brand_id),
    'thumbnail', (select ${imageJson('i', 'm')} from cw_product_image i join cw_media m on m.id = i.media_id where i.product_id = x.id order by i.position limit 1),
    'priceRange', case when x.min_price is not null then json_build_object('min', json_build_object('amount', x.min_price, 'currencyCode', 'USD'),
      'max', json_build_object('amount', x.max_price, 'currencyCode', 'USD')) end,
    'compareAtAmount', x.compare_at, 'available', x.in_stock, 'featured', x.featured,
    'rating', json_build_object('average', x.rating_average, 'count', x.rating_count), 'createdAt', ${iso('x.created_at')}
  ) order by x.n), '[]')::text from (select *, row_number() over (order by ${order}) as n from priced) x where x.n < $2) as items,
  case when (select count(*) from priced) = $2 then (select json_build_array(sort_key, id)::text from (select * from priced order by ${order} offset $2 - 2 limit 1) last) end as after`;

const BY_BRAND_PRICE = listQuery(
  'p.brand_id = (select id from cw_brand where slug = $1) and pr.min_price >= $3 and pr.min_price <= $4',
  'coalesce(min_price, 9223372036854775807), id',
  'coalesce(min_price, 9223372036854775807)::text',
  true,
);
const BY_CATEGORY_NEWEST = listQuery(
  `exists (select 1 from cw_product_category pc where pc.product_id = p.id and pc.category_id in
     (select d.id from cw_category r join cw_category d on d.path like r.path || '%' where r.slug = $1))`,
  'created_at desc, id desc',
  `to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
  false,
);

const CART = `
select c.id, c.status, c.version, c.customer_id, c.merged_into, c.currency_code, c.email, c.shipping_address, c.billing_address,
  c.shipping_option_id, c.order_id,
  ${iso('c.created_at')} as created, ${iso('c.updated_at')} as updated,
  coalesce((select json_agg(json_build_object(
      'id', l.id, 'variantId', l.variant_id, 'quantity', l.quantity,
      'productId', p.id, 'productTitle', p.title, 'productSlug', p.slug, 'variantTitle', v.title, 'sku', v.sku,
      'vendorId', p.vendor_id, 'taxClass', p.tax_class,
      'options', (select coalesce(json_object_agg(e->>'option', e->>'value'), '{}') from jsonb_array_elements(v.option_values) e),
      'onSale', p.status = 'published' and p.deleted_at is null and v.deleted_at is null,
      'amount', vp.amount, 'compareAtAmount', vp.compare_at_amount,
      'thumbnail', (select ${imageJson('i', 'm')} from cw_product_image i join cw_media m on m.id = i.media_id
         where i.product_id = p.id order by i.variant_ids ? v.id desc, i.position limit 1),
      'stock', s.available, 'backorder', s.backorder
    ) order by l.created_at, l.id)
    from cw_cart_line l
    join cw_product_variant v on v.id = l.variant_id
    join cw_product p on p.id = v.product_id
    left join cw_variant_price vp on vp.variant_id = v.id and vp.currency_code = c.currency_code
    cross join lateral (select sum(sl.on_hand - sl.reserved)::int as available, bool_or(sl.allow_backorder) as backorder
      from cw_stock_level sl where sl.variant_id = l.variant_id) s
    where l.cart_id = c.id), '[]') as lines
from cw_cart c
where c.id = $1 and c.customer_id is null and c.token_hash = $2`;

interface CartLineRow {
  id: string;
  variantId: string;
  quantity: number;
  productId: string;
  productTitle: string;
  productSlug: string;
  variantTitle: string;
  sku: string;
  vendorId: string | null;
  taxClass: string | null;
  options: Record<string, string>;
  onSale: boolean;
  amount: number | null;
  compareAtAmount: number | null;
  thumbnail: unknown;
  stock: number | null;
  backorder: boolean | null;
}

const money = (amount: number, currencyCode: string) => ({ amount, currencyCode });

/** The cart as the store answers it: each line priced and checked against stock now, and the totals of the buyable lines. */
function cartBody(cart: Record<string, unknown> & { currency_code: string; lines: CartLineRow[] }): string {
  const currency = cart.currency_code;
  let subtotal = 0;
  let itemCount = 0;
  let purchasable = cart.lines.length > 0;
  const lines = cart.lines.map((l) => {
    itemCount += l.quantity;
    // stock: no level → not counted (no limit); backorders → no limit; else what is on hand and not reserved
    const limit = l.stock === null || l.backorder ? null : Math.max(0, l.stock);
    const availability = !l.onSale || l.amount === null ? 'unavailable' : limit === null || l.quantity <= limit ? 'available' : limit === 0 ? 'unavailable' : 'insufficient';
    if (availability !== 'available') purchasable = false;
    const buyable = availability !== 'unavailable';
    const lineSubtotal = buyable ? l.amount! * l.quantity : 0;
    subtotal += lineSubtotal;
    return {
      id: l.id, variantId: l.variantId, productId: l.productId, productTitle: l.productTitle, productSlug: l.productSlug,
      variantTitle: l.variantTitle, sku: l.sku, options: l.options, vendorId: l.vendorId, taxClass: l.taxClass, thumbnail: l.thumbnail, quantity: l.quantity,
      unitPrice: buyable ? { amount: l.amount, currencyCode: currency, compareAtAmount: l.compareAtAmount, converted: false } : null,
      availability, availableQuantity: limit,
      subtotal: buyable ? money(lineSubtotal, currency) : null,
      discount: buyable ? money(0, currency) : null,
      discounts: [],
      tax: buyable ? money(0, currency) : null,
      taxes: [],
      total: buyable ? money(lineSubtotal, currency) : null,
    };
  });
  return JSON.stringify({
    id: cart.id, status: cart.status, version: cart.version, customerId: cart.customer_id, mergedInto: cart.merged_into,
    currencyCode: currency, email: cart.email, shippingAddress: cart.shipping_address, billingAddress: cart.billing_address,
    shippingOptionId: cart.shipping_option_id, orderId: cart.order_id,
    lines, itemCount, purchasable,
    totals: {
      currencyCode: currency, pricesIncludeTax: false, taxBasis: 'none',
      subtotal: money(subtotal, currency), discountTotal: money(0, currency), shippingTotal: money(0, currency),
      taxTotal: money(0, currency), total: money(subtotal, currency), taxes: [], discounts: [], shipping: [],
    },
    createdAt: cart.created, updatedAt: cart.updated,
  });
}

function page(sort: string, row: { total: number; items: string; after: string | null }): string {
  // the store's cursor: base64url of [sort, key, id] of the last item shown
  let cursor = '';
  if (row.after) {
    const [key, id] = JSON.parse(row.after) as [string, string];
    cursor = `,"nextCursor":"${Buffer.from(JSON.stringify([sort, key, id])).toString('base64url')}"`;
  }
  return `{"items":${row.items},"count":${row.total}${cursor}}`;
}

const app = new Koa();
app.use(async (ctx) => {
  const path = ctx.path;
  if (path.startsWith('/store/carts/')) {
    ctx.type = 'application/json';
    const token = ctx.get('x-cart-token').trim();
    const { rows } = token
      ? await pool.query(CART, [decodeURIComponent(path.slice('/store/carts/'.length)), createHash('sha256').update(token).digest('hex')])
      : { rows: [] };
    if (!rows[0]) {
      ctx.status = 404;
      ctx.body = '{}';
      return;
    }
    ctx.body = cartBody(rows[0]);
    return;
  }
  if (!path.startsWith('/store/products')) return;
  ctx.type = 'application/json';
  if (path.length > '/store/products/'.length) {
    const slug = decodeURIComponent(path.slice('/store/products/'.length));
    const { rows } = await pool.query<{ body: string }>(DETAIL, [slug]);
    if (!rows[0]) {
      ctx.status = 404;
      ctx.body = '{}';
      return;
    }
    ctx.body = rows[0].body;
    return;
  }
  const q = ctx.query as Record<string, string>;
  const limit = Number(q.limit ?? 20);
  if (q.brand) {
    const { rows } = await pool.query(BY_BRAND_PRICE, [q.brand, limit + 1, Number(q.priceMin ?? 0), Number(q.priceMax ?? Number.MAX_SAFE_INTEGER)]);
    ctx.body = page('price_asc', rows[0]);
  } else {
    const { rows } = await pool.query(BY_CATEGORY_NEWEST, [q.category, limit + 1]);
    ctx.body = page('newest', rows[0]);
  }
});

const server = createServer(app.callback());
server.keepAliveTimeout = 5_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
let stopping: Promise<void> | undefined;
const stop = () =>
  (stopping ??= (async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await pool.end();
    if (process.connected) process.disconnect();
  })());
process.on('message', (message) => {
  if (message === 'stop') void stop();
  if (message === 'cpu') process.send!({ cpu: process.cpuUsage(), at: process.hrtime.bigint().toString() });
});
process.on('disconnect', () => void stop());
process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
