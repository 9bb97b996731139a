import { expect } from 'chai';
import cod from '@cartwright/plugin-cod';
import { createAndLogin } from '../admin/admin-helpers.ts';
import { readyCart } from '../checkout/checkout-helpers.ts';
import { created, createInventoryStore, query, simpleProduct, type InventoryStore } from '../inventory/inventory-helpers.ts';
import { carrierPlugin, ParcelService, ParcelsCarrier } from '../shipping/carriers/test-carrier.ts';

const ORIGIN = { name: 'Cartwright Store', line1: '1 Dock Road', city: 'Portland', region: 'OR', postalCode: '97201', countryCode: 'US' };

/** Fulfillment through carriers: labels bought with the packing, tracking by webhook and by polling, the customer's view. */
describe('fulfillment with carriers: labels and tracking', () => {
  let c: InventoryStore;
  const service = new ParcelService();
  const parcels = new ParcelsCarrier(service);
  const polled = new ParcelsCarrier(service, { id: 'parcels-poll', webhooks: false });

  before(async () => {
    c = await createInventoryStore({
      shipping: {
        flatRates: [{ id: 'standard', name: 'Standard', amounts: { USD: 500 } }],
        origin: ORIGIN,
        manualCarriers: [{ id: 'royal-mail', name: 'Royal Mail', trackingUrl: 'https://track.example.com/rm?n={trackingNumber}' }],
      },
      plugins: [cod({ countries: ['US'] }), carrierPlugin(parcels, polled)],
    });
  });
  after(() => c.store.stop());

  /** A product of `weightGrams` per unit with `stock` units. */
  const product = async (title: string, weightGrams: number, stock = 10): Promise<string> => {
    const body = await created(c.admin.as, '/admin/products', simpleProduct(title, 2000, {}, { weightGrams }));
    const variantId = body.variants[0].id as string;
    await created(c.admin.as, '/admin/inventory/adjustments', { variantId, delta: stock });
    return variantId;
  };

  /** A cash-on-delivery order placed through checkout by a signed-in customer. */
  const codOrder = async (lines: Array<{ variantId: string; quantity: number }>) => {
    const buyer = await createAndLogin(c.store, `buyer${Math.random().toString(36).slice(2, 8)}@example.com`, 'customer');
    const cart = await readyCart(c, lines, buyer.as);
    const placed = await buyer.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' });
    expect(placed.status, placed.text).to.equal(201);
    const detail = await c.admin.as.get(`/admin/orders/${placed.body.order.id}`);
    return { id: placed.body.order.id as string, lines: detail.body.lines as Array<{ id: string }>, buyer };
  };

  const webhook = (rawBody: Buffer | string, headers: Record<string, string>, carrier = 'parcels') => c.store.client.request('POST', `/webhooks/${carrier}`, { rawBody, headers });
  const outbox = async (orderId: string) =>
    (await query<{ name: string }>(c, `select name from cw_outbox_event where payload->>'orderId' = ? order by occurred_at, id`, [orderId])).map((e) => e.name);
  const trackingEventCount = async (orderId: string) =>
    Number((await query<{ n: number }>(c, `select count(*)::int as n from cw_tracking_event e join cw_fulfillment f on f.id = e.fulfillment_id where f.order_id = ?`, [orderId]))[0]!.n);
  const level = async (variantId: string) => (await c.admin.as.get('/admin/inventory/levels', { query: { variantId } })).body.items[0];
  const pollJob = () => c.store.commerce.jobs.definitions().find((d) => d.name === 'carriers.poll-tracking')!;
  const poll = () =>
    c.store.commerce.withScope(async (scope) => {
      await pollJob().handler(undefined, { em: scope.cradle.em, cradle: scope.cradle, logger: scope.cradle.logger, jobId: 'test' });
    });

  it('buys a label with each part of an order, once even after a timeout; webhooks then ship and deliver it and the cash is collected', async () => {
    const lamp = await product('Tracked lamp', 400, 4);
    const order = await codOrder([{ variantId: lamp, quantity: 2 }]);
    const [line] = order.lines;
    const soldBefore = service.sold;

    // the carrier sells the label but the answer is lost: the fulfillment is packed, the label request kept as failed
    service.failAfterSelling = 1;
    const first = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments`, { items: [{ lineId: line!.id, quantity: 1 }], label: { carrier: 'parcels', service: 'PARCELS:Ground' } });
    expect(first.status, first.text).to.equal(201);
    expect(first.body.fulfillmentStatus).to.equal('partially_fulfilled');
    const firstId = first.body.fulfillments[0].id;
    expect(first.body.fulfillments[0]).to.include({ status: 'created', trackingNumber: null });
    expect(first.body.fulfillments[0].label).to.include({ carrier: 'parcels', service: 'PARCELS:Ground', status: 'failed', attempts: 1 });
    expect(first.body.fulfillments[0].label.failureReason).to.match(/timeout/);
    expect(service.sold).to.equal(soldBefore + 1);

    const retried = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments/${firstId}/label`, {});
    expect(retried.status, retried.text).to.equal(200);
    // the same idempotency key: the carrier answered the label it had sold, and sold no other
    expect(service.sold).to.equal(soldBefore + 1);
    const label = retried.body.fulfillments[0].label;
    expect(label).to.include({ status: 'purchased', attempts: 2, failureReason: null, format: 'PDF' });
    const bought = service.byTrackingNumber(label.trackingNumber)!;
    expect(bought.request).to.deep.include({ reference: firstId, idempotencyKey: `${firstId}:label:1`, service: 'PARCELS:Ground', parcel: { weightGrams: 400 } });
    expect(bought.request.from).to.include({ line1: '1 Dock Road', countryCode: 'US' });
    expect(bought.request.to).to.include({ name: 'Grace Hopper', line1: '1 Navy Way', postalCode: '22202', countryCode: 'US', email: 'grace@example.com' });
    expect(label.cost).to.deep.equal({ amount: 540, currencyCode: 'USD' });
    expect(retried.body.fulfillments[0]).to.include({ carrier: 'parcels', trackingNumber: label.trackingNumber, trackingUrl: `https://track.parcels.test/${label.trackingNumber}` });
    const again = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments/${firstId}/label`, {});
    expect(again.status).to.equal(409);
    expect(again.body.code).to.equal('SHIPMENT_LABEL_EXISTS');

    const rest = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments`, { items: [{ lineId: line!.id, quantity: 1 }], label: { carrier: 'parcels', service: 'PARCELS:Express' } });
    expect(rest.status, rest.text).to.equal(201);
    expect(rest.body.fulfillmentStatus).to.equal('fulfilled');
    const restId = rest.body.fulfillments[1].id;
    const restTracking = rest.body.fulfillments[1].trackingNumber as string;
    expect(rest.body.fulfillments[1].label).to.include({ status: 'purchased', attempts: 1 });
    expect(service.sold).to.equal(soldBefore + 2);
    // the stock was sold once: two units out, nothing left held
    expect(await level(lamp)).to.include({ onHand: 2, reserved: 0 });
    const sales = await query<{ delta: number }>(c, `select delta_on_hand as delta from cw_stock_movement where reference = ? and reason = 'sale'`, [order.id]);
    expect(sales.reduce((n, m) => n - Number(m.delta), 0)).to.equal(2);

    // a forged update changes nothing
    service.scan(label.trackingNumber, 'in_transit', 'Departed facility', 'Portland, OR');
    const update = service.signedWebhook(label.trackingNumber);
    const events = await trackingEventCount(order.id);
    const forged = await webhook(update.rawBody, { ...update.headers, 'x-parcels-signature': `sha256=${service.sign(update.rawBody.toString(), 'whsec_wrong')}` });
    expect(forged.status).to.equal(400);
    expect(forged.body.code).to.equal('CARRIER_WEBHOOK_INVALID');
    const altered = await webhook(update.rawBody.toString().replace('Departed facility', 'Delivered to neighbour'), update.headers);
    expect(altered.status).to.equal(400);
    expect(await trackingEventCount(order.id)).to.equal(events);
    expect((await c.admin.as.get(`/admin/orders/${order.id}`)).body.fulfillments[0].status).to.equal('created');

    const authentic = await webhook(update.rawBody, update.headers);
    expect(authentic.status, authentic.text).to.equal(200);
    expect(authentic.body).to.deep.equal({ received: true, applied: true, duplicate: false });
    const replayed = await webhook(update.rawBody, update.headers);
    expect(replayed.body).to.deep.equal({ received: true, applied: false, duplicate: true });
    let detail = (await c.admin.as.get(`/admin/orders/${order.id}`)).body;
    expect(detail.fulfillments[0]).to.include({ status: 'shipped', trackingStatus: 'in_transit' });
    expect(detail.fulfillments[0].trackingEvents.map((e: any) => e.status)).to.deep.equal(['pre_transit', 'in_transit']);
    // one part on its way, the other still packed: the order is not shipped yet
    expect(detail.fulfillmentStatus).to.equal('fulfilled');
    expect(detail.timeline.filter((t: any) => t.kind === 'fulfillment.tracking').map((t: any) => t.message)).to.deep.equal([
      'Label created: Label created',
      'In transit: Departed facility (Portland, OR)',
    ]);

    service.scan(restTracking, 'in_transit', 'Departed facility', 'Portland, OR');
    service.scan(restTracking, 'out_for_delivery', 'Out for delivery', 'Arlington, VA');
    expect((await webhook(service.signedWebhook(restTracking).rawBody, service.signedWebhook(restTracking).headers)).status).to.equal(200);
    detail = (await c.admin.as.get(`/admin/orders/${order.id}`)).body;
    expect(detail.fulfillmentStatus).to.equal('shipped');
    service.scan(restTracking, 'delivered', 'Left at the front door', 'Arlington, VA');
    service.scan(label.trackingNumber, 'delivered', 'Handed to resident', 'Arlington, VA');
    for (const trackingNumber of [restTracking, label.trackingNumber]) {
      const signed = service.signedWebhook(trackingNumber);
      expect((await webhook(signed.rawBody, signed.headers)).body.applied).to.equal(true);
    }
    // the same history sent again changes nothing
    const late = await webhook(service.signedWebhook(restTracking).rawBody, service.signedWebhook(restTracking).headers);
    expect(late.body.applied).to.equal(false);
    detail = (await c.admin.as.get(`/admin/orders/${order.id}`)).body;
    expect(detail).to.include({ fulfillmentStatus: 'delivered', paymentStatus: 'not_paid' });
    expect(detail.fulfillments.map((f: any) => f.status)).to.deep.equal(['delivered', 'delivered']);

    // order.delivered reaches the payments module: cash on delivery is captured
    await c.store.deliverEvents();
    const paid = await order.buyer.as.get(`/store/orders/${order.id}`);
    expect(paid.body).to.include({ status: 'completed', paymentStatus: 'paid', fulfillmentStatus: 'delivered' });
    const ledger = await c.admin.as.get(`/admin/orders/${order.id}/payments`);
    expect(ledger.body.items[0]).to.include({ provider: 'cod', status: 'captured' });

    const names = await outbox(order.id);
    expect(names.filter((n) => n === 'order.shipped')).to.have.length(1);
    expect(names.filter((n) => n === 'order.delivered')).to.have.length(1);
    expect(names.filter((n) => n === 'order.out_for_delivery')).to.have.length(1);
    // pre_transit, in_transit, delivered of one parcel; pre_transit, in_transit, out_for_delivery, delivered of the other
    expect(names.filter((n) => n === 'fulfillment.tracking_updated')).to.have.length(7);
    expect(await trackingEventCount(order.id)).to.equal(7);

    // the customer sees the parcels, their tracking and the timeline, but not the labels
    const seen = paid.body.fulfillments[1];
    expect(seen).to.include({ carrier: 'parcels', trackingNumber: restTracking, trackingUrl: `https://track.parcels.test/${restTracking}`, trackingStatus: 'delivered' });
    expect(seen).to.not.have.property('label');
    expect(seen.trackingEvents.map((e: any) => e.status)).to.deep.equal(['pre_transit', 'in_transit', 'out_for_delivery', 'delivered']);
    expect(seen.trackingEvents[3]).to.include({ description: 'Left at the front door', location: 'Arlington, VA' });
    expect(paid.body.timeline.map((t: any) => t.message)).to.include('Delivered: Left at the front door (Arlington, VA)');
    expect(paid.body.timeline.map((t: any) => t.message).join('\n')).to.not.include('Label bought');
  });

  it('acknowledges and ignores an authentic update about a parcel the store does not know', async () => {
    const stranger = service.buy({
      reference: 'elsewhere',
      idempotencyKey: 'elsewhere-1',
      direction: 'outbound',
      from: { ...ORIGIN },
      to: { ...ORIGIN },
      parcel: { weightGrams: 100 },
      service: 'PARCELS:Ground',
    });
    const signed = service.signedWebhook(stranger.trackingNumber);
    const response = await webhook(signed.rawBody, signed.headers);
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({ received: true, applied: false, duplicate: false });
    // an unknown path is still the payments' 404
    expect((await webhook('{}', { 'content-type': 'application/json' }, 'nobody')).status).to.equal(404);
  });

  it('refuses a label it cannot buy before packing anything, and keeps a failed request to retry', async () => {
    const mug = await product('Label mug', 300, 5);
    const weightless = await product('Weightless print', 0, 5);
    const order = await codOrder([{ variantId: mug, quantity: 2 }, { variantId: weightless, quantity: 1 }]);
    const [mugLine, printLine] = order.lines;
    const attempt = (label: Record<string, unknown>, lineId = mugLine!.id) =>
      c.admin.as.post(`/admin/orders/${order.id}/fulfillments`, { items: [{ lineId, quantity: 1 }], label });
    const unknown = await attempt({ carrier: 'pigeon', service: 'FAST' });
    expect(unknown.status).to.equal(422);
    expect(unknown.body).to.include({ code: 'CARRIER_UNKNOWN' });
    expect(unknown.body.errors[0]).to.include({ pointer: '/label/carrier', rule: 'exists' });
    const manual = await attempt({ carrier: 'manual', service: 'x' });
    expect(manual.status).to.equal(422);
    expect(manual.body.code).to.equal('CARRIER_LABELS_UNSUPPORTED');
    const noWeight = await attempt({ carrier: 'parcels', service: 'PARCELS:Ground' }, printLine!.id);
    expect(noWeight.status).to.equal(422);
    expect(noWeight.body.errors[0]).to.include({ pointer: '/label/parcel', rule: 'required' });
    // nothing was packed or sold by the refused requests
    expect((await c.admin.as.get(`/admin/orders/${order.id}`)).body.fulfillments).to.deep.equal([]);
    expect(await level(mug)).to.include({ onHand: 5, reserved: 2 });

    const soldBefore = service.sold;
    service.failBeforeSelling = 2;
    const packed = await attempt({ carrier: 'parcels', service: 'PARCELS:Ground', parcel: { weightGrams: 350, lengthCm: 20, widthCm: 15, heightCm: 10 } });
    expect(packed.status, packed.text).to.equal(201);
    const fulfillmentId = packed.body.fulfillments[0].id;
    expect(packed.body.fulfillments[0].label).to.include({ status: 'failed' });
    const stillDown = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments/${fulfillmentId}/label`, {});
    expect(stillDown.status).to.equal(502);
    expect(stillDown.body.code).to.equal('CARRIER_LABEL_FAILED');
    expect(stillDown.body.detail).to.match(/503/);
    const bought = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments/${fulfillmentId}/label`, {});
    expect(bought.status, bought.text).to.equal(200);
    expect(bought.body.fulfillments[0].label).to.include({ status: 'purchased', attempts: 3 });
    expect(service.sold).to.equal(soldBefore + 1);
    expect(service.byTrackingNumber(bought.body.fulfillments[0].trackingNumber)!.request.parcel).to.deep.equal({ weightGrams: 350, lengthCm: 20, widthCm: 15, heightCm: 10 });

    // a label bought after packing, for a fulfillment made without one
    const plain = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments`, { items: [{ lineId: mugLine!.id, quantity: 1 }] });
    const plainId = plain.body.fulfillments[1].id;
    const later = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments/${plainId}/label`, { carrier: 'parcels', service: 'PARCELS:Ground' });
    expect(later.status, later.text).to.equal(200);
    expect(later.body.fulfillments[1].label).to.include({ status: 'purchased' });
    expect(service.byTrackingNumber(later.body.fulfillments[1].trackingNumber)!.request.parcel).to.deep.equal({ weightGrams: 300 });
    expect((await c.admin.as.post(`/admin/orders/${order.id}/fulfillments/${plainId}/ship`, {})).status).to.equal(200);
    const afterShipping = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments/${plainId}/label`, {});
    expect(afterShipping.status).to.equal(409);
  });

  it('gives a typed tracking number of a manual carrier its tracking link', async () => {
    const card = await product('Postcard', 20, 5);
    const order = await codOrder([{ variantId: card, quantity: 1 }]);
    const packed = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments`, { items: [{ lineId: order.lines[0]!.id, quantity: 1 }], carrier: 'royal-mail', trackingNumber: 'RM 123' });
    expect(packed.status, packed.text).to.equal(201);
    expect(packed.body.fulfillments[0]).to.include({ carrier: 'royal-mail', trackingNumber: 'RM 123', trackingUrl: 'https://track.example.com/rm?n=RM%20123' });
  });

  it('voids the label of a packed fulfillment when the order is cancelled', async () => {
    const vase = await product('Cancelled vase', 900, 3);
    const order = await codOrder([{ variantId: vase, quantity: 1 }]);
    const packed = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments`, { items: [{ lineId: order.lines[0]!.id, quantity: 1 }], label: { carrier: 'parcels', service: 'PARCELS:Ground' } });
    const trackingNumber = packed.body.fulfillments[0].trackingNumber as string;
    const cancelled = await c.admin.as.post(`/admin/orders/${order.id}/cancel`, { reason: 'customer changed their mind' });
    expect(cancelled.status, cancelled.text).to.equal(200);
    await c.store.deliverEvents();
    expect(service.byTrackingNumber(trackingNumber)!.cancelled).to.equal(true);
    const detail = (await c.admin.as.get(`/admin/orders/${order.id}`)).body;
    expect(detail.fulfillments[0].status).to.equal('cancelled');
    expect(detail.fulfillments[0].label).to.include({ status: 'cancelled' });
    expect(detail.timeline.map((t: any) => t.message)).to.include('Label voided with Parcels');
  });

  it('polls carriers without webhooks for parcels on their way; one failing parcel does not stop the round', async () => {
    expect(pollJob().options).to.include({ every: '15 minutes' });
    const box = await product('Polled box', 500, 6);
    const order = await codOrder([{ variantId: box, quantity: 3 }]);
    const pack = async (carrier: string) => {
      const packed = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments`, { items: [{ lineId: order.lines[0]!.id, quantity: 1 }], label: { carrier, service: 'PARCELS:Ground' } });
      expect(packed.status, packed.text).to.equal(201);
      return packed.body.fulfillments.at(-1) as { id: string; trackingNumber: string };
    };
    const a = await pack('parcels-poll');
    const b = await pack('parcels-poll');
    const hooked = await pack('parcels');
    service.scan(a.trackingNumber, 'in_transit', 'Departed facility');
    service.scan(b.trackingNumber, 'in_transit', 'Departed facility');
    service.scan(b.trackingNumber, 'delivered', 'Delivered');
    service.scan(hooked.trackingNumber, 'in_transit', 'Departed facility');
    // the first parcel asked (a, the oldest) fails; b is still applied
    service.failTracking = 1;
    await poll();
    let fulfillments = (await c.admin.as.get(`/admin/orders/${order.id}`)).body.fulfillments;
    const byId = (id: string) => fulfillments.find((f: any) => f.id === id);
    expect(byId(a.id)).to.include({ status: 'created', trackingStatus: null });
    expect(byId(b.id)).to.include({ status: 'delivered', trackingStatus: 'delivered' });
    // a carrier with webhooks is not asked while its webhooks may still come
    expect(byId(hooked.id)).to.include({ status: 'created', trackingStatus: null });

    // next round, once a is due again
    await query(c, `update cw_fulfillment set tracked_at = tracked_at - interval '1 hour' where id = ?`, [a.id]);
    await poll();
    fulfillments = (await c.admin.as.get(`/admin/orders/${order.id}`)).body.fulfillments;
    expect(byId(a.id)).to.include({ status: 'shipped', trackingStatus: 'in_transit' });
    expect(byId(a.id).trackingEvents.map((e: any) => e.status)).to.deep.equal(['pre_transit', 'in_transit']);
    // asked again at once: not due, nothing recorded twice
    await poll();
    expect(await trackingEventCount(order.id)).to.equal(2 + 3);
  });
});
