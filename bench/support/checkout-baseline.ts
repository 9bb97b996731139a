import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import pg from 'pg';

/**
 * The checkout scenario's baseline: a bare Koa server answering `POST /store/carts/:id/checkout`
 * (guest carts, cash on delivery, the flat rate, no tax rates, no discounts: what the bench's carts
 * need) with the rows the store writes, in ONE hand-written transaction through `pg`:
 *
 *  1. claim the `Idempotency-Key` (`cw_idempotency_key`, insert … on conflict do nothing);
 *  2. lock the cart (checking the SHA-256 of `X-Cart-Token` and that it is active) and read, in the
 *     same statement, its lines with each variant, product, price, thumbnail and default stock level;
 *  3. the stock hold with no deadline (a cash-on-delivery order is confirmed at once and keeps its
 *     stock until settled): the conditional UPDATE of `cw_stock_level` (never below what is on hand)
 *     and its `cw_stock_movement`, per line;
 *  4. the order: `cw_order` (number from `cw_order_number_seq`, guest order token hash), its lines, the
 *     `order.placed` timeline entry and outbox event;
 *  5. the cart marked completed (`order_id`, `closed_at`, version + 1);
 *  6. the payment as cash on delivery leaves it: `cw_payment` and its `initiate` transaction, the
 *     provider's `cod_payment` and `cod_payment_operation`;
 *  7. the order confirmed: status and version, the `payment.pending` timeline entry, the
 *     `order.status_changed` and `order.confirmed` outbox events;
 *  8. the response kept with the key for replays.
 *
 * It writes the same rows with the same values as the store (the bench checks the row counts per
 * table and a digest of the order) but in 10 statements, each row once in its final state where the
 * store inserts then updates. Runs as a child process: reads CARTWRIGHT_BENCH_BASELINE
 * ({ url, poolSize, flatRate: { id, name, amount } }), sends `{ url }`, answers `cpu`, stops on `stop`.
 */
const { url, poolSize, flatRate } = JSON.parse(process.env.CARTWRIGHT_BENCH_BASELINE ?? '{}') as {
  url: string;
  poolSize: number;
  flatRate: { id: string; name: string; amount: number };
};
const pool = new pg.Pool({ connectionString: url, max: poolSize });

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
/** The store's id shape: prefix, 10 characters of time, 16 random (Crockford base32). */
function newId(prefix: string): string {
  let time = Date.now();
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = ALPHABET[time % 32] + head;
    time = Math.floor(time / 32);
  }
  const bytes = randomBytes(16);
  let tail = '';
  for (let i = 0; i < 16; i++) tail += ALPHABET[bytes[i]! % 32];
  return `${prefix}_${head}${tail}`;
}
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The store's request hash: SHA-256 of the JSON of { body, cartId } with keys sorted at every level. */
function requestHash(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, canonical(x)]))
        : v;
  return sha256(JSON.stringify(canonical(value)));
}

const CLAIM = `insert into cw_idempotency_key (scope, key, request_hash, created_at) values ('checkout', $1, $2, $3)
  on conflict (scope, key) do nothing returning key`;

const CART = `
select c.id, c.status, c.order_id, c.email, c.currency_code, c.shipping_address, c.billing_address, c.shipping_option_id,
  coalesce((select json_agg(json_build_object(
      'variantId', v.id, 'quantity', l.quantity, 'productId', p.id, 'vendorId', p.vendor_id, 'productTitle', p.title, 'variantTitle', v.title,
      'sku', v.sku, 'taxClass', p.tax_class, 'onSale', p.status = 'published' and p.deleted_at is null and v.deleted_at is null,
      'options', (select coalesce(json_object_agg(e->>'option', e->>'value'), '{}') from jsonb_array_elements(v.option_values) e),
      'amount', vp.amount,
      'thumbnail', (select '/media/' || m.storage_key from cw_product_image i join cw_media m on m.id = i.media_id
         where i.product_id = p.id order by i.variant_ids ? v.id desc, i.position limit 1),
      'locationId', s.location_id, 'available', s.available, 'backorder', s.allow_backorder
    ) order by l.created_at, l.id)
    from cw_cart_line l
    join cw_product_variant v on v.id = l.variant_id
    join cw_product p on p.id = v.product_id
    left join cw_variant_price vp on vp.variant_id = v.id and vp.currency_code = c.currency_code
    left join lateral (select sl.location_id, sl.on_hand - sl.reserved as available, sl.allow_backorder
      from cw_stock_level sl join cw_stock_location loc on loc.id = sl.location_id
      where sl.variant_id = v.id order by loc.is_default desc, sl.location_id limit 1) s on true
    where l.cart_id = c.id), '[]') as lines
from cw_cart c
where c.id = $1 and c.customer_id is null and c.token_hash = $2
for update of c`;

/** The conditional update and its movement in one statement: no row back means someone took the stock first. */
const HOLD = `
with level as (
  update cw_stock_level set reserved = reserved + $3::int, updated_at = $5
  where variant_id = $1 and location_id = $2 and reserved + $3::int >= 0 and (allow_backorder or reserved + $3::int <= on_hand)
  returning variant_id, location_id
)
insert into cw_stock_movement (id, variant_id, location_id, delta_on_hand, delta_reserved, reason, actor_kind, actor_id, reference, note, created_at)
select $6, variant_id, location_id, 0, $3, 'reservation', 'anonymous', null, $4, null, $5 from level
returning id`;

/** The order, its lines (a JSON array), its first timeline entry and `order.placed`, with the number from the sequence. */
const PLACE = `
with o as (
  insert into cw_order (id, number, token_hash, customer_id, cart_id, email, currency_code, prices_include_tax, status, payment_status,
    fulfillment_status, payment_method, shipping_address, billing_address, shipping, discounts, taxes, subtotal, discount_total,
    shipping_total, tax_total, total, placed_at, updated_at)
  values ($1, nextval('cw_order_number_seq'), $2, null, $3, $4, $5, false, 'pending', 'not_paid', 'not_fulfilled', 'cod',
    $6, $7, $8, '[]', '[]', $9, 0, $10, 0, $11, $12, $12)
  returning id, number
), lines as (
  insert into cw_order_line (id, order_id, position, variant_id, product_id, vendor_id, product_title, variant_title, sku, options,
    tax_class, thumbnail_url, quantity, unit_price, subtotal, discount, discounts, taxes, tax_total, total)
  select l->>'id', o.id, (l->>'position')::int, l->>'variantId', l->>'productId', l->>'vendorId', l->>'productTitle', l->>'variantTitle',
    l->>'sku', l->'options', l->>'taxClass', l->>'thumbnailUrl', (l->>'quantity')::int, (l->>'unitPrice')::bigint, (l->>'subtotal')::bigint,
    0, '[]', '[]', 0, (l->>'subtotal')::bigint
  from o, jsonb_array_elements($13::jsonb) l
), event as (
  insert into cw_order_event (id, order_id, kind, message, visible_to_customer, data, actor_kind, actor_id, created_at)
  select $14, o.id, 'order.placed', 'Order ' || o.number || ' placed', true, '{}', 'anonymous', null, $12 from o
), outbox as (
  insert into cw_outbox_event (id, name, payload, occurred_at)
  select $15, 'order.placed', jsonb_build_object('orderId', o.id, 'number', o.number::text, 'customerId', null, 'email', $4::text,
    'total', $11::bigint, 'currencyCode', $5::text, 'paymentMethod', 'cod', 'vendorIds', $16::jsonb), $12 from o
)
select number::text as number from o`;

const COMPLETE_CART = `update cw_cart set status = 'completed', order_id = $2, version = version + 1, updated_at = $3, closed_at = $3 where id = $1`;

/** The payment as COD leaves it once started: pending, its initiate call succeeded, and the provider's own two rows. */
const PAY = `
with payment as (
  insert into cw_payment (id, order_id, provider, status, amount, currency_code, reference, raw_status, client_data, idempotency_key, created_at, updated_at)
  values ($1, $2, 'cod', 'pending', $3, $4, $1, 'pending', '{}', $1, $5, $5)
  returning id
), call as (
  insert into cw_payment_transaction (id, payment_id, order_id, kind, amount, status, result_status, raw_status, reference, idempotency_key,
    reason, data, actor_kind, actor_id, created_at, updated_at)
  select $6, payment.id, $2, 'initiate', $3, 'succeeded', 'pending', 'pending', $1, $1 || ':initiate', null, '{}', 'anonymous', null, $5, $5 from payment
), cod as (
  insert into cod_payment (payment_id, amount, currency, status, created_at, updated_at)
  select payment.id, $3, $4, 'pending', $5, $5 from payment
  returning payment_id
)
insert into cod_payment_operation (idempotency_key, payment_id, kind, amount, actor_kind, actor_id, reason, result, created_at)
select $1 || ':initiate', cod.payment_id, 'initiate', $3, null, null, null, $7::jsonb, $5 from cod`;

/** Confirmed with payment not_paid: the status, the timeline and the two events. */
const CONFIRM = `
with o as (
  update cw_order set status = 'confirmed', version = version + 1, updated_at = $2 where id = $1 and status = 'pending' returning id, number
), event as (
  insert into cw_order_event (id, order_id, kind, message, visible_to_customer, data, actor_kind, actor_id, created_at)
  select $3, o.id, 'payment.pending', $4, true, $5::jsonb, 'anonymous', null, $2 from o
), outbox as (
  insert into cw_outbox_event (id, name, payload, occurred_at)
  select $6, 'order.status_changed', jsonb_build_object('orderId', o.id, 'number', o.number::text, 'customerId', null, 'email', $8::text, 'changes', $9::jsonb), $2 from o
  union all
  select $7, 'order.confirmed', jsonb_build_object('orderId', o.id, 'number', o.number::text, 'customerId', null, 'email', $8::text), $2 from o
)
select count(*) from o`;

const REMEMBER = `update cw_idempotency_key set response_status = 201, response_body = $2::jsonb, resource_id = $3 where scope = 'checkout' and key = $1`;

interface LineRow {
  variantId: string;
  quantity: number;
  productId: string;
  vendorId: string | null;
  productTitle: string;
  variantTitle: string;
  sku: string;
  taxClass: string | null;
  onSale: boolean;
  options: Record<string, string>;
  amount: number | null;
  thumbnail: string | null;
  locationId: string | null;
  available: number | null;
  backorder: boolean | null;
}

class Refused extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string) {
    super(code);
    this.status = status;
    this.code = code;
  }
}

const money = (amount: number, currencyCode: string) => ({ amount, currencyCode });
const decimal = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

async function checkout(cartId: string, token: string, key: string, body: { paymentMethod?: string }): Promise<unknown> {
  if (body.paymentMethod !== 'cod') throw new Refused(422, 'PAYMENT_METHOD_UNKNOWN');
  const client = await pool.connect();
  try {
    await client.query('begin');
    try {
      const now = new Date();
      const claimed = await client.query(CLAIM, [key, requestHash({ cartId, body }), now]);
      // a replay or a reused key: the bench never sends one twice
      if (!claimed.rowCount) throw new Refused(409, 'IDEMPOTENCY_KEY_SEEN');
      const { rows } = await client.query(CART, [cartId, sha256(token)]);
      const cart = rows[0] as { status: string; email: string | null; currency_code: string; shipping_address: { countryCode: string } | null; billing_address: unknown; shipping_option_id: string | null; lines: LineRow[] } | undefined;
      if (!cart) throw new Refused(404, 'CART_NOT_FOUND');
      if (cart.status !== 'active') throw new Refused(409, 'CART_NOT_ACTIVE');
      if (cart.lines.length === 0) throw new Refused(422, 'CHECKOUT_CART_EMPTY');
      if (!cart.email || !cart.shipping_address || !cart.billing_address || !cart.shipping_option_id) throw new Refused(422, 'CHECKOUT_INCOMPLETE');
      if (cart.shipping_option_id !== flatRate.id) throw new Refused(422, 'CART_SHIPPING_OPTION_INVALID');
      if (cart.shipping_address.countryCode !== 'US') throw new Refused(422, 'PAYMENT_METHOD_UNAVAILABLE');
      const currency = cart.currency_code;
      let subtotal = 0;
      for (const line of cart.lines) {
        const limit = line.locationId === null || line.backorder ? null : Math.max(0, line.available!);
        if (!line.onSale || line.amount === null || (limit !== null && line.quantity > limit)) throw new Refused(409, 'CHECKOUT_LINES_UNAVAILABLE');
        subtotal += line.amount * line.quantity;
      }
      const shippingTotal = flatRate.amount;
      const total = subtotal + shippingTotal;

      const orderId = newId('order');
      for (const line of [...cart.lines].sort((a, b) => (a.variantId < b.variantId ? -1 : 1))) {
        if (line.locationId === null) continue; // not tracked
        const held = await client.query(HOLD, [line.variantId, line.locationId, line.quantity, orderId, now, newId('mov')]);
        if (!held.rowCount) throw new Refused(409, 'CHECKOUT_OUT_OF_STOCK');
      }

      const orderToken = `ot_${randomBytes(32).toString('base64url')}`;
      const shipping = [{ id: flatRate.id, name: flatRate.name, amount: shippingTotal, taxes: [], taxTotal: 0, total: shippingTotal }];
      const orderLines = cart.lines.map((line, position) => ({
        id: newId('oli'), position, variantId: line.variantId, productId: line.productId, vendorId: line.vendorId, productTitle: line.productTitle,
        variantTitle: line.variantTitle, sku: line.sku, options: line.options, taxClass: line.taxClass, thumbnailUrl: line.thumbnail,
        quantity: line.quantity, unitPrice: line.amount, subtotal: line.amount! * line.quantity,
      }));
      const vendorIds = [...new Set(cart.lines.flatMap((l) => (l.vendorId ? [l.vendorId] : [])))];
      const placed = await client.query<{ number: string }>(PLACE, [
        orderId, sha256(orderToken), cartId, cart.email, currency, JSON.stringify(cart.shipping_address), JSON.stringify(cart.billing_address),
        JSON.stringify(shipping), subtotal, shippingTotal, total, now, JSON.stringify(orderLines), newId('oev'), newId('evt'), JSON.stringify(vendorIds),
      ]);
      const number = placed.rows[0]!.number;
      await client.query(COMPLETE_CART, [cartId, orderId, now]);

      const paymentId = newId('pay');
      const result = { status: 'pending', rawStatus: 'pending', reference: paymentId, amountCaptured: 0, amountRefunded: 0, amountAuthorized: 0 };
      await client.query(PAY, [paymentId, orderId, total, currency, now, newId('ptx'), JSON.stringify(result)]);
      const changes = [{ kind: 'order', from: 'pending', to: 'confirmed' }];
      await client.query(CONFIRM, [
        orderId, now, newId('oev'), `Payment ${paymentId} by Cash on delivery: ${decimal(total)} ${currency} to be paid on delivery`,
        JSON.stringify({ paymentId, provider: 'cod', status: 'pending', captured: 0, refunded: 0, voided: 0, changes }),
        newId('evt'), newId('evt'), cart.email, JSON.stringify(changes),
      ]);

      const response = {
        order: {
          id: orderId, number, status: 'confirmed', paymentStatus: 'not_paid', fulfillmentStatus: 'not_fulfilled', email: cart.email,
          totals: {
            currencyCode: currency, pricesIncludeTax: false, taxBasis: 'shipping_address',
            subtotal: money(subtotal, currency), discountTotal: money(0, currency), shippingTotal: money(shippingTotal, currency),
            taxTotal: money(0, currency), total: money(total, currency), taxes: [], discounts: [],
            shipping: [{ id: flatRate.id, name: flatRate.name, amount: money(shippingTotal, currency), tax: money(0, currency), taxes: [], total: money(shippingTotal, currency) }],
          },
        },
        orderToken,
        payment: { id: paymentId, status: 'pending', clientData: {} },
      };
      await client.query(REMEMBER, [key, JSON.stringify(response), orderId]);
      await client.query('commit');
      return response;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
  } finally {
    client.release();
  }
}

const app = new Koa();
app.use(async (ctx) => {
  const match = /^\/store\/carts\/([^/]+)\/checkout$/.exec(ctx.path);
  if (ctx.method !== 'POST' || !match) return;
  ctx.type = 'application/json';
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { paymentMethod?: string };
    ctx.body = JSON.stringify(await checkout(decodeURIComponent(match[1]!), ctx.get('x-cart-token').trim(), ctx.get('idempotency-key'), body));
    ctx.status = 201;
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    ctx.status = error.status;
    ctx.body = JSON.stringify({ code: error.code });
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
