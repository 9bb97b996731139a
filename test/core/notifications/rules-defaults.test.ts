import { expect } from 'chai';
import cod from '@cartwright/plugin-cod';
import { definePlugin, type PaymentProvider } from '@cartwright/core';
import { conditionHolds, DEFAULT_RULES } from '../../../core/src/modules/notifications/rules/rule-definitions.ts';
import { createAndLogin } from '../admin/admin-helpers.ts';
import { createCheckoutStore, readyCart, stockedVariant } from '../checkout/checkout-helpers.ts';
import { createComplaintWorld, expectStatus, type ComplaintWorld } from '../complaints/complaint-helpers.ts';
import { query, type InventoryStore } from '../inventory/inventory-helpers.ts';
import { createReturnsStore, placeOrder, RecordingReturnCarrier } from '../returns/returns-helpers.ts';

type Event = { id: string; name: string; payload: Record<string, any> };
type Intent = Awaited<ReturnType<typeof intentsIn>>[number];
type Store = InventoryStore | ComplaintWorld['c'];

/** Rule ids whose every channel was rendered with a real event's data (checked in the last test). */
const rendered = new Map<string, Set<string>>();

async function intentsIn(c: Store, event: Event) {
  return c.store.commerce.withScope((s) => s.cradle.notificationRules.intentsFor(s.cradle.em, event));
}

/** Every event of `name` the store recorded about `field` = `value`, oldest first. */
async function eventsOf(c: Store, name: string, field: string, value: string): Promise<Event[]> {
  const found = await query<{ id: string; name: string; payload: any }>(
    c,
    `select id, name, payload from cw_outbox_event where name = ? and payload->>'${field}' = ? order by occurred_at, id`,
    [name, value],
  );
  return found.map((row) => ({ id: row.id, name: row.name, payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload }));
}

async function onlyEvent(c: Store, name: string, field: string, value: string): Promise<Event> {
  const found = await eventsOf(c, name, field, value);
  expect(found.map((e) => e.name), `${name} events with ${field} = ${value}`).to.deep.equal([name]);
  return found[0]!;
}

/** `template|channel|recipientKey`, sorted: who gets what, on which channel. */
const summary = (intents: Intent[]) => intents.map((i) => `${i.template}|${i.channel}|${i.recipientKey}`).sort();

/**
 * The intents of a real event, each rendered with the default template of its channel: no variable
 * the template uses may lack a value in the data the event really gives.
 */
async function intentsRendered(c: Store, event: Event): Promise<Intent[]> {
  const intents = await intentsIn(c, event);
  for (const intent of intents) {
    const message = await c.store.commerce.withScope((s) =>
      s.cradle.notificationTemplates.render(s.cradle.em, { template: intent.template, channel: intent.channel, locale: null, data: intent.data }),
    );
    expect(message.warnings.filter((w) => /has no value/.test(w)), `${intent.template} on ${intent.channel} from a real ${event.name}`).to.deep.equal([]);
    // the first default rule that fits is the one that spoke (a staff rule's condition comes before the vendor's)
    const rule = DEFAULT_RULES.find((r) => r.event === event.name && r.template === intent.template && r.channels.includes(intent.channel) && conditionHolds(r.when, event.payload));
    if (rule) rendered.set(rule.id, (rendered.get(rule.id) ?? new Set()).add(intent.channel));
  }
  return intents;
}

async function renderedText(c: Store, intent: Intent): Promise<string> {
  const message = await c.store.commerce.withScope((s) =>
    s.cradle.notificationTemplates.render(s.cradle.em, { template: intent.template, channel: intent.channel, locale: null, data: intent.data }),
  );
  return `${message.subject ?? ''}\n${message.text}`;
}

/** A card gateway that declines every payment, as a real one does for a bad card. */
const decliningCard: PaymentProvider = {
  id: 'declining-card',
  name: 'Declining card',
  availability: () => ({ available: true, fee: 0 }),
  initiate: async (request) => ({ status: 'failed', reference: `dec_${request.paymentId}`, amountAuthorized: 0, amountCaptured: 0, amountRefunded: 0, rawStatus: 'declined', failureReason: 'card_declined' }),
  authorize: () => Promise.reject(new Error('declined payments are never authorized')),
  capture: () => Promise.reject(new Error('declined payments are never captured')),
  refund: () => Promise.reject(new Error('declined payments are never refunded')),
  void: () => Promise.reject(new Error('declined payments are never voided')),
  status: async (request) => ({ status: 'failed', reference: request.reference, amountAuthorized: 0, amountCaptured: 0, amountRefunded: 0, rawStatus: 'declined', failureReason: 'card_declined' }),
};
const decliningPayments = definePlugin({
  name: '@cartwright/test-declining-card',
  version: '0.0.0',
  register(api) {
    api.filter('payments.providers', (providers) => [...providers, decliningCard]);
  },
});

describe('notifications › default rules, driven by the events the store really emits', function () {
  this.timeout(240_000);

  describe('orders, payments and returns', () => {
    let c: InventoryStore;
    let buyer: Awaited<ReturnType<typeof createAndLogin>>;
    const carrier = new RecordingReturnCarrier();
    const customerKey = () => `user:${buyer.id}`;

    before(async () => {
      c = await createReturnsStore(carrier);
      buyer = await createAndLogin(c.store, 'defaults-buyer@example.com', 'customer', 'Dora Defaults');
    });
    after(() => c?.store.stop());

    it('tells the customer of a confirmed, shipped (with its tracking) and delivered order, and of a refund', async () => {
      const lamp = await stockedVariant(c, 'Defaults lamp', 5, 4000);
      const order = await placeOrder(c, [{ variantId: lamp, quantity: 1 }], { as: buyer.as, deliver: false });

      const confirmed = await intentsRendered(c, await onlyEvent(c, 'order.confirmed', 'orderId', order.id));
      expect(summary(confirmed)).to.deep.equal([`order.confirmed|email|${customerKey()}`, `order.confirmed|in_app|${customerKey()}`]);
      expect((confirmed[0]!.data as any).order.number).to.equal(order.number);

      const packed = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments`, { items: order.lines.map((l) => ({ lineId: l.id, quantity: l.quantity })) });
      expect(packed.status, packed.text).to.equal(201);
      const fulfillmentId = packed.body.fulfillments.at(-1).id;
      const tracking = { carrier: 'dhl', trackingNumber: 'JD014600006281', trackingUrl: 'https://track.example.com/JD014600006281' };
      const shipped = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments/${fulfillmentId}/ship`, tracking);
      expect(shipped.status, shipped.text).to.equal(200);
      const shippedIntents = await intentsRendered(c, await onlyEvent(c, 'order.shipped', 'orderId', order.id));
      // no phone on the account: no SMS
      expect(summary(shippedIntents)).to.deep.equal([`order.shipped|email|${customerKey()}`, `order.shipped|in_app|${customerKey()}`]);
      expect((shippedIntents[0]!.data as any).tracking).to.deep.equal({ carrier: 'dhl', number: 'JD014600006281', url: 'https://track.example.com/JD014600006281' });
      const email = shippedIntents.find((i) => i.channel === 'email')!;
      expect(await renderedText(c, email)).to.contain('Tracking number: JD014600006281');

      await query(c, 'update cw_user set phone = ? where id = ?', ['+4915112345678', buyer.id]);
      const withSms = await intentsRendered(c, await onlyEvent(c, 'order.shipped', 'orderId', order.id));
      expect(withSms.map((i) => i.channel).sort()).to.deep.equal(['email', 'in_app', 'sms']);
      await query(c, 'update cw_user set phone = null where id = ?', [buyer.id]);

      const delivered = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments/${fulfillmentId}/deliver`, {});
      expect(delivered.status, delivered.text).to.equal(200);
      expect(summary(await intentsRendered(c, await onlyEvent(c, 'order.delivered', 'orderId', order.id)))).to.deep.equal([
        `order.delivered|email|${customerKey()}`,
        `order.delivered|in_app|${customerKey()}`,
      ]);

      // cash on delivery is collected when order.delivered reaches payments; then there is money to refund
      await c.store.deliverEvents();
      const refund = await c.admin.as.post(`/admin/orders/${order.id}/refunds`, { amount: 1500, reason: 'scratched shade' });
      expect(refund.status, refund.text).to.equal(201);
      const refunded = await intentsRendered(c, await onlyEvent(c, 'payment.refunded', 'orderId', order.id));
      expect(summary(refunded)).to.deep.equal([`payment.refunded|email|${customerKey()}`, `payment.refunded|in_app|${customerKey()}`]);
      expect((refunded[0]!.data as any).refund).to.deep.equal({ amount: { amount: 1500, currencyCode: 'USD' }, reason: 'scratched shade' });
    });

    it('tells the customer of a cancelled order', async () => {
      const stool = await stockedVariant(c, 'Defaults stool', 5, 2500);
      const order = await placeOrder(c, [{ variantId: stool, quantity: 1 }], { as: buyer.as, deliver: false });
      const cancelled = await c.admin.as.post(`/admin/orders/${order.id}/cancel`, { reason: 'out of stock after all' });
      expect(cancelled.status, cancelled.text).to.equal(200);
      expect(summary(await intentsRendered(c, await onlyEvent(c, 'order.cancelled', 'orderId', order.id)))).to.deep.equal([
        `order.cancelled|email|${customerKey()}`,
        `order.cancelled|in_app|${customerKey()}`,
      ]);
    });

    it('tells the customer of each step of a return: requested, rejected, approved, label, refunded', async () => {
      const chair = await stockedVariant(c, 'Defaults chair', 5, 8000);
      const order = await placeOrder(c, [{ variantId: chair, quantity: 2 }], { as: buyer.as });
      const lineId = order.lines[0]!.id;
      const url = `/store/orders/${order.id}/returns`;

      const first = await expectStatus(buyer.as.post(url, { reason: 'damaged', note: 'A leg is bent', items: [{ lineId, quantity: 1 }] }), 201);
      const requested = await intentsRendered(c, await onlyEvent(c, 'return.requested', 'returnId', first.id));
      // a house order: no vendor to tell
      expect(summary(requested)).to.deep.equal([`return.requested|email|${customerKey()}`, `return.requested|in_app|${customerKey()}`]);
      expect((requested[0]!.data as any).return).to.include({ kind: 'refund' });

      await expectStatus(c.admin.as.post(`/admin/returns/${first.id}/reject`, { note: 'Bent in use, not in transit' }), 200);
      const rejected = await intentsRendered(c, await onlyEvent(c, 'return.rejected', 'returnId', first.id));
      expect(summary(rejected)).to.deep.equal([`return.rejected|email|${customerKey()}`, `return.rejected|in_app|${customerKey()}`]);
      expect((rejected[0]!.data as any).return.note).to.equal('Bent in use, not in transit');

      const second = await expectStatus(buyer.as.post(url, { reason: 'no_longer_needed', items: [{ lineId, quantity: 1 }] }), 201);
      await expectStatus(c.admin.as.post(`/admin/returns/${second.id}/approve`, { label: { carrierId: 'test-returns', service: 'ground', parcel: { weightGrams: 4000 } } }), 200);
      expect(summary(await intentsRendered(c, await onlyEvent(c, 'return.approved', 'returnId', second.id)))).to.deep.equal([
        `return.approved|email|${customerKey()}`,
        `return.approved|in_app|${customerKey()}`,
      ]);
      const label = await intentsRendered(c, await onlyEvent(c, 'return.label_created', 'returnId', second.id));
      expect(summary(label)).to.deep.equal([`return.label_created|email|${customerKey()}`, `return.label_created|in_app|${customerKey()}`]);
      const bought = carrier.sold.get(carrier.calls.find((call) => call.reference === second.id)!.idempotencyKey)!;
      expect((label[0]!.data as any).return.trackingNumber).to.equal(bought.trackingNumber);

      const received = await c.admin.as.post(`/admin/returns/${second.id}/receive`, { items: [{ lineId, quantity: 1, condition: 'resellable' }] });
      expect(received.status, received.text).to.equal(200);
      expect(received.body.status).to.equal('refunded');
      const refunded = await intentsRendered(c, await onlyEvent(c, 'return.refunded', 'returnId', second.id));
      expect(summary(refunded)).to.deep.equal([`return.refunded|email|${customerKey()}`, `return.refunded|in_app|${customerKey()}`]);
      expect((refunded[0]!.data as any).return.amount).to.deep.equal({ amount: order.lines[0]!.total / 2, currencyCode: 'USD' });
    });

    it('tells the customer of an exchange, naming the replacement order', async () => {
      const shirt = await stockedVariant(c, 'Defaults shirt', 5, 2000);
      const bigger = await stockedVariant(c, 'Defaults shirt XL', 5, 2000);
      const order = await placeOrder(c, [{ variantId: shirt, quantity: 1 }], { as: buyer.as });
      const lineId = order.lines[0]!.id;
      const exchange = await expectStatus(buyer.as.post(`/store/orders/${order.id}/returns`, { kind: 'exchange', reason: 'size_or_fit', items: [{ lineId, quantity: 1, variantId: bigger }] }), 201);
      await expectStatus(c.admin.as.post(`/admin/returns/${exchange.id}/approve`, {}), 200);
      const received = await expectStatus(c.admin.as.post(`/admin/returns/${exchange.id}/receive`, { items: [{ lineId, quantity: 1, condition: 'resellable' }] }), 200);
      const exchanged = await intentsRendered(c, await onlyEvent(c, 'return.exchanged', 'returnId', exchange.id));
      expect(summary(exchanged)).to.deep.equal([`return.exchanged|email|${customerKey()}`, `return.exchanged|in_app|${customerKey()}`]);
      expect((exchanged[0]!.data as any).return).to.include({ kind: 'exchange', exchangeOrderNumber: String(received.exchangeOrder.number) });
    });
  });

  describe('a declined payment', () => {
    let c: InventoryStore;
    after(() => c?.store.stop());

    it('tells the customer the payment failed, with the reason', async () => {
      c = await createCheckoutStore({ plugins: [cod({ countries: ['US', 'DE'] }), decliningPayments()] });
      const buyer = await createAndLogin(c.store, 'declined-buyer@example.com', 'customer', 'Dee Clined');
      const kettle = await stockedVariant(c, 'Declined kettle', 5, 3000);
      const cart = await readyCart(c, [{ variantId: kettle, quantity: 1 }], buyer.as);
      const placed = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'declining-card' });
      const orderId: string = placed.body.order?.id;
      expect(orderId, placed.text).to.be.a('string');
      const paid = await buyer.as.post(`/store/orders/${orderId}/payments`, {});
      expect([placed.status, paid.status], `${placed.text}\n${paid.text}`).to.include(402);
      const failed = await intentsRendered(c, (await eventsOf(c, 'payment.failed', 'orderId', orderId)).at(-1)!);
      expect(summary(failed)).to.deep.equal([`payment.failed|email|user:${buyer.id}`, `payment.failed|in_app|user:${buyer.id}`]);
      expect((failed[0]!.data as any).payment).to.deep.equal({ reason: 'card_declined' });
    });
  });

  describe('complaints', () => {
    let w: ComplaintWorld;
    before(async () => {
      w = await createComplaintWorld();
    });
    after(() => w?.c.store.stop());

    const staffKey = () => `user:${w.c.admin.id}`;
    const recipients = (intents: Intent[]) => [...new Set(intents.map((i) => i.recipientKey))].sort();

    it('tells staff of a complaint about the house’s line, the vendor of one about its own, and the customer when they answer or resolve', async () => {
      const order = await w.order();
      const open = (lineIds: string[], subject: string) =>
        expectStatus(w.buyer.as.post(`/store/orders/${order.id}/complaints`, { subject, category: 'damaged_item', message: `${subject}.`, lineIds }), 201);

      const house = await open([order.lines.mug], 'Cracked mug');
      const houseOpened = await intentsRendered(w.c, await onlyEvent(w.c, 'complaint.opened', 'complaintId', house.id));
      expect(recipients(houseOpened)).to.include(staffKey());
      expect(recipients(houseOpened)).to.not.include.members([`user:${w.vendor.id}`, `user:${w.rival.id}`, `user:${w.buyer.id}`]);
      expect(houseOpened.every((i) => i.template === 'complaint.opened' && ['email', 'in_app'].includes(i.channel))).to.equal(true);
      expect((houseOpened[0]!.data as any).complaint).to.include({ subject: 'Cracked mug' });

      const vendors = await open([order.lines.vase], 'Chipped vase');
      const vendorOpened = await intentsRendered(w.c, await onlyEvent(w.c, 'complaint.opened', 'complaintId', vendors.id));
      expect(summary(vendorOpened)).to.deep.equal([`complaint.opened|email|user:${w.vendor.id}`, `complaint.opened|in_app|user:${w.vendor.id}`]);

      // the customer writes again: the side handling it hears, the customer does not hear of their own message
      await expectStatus(w.buyer.as.post(`/store/orders/${order.id}/complaints/${vendors.id}/messages`, { message: 'Any news?' }), 201);
      const customerReply = await intentsRendered(w.c, (await eventsOf(w.c, 'complaint.replied', 'complaintId', vendors.id)).at(-1)!);
      expect(summary(customerReply)).to.deep.equal([`complaint.customer_replied|email|user:${w.vendor.id}`, `complaint.customer_replied|in_app|user:${w.vendor.id}`]);
      await expectStatus(w.buyer.as.post(`/store/orders/${order.id}/complaints/${house.id}/messages`, { message: 'Any news on the mug?' }), 201);
      const toStaff = await intentsRendered(w.c, (await eventsOf(w.c, 'complaint.replied', 'complaintId', house.id)).at(-1)!);
      expect(recipients(toStaff)).to.include(staffKey());
      expect(recipients(toStaff)).to.not.include(`user:${w.buyer.id}`);
      expect(toStaff.every((i) => i.template === 'complaint.customer_replied')).to.equal(true);

      // the vendor and staff answer: the customer hears
      await expectStatus(w.vendor.as.post(`/admin/complaints/${vendors.id}/messages`, { message: 'A new vase is on its way.' }), 201);
      const vendorReply = await intentsRendered(w.c, (await eventsOf(w.c, 'complaint.replied', 'complaintId', vendors.id)).at(-1)!);
      expect(summary(vendorReply)).to.deep.equal([`complaint.replied|email|user:${w.buyer.id}`, `complaint.replied|in_app|user:${w.buyer.id}`]);
      await expectStatus(w.c.admin.as.post(`/admin/complaints/${house.id}/messages`, { message: 'We are sorry about the mug.' }), 201);
      expect(summary(await intentsRendered(w.c, (await eventsOf(w.c, 'complaint.replied', 'complaintId', house.id)).at(-1)!))).to.deep.equal([
        `complaint.replied|email|user:${w.buyer.id}`,
        `complaint.replied|in_app|user:${w.buyer.id}`,
      ]);
      // an internal note is no reply: no event, nobody told
      const replies = (await eventsOf(w.c, 'complaint.replied', 'complaintId', house.id)).length;
      await expectStatus(w.c.admin.as.post(`/admin/complaints/${house.id}/messages`, { message: 'Courier claim filed', internal: true }), 201);
      expect(await eventsOf(w.c, 'complaint.replied', 'complaintId', house.id)).to.have.length(replies);

      // resolved by the shop: the customer hears; resolved by the customer: nobody needs telling
      await expectStatus(w.c.admin.as.post(`/admin/complaints/${house.id}/resolve`, {}), 200);
      expect(summary(await intentsRendered(w.c, await onlyEvent(w.c, 'complaint.resolved', 'complaintId', house.id)))).to.deep.equal([
        `complaint.resolved|email|user:${w.buyer.id}`,
        `complaint.resolved|in_app|user:${w.buyer.id}`,
      ]);
      await expectStatus(w.buyer.as.post(`/store/orders/${order.id}/complaints/${vendors.id}/resolve`, {}), 200);
      expect(await intentsIn(w.c, await onlyEvent(w.c, 'complaint.resolved', 'complaintId', vendors.id))).to.deep.equal([]);
    });
  });

  describe('templates', () => {
    it('rendered every channel of each default rule above with the data of a real event, none missing a variable', () => {
    // covered with real events elsewhere: order.placed, low stock and vendor approval (rules-intents.test.ts),
    // back in stock (plugins/smtp smtp-pipeline.test.ts), the requested auth messages (auth and smtp tests);
    // out for delivery needs a carrier's tracking scan (test/core/orders/fulfillment-tracking.test.ts)
    const elsewhere = new Set(['notification.requested', 'order.placed', 'order.placed.vendor', 'order.out_for_delivery', 'return.requested.vendor', 'inventory.low_stock.staff', 'inventory.low_stock.vendor', 'inventory.back_in_stock', 'vendor.approved']);
    const missing = DEFAULT_RULES.filter((rule) => !elsewhere.has(rule.id))
      .flatMap((rule) => rule.channels.filter((channel) => !rendered.get(rule.id)?.has(channel)).map((channel) => `${rule.id}|${channel}`));
    expect(missing).to.deep.equal([]);
    });
  });
});
