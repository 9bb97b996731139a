import { expect } from 'chai';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { createAndLogin, type SignedIn } from '../admin/admin-helpers.ts';
import { channelsPlugin, delivery, intent, runSendJob, ScriptedChannel } from './delivery-helpers.ts';

describe('notifications › template warnings', function () {
  this.timeout(120_000);
  const sms = new ScriptedChannel('warn-sms', 'sms');
  let store: TestStore;
  let admin: SignedIn;

  before(async () => {
    store = await createTestStore({ plugins: [channelsPlugin(sms)] });
    admin = await createAndLogin(store, 'template-warnings-admin@example.com', 'admin');
  });
  after(async () => {
    await store?.stop();
  });

  const path = (template: string, channel: string, locale = 'en') => `/admin/notifications/templates/${template}/${channel}/${locale}`;

  it('saves an SMS over 160 GSM-7 characters but flags it with its parts, on PUT and GET alike', async () => {
    const long = `Your order {{ order.number }} is on its way. ${'Thank you for shopping with us. '.repeat(5)}`;
    const put = await admin.as.put(path('order.shipped', 'sms'), { text: long });
    expect(put.status).to.equal(200);
    expect(put.body.source).to.equal('store');
    expect(put.body.warnings).to.have.length(1);
    expect(put.body.warnings[0]).to.match(/^SMS is \d+ GSM-7 characters, over the 160 of one message: it is sent in 2 billed parts$/);

    const got = await admin.as.get(path('order.shipped', 'sms'));
    expect(got.status).to.equal(200);
    expect(got.body.warnings).to.deep.equal(put.body.warnings);

    // the preview of the saved template answers the same list
    const preview = await admin.as.post('/admin/notifications/templates/preview', { template: 'order.shipped', channel: 'sms' });
    expect(preview.body.warnings).to.deep.equal(put.body.warnings);
    expect((await admin.as.delete(path('order.shipped', 'sms'))).status).to.equal(204);
  });

  it('flags an SMS that needs UCS-2 with how many messages it takes', async () => {
    const put = await admin.as.put(path('order.out_for_delivery', 'sms'), { text: 'Paket {{ order.number }} kommt heute 📦' });
    expect(put.status).to.equal(200);
    expect(put.body.warnings).to.have.length(1);
    expect(put.body.warnings[0]).to.match(/outside GSM-7 \("📦"\).*UCS-2.*\(this one: 1 message\)/);

    const longer = await admin.as.put(path('order.out_for_delivery', 'sms'), { text: `Paket {{ order.number }} kommt heute 📦 ${'ś'.repeat(80)}` });
    expect(longer.body.warnings.join('\n')).to.match(/this one: 2 messages/);
    expect(longer.body.warnings.join('\n')).to.match(/UCS-2 characters, over the 70 of one message: it is sent in 2 billed parts/);
    expect((await admin.as.delete(path('order.out_for_delivery', 'sms'))).status).to.equal(204);
  });

  it('answers no warnings for a clean template or a shipped one, and flags a stored template using variables its message lacks', async () => {
    const put = await admin.as.put(path('order.placed', 'in_app'), { subject: 'Order {{ order.number }}', text: 'Thanks, {{ recipient.name }}' });
    expect(put.status).to.equal(200);
    expect(put.body.warnings).to.deep.equal([]);
    const shipped = await admin.as.get(path('order.shipped', 'email'));
    expect(shipped.body).to.include({ source: 'default' });
    expect(shipped.body.warnings).to.deep.equal([]);
    // saved before its message's variables changed: a save would refuse it now, the view shows why it renders empty
    await store.commerce.withScope((s) =>
      s.cradle.em.execute(`update cw_notification_template set text = 'Hi {{ account.email }}' where template = 'order.placed' and channel = 'in_app' and locale = 'en'`),
    );
    const stale = await admin.as.get(path('order.placed', 'in_app'));
    expect(stale.body.warnings).to.deep.equal(['text: "account.email" is not a variable of order.placed']);
    expect((await admin.as.delete(path('order.placed', 'in_app'))).status).to.equal(204);
  });

  it('keeps the render warnings of each message and shows them in the delivery log list and detail', async () => {
    await admin.as.put(path('order.shipped', 'sms'), { text: 'Order {{ order.number }} shipped: {{ tracking.url }}' });
    const longUrl = `https://tracking.example/${'x'.repeat(150)}`;
    const [overrun, missing] = await delivery(store).deliverIntents([
      intent({
        recipient: { phone: '+4915100000001' },
        recipientKey: 'phone:+4915100000001',
        channel: 'sms',
        template: 'order.shipped',
        eventName: 'order.shipped',
        data: { order: { number: '2001' }, tracking: { url: longUrl } },
      }),
      intent({
        recipient: { phone: '+4915100000002' },
        recipientKey: 'phone:+4915100000002',
        channel: 'sms',
        template: 'order.shipped',
        eventName: 'order.shipped',
        data: { order: { number: '2002' } },
      }),
    ]);
    await runSendJob(store);
    expect(sms.accepted.map((m) => m.id)).to.include.members([overrun!, missing!]);

    const list = await admin.as.get('/admin/notifications/deliveries', { query: { channel: 'sms' } });
    expect(list.status).to.equal(200);
    const listed = (id: string) => list.body.items.find((item: any) => item.id === id);
    expect(listed(overrun!).warnings).to.have.length(1);
    expect(listed(overrun!).warnings[0]).to.match(/over the 160 of one message: it is sent in 2 billed parts/);
    expect(listed(missing!).warnings).to.deep.equal(['Variable "tracking.url" has no value in this message']);

    const detail = await admin.as.get(`/admin/notifications/deliveries/${missing}`);
    expect(detail.status).to.equal(200);
    expect(detail.body).to.include({ status: 'sent' });
    expect(detail.body.warnings).to.deep.equal(['Variable "tracking.url" has no value in this message']);

    // a message never rendered (suppressed, or still waiting) has none
    const [waiting] = await delivery(store).deliverIntents([intent({ recipient: { email: 'later@example.com' }, channel: 'email' })], new Date(Date.now() + 3_600_000));
    expect((await admin.as.get(`/admin/notifications/deliveries/${waiting}`)).body.warnings).to.deep.equal([]);
    await admin.as.delete(path('order.shipped', 'sms'));
  });
});
