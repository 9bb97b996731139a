/**
 * The variables each template may use: the rules build exactly these (notifications/rules/
 * template-data.ts), the editor refuses any other, and previews render with the samples here.
 * A leaf is a kind; an object is a group; a one-element array is a list of items of that shape.
 */
export type VariableKind = 'text' | 'money' | 'number' | 'date' | 'url';
export type VariableSchema = { [name: string]: VariableKind | VariableSchema | [VariableSchema] };

const store: VariableSchema = { store: { name: 'text', url: 'url' }, recipient: { name: 'text' } };
const order: VariableSchema = {
  order: {
    number: 'text',
    url: 'url',
    placedAt: 'date',
    total: 'money',
    subtotal: 'money',
    shippingTotal: 'money',
    taxTotal: 'money',
    paymentMethod: 'text',
    customerName: 'text',
    lines: [{ title: 'text', variantTitle: 'text', sku: 'text', quantity: 'number', total: 'money' }],
    shippingAddress: { name: 'text', line1: 'text', line2: 'text', postalCode: 'text', city: 'text', countryCode: 'text' },
  },
};
const token: VariableSchema = { url: 'url', expiresAt: 'date' };
const tracking: VariableSchema = { tracking: { carrier: 'text', number: 'text', url: 'url' } };
const ret: VariableSchema = {
  return: { kind: 'text', note: 'text', amount: 'money', trackingNumber: 'text', trackingUrl: 'url', labelUrl: 'url', exchangeOrderNumber: 'text' },
};
const complaint: VariableSchema = { complaint: { subject: 'text', note: 'text', url: 'url' } };
const product: VariableSchema = { product: { title: 'text', sku: 'text', available: 'number', threshold: 'number', url: 'url' } };

/** Variables per template key. */
export const TEMPLATE_VARIABLES: Readonly<Record<string, VariableSchema>> = {
  'auth.verify_email': { ...store, ...token },
  'auth.password_reset': { ...store, ...token },
  'order.placed': { ...store, ...order },
  'order.confirmed': { ...store, ...order },
  'order.cancelled': { ...store, ...order },
  'order.shipped': { ...store, ...order, ...tracking },
  'order.out_for_delivery': { ...store, ...order, ...tracking },
  'order.delivered': { ...store, ...order },
  'payment.failed': { ...store, ...order, payment: { reason: 'text' } },
  'payment.refunded': { ...store, ...order, refund: { amount: 'money', reason: 'text' } },
  'return.requested': { ...store, ...order, ...ret },
  'return.approved': { ...store, ...order, ...ret },
  'return.rejected': { ...store, ...order, ...ret },
  'return.label_created': { ...store, ...order, ...ret },
  'return.refunded': { ...store, ...order, ...ret },
  'return.exchanged': { ...store, ...order, ...ret },
  'return.vendor_requested': { ...store, ...order, ...ret },
  'complaint.opened': { ...store, ...order, ...complaint },
  'complaint.replied': { ...store, ...order, ...complaint },
  'complaint.customer_replied': { ...store, ...order, ...complaint },
  'complaint.resolved': { ...store, ...order, ...complaint },
  'inventory.low_stock': { ...store, ...product },
  'inventory.back_in_stock': { ...store, ...product },
  'vendor.new_order': { ...store, ...order },
  'vendor.approved': { ...store, account: { email: 'text', role: 'text' } },
};

/** The prefix of a campaign's template keys (`campaign:<campaign id>`): its content is stored as templates, one per locale. */
export const CAMPAIGN_TEMPLATE_PREFIX = 'campaign:';

/** What a campaign email may use: the store and the recipient; the unsubscribe link is added by delivery. */
export const CAMPAIGN_VARIABLES: VariableSchema = { ...store };

/** The variables of a template key (an event's, or any campaign's); undefined for an unknown key. */
export function templateVariablesOf(template: string): VariableSchema | undefined {
  if (template.startsWith(CAMPAIGN_TEMPLATE_PREFIX)) return CAMPAIGN_VARIABLES;
  return Object.hasOwn(TEMPLATE_VARIABLES, template) ? TEMPLATE_VARIABLES[template] : undefined;
}

export type VariableLookup = { found: true; kind: VariableKind | 'group' | 'list' } | { found: false };

/** What `path` (`order.lines[].title`) names in a schema. */
export function lookupVariable(schema: VariableSchema, path: string): VariableLookup {
  let current: VariableKind | VariableSchema | [VariableSchema] = schema;
  for (const raw of path.split('.')) {
    const list = raw.endsWith('[]');
    const name = list ? raw.slice(0, -2) : raw;
    if (typeof current === 'string' || Array.isArray(current) || !Object.hasOwn(current, name)) return { found: false };
    current = current[name]!;
    if (list) {
      if (!Array.isArray(current)) return { found: false };
      current = current[0];
    }
  }
  if (typeof current === 'string') return { found: true, kind: current };
  return { found: true, kind: Array.isArray(current) ? 'list' : 'group' };
}

/** Every leaf path of a schema, for the admin's list of what a template may use. */
export function variablePaths(schema: VariableSchema, prefix = ''): string[] {
  return Object.entries(schema).flatMap(([name, value]) => {
    const path = `${prefix}${name}`;
    if (typeof value === 'string') return [path];
    if (Array.isArray(value)) return [path, ...variablePaths(value[0], `${path}[].`)];
    return variablePaths(value, `${path}.`);
  });
}

const money = (amount: number) => ({ amount, currencyCode: 'EUR' });

/** Sample data for previews: a value for every variable any template may use. */
export const SAMPLE_DATA: Readonly<Record<string, unknown>> = {
  store: { name: 'Example Store', url: 'https://shop.example.com' },
  recipient: { name: 'Alex Example' },
  url: 'https://shop.example.com/verify-email?token=sample',
  expiresAt: '2030-01-02T10:00:00.000Z',
  order: {
    number: '1001',
    url: 'https://shop.example.com/account/orders/1001',
    placedAt: '2030-01-01T10:00:00.000Z',
    total: money(4_598),
    subtotal: money(3_999),
    shippingTotal: money(599),
    taxTotal: money(734),
    paymentMethod: 'card',
    customerName: 'Alex Example',
    lines: [
      { title: 'Linen shirt', variantTitle: 'M / Blue', sku: 'SHIRT-M-BLUE', quantity: 1, total: money(2_999) },
      { title: 'Socks', variantTitle: 'One size', sku: 'SOCKS-1', quantity: 2, total: money(1_000) },
    ],
    shippingAddress: { name: 'Alex Example', line1: 'Hauptstraße 1', line2: '', postalCode: '10115', city: 'Berlin', countryCode: 'DE' },
  },
  tracking: { carrier: 'dhl', number: '00340434161094042557', url: 'https://track.example.com/00340434161094042557' },
  payment: { reason: 'The card was declined' },
  refund: { amount: money(2_999), reason: 'Returned item' },
  return: {
    kind: 'return',
    note: 'Approved, please send the parcel within 14 days',
    amount: money(2_999),
    trackingNumber: 'RT123456789DE',
    trackingUrl: 'https://track.example.com/RT123456789DE',
    labelUrl: 'https://shop.example.com/labels/RT123456789DE.pdf',
    exchangeOrderNumber: '1002',
  },
  complaint: { subject: 'Parcel arrived damaged', note: 'We are sending a replacement', url: 'https://shop.example.com/account/complaints/cmp_sample' },
  product: { title: 'Linen shirt — M / Blue', sku: 'SHIRT-M-BLUE', available: 3, threshold: 5, url: 'https://shop.example.com/products/linen-shirt' },
  account: { email: 'vendor@example.com', role: 'vendor' },
};
