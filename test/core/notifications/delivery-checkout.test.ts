import { expect } from 'chai';
import cod from '@cartwright/plugin-cod';
import type { InventoryStore } from '../inventory/inventory-helpers.ts';
import { createCheckoutStore, readyCart, stockedVariant } from '../checkout/checkout-helpers.ts';
import { channelsPlugin, delivery, intent, message, runSendJob, ScriptedChannel, sql } from './delivery-helpers.ts';

describe('notifications › delivery with a channel that is down', function () {
  this.timeout(120_000);
  const mail = new ScriptedChannel('down-mail', 'email');
  mail.otherwise = 'down';
  let c: InventoryStore;

  before(async () => {
    c = await createCheckoutStore({ plugins: [cod({ countries: ['US', 'DE'], fee: { USD: 200 } }), channelsPlugin(mail)] });
  });
  after(async () => {
    await c?.store.stop();
  });

  it('does not block checkout, event delivery, or the in-app message of the same event', async () => {
    const variantId = await stockedVariant(c, 'Lamp', 5);
    const cart = await readyCart(c, [{ variantId, quantity: 1 }]);
    const placed = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' });
    expect(placed.status, placed.text).to.equal(201);

    await c.store.deliverEvents();
    const failedDeliveries = await sql(c.store, `select event_name, last_error from cw_event_delivery where subscriber like '@cartwright/core/notifications/%' and status <> 'delivered'`);
    expect(failedDeliveries).to.deep.equal([]);

    const eventId = `evt_checkout_${Date.now()}`;
    const [mailId, inAppId] = await delivery(c.store).deliverIntents([
      intent({ recipient: { email: 'buyer@example.com', userId: c.admin.id }, recipientKey: `user:${c.admin.id}`, channel: 'email' }, eventId),
      intent({ recipient: { userId: c.admin.id }, recipientKey: `user:${c.admin.id}`, channel: 'in_app' }, eventId),
    ]);
    await runSendJob(c.store);
    expect(await message(c.store, mailId!)).to.include({ status: 'queued', attempts: 1 });
    expect((await message(c.store, inAppId!)).status).to.equal('delivered');
    const inbox = await c.admin.as.get('/store/me/notifications');
    expect(inbox.body.items.map((e: any) => e.title)).to.include('Vendor account approved');
  });
});
