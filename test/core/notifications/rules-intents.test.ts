import { expect } from 'chai';
import type { EventMap } from '@cartwright/core';
import { createTestStore } from '@cartwright/core/testing';
import { DEFAULT_RULES } from '../../../core/src/modules/notifications/rules/rule-definitions.ts';
import { STRONG_PASSWORD } from '../auth/auth-helpers.ts';
import { createCatalogStore, type CatalogStore } from '../catalog/catalog-helpers.ts';
import { auditEntries, createAndLogin, login } from '../admin/admin-helpers.ts';
import { placeOrder, query, stockedVariant } from '../orders/order-helpers.ts';

type Event = { id: string; name: string; payload: Record<string, any> };

describe('notifications › rules', function () {
  this.timeout(120_000);
  let c: CatalogStore;
  let customer: { id: string; email: string };
  let vendor: { id: string; email: string };

  async function intentsFor(event: Event) {
    return c.store.commerce.withScope((s) => s.cradle.notificationRules.intentsFor(s.cradle.em, event));
  }

  async function outboxEvent(name: string, field: string, value: string): Promise<Event> {
    const [row] = await query<{ id: string; name: string; payload: any }>(
      c,
      `select id, name, payload from cw_outbox_event where name = ? and payload->>'${field}' = ? order by occurred_at desc, id desc limit 1`,
      [name, value],
    );
    if (!row) throw new Error(`no ${name} event with ${field} = ${value}`);
    return { id: row.id, name: row.name, payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload };
  }

  async function activeVendor(email: string, name: string) {
    const user = await c.store.commerce.withScope((s) => s.cradle.userService.create({ email, role: 'vendor', password: STRONG_PASSWORD, name, status: 'active' }));
    return { id: user.id, email };
  }

  before(async () => {
    c = await createCatalogStore({
      notifications: {
        rules: [
          { id: 'order.confirmed', enabled: false },
          { id: 'order.cancelled.staff', event: 'order.cancelled', audience: 'staff', permission: 'orders:write', channels: ['email'], template: 'order.cancelled', category: 'orders', transactional: true },
        ],
      },
    });
    const signedIn = await createAndLogin(c.store, 'rules-buyer@example.com', 'customer', 'Rita Buyer');
    customer = { id: signedIn.id, email: signedIn.email };
    vendor = await activeVendor('rules-vendor@example.com', 'Vera Vendor');
  });
  after(async () => {
    await c?.store.stop();
  });

  it('tells the customer of a placed order by email and in-app, and each vendor about its own lines', async () => {
    const own = await stockedVariant(c, 'Store shirt', 10);
    const sold = await stockedVariant(c, 'Vendor mug', 10);
    const order = await placeOrder(c, {
      customerId: customer.id,
      email: customer.email,
      lines: [
        { ...own, quantity: 1, unitPrice: 2_000 },
        { ...sold, quantity: 2, unitPrice: 1_500, vendorId: vendor.id },
      ],
    });
    const event = await outboxEvent('order.placed', 'orderId', order.id);
    const intents = await intentsFor(event);

    const toCustomer = intents.filter((i) => i.template === 'order.placed');
    expect(toCustomer.map((i) => i.channel).sort()).to.deep.equal(['email', 'in_app']);
    for (const intent of toCustomer) {
      expect(intent).to.include({ eventId: event.id, eventName: 'order.placed', recipientKey: `user:${customer.id}`, category: 'orders', transactional: true });
      expect(intent.recipient).to.include({ userId: customer.id, email: customer.email, name: 'Rita Buyer', phone: null });
    }
    const data = toCustomer[0]!.data as any;
    expect(data.order.number).to.equal(String(order.number));
    expect(data.order.total).to.deep.equal({ amount: 2_000 + 200 + 3_000 + 300 + 500, currencyCode: 'USD' });
    expect(data.order.lines).to.have.length(2);
    expect(data.recipient).to.deep.equal({ name: 'Rita Buyer' });

    const toVendor = intents.filter((i) => i.template === 'vendor.new_order');
    expect(toVendor.map((i) => i.channel).sort()).to.deep.equal(['email', 'in_app']);
    expect(toVendor[0]!.recipient).to.include({ userId: vendor.id, email: vendor.email });
    expect(toVendor[0]!.category).to.equal('vendor');
    const vendorLines = (toVendor[0]!.data as any).order.lines;
    expect(vendorLines.map((l: any) => l.sku)).to.deep.equal([sold.sku]);
    expect(intents).to.have.length(4);
  });

  it('tells admins and the owning vendor about low stock, and nobody else', async () => {
    const event: Event = {
      id: 'evt_lowstock_1',
      name: 'inventory.low_stock',
      payload: { variantId: 'var_x', productId: 'prod_missing', sku: 'MUG-1', locationId: 'loc_x', available: 2, threshold: 5, vendorId: vendor.id },
    };
    const intents = await intentsFor(event);
    const admin = c.admin;
    expect(intents.map((i) => `${i.recipient.email}|${i.channel}`).sort()).to.deep.equal([
      `${admin.email}|email`,
      `${admin.email}|in_app`,
      `${vendor.email}|email`,
      `${vendor.email}|in_app`,
    ]);
    expect(intents.every((i) => i.template === 'inventory.low_stock' && i.category === 'inventory')).to.equal(true);
    expect((intents[0]!.data as any).product).to.include({ sku: 'MUG-1', available: 2, threshold: 5 });

    const storeOwn = await intentsFor({ ...event, id: 'evt_lowstock_2', payload: { ...event.payload, vendorId: null } });
    expect([...new Set(storeOwn.map((i) => i.recipient.email))]).to.deep.equal([admin.email]);
  });

  it('sends a notification.requested exactly as requested', async () => {
    const registered = await c.store.client.post('/auth/register', { email: 'rules-requested@example.com', password: STRONG_PASSWORD, name: 'Reg Uested' });
    expect(registered.status).to.be.lessThan(300);
    const event = await outboxEvent('notification.requested', 'template', 'auth.verify_email');
    const intents = await intentsFor(event);
    expect(intents).to.have.length(1);
    const [intent] = intents;
    expect(intent).to.include({ channel: 'email', template: 'auth.verify_email', category: 'account', transactional: true, eventName: 'notification.requested' });
    expect(intent!.recipient).to.include({ email: event.payload.recipient.email, name: event.payload.recipient.name, userId: event.payload.recipient.userId });
    expect(intent!.data).to.include({ url: event.payload.data.url, token: event.payload.data.token, expiresAt: event.payload.data.expiresAt });

    // a template without a rule of its own goes out on the channel the request names
    const sms = await intentsFor({ id: 'evt_req_sms', name: 'notification.requested', payload: { channel: 'sms', template: 'auth.sms_code', recipient: { phone: '+4915112345678' }, data: {} } });
    expect(sms.map((i) => [i.channel, i.recipientKey, i.template])).to.deep.equal([['sms', 'phone:+4915112345678', 'auth.sms_code']]);
  });

  it('follows the config: a disabled default sends nothing, an added rule sends', async () => {
    const order = await placeOrder(c, { customerId: customer.id, email: customer.email, lines: [{ ...(await stockedVariant(c, 'Config hat', 5)), quantity: 1, unitPrice: 900 }] });
    const base = { orderId: order.id, number: String(order.number), customerId: customer.id, email: customer.email };
    expect(await intentsFor({ id: 'evt_conf_1', name: 'order.confirmed', payload: base })).to.deep.equal([]);

    const cancelled = await intentsFor({ id: 'evt_cancel_1', name: 'order.cancelled', payload: base });
    expect(cancelled.filter((i) => i.recipient.email === c.admin.email).map((i) => i.channel)).to.deep.equal(['email']);
    expect(cancelled.filter((i) => i.recipient.email === customer.email).map((i) => i.channel).sort()).to.deep.equal(['email', 'in_app']);
  });

  it('follows the admin: channels and rules switched off, audited, and refuses a channel the rule does not have', async () => {
    const order = await placeOrder(c, { customerId: customer.id, email: customer.email, lines: [{ ...(await stockedVariant(c, 'Admin scarf', 5)), quantity: 1, unitPrice: 900, vendorId: vendor.id }] });
    const event = await outboxEvent('order.placed', 'orderId', order.id);

    const changed = await c.admin.as.patch('/admin/notifications/rules/order.placed', { channels: { in_app: false } });
    expect(changed.status).to.equal(200);
    expect(changed.body).to.include({ id: 'order.placed', enabled: true, changed: true });
    expect(changed.body.channels).to.deep.equal(['email']);
    expect(changed.body.configuredChannels).to.deep.equal(['email', 'in_app']);
    const off = await c.admin.as.patch('/admin/notifications/rules/order.placed.vendor', { enabled: false });
    expect(off.body.enabled).to.equal(false);

    const intents = await intentsFor(event);
    expect(intents.map((i) => `${i.template}|${i.channel}`)).to.deep.equal(['order.placed|email']);

    const refused = await c.admin.as.patch('/admin/notifications/rules/order.placed', { channels: { sms: true } });
    expect(refused.status).to.equal(422);
    expect(refused.body.code).to.equal('NOTIFICATION_RULE_CHANNEL_INVALID');
    expect(refused.body.errors[0].pointer).to.equal('/channels/sms');
    expect((await c.admin.as.patch('/admin/notifications/rules/no.such.rule', { enabled: false })).status).to.equal(404);

    const audit = await auditEntries(c.admin, { action: 'notification_rule.changed' });
    expect(audit.items.map((e) => e.target?.id ?? e.targetId)).to.include.members(['order.placed', 'order.placed.vendor']);

    const listed = await c.admin.as.get('/admin/notifications/rules');
    expect(listed.status).to.equal(200);
    expect(listed.body.items.find((r: any) => r.id === 'order.confirmed')).to.include({ enabled: false, changed: false });
    expect(listed.body.items.find((r: any) => r.id === 'inventory.low_stock.staff')).to.include({ audience: 'staff', permission: 'inventory:write' });

    await c.admin.as.patch('/admin/notifications/rules/order.placed', { channels: { in_app: true } });
    await c.admin.as.patch('/admin/notifications/rules/order.placed.vendor', { enabled: null });
    expect((await intentsFor(event)).map((i) => `${i.template}|${i.channel}`).sort()).to.deep.equal([
      'order.placed|email',
      'order.placed|in_app',
      'vendor.new_order|email',
      'vendor.new_order|in_app',
    ]);
    const customerOnly = await createAndLogin(c.store, 'rules-no-admin@example.com', 'customer');
    expect((await customerOnly.as.get('/admin/notifications/rules')).status).to.equal(403);
  });

  it('sends an SMS only to a recipient with a phone number', async () => {
    const order = await placeOrder(c, { customerId: customer.id, email: customer.email, lines: [{ ...(await stockedVariant(c, 'Phone case', 5)), quantity: 1, unitPrice: 900 }] });
    const payload = { orderId: order.id, number: String(order.number), customerId: customer.id, email: customer.email };
    const without = await intentsFor({ id: 'evt_ship_1', name: 'order.shipped', payload });
    expect(without.map((i) => i.channel).sort()).to.deep.equal(['email', 'in_app']);

    await query(c, 'update cw_user set phone = ? where id = ?', ['+4915112345678', customer.id]);
    const withPhone = await intentsFor({ id: 'evt_ship_2', name: 'order.shipped', payload });
    expect(withPhone.map((i) => i.channel).sort()).to.deep.equal(['email', 'in_app', 'sms']);
    expect(withPhone.find((i) => i.channel === 'sms')!.recipient.phone).to.equal('+4915112345678');
    await query(c, 'update cw_user set phone = null where id = ?', [customer.id]);

    const guest = await placeOrder(c, { email: 'rules-guest@example.com', lines: [{ ...(await stockedVariant(c, 'Guest sock', 5)), quantity: 1, unitPrice: 900 }] });
    const guestIntents = await intentsFor({ id: 'evt_ship_3', name: 'order.out_for_delivery', payload: { orderId: guest.id, number: String(guest.number), customerId: null, email: 'rules-guest@example.com', fulfillmentId: 'ful_x', carrier: 'dhl', trackingNumber: 'T1', trackingUrl: null } });
    expect(guestIntents).to.deep.equal([]);
  });

  it('tells a vendor when an admin approves the account', async () => {
    const pending = await c.store.commerce.withScope((s) => s.cradle.userService.create({ email: 'rules-pending@example.com', role: 'vendor', password: STRONG_PASSWORD, name: 'Pat Pending' }));
    const approved = await c.admin.as.post(`/admin/users/${pending.id}/approve`);
    expect(approved.status).to.equal(200);
    const event = await outboxEvent('user.approved', 'userId', pending.id);
    const intents = await intentsFor(event);
    expect(intents.map((i) => `${i.template}|${i.channel}|${i.recipientKey}`).sort()).to.deep.equal([
      `vendor.approved|email|user:${pending.id}`,
      `vendor.approved|in_app|user:${pending.id}`,
    ]);
    expect((intents[0]!.data as any).account).to.deep.equal({ email: 'rules-pending@example.com', role: 'vendor' });
    await login(c.store, 'rules-pending@example.com');
  });

  it('refuses to start with a config rule that could never send, naming it', async () => {
    let failure: unknown;
    await createTestStore({ notifications: { rules: [{ id: 'orders.audit', event: 'order.placed', audience: 'staff', channels: ['email'], template: 'order.placed' }] } })
      .then((store) => store.stop())
      .catch((error) => (failure = error));
    expect(String(failure)).to.match(/orders\.audit.*permission/);
    failure = undefined;
    await createTestStore({ notifications: { rules: [{ id: 'orders.typo', event: 'order.placed', audience: 'customer', channels: ['email'], template: 'order.placd' }] } })
      .then((store) => store.stop())
      .catch((error) => (failure = error));
    expect(String(failure)).to.match(/orders\.typo.*order\.placd/);
  });

  it('has an enabled default rule, on an event a module declares, for each message the notifications issue asks for, and listens for it', async () => {
    // what the issue lists → the default rule that sends it and its event; `satisfies keyof EventMap` makes
    // the typecheck refuse an event that no module declares in its EventMap
    const asked = {
      'email verification': ['notification.requested', 'notification.requested'],
      'password reset': ['notification.requested', 'notification.requested'],
      'order placed': ['order.placed', 'order.placed'],
      'order confirmed': ['order.confirmed', 'order.confirmed'],
      'order cancelled': ['order.cancelled', 'order.cancelled'],
      'payment failed': ['payment.failed', 'payment.failed'],
      'refund issued': ['payment.refunded', 'payment.refunded'],
      shipped: ['order.shipped', 'order.shipped'],
      'out for delivery': ['order.out_for_delivery', 'order.out_for_delivery'],
      delivered: ['order.delivered', 'order.delivered'],
      'return requested': ['return.requested', 'return.requested'],
      'return approved': ['return.approved', 'return.approved'],
      'return rejected': ['return.rejected', 'return.rejected'],
      'return label': ['return.label_created', 'return.label_created'],
      'return refunded': ['return.refunded', 'return.refunded'],
      'return exchanged': ['return.exchanged', 'return.exchanged'],
      'complaint opened': ['complaint.opened.staff', 'complaint.opened'],
      'complaint opened (vendor)': ['complaint.opened.vendor', 'complaint.opened'],
      'complaint answered': ['complaint.replied', 'complaint.replied'],
      'complaint resolved': ['complaint.resolved', 'complaint.resolved'],
      'low stock (admins)': ['inventory.low_stock.staff', 'inventory.low_stock'],
      'low stock (owning vendor)': ['inventory.low_stock.vendor', 'inventory.low_stock'],
      'new order for a vendor': ['order.placed.vendor', 'order.placed'],
      'back in stock': ['inventory.back_in_stock', 'inventory.back_in_stock'],
      'vendor approved': ['vendor.approved', 'user.approved'],
    } as const satisfies Record<string, readonly [string, keyof EventMap]>;
    const wrong = Object.entries(asked).flatMap(([what, [id, event]]) => {
      const rule = DEFAULT_RULES.find((r) => r.id === id);
      return rule?.event === event && rule.enabled ? [] : [`${what}: ${rule ? `rule ${id} is on ${rule.event}, enabled ${rule.enabled}` : `no rule ${id}`}`];
    });
    expect(wrong).to.deep.equal([]);
    // and no default rule waits for an event outside that declared list
    const declared = new Set<string>(Object.values(asked).map(([, event]) => event));
    expect(DEFAULT_RULES.filter((r) => !declared.has(r.event)).map((r) => `${r.id} on ${r.event}`)).to.deep.equal([]);
    const listened = await c.store.commerce.withScope(async (s) => s.cradle.notificationRules.eventNames());
    expect([...declared].filter((event) => !listened.includes(event))).to.deep.equal([]);
  });
});
