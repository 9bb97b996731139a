import type { TestStore } from '@cartwright/core/testing';
import type { SignedIn } from '../admin/admin-helpers.ts';
import { sql } from './delivery-helpers.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CustomerOptions {
  /** Consented to marketing email under their account (default true). */
  consent?: boolean;
  role?: 'customer' | 'staff' | 'admin' | 'vendor';
  status?: 'active' | 'disabled' | 'pending';
  registeredDaysAgo?: number;
  locale?: string;
  verified?: boolean;
  name?: string;
}

/** An account as the store would have it; consent is stored as the preferences API stores it. */
export async function customer(store: TestStore, email: string, options: CustomerOptions = {}): Promise<{ id: string; email: string }> {
  const created = await store.commerce.withScope((s) =>
    s.cradle.userService.create({ email, role: options.role ?? 'customer', password: 'correct horse battery staple', name: options.name ?? email.split('@')[0]! }),
  );
  const id = created.id;
  await sql(store, `update cw_user set status = ?, created_at = ?, preferences = ?::jsonb, email_verified_at = ? where id = ?`, [
    options.status ?? 'active',
    new Date(Date.now() - (options.registeredDaysAgo ?? 400) * DAY_MS),
    JSON.stringify(options.locale ? { locale: options.locale } : {}),
    options.verified ? new Date() : null,
    id,
  ]);
  if (options.consent ?? true) {
    await sql(
      store,
      `insert into cw_notification_preference (subject, category, channel, enabled, consent_at, source, updated_at) values (?, 'marketing', 'email', true, now(), 'preferences', now())`,
      [`user:${id}`],
    );
  }
  return { id, email };
}

/** What a one-click unsubscribe link mailed to an address (a guest's, or an account's) records. */
export async function unsubscribeAddress(store: TestStore, email: string): Promise<void> {
  await sql(
    store,
    `insert into cw_notification_preference (subject, category, channel, enabled, consent_at, source, updated_at) values (?, 'marketing', 'email', false, null, 'unsubscribe_link', now())`,
    [`email:${email.toLowerCase()}`],
  );
}

let products = 0;

/** A published product in the given categories. */
export async function product(store: TestStore, categoryIds: string[]): Promise<string> {
  const id = `prod_campaign_${process.pid}_${++products}`;
  await sql(store, `insert into cw_product (id, title, slug, status, created_at, updated_at) values (?, ?, ?, 'published', now(), now())`, [id, `Product ${products}`, `campaign-product-${process.pid}-${products}`]);
  for (const categoryId of categoryIds) await sql(store, `insert into cw_product_category (product_id, category_id) values (?, ?)`, [id, categoryId]);
  return id;
}

let orders = 0;

/** An order of the customer's, as checkout leaves it (only what segments read is varied). */
export async function order(
  store: TestStore,
  customerId: string,
  options: { productIds?: string[]; status?: 'pending' | 'confirmed' | 'cancelled' | 'completed'; placedDaysAgo?: number; total?: number; currencyCode?: string } = {},
): Promise<string> {
  const id = `ord_campaign_${process.pid}_${++orders}`;
  const total = options.total ?? 1_000;
  const address = JSON.stringify({ name: 'Test', line1: 'Street 1', city: 'Berlin', postalCode: '10115', countryCode: 'DE' });
  await sql(
    store,
    `insert into cw_order (id, number, customer_id, email, currency_code, prices_include_tax, status, payment_status, fulfillment_status, payment_method,
                           shipping_address, billing_address, subtotal, discount_total, shipping_total, tax_total, total, placed_at, updated_at)
     select ?, coalesce(max(number), 100000) + 1, ?, 'order@example.com', ?, true, ?, 'paid', 'not_fulfilled', 'manual', ?::jsonb, ?::jsonb, ?, 0, 0, 0, ?, ?, now() from cw_order`,
    [id, customerId, options.currencyCode ?? 'EUR', options.status ?? 'confirmed', address, address, total, total, new Date(Date.now() - (options.placedDaysAgo ?? 1) * DAY_MS)],
  );
  let position = 0;
  for (const productId of options.productIds ?? []) {
    await sql(
      store,
      `insert into cw_order_line (id, order_id, position, product_id, product_title, variant_title, sku, quantity, unit_price, subtotal, discount, tax_total, total)
       values (?, ?, ?, ?, 'Product', 'Default', ?, 1, 1000, 1000, 0, 0, 1000)`,
      [`${id}_l${position}`, id, position, productId, `SKU-${id}-${position}`],
    );
    position++;
  }
  return id;
}

export const CONTENT = {
  en: { subject: 'Spring sale at {{store.name}}', html: '<p>Hello {{recipient.name}}, everything is 20% off.</p>', text: 'Hello {{recipient.name}}, everything is 20% off.' },
};

/** A draft campaign created through the admin API; throws with the response when refused. */
export async function draft(admin: SignedIn, body: Record<string, unknown>): Promise<Record<string, any>> {
  const created = await admin.as.post('/admin/notifications/campaigns', { name: 'Spring sale', content: CONTENT, ...body });
  if (created.status !== 201) throw new Error(`create campaign: ${created.status} ${created.text}`);
  return created.body;
}

export async function campaign(admin: SignedIn, id: string): Promise<Record<string, any>> {
  const found = await admin.as.get(`/admin/notifications/campaigns/${id}`);
  if (found.status !== 200) throw new Error(`get campaign: ${found.status} ${found.text}`);
  return found.body;
}

export function campaigns(store: TestStore) {
  return store.commerce.container.cradle.notificationCampaigns;
}

/** The audience of a segment as the admin sees it before scheduling: who it selects, by email. */
export async function audienceOf(admin: SignedIn, segment: Record<string, unknown>): Promise<{ count: number; emails: string[] }> {
  const created = await draft(admin, { segment });
  const audience = await admin.as.get(`/admin/notifications/campaigns/${created.id}/audience`);
  if (audience.status !== 200) throw new Error(`audience: ${audience.status} ${audience.text}`);
  return { count: audience.body.count, emails: audience.body.sample.map((r: { email: string }) => r.email).sort() };
}

export const seconds = (at: Date, n: number) => new Date(at.getTime() + n * 1000);
