import type { EntityManager } from '@mikro-orm/sql';
import { sql } from 'kysely';
import type { CoreConfig } from '../../../kernel/config/config.schema.ts';
import { rows } from '../../../kernel/db/sql.ts';
import { amountFromDatabase } from '../../money/index.ts';

/**
 * The template variables of an event (templates/template-variables.ts declares them): what the
 * payload carries, plus what the message needs and the payload only names by id (the order's
 * number, total and lines). Read-only; a missing row leaves its group out, and the renderer
 * warns about what a template then lacks.
 */
export interface EventData {
  data: Record<string, unknown>;
  /** Each order line's vendor, so a vendor is shown only its own lines. */
  lineVendors: Array<string | null>;
}

type Payload = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const money = (amount: unknown, currencyCode: string) => (typeof amount === 'number' ? { amount, currencyCode } : null);

interface OrderRow {
  id: string;
  number: string | number;
  email: string;
  currency_code: string;
  payment_method: string;
  shipping_address: Record<string, unknown> | string;
  subtotal: string | number;
  shipping_total: string | number;
  tax_total: string | number;
  total: string | number;
  placed_at: Date | string;
}

interface LineRow {
  product_title: string;
  variant_title: string;
  sku: string;
  quantity: number;
  total: string | number;
  vendor_id: string | null;
}

export function storefrontUrl(config: CoreConfig): string {
  return config.auth.storefrontUrl.replace(/\/$/, '');
}

async function orderData(em: EntityManager, config: CoreConfig, orderId: string): Promise<EventData | undefined> {
  const [order] = await rows<OrderRow>(em, sql`select * from cw_order where id = ${orderId}`);
  if (!order) return undefined;
  const lines = await rows<LineRow & { total: string | number }>(
    em,
    sql`select product_title, variant_title, sku, quantity, total, vendor_id from cw_order_line where order_id = ${orderId} order by position`,
  );
  const currency = order.currency_code;
  const address = (typeof order.shipping_address === 'string' ? JSON.parse(order.shipping_address) : order.shipping_address) as Record<string, unknown>;
  const name = [text(address.firstName), text(address.lastName)].filter(Boolean).join(' ');
  const amount = (value: string | number) => ({ amount: amountFromDatabase(value), currencyCode: currency });
  return {
    data: {
      order: {
        number: String(order.number),
        url: `${storefrontUrl(config)}/account/orders/${order.number}`,
        placedAt: new Date(order.placed_at).toISOString(),
        total: amount(order.total),
        subtotal: amount(order.subtotal),
        shippingTotal: amount(order.shipping_total),
        taxTotal: amount(order.tax_total),
        paymentMethod: order.payment_method,
        customerName: name,
        lines: lines.map((line) => ({ title: line.product_title, variantTitle: line.variant_title, sku: line.sku, quantity: line.quantity, total: amount(line.total) })),
        shippingAddress: {
          name,
          line1: text(address.line1) ?? '',
          line2: text(address.line2) ?? '',
          postalCode: text(address.postalCode) ?? '',
          city: text(address.city) ?? '',
          countryCode: text(address.countryCode) ?? '',
        },
      },
    },
    lineVendors: lines.map((line) => line.vendor_id),
  };
}

/**
 * `order.shipped` names only the order: it is emitted when the last of its fulfillments ships, so
 * the tracking shown is that fulfillment's (the latest shipped). A fulfillment without tracking
 * leaves the fields null, which the templates test for.
 */
async function shippedTracking(em: EntityManager, orderId: string): Promise<Record<string, unknown>> {
  const [shipped] = await rows<{ carrier: string | null; tracking_number: string | null; tracking_url: string | null }>(
    em,
    sql`select carrier, tracking_number, tracking_url from cw_fulfillment
        where order_id = ${orderId} and shipped_at is not null and status <> 'cancelled'
        order by shipped_at desc, id desc limit 1`,
  );
  return { tracking: { carrier: shipped?.carrier ?? null, number: shipped?.tracking_number ?? null, url: shipped?.tracking_url ?? null } };
}

/** What the event's own payload gives each template group. */
function payloadData(name: string, payload: Payload, config: CoreConfig): Record<string, unknown> {
  const currency = text(payload.currencyCode) ?? 'EUR';
  const [family] = name.split('.');
  if (name === 'order.out_for_delivery' || name === 'fulfillment.tracking_updated') {
    return { tracking: { carrier: text(payload.carrier), number: text(payload.trackingNumber), url: text(payload.trackingUrl) } };
  }
  if (name === 'payment.failed') return { payment: { reason: text(payload.reason) } };
  if (name === 'payment.refunded') return { refund: { amount: money(payload.amount, currency), reason: text(payload.reason) } };
  if (family === 'return') {
    return {
      return: {
        kind: text(payload.kind),
        note: text(payload.note),
        amount: money(payload.amount ?? payload.itemsAmount, currency),
        trackingNumber: text(payload.trackingNumber),
        trackingUrl: text(payload.trackingUrl),
        labelUrl: text(payload.labelUrl),
        exchangeOrderNumber: text(payload.exchangeOrderNumber),
      },
    };
  }
  if (family === 'complaint') {
    return { complaint: { subject: text(payload.subject), note: text(payload.note), url: `${storefrontUrl(config)}/account/complaints/${String(payload.complaintId)}` } };
  }
  if (name === 'user.approved') return { account: { email: text(payload.email), role: text(payload.role) } };
  return {};
}

async function productData(em: EntityManager, config: CoreConfig, payload: Payload): Promise<Record<string, unknown>> {
  const [product] = await rows<{ title: string; slug: string }>(em, sql`select title, slug from cw_product where id = ${String(payload.productId)}`);
  return {
    product: {
      title: text(payload.productTitle) ?? product?.title ?? text(payload.sku),
      sku: text(payload.sku),
      available: typeof payload.available === 'number' ? payload.available : null,
      threshold: typeof payload.threshold === 'number' ? payload.threshold : null,
      url: product ? `${storefrontUrl(config)}/products/${product.slug}` : null,
    },
  };
}

/** The data every template of the event shares (the recipient's name is added per recipient). */
export async function eventData(em: EntityManager, config: CoreConfig, event: { name: string; payload: Payload }): Promise<EventData> {
  const store = { name: config.store.name, url: storefrontUrl(config) };
  const { name, payload } = event;
  if (name === 'notification.requested') {
    const requested = (typeof payload.data === 'object' && payload.data !== null ? payload.data : {}) as Record<string, unknown>;
    return { data: { ...requested, store }, lineVendors: [] };
  }
  const order = typeof payload.orderId === 'string' ? await orderData(em, config, payload.orderId) : undefined;
  const product = name.startsWith('inventory.') ? await productData(em, config, payload) : {};
  const tracking = name === 'order.shipped' && order ? await shippedTracking(em, String(payload.orderId)) : {};
  const data: Record<string, unknown> = { store, ...order?.data, ...payloadData(name, payload, config), ...product, ...tracking };
  const link = (data.complaint as { url?: string } | undefined)?.url ?? (order?.data.order as { url?: string } | undefined)?.url ?? (data.product as { url?: string } | undefined)?.url;
  if (link) data.link = link;
  return { data, lineVendors: order?.lineVendors ?? [] };
}

/** The event's data as one vendor should see it: the order's lines of that vendor only. */
export function dataForVendor(shared: EventData, vendorId: string): Record<string, unknown> {
  const order = shared.data.order as { lines?: unknown[] } | undefined;
  if (!order?.lines) return shared.data;
  return { ...shared.data, order: { ...order, lines: order.lines.filter((_, i) => shared.lineVendors[i] === vendorId) } };
}
