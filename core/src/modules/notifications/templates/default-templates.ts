import type { ChannelKind } from '../channels/notification-channel.ts';

/** One template's content for one channel and locale: `html` for email only; `subject` is the email subject or the in-app/push title. */
export interface TemplateContent {
  subject: string | null;
  html: string | null;
  text: string;
}

/**
 * The shipped defaults, written once per message as paragraphs (template text, no markup) and
 * turned into the email's HTML body and plain-text part the same way, so the two never disagree.
 */
interface MessageSpec {
  subject: string;
  paragraphs: string[];
  /** Lists the order's lines (quantity, title, total). */
  lines?: boolean;
  button?: { label: string; url: string };
  inApp?: { title: string; text: string };
  sms?: string;
}

const P = 'margin:0 0 16px;';
const CELL = 'padding:6px 0;border-bottom:1px solid #e4e4e7;';

function emailFrom(spec: MessageSpec): TemplateContent {
  const html = [
    ...spec.paragraphs.map((p) => `<p style="${P}">${p}</p>`),
    spec.lines
      ? `<table role="presentation" width="100%" cellspacing="0" cellpadding="0" border="0" style="${P}border-collapse:collapse;">` +
        `{{#each order.lines}}<tr><td style="${CELL}">{{ this.quantity }} × {{ this.title }}{{#if this.variantTitle}} ({{ this.variantTitle }}){{/if}}</td>` +
        `<td align="right" style="${CELL}">{{ this.total }}</td></tr>{{/each}}</table>`
      : '',
    spec.button
      ? `<p style="${P}"><a href="${spec.button.url}" style="display:inline-block;padding:10px 18px;background-color:#18181b;color:#ffffff;text-decoration:none;border-radius:4px;">${spec.button.label}</a></p>`
      : '',
  ]
    .filter(Boolean)
    .join('\n');
  const text = [
    ...spec.paragraphs,
    spec.lines ? '{{#each order.lines}}- {{ this.quantity }} × {{ this.title }}: {{ this.total }}\n{{/each}}'.trimEnd() : '',
    spec.button ? `${spec.button.label}: ${spec.button.url}` : '',
    '{{ store.name }} · {{ store.url }}',
  ]
    .filter(Boolean)
    .join('\n\n');
  return { subject: spec.subject, html, text };
}

const HELLO = 'Hello{{#if recipient.name}} {{ recipient.name }}{{/if}},';
const VIEW_ORDER = { label: 'View your order', url: '{{ order.url }}' };

const MESSAGES: Record<string, MessageSpec> = {
  'auth.verify_email': {
    subject: 'Confirm your email address for {{ store.name }}',
    paragraphs: [HELLO, 'Please confirm your email address. The link works until {{ expiresAt }}.'],
    button: { label: 'Confirm email address', url: '{{ url }}' },
    // for stores that add these channels to the rule (docs/admin/notifications.md); the inbox points to the email rather than carrying the link
    inApp: { title: 'Confirm your email address', text: 'We sent you an email with a link to confirm your address.' },
    sms: 'Confirm your email address for {{ store.name }}: {{ url }}',
  },
  'auth.password_reset': {
    subject: 'Reset your {{ store.name }} password',
    paragraphs: [HELLO, 'Someone asked to reset the password of your account. If it was you, choose a new password; the link works until {{ expiresAt }}. If not, ignore this email.'],
    button: { label: 'Choose a new password', url: '{{ url }}' },
    inApp: { title: 'Password reset requested', text: 'Someone asked to reset your password. If it was not you, you can ignore the email we sent.' },
    sms: 'Reset your {{ store.name }} password: {{ url }} If you did not ask for this, ignore this message.',
  },
  'order.placed': {
    subject: 'Your order {{ order.number }} at {{ store.name }}',
    paragraphs: [HELLO, 'Thank you for your order {{ order.number }}. We will let you know when it ships.', 'Total: {{ order.total }}'],
    lines: true,
    button: VIEW_ORDER,
    inApp: { title: 'Order {{ order.number }} placed', text: 'Thank you! Total: {{ order.total }}' },
  },
  'order.confirmed': {
    subject: 'Order {{ order.number }} is confirmed',
    paragraphs: [HELLO, 'Your order {{ order.number }} is confirmed and being prepared.'],
    button: VIEW_ORDER,
    inApp: { title: 'Order {{ order.number }} confirmed', text: 'Your order is being prepared.' },
  },
  'order.cancelled': {
    subject: 'Order {{ order.number }} was cancelled',
    paragraphs: [HELLO, 'Your order {{ order.number }} was cancelled. Any payment taken is refunded to the original payment method.'],
    button: VIEW_ORDER,
    inApp: { title: 'Order {{ order.number }} cancelled', text: 'Any payment taken is refunded.' },
  },
  'order.shipped': {
    subject: 'Order {{ order.number }} is on its way',
    paragraphs: [HELLO, 'Your order {{ order.number }} has shipped.{{#if tracking.number}} Tracking number: {{ tracking.number }}.{{/if}}'],
    button: VIEW_ORDER,
    inApp: { title: 'Order {{ order.number }} shipped', text: 'Your order is on its way.' },
    sms: '{{ store.name }}: order {{ order.number }} has shipped. {{ order.url }}',
  },
  'order.out_for_delivery': {
    subject: 'Order {{ order.number }} arrives today',
    paragraphs: [HELLO, 'Your order {{ order.number }} is out for delivery with {{ tracking.carrier }} (tracking number {{ tracking.number }}).'],
    button: { label: 'Track your parcel', url: '{{#if tracking.url}}{{ tracking.url }}{{else}}{{ order.url }}{{/if}}' },
    inApp: { title: 'Order {{ order.number }} out for delivery', text: 'Your parcel arrives today.' },
    sms: '{{ store.name }}: order {{ order.number }} is out for delivery today.{{#if tracking.url}} {{ tracking.url }}{{/if}}',
  },
  'order.delivered': {
    subject: 'Order {{ order.number }} was delivered',
    paragraphs: [HELLO, 'Your order {{ order.number }} was delivered. We hope you enjoy it.'],
    button: VIEW_ORDER,
    inApp: { title: 'Order {{ order.number }} delivered', text: 'We hope you enjoy it.' },
  },
  'payment.failed': {
    subject: 'The payment for order {{ order.number }} failed',
    paragraphs: [HELLO, 'The payment for your order {{ order.number }} did not go through: {{ payment.reason }}. Please try again or choose another payment method.'],
    button: VIEW_ORDER,
    inApp: { title: 'Payment failed for order {{ order.number }}', text: '{{ payment.reason }}' },
  },
  'payment.refunded': {
    subject: 'A refund for order {{ order.number }}',
    paragraphs: [HELLO, 'We refunded {{ refund.amount }} for your order {{ order.number }}. It can take a few days to reach your account.'],
    button: VIEW_ORDER,
    inApp: { title: 'Refund for order {{ order.number }}', text: '{{ refund.amount }} refunded' },
  },
  'return.requested': {
    subject: 'We received your return request for order {{ order.number }}',
    paragraphs: [HELLO, 'We received your request to return items of order {{ order.number }} and will answer soon.'],
    button: VIEW_ORDER,
    inApp: { title: 'Return requested', text: 'Order {{ order.number }}: we will answer soon.' },
  },
  'return.vendor_requested': {
    subject: 'Return requested for order {{ order.number }}',
    paragraphs: ['A customer asked to return items of order {{ order.number }} that you sold. Please review the request.'],
    inApp: { title: 'Return requested', text: 'Order {{ order.number }}' },
  },
  'return.approved': {
    subject: 'Your return for order {{ order.number }} is approved',
    paragraphs: [HELLO, 'Your return for order {{ order.number }} is approved.{{#if return.note}} {{ return.note }}{{/if}}'],
    button: VIEW_ORDER,
    inApp: { title: 'Return approved', text: 'Order {{ order.number }}' },
  },
  'return.rejected': {
    subject: 'Your return for order {{ order.number }}',
    paragraphs: [HELLO, 'We cannot accept your return for order {{ order.number }}: {{ return.note }}'],
    button: VIEW_ORDER,
    inApp: { title: 'Return not accepted', text: 'Order {{ order.number }}: {{ return.note }}' },
  },
  'return.label_created': {
    subject: 'Your return label for order {{ order.number }}',
    paragraphs: [HELLO, 'Your return label is ready. Tracking number: {{ return.trackingNumber }}.'],
    button: { label: 'Download the label', url: '{{#if return.labelUrl}}{{ return.labelUrl }}{{else}}{{ order.url }}{{/if}}' },
    inApp: { title: 'Return label ready', text: 'Order {{ order.number }}' },
  },
  'return.refunded': {
    subject: 'Your return for order {{ order.number }} is refunded',
    paragraphs: [HELLO, 'We refunded {{ return.amount }} for your return of order {{ order.number }}.'],
    button: VIEW_ORDER,
    inApp: { title: 'Return refunded', text: '{{ return.amount }} for order {{ order.number }}' },
  },
  'return.exchanged': {
    subject: 'Your exchange for order {{ order.number }}',
    paragraphs: [HELLO, 'Your exchange is placed as order {{ return.exchangeOrderNumber }}.'],
    button: VIEW_ORDER,
    inApp: { title: 'Exchange placed', text: 'New order {{ return.exchangeOrderNumber }}' },
  },
  'complaint.opened': {
    subject: 'New complaint about order {{ order.number }}: {{ complaint.subject }}',
    paragraphs: ['A customer opened a complaint about order {{ order.number }}: {{ complaint.subject }}.'],
    inApp: { title: 'New complaint', text: '{{ complaint.subject }}' },
  },
  'complaint.customer_replied': {
    subject: 'The customer answered: {{ complaint.subject }}',
    paragraphs: ['The customer answered the complaint about order {{ order.number }}: {{ complaint.subject }}.'],
    inApp: { title: 'Customer answered a complaint', text: '{{ complaint.subject }}' },
  },
  'complaint.replied': {
    subject: 'An answer to your complaint: {{ complaint.subject }}',
    paragraphs: [HELLO, 'There is an answer to your complaint about order {{ order.number }}.'],
    button: { label: 'Read the answer', url: '{{ complaint.url }}' },
    inApp: { title: 'Your complaint was answered', text: '{{ complaint.subject }}' },
  },
  'complaint.resolved': {
    subject: 'Your complaint is resolved: {{ complaint.subject }}',
    paragraphs: [HELLO, 'Your complaint about order {{ order.number }} is resolved.{{#if complaint.note}} {{ complaint.note }}{{/if}}'],
    button: { label: 'View the complaint', url: '{{ complaint.url }}' },
    inApp: { title: 'Complaint resolved', text: '{{ complaint.subject }}' },
  },
  'inventory.low_stock': {
    subject: 'Low stock: {{ product.sku }}',
    paragraphs: ['{{ product.title }} ({{ product.sku }}) is down to {{ product.available }} available (threshold {{ product.threshold }}).'],
    inApp: { title: 'Low stock: {{ product.sku }}', text: '{{ product.available }} left' },
  },
  'inventory.back_in_stock': {
    subject: '{{ product.title }} is back in stock',
    paragraphs: [HELLO, 'Good news: {{ product.title }} is back in stock at {{ store.name }}.'],
    button: { label: 'Buy now', url: '{{ product.url }}' },
    inApp: { title: 'Back in stock', text: '{{ product.title }}' },
  },
  'vendor.new_order': {
    subject: 'New order {{ order.number }}',
    paragraphs: [HELLO, 'Order {{ order.number }} includes items you sell:'],
    lines: true,
    inApp: { title: 'New order {{ order.number }}', text: 'Order {{ order.number }} includes your items.' },
  },
  'vendor.approved': {
    subject: 'Your {{ store.name }} vendor account is approved',
    paragraphs: [HELLO, 'Your vendor account ({{ account.email }}) is approved. You can now sign in and manage your products and orders.'],
    button: { label: 'Go to {{ store.name }}', url: '{{ store.url }}' },
    inApp: { title: 'Vendor account approved', text: 'Welcome to {{ store.name }}.' },
  },
};

/** A second locale for one message, proving the fallback (`de-AT` → `de` → `en`). */
const GERMAN: Record<string, MessageSpec> = {
  'order.placed': {
    subject: 'Ihre Bestellung {{ order.number }} bei {{ store.name }}',
    paragraphs: ['Hallo{{#if recipient.name}} {{ recipient.name }}{{/if}},', 'vielen Dank für Ihre Bestellung {{ order.number }}. Wir melden uns, sobald sie versandt ist.', 'Summe: {{ order.total }}'],
    lines: true,
    button: { label: 'Bestellung ansehen', url: '{{ order.url }}' },
    inApp: { title: 'Bestellung {{ order.number }} aufgegeben', text: 'Vielen Dank! Summe: {{ order.total }}' },
  },
};

export type DefaultTemplateKey = `${string}|${ChannelKind}|${string}`;

function expand(locale: string, specs: Record<string, MessageSpec>): Array<[DefaultTemplateKey, TemplateContent]> {
  return Object.entries(specs).flatMap(([template, spec]) => {
    const entries: Array<[DefaultTemplateKey, TemplateContent]> = [[`${template}|email|${locale}`, emailFrom(spec)]];
    if (spec.inApp) {
      entries.push([`${template}|in_app|${locale}`, { subject: spec.inApp.title, html: null, text: spec.inApp.text }]);
      entries.push([`${template}|push|${locale}`, { subject: spec.inApp.title, html: null, text: spec.inApp.text }]);
    }
    if (spec.sms) entries.push([`${template}|sms|${locale}`, { subject: null, html: null, text: spec.sms }]);
    return entries;
  });
}

/** Every shipped template by `template|channel|locale`. */
export const DEFAULT_TEMPLATES: ReadonlyMap<DefaultTemplateKey, TemplateContent> = new Map([...expand('en', MESSAGES), ...expand('de', GERMAN)]);

export function defaultTemplate(template: string, channel: ChannelKind, locale: string): TemplateContent | undefined {
  return DEFAULT_TEMPLATES.get(`${template}|${channel}|${locale}`);
}
