import { expect } from 'chai';
import { createWebhookWorld, type WebhookWorld } from './webhook-helpers.ts';

const SECOND = 1000;
const later = (from: Date, ms: number) => new Date(from.getTime() + ms);

describe('outgoing webhooks: delivery', () => {
  let w: WebhookWorld;
  before(async () => {
    w = await createWebhookWorld();
  });
  after(() => w.close());

  const deliveries = async (subscriptionId: string) => {
    const response = await w.admin.as.get(`/admin/webhooks/${subscriptionId}/deliveries`);
    expect(response.status, response.text).to.equal(200);
    return response.body.items as Array<Record<string, any>>;
  };

  it('posts an event once, even when the dispatcher hands it over twice, signed as the documented recipe verifies', async () => {
    const subscription = await w.subscribe({ url: `${w.receiver.url}/once`, eventTypes: ['tag.created'], description: 'CRM' });
    expect(subscription.secret).to.match(/^whsec_/);
    const tagId = await w.tagCreated('Organic');
    const handedOver = await w.sql(`select status from cw_event_delivery where subscriber = '@cartwright/core/webhooks/deliveries' and event_name = 'tag.created'`);
    expect(handedOver.map((r) => r.status)).to.deep.equal(['delivered']);
    // as after a crash between the subscriber's work and its delivery being marked done
    await w.sql(`update cw_event_delivery set status = 'pending', attempts = 0 where subscriber = '@cartwright/core/webhooks/deliveries'`);
    expect((await w.store.deliverEvents()).delivered, 'handed over a second time').to.be.at.least(1);
    const now = new Date();
    await w.deliver(now);
    await w.deliver(now);

    const received = w.receiver.to('/once');
    expect(received).to.have.length(1);
    const [request] = received;
    const body = JSON.parse(request!.body);
    expect(body).to.deep.include({ type: 'tag.created', data: { tagId, slug: 'organic' } });
    expect(body.id).to.equal(request!.headers['cartwright-webhook-id']).and.match(/^whd_/);
    expect(request!.headers['content-type']).to.equal('application/json');
    expect(Number(request!.headers['cartwright-webhook-timestamp'])).to.equal(Math.floor(now.getTime() / 1000));

    expect(w.verify(request!.body, request!.headers, subscription.secret, { now: now.getTime() })).to.equal(true);
    expect(w.verify(request!.body.replace('organic', 'organix'), request!.headers, subscription.secret, { now: now.getTime() })).to.equal(false);
    expect(w.verify(request!.body, request!.headers, 'whsec_not-the-secret', { now: now.getTime() })).to.equal(false);
    // a captured request replayed ten minutes later is too old
    expect(w.verify(request!.body, request!.headers, subscription.secret, { now: now.getTime() + 600 * SECOND })).to.equal(false);

    const [logged] = await deliveries(subscription.id);
    expect(logged).to.include({ id: body.id, eventType: 'tag.created', status: 'delivered', nextAttemptAt: null });
    expect(logged!.attempts).to.have.length(1);
    expect(logged!.attempts[0]).to.include({ number: 1, statusCode: 200, error: null, succeeded: true });
  });

  it('retries a failing endpoint on schedule and dead-letters it after maxAttempts, without holding up other subscriptions', async () => {
    w.receiver.status['/down'] = 500;
    const failing = await w.subscribe({ url: `${w.receiver.url}/down`, eventTypes: ['tag.created'], maxAttempts: 3 });
    const healthy = await w.subscribe({ url: `${w.receiver.url}/up`, eventTypes: ['*'] });
    await w.tagCreated('Seasonal');
    const t0 = new Date();
    await w.deliver(t0);
    expect(w.receiver.to('/down')).to.have.length(1);
    expect(w.receiver.to('/up')).to.have.length(1);
    expect((await deliveries(healthy.id))[0]).to.include({ status: 'delivered' });

    let [delivery] = await deliveries(failing.id);
    expect(delivery).to.include({ status: 'pending', nextAttemptAt: later(t0, 30 * SECOND).toISOString() });
    const pending = await w.admin.as.post(`/admin/webhooks/${failing.id}/deliveries/${delivery!.id}/replay`);
    expect(pending.status, pending.text).to.equal(409);
    expect(pending.body.code).to.equal('WEBHOOK_DELIVERY_PENDING');

    await w.deliver(later(t0, 29 * SECOND));
    expect(w.receiver.to('/down'), 'not due before 30 s').to.have.length(1);
    await w.deliver(later(t0, 30 * SECOND));
    expect(w.receiver.to('/down')).to.have.length(2);
    [delivery] = await deliveries(failing.id);
    expect(delivery).to.include({ status: 'pending', nextAttemptAt: later(t0, 150 * SECOND).toISOString() });
    await w.deliver(later(t0, 150 * SECOND));
    expect(w.receiver.to('/down')).to.have.length(3);
    await w.deliver(later(t0, 86_400 * SECOND));
    expect(w.receiver.to('/down'), 'no attempt after the last').to.have.length(3);

    [delivery] = await deliveries(failing.id);
    expect(delivery).to.include({ status: 'dead_lettered', maxAttempts: 3, nextAttemptAt: null, deliveredAt: null });
    expect(delivery!.attempts.map((a: any) => [a.number, a.statusCode, a.succeeded])).to.deep.equal([
      [1, 500, false],
      [2, 500, false],
      [3, 500, false],
    ]);
    expect(delivery!.attempts.map((a: any) => a.startedAt)).to.deep.equal([t0, later(t0, 30 * SECOND), later(t0, 150 * SECOND)].map((d) => d.toISOString()));
    const deadLettered = await w.admin.as.get(`/admin/webhooks/${failing.id}/deliveries`, { query: { status: 'dead_lettered' } });
    expect(deadLettered.body.count).to.equal(1);
    expect(w.receiver.to('/up'), 'the healthy endpoint got its one delivery').to.have.length(1);
  });

  it('replays a dead-lettered delivery once the endpoint recovers: same delivery id, fresh timestamp and signature', async () => {
    w.receiver.status['/flaky'] = 503;
    const flaky = await w.subscribe({ url: `${w.receiver.url}/flaky`, eventTypes: ['tag.created'], maxAttempts: 1 });
    await w.tagCreated('Limited');
    const t0 = new Date();
    await w.deliver(t0);
    const [dead] = await deliveries(flaky.id);
    expect(dead).to.include({ status: 'dead_lettered' });

    w.receiver.status['/flaky'] = 204;
    const replay = await w.admin.as.post(`/admin/webhooks/${flaky.id}/deliveries/${dead!.id}/replay`);
    expect(replay.status, replay.text).to.equal(202);
    expect(replay.body).to.include({ id: dead!.id, status: 'pending' });
    const t1 = later(t0, 3_600 * SECOND);
    await w.deliver(t1);

    const [first, second] = w.receiver.to('/flaky');
    expect(second, 'the replay reached the endpoint').to.not.equal(undefined);
    expect(second!.body).to.equal(first!.body);
    expect(second!.headers['cartwright-webhook-id']).to.equal(dead!.id);
    expect(second!.headers['cartwright-webhook-timestamp']).to.equal(String(Math.floor(t1.getTime() / 1000)));
    expect(second!.headers['cartwright-webhook-signature']).to.not.equal(first!.headers['cartwright-webhook-signature']);
    expect(w.verify(second!.body, second!.headers, flaky.secret, { now: t1.getTime() })).to.equal(true);

    const [replayed] = await deliveries(flaky.id);
    expect(replayed).to.include({ status: 'delivered', deliveredAt: t1.toISOString() });
    expect(replayed!.attempts.map((a: any) => [a.number, a.statusCode])).to.deep.equal([
      [1, 503],
      [2, 204],
    ]);
  });

  it('records a refused connection as a failed attempt with its error', async () => {
    const closed = await w.subscribe({ url: 'http://127.0.0.1:9/closed', eventTypes: ['tag.deleted'], maxAttempts: 2 });
    const tagId = await w.tagCreated('Ephemeral');
    expect((await w.admin.as.delete(`/admin/tags/${tagId}`)).status).to.equal(204);
    await w.store.deliverEvents();
    await w.deliver();
    const [delivery] = await deliveries(closed.id);
    expect(delivery).to.include({ eventType: 'tag.deleted', status: 'pending' });
    expect(delivery!.attempts[0]).to.include({ statusCode: null, succeeded: false });
    expect(delivery!.attempts[0].error).to.match(/ECONNREFUSED/);
  });

  it('signs with the old and the new secret during the grace period after a rotation, then with the new one only', async () => {
    const subscription = await w.subscribe({ url: `${w.receiver.url}/rotating`, eventTypes: ['tag.created'] });
    const rotated = await w.admin.as.post(`/admin/webhooks/${subscription.id}/rotate-secret`, { gracePeriodSeconds: 3_600 });
    expect(rotated.status, rotated.text).to.equal(200);
    const newSecret = rotated.body.secret as string;
    expect(newSecret).to.match(/^whsec_/).and.not.equal(subscription.secret);
    expect(rotated.body.previousSecretExpiresAt).to.be.a('string');
    expect((await w.admin.as.get(`/admin/webhooks/${subscription.id}`)).body).to.not.have.property('secret');

    await w.tagCreated('During grace');
    const during = new Date();
    await w.deliver(during);
    const [inGrace] = w.receiver.to('/rotating');
    expect(String(inGrace!.headers['cartwright-webhook-signature']).split(' ')).to.have.length(2);
    expect(w.verify(inGrace!.body, inGrace!.headers, subscription.secret, { now: during.getTime() }), 'old secret').to.equal(true);
    expect(w.verify(inGrace!.body, inGrace!.headers, newSecret, { now: during.getTime() }), 'new secret').to.equal(true);

    await w.tagCreated('After grace');
    const after = later(during, 3_601 * SECOND);
    await w.deliver(after);
    const [, afterGrace] = w.receiver.to('/rotating');
    expect(String(afterGrace!.headers['cartwright-webhook-signature']).split(' ')).to.have.length(1);
    expect(w.verify(afterGrace!.body, afterGrace!.headers, newSecret, { now: after.getTime() }), 'new secret').to.equal(true);
    expect(w.verify(afterGrace!.body, afterGrace!.headers, subscription.secret, { now: after.getTime() }), 'old secret').to.equal(false);
  });

  it('sends nothing to an inactive subscription, and a ping to an active one', async () => {
    const paused = await w.subscribe({ url: `${w.receiver.url}/paused`, eventTypes: ['tag.created'], active: false });
    await w.tagCreated('Unheard');
    await w.deliver();
    expect(w.receiver.to('/paused')).to.have.length(0);
    expect((await w.admin.as.patch(`/admin/webhooks/${paused.id}`, { active: true })).status).to.equal(200);
    const ping = await w.admin.as.post(`/admin/webhooks/${paused.id}/test`);
    expect(ping.status, ping.text).to.equal(202);
    await w.deliver();
    const [received] = w.receiver.to('/paused');
    expect(JSON.parse(received!.body)).to.deep.include({ type: 'webhook.ping', data: { subscriptionId: paused.id } });
    expect(w.verify(received!.body, received!.headers, paused.secret)).to.equal(true);
  });
});
