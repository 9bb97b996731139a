import { expect } from 'chai';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { createNotesPlugin, newControls, type NotesPluginControls } from '../../support/notes-plugin.ts';

describe('events (transactional outbox)', () => {
  let store: TestStore;
  let controls: NotesPluginControls;

  before(async () => {
    controls = newControls();
    store = await createTestStore({ plugins: [createNotesPlugin(controls)({ prefix: '/fixtures', maxLength: 200 })], events: { maxAttempts: 3, retryBaseDelay: 1_000 } });
  });
  after(() => store.stop());
  beforeEach(() => {
    controls.deliveries.length = 0;
    controls.failNextDeliveries = 0;
  });

  const delivery = (eventId: string) =>
    store.commerce.withScope(async (s) =>
      (await s.cradle.em.execute<Array<{ status: string; attempts: number; last_error: string | null }>>(
        'select status, attempts, last_error from cw_event_delivery where event_id = ?',
        [eventId],
      ))[0],
    );
  const eventIdFor = (noteId: string) =>
    store.commerce.withScope(async (s) =>
      (await s.cradle.em.execute<Array<{ id: string }>>(`select id from cw_outbox_event where payload->>'noteId' = ?`, [noteId]))[0]?.id,
    );

  it('retries a subscriber that throws, with backoff, and delivers once it succeeds', async () => {
    controls.failNextDeliveries = 1;
    const created = await store.client.post('/fixtures/notes', { text: 'flaky' });
    const eventId = await eventIdFor(created.body.id);

    const first = await store.deliverEvents();
    expect(first).to.include({ retried: 1, delivered: 0 });
    expect(await delivery(eventId!)).to.deep.equal({ status: 'pending', attempts: 1, last_error: 'Error: subscriber is down' });

    // not due yet: the backoff holds it back
    expect(await store.deliverEvents()).to.include({ delivered: 0, retried: 0 });

    const later = new Date(Date.now() + 60_000);
    expect(await store.deliverEvents(later)).to.include({ delivered: 1 });
    expect(await delivery(eventId!)).to.include({ status: 'delivered', attempts: 2, last_error: null });
    expect(controls.deliveries).to.have.length(1);
    expect(controls.deliveries[0]).to.include({ attempt: 2 });
  });

  it('marks a delivery failed after the configured number of attempts', async () => {
    controls.failNextDeliveries = 10;
    const created = await store.client.post('/fixtures/notes', { text: 'doomed' });
    const eventId = await eventIdFor(created.body.id);
    let now = Date.now();
    for (let i = 0; i < 3; i++) {
      await store.deliverEvents(new Date(now));
      now += 3_600_000;
    }
    expect(await delivery(eventId!)).to.include({ status: 'failed', attempts: 3 });
    expect(await store.deliverEvents(new Date(now + 86_400_000))).to.include({ delivered: 0, retried: 0, failed: 0 });

    // once the subscriber is fixed, an operator re-drives what failed
    controls.failNextDeliveries = 0;
    expect(await store.commerce.dispatcher.redeliverFailed({ eventId })).to.equal(1);
    expect(await store.deliverEvents()).to.include({ delivered: 1 });
    expect(await delivery(eventId!)).to.include({ status: 'delivered', attempts: 1 });
  });

  it('never delivers an event written in a transaction that rolled back', async () => {
    const before = await store.commerce.withScope((s) => s.cradle.em.execute<Array<{ n: string }>>('select count(*) as n from cw_outbox_event'));
    const res = await store.client.post('/fixtures/notes?fail=true', { text: 'rolled back' });
    expect(res.status).to.equal(500);
    const after = await store.commerce.withScope((s) => s.cradle.em.execute<Array<{ n: string }>>('select count(*) as n from cw_outbox_event'));
    expect(Number(after[0]!.n)).to.equal(Number(before[0]!.n));
    await store.deliverEvents(new Date(Date.now() + 86_400_000));
    expect(controls.deliveries.filter((e) => e.payload.text === 'rolled back')).to.deep.equal([]);
  });

  it('delivers each event once per subscriber however often the dispatcher runs', async () => {
    await store.client.post('/fixtures/notes', { text: 'once' });
    await Promise.all([store.deliverEvents(), store.deliverEvents(), store.deliverEvents()]);
    await store.deliverEvents(new Date(Date.now() + 3_600_000));
    expect(controls.deliveries.filter((e) => e.payload.text === 'once')).to.have.length(1);
  });
});

describe('events in the background', () => {
  it('are delivered soon after commit without anyone draining the outbox', async () => {
    const controls = newControls();
    const store = await createTestStore({ plugins: [createNotesPlugin(controls)({ prefix: '/fixtures', maxLength: 200 })] }, { backgroundWork: true });
    try {
      const created = await store.client.post('/fixtures/notes', { text: 'background' });
      const { eventually } = await import('@cartwright/core/testing');
      await eventually(() => expect(controls.deliveries.map((e) => e.payload.noteId)).to.include(created.body.id));
    } finally {
      await store.stop();
    }
  });
});
