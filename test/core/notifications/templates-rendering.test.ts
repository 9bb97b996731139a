import { expect } from 'chai';
import type { TestStore } from '@cartwright/core/testing';
import { auditEntries, createAdminTestStore, createAndLogin, type SignedIn } from '../admin/admin-helpers.ts';

const MALICIOUS = '<img src=x onerror=alert(1)>{{ order.total }}';

function orderData(overrides: { recipientName?: string; customerName?: string } = {}) {
  const money = (amount: number) => ({ amount, currencyCode: 'EUR' });
  return {
    store: { name: 'Test Shop', url: 'https://shop.test' },
    recipient: { name: overrides.recipientName ?? 'Ada' },
    order: {
      number: '1042',
      url: 'https://shop.test/account/orders/1042',
      total: money(4_598),
      customerName: overrides.customerName ?? 'Ada Lovelace',
      lines: [
        { title: 'Linen shirt', variantTitle: 'M', sku: 'S-M', quantity: 1, total: money(2_999) },
        { title: 'Socks <b>', variantTitle: '', sku: 'SO', quantity: 2, total: money(1_599) },
      ],
    },
  };
}

describe('notifications › templates', function () {
  this.timeout(120_000);
  let store: TestStore;
  let admin: SignedIn;

  const render = (template: string, channel: 'email' | 'sms' | 'in_app' | 'push', locale: string | null, data: Record<string, unknown>) =>
    store.commerce.withScope((s) => s.cradle.notificationTemplates.render(s.cradle.em, { template, channel, locale, data }));

  before(async () => {
    store = await createAdminTestStore();
    admin = await createAndLogin(store, 'templates-admin@example.com', 'admin');
  });
  after(async () => {
    await store?.stop();
  });

  it('renders the default order.placed email as responsive HTML with a plain-text part', async () => {
    const message = await render('order.placed', 'email', 'en', orderData());
    expect(message.subject).to.equal('Your order 1042 at Test Shop');
    expect(message.html).to.match(/^<!DOCTYPE html>/);
    expect(message.html).to.include('max-width:600px');
    expect(message.html).to.include('Hello Ada,');
    expect(message.html).to.include('1 × Linen shirt (M)');
    expect(message.html).to.include('Socks &lt;b&gt;');
    expect(message.html).to.include('€45.98');
    expect(message.html).to.include('href="https://shop.test/account/orders/1042"');
    expect(message.text).to.include('Thank you for your order 1042.');
    expect(message.text).to.include('Total: €45.98');
    expect(message.text).to.include('- 2 × Socks <b>: €15.99');
    expect(message.text).not.to.match(/<p|<table|<a /);
    expect(message.warnings).to.deep.equal([]);
  });

  it('renders a malicious customer name escaped in HTML and literally in text, never expanding its {{ }}', async () => {
    const message = await render('order.placed', 'email', 'en', orderData({ recipientName: MALICIOUS, customerName: MALICIOUS }));
    expect(message.html).not.to.include('<img');
    expect(message.html).to.include('Hello &lt;img src&#61;x onerror&#61;alert(1)&gt;{{ order.total }},');
    expect(message.text).to.include(`Hello ${MALICIOUS},`);
    // the total appears once (its own line), not a second time from the name
    expect(message.text.split('€45.98')).to.have.length(2);

    const saved = await admin.as.put('/admin/notifications/templates/order.confirmed/email/en', {
      subject: 'Order {{ order.number }} for {{ recipient.name }}',
      html: '<p>Dear {{ order.customerName }}</p><p title="{{ recipient.name }}">x</p>',
      text: 'Dear {{ order.customerName }}',
    });
    expect(saved.status).to.equal(200);
    const attacker = await render('order.confirmed', 'email', 'en', orderData({ recipientName: '"><script>alert(1)</script>', customerName: MALICIOUS }));
    expect(attacker.html).not.to.match(/<script|<img/);
    expect(attacker.html).to.include('title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(attacker.text).to.equal(`Dear ${MALICIOUS}`);
  });

  it('strips CR and LF from subjects', async () => {
    const message = await render('order.confirmed', 'email', 'en', orderData({ recipientName: 'Eve\r\nBcc: victim@example.com' }));
    expect(message.subject).to.equal('Order 1042 for Eve Bcc: victim@example.com');
    expect(message.subject).not.to.match(/[\r\n]/);
  });

  it('lists, overrides, audits and resets a template through the admin', async () => {
    const put = await admin.as.put('/admin/notifications/templates/order.shipped/sms/en', { text: 'Shipped {{ order.number }}! {{ order.url }}' });
    expect(put.status).to.equal(200);
    expect(put.body).to.include({ template: 'order.shipped', channel: 'sms', locale: 'en', source: 'store', hasDefault: true, text: 'Shipped {{ order.number }}! {{ order.url }}' });
    expect(put.body.default.text).to.include('has shipped');
    expect(put.body.variables).to.include('order.lines[].title');
    expect((await render('order.shipped', 'sms', 'en', orderData())).text).to.equal('Shipped 1042! https://shop.test/account/orders/1042');

    const list = await admin.as.get('/admin/notifications/templates');
    expect(list.status).to.equal(200);
    const entry = (template: string, channel: string, locale: string) => list.body.items.find((i: any) => i.template === template && i.channel === channel && i.locale === locale);
    expect(entry('order.shipped', 'sms', 'en')).to.include({ source: 'store', hasDefault: true });
    expect(entry('order.placed', 'email', 'en')).to.include({ source: 'default', hasDefault: true, updatedAt: null });
    expect(entry('order.placed', 'email', 'de')).to.include({ source: 'default' });

    const audit = await auditEntries(admin, { action: 'notification_template.saved' });
    expect(audit.count).to.be.greaterThan(0);

    expect((await admin.as.delete('/admin/notifications/templates/order.shipped/sms/en')).status).to.equal(204);
    expect((await render('order.shipped', 'sms', 'en', orderData())).text).to.include('order 1042 has shipped');
    expect((await admin.as.delete('/admin/notifications/templates/order.shipped/sms/en')).status).to.equal(404);
    expect((await admin.as.get('/admin/notifications/templates/order.shipped/sms/en')).body.source).to.equal('default');
    const staff = await createAndLogin(store, 'templates-staff@example.com', 'staff');
    expect((await staff.as.get('/admin/notifications/templates')).status).to.equal(403);
  });

  it('refuses an unknown variable with 422 naming the field and the variable, and other broken templates', async () => {
    const unknown = await admin.as.put('/admin/notifications/templates/order.placed/email/en', {
      subject: 'Order {{ order.number }}',
      html: '<p>{{ order.number }}</p>',
      text: 'Your secret: {{ order.secret }}',
    });
    expect(unknown.status).to.equal(422);
    expect(unknown.body.code).to.equal('NOTIFICATION_TEMPLATE_VARIABLE_UNKNOWN');
    expect(unknown.body.variable).to.equal('order.secret');
    expect(unknown.body.field).to.equal('text');
    expect(unknown.body.errors[0]).to.include({ pointer: '/text' });
    expect(unknown.body.detail).to.include('order.secret');

    const proto = await admin.as.put('/admin/notifications/templates/order.placed/sms/en', { text: '{{ __proto__.polluted }}' });
    expect(proto.status).to.equal(422);
    expect(proto.body.code).to.equal('NOTIFICATION_TEMPLATE_SYNTAX');
    const ctor = await admin.as.put('/admin/notifications/templates/order.placed/sms/en', { text: '{{ order.constructor }}' });
    expect(ctor.body.code).to.equal('NOTIFICATION_TEMPLATE_SYNTAX');
    const unclosed = await admin.as.put('/admin/notifications/templates/order.placed/sms/en', { text: '{{#each order.lines}}{{ this.title }}' });
    expect(unclosed.body).to.include({ code: 'NOTIFICATION_TEMPLATE_SYNTAX' });
    const notList = await admin.as.put('/admin/notifications/templates/order.placed/sms/en', { text: '{{#each order.number}}x{{/each}}' });
    expect(notList.body.code).to.equal('NOTIFICATION_TEMPLATE_VARIABLE_UNKNOWN');
    const htmlForSms = await admin.as.put('/admin/notifications/templates/order.placed/sms/en', { text: 'x', html: '<p>x</p>' });
    expect(htmlForSms.status).to.equal(422);
    expect(htmlForSms.body.code).to.equal('NOTIFICATION_TEMPLATE_FIELD_INVALID');
    expect(htmlForSms.body.errors[0].pointer).to.equal('/html');
    expect((await admin.as.put('/admin/notifications/templates/no.such_key/email/en', { subject: 's', html: 'h', text: 't' })).status).to.equal(404);
    expect((await admin.as.get('/admin/notifications/templates/order.placed/sms/en')).status).to.equal(404);
  });

  it('falls back from de-AT to de to en', async () => {
    const german = await render('order.placed', 'email', 'de-AT', orderData());
    expect(german.subject).to.equal('Ihre Bestellung 1042 bei Test Shop');
    // money in the recipient's locale: Austrian German puts the sign first
    expect(german.text).to.match(/Summe: €\s45,98/);
    expect((await render('order.placed', 'email', 'de', orderData())).text).to.match(/Summe: 45,98\s€/);
    const english = await render('order.cancelled', 'email', 'de-AT', orderData());
    expect(english.subject).to.equal('Order 1042 was cancelled');

    const austrian = await admin.as.put('/admin/notifications/templates/order.cancelled/in_app/de-AT', { subject: 'Storniert', text: 'Bestellung {{ order.number }} storniert' });
    expect(austrian.status).to.equal(200);
    expect(await render('order.cancelled', 'in_app', 'de-AT', orderData())).to.deep.include({ subject: 'Storniert', text: 'Bestellung 1042 storniert' });
    expect((await render('order.cancelled', 'in_app', 'de', orderData())).subject).to.equal('Order 1042 cancelled');

    let missing: any;
    await render('order.cancelled', 'sms', 'en', orderData()).catch((error) => (missing = error));
    expect(missing?.code).to.equal('NOTIFICATION_TEMPLATE_MISSING');
  });

  it('previews with sample data, and warns about a long SMS and a character outside GSM-7', async () => {
    const sample = await admin.as.post('/admin/notifications/templates/preview', { template: 'order.placed', channel: 'email' });
    expect(sample.status).to.equal(200);
    expect(sample.body).to.include({ source: 'default', locale: 'en', subject: 'Your order 1001 at Example Store' });
    expect(sample.body.html).to.include('Linen shirt');
    expect(sample.body.warnings).to.deep.equal([]);

    const given = await admin.as.post('/admin/notifications/templates/preview', { template: 'order.placed', channel: 'email', locale: 'de', data: { recipient: { name: MALICIOUS } } });
    expect(given.body.subject).to.equal('Ihre Bestellung 1001 bei Example Store');
    expect(given.body.html).to.include('Hallo &lt;img');
    expect(given.body.html).not.to.include('<img');

    const long = await admin.as.post('/admin/notifications/templates/preview', {
      template: 'order.shipped',
      channel: 'sms',
      draft: { text: `${'Your parcel is on its way. '.repeat(6)}{{ order.url }}` },
    });
    expect(long.status).to.equal(200);
    expect(long.body.source).to.equal('draft');
    expect(long.body.warnings).to.have.length(1);
    expect(long.body.warnings[0]).to.match(/over the 160/);

    const unicode = await admin.as.post('/admin/notifications/templates/preview', { template: 'order.shipped', channel: 'sms', draft: { text: 'Paket 📦 {{ order.number }} unterwegs' } });
    expect(unicode.body.warnings).to.have.length(1);
    expect(unicode.body.warnings[0]).to.match(/outside GSM-7.*UCS-2/);

    const fine = await admin.as.post('/admin/notifications/templates/preview', { template: 'order.shipped', channel: 'sms', draft: { text: 'Order {{ order.number }} shipped: {{ order.url }} — ü €' } });
    expect(fine.body.warnings.join(' ')).to.match(/"—"/);
    const gsm = await admin.as.post('/admin/notifications/templates/preview', { template: 'order.shipped', channel: 'sms' });
    expect(gsm.body.warnings).to.deep.equal([]);

    const bad = await admin.as.post('/admin/notifications/templates/preview', { template: 'order.shipped', channel: 'sms', draft: { text: '{{ tracking.secret }}' } });
    expect(bad.status).to.equal(422);
    expect(bad.body.variable).to.equal('tracking.secret');
  });
});
