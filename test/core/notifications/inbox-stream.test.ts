import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { registerAndLogin } from '../auth/auth-helpers.ts';
import { inAppMessage, sendInApp, SseConnection } from './inbox-helpers.ts';

const childScript = fileURLToPath(new URL('./inbox-child.ts', import.meta.url));

/** Runs the child store on `url`, which sends one in-app message per subject to the user, in order; resolves with its send results. */
function sendFromAnotherProcess(url: string, userId: string, ...subjects: string[]): Promise<unknown[]> {
  const child = spawn(process.execPath, ['--conditions=cartwright-source', '--disable-warning=ExperimentalWarning', childScript, userId, ...subjects], {
    env: { ...process.env, INBOX_DATABASE_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

describe('notifications › inbox stream', function () {
  this.timeout(120_000);
  let store: TestStore;

  before(async () => {
    // no heartbeat during the tests: an entry can then only arrive through its wake-up (NOTIFY across processes)
    store = await createTestStore({ notifications: { streamHeartbeatSeconds: 3_600 } });
  });
  after(async () => {
    await store?.stop();
  });

  const streamUrl = (token: string) => `${store.url}/store/me/notifications/stream?access_token=${encodeURIComponent(token)}`;

  it('sends each new entry as it arrives, then resumes after Last-Event-ID with exactly the missed ones', async () => {
    const { user, tokens } = await registerAndLogin(store, 'stream-resume@example.com');
    const stream = await SseConnection.open(streamUrl(tokens.accessToken));
    expect(stream.response.statusCode).to.equal(200);
    expect(stream.response.headers['content-type']).to.match(/^text\/event-stream/);
    expect(JSON.parse((await stream.nextOf('unread-count')).data)).to.deep.equal({ unread: 0 });

    await sendInApp(store, inAppMessage(user.id, { subject: 'live one' }));
    const live = await stream.nextOf('notification');
    expect(JSON.parse(live.data)).to.include({ title: 'live one', read: false });
    expect(live.id).to.equal(JSON.parse(live.data).position);
    stream.close();

    await sendInApp(store, inAppMessage(user.id, { subject: 'missed 1' }));
    await sendInApp(store, inAppMessage(user.id, { subject: 'missed 2' }));
    const resumed = await SseConnection.open(streamUrl(tokens.accessToken), { 'last-event-id': live.id! });
    const replayed = [await resumed.nextOf('notification'), await resumed.nextOf('notification')];
    expect(replayed.map((e) => JSON.parse(e.data).title)).to.deep.equal(['missed 1', 'missed 2']);
    expect(BigInt(replayed[0]!.id!) < BigInt(replayed[1]!.id!)).to.equal(true);

    await sendInApp(store, inAppMessage(user.id, { subject: 'live again' }));
    const next = await resumed.nextOf('notification');
    expect(JSON.parse(next.data).title).to.equal('live again');
    resumed.close();
  });

  it('streams the unread count when entries are marked read', async () => {
    const { user, tokens, as } = await registerAndLogin(store, 'stream-count@example.com');
    await sendInApp(store, inAppMessage(user.id));
    const stream = await SseConnection.open(streamUrl(tokens.accessToken));
    expect(JSON.parse((await stream.nextOf('unread-count')).data).unread).to.equal(1);
    await as.post('/store/me/notifications/read-all', {});
    expect(JSON.parse((await stream.nextOf('unread-count')).data).unread).to.equal(0);
    stream.close();
  });

  it('ends the stream once the session is revoked', async () => {
    const { user, tokens, as } = await registerAndLogin(store, 'stream-logout@example.com');
    const stream = await SseConnection.open(streamUrl(tokens.accessToken));
    await stream.nextOf('unread-count');
    expect((await as.post('/auth/logout', {})).status).to.equal(204);
    await sendInApp(store, inAppMessage(user.id, { subject: 'after sign-out' }));
    expect((await stream.nextOf('session-ended')).data).to.equal('{}');
    await stream.ended();
  });

  it('refuses a Last-Event-ID that is no position, a bad token, and a sixth stream of one user', async () => {
    const { tokens } = await registerAndLogin(store, 'stream-limits@example.com');
    const bad = await store.client.get('/store/me/notifications/stream', { headers: { authorization: `Bearer ${tokens.accessToken}`, 'last-event-id': 'abc' } });
    expect(bad.status).to.equal(400);
    expect(bad.body.code).to.equal('NOTIFICATION_STREAM_CURSOR_INVALID');
    expect((await store.client.get('/store/me/notifications/stream', { query: { access_token: 'not-a-token' } })).status).to.equal(401);

    const open = await Promise.all(Array.from({ length: 5 }, () => SseConnection.open(streamUrl(tokens.accessToken))));
    expect(open.map((s) => s.response.statusCode)).to.deep.equal([200, 200, 200, 200, 200]);
    const sixth = await store.client.get('/store/me/notifications/stream', { query: { access_token: tokens.accessToken } });
    expect(sixth.status).to.equal(429);
    expect(sixth.body.code).to.equal('NOTIFICATION_STREAM_LIMIT');
    for (const s of open) s.close();
  });

  const acrossProcesses = process.env.DATABASE_URL
    ? it
    : it.skip;
  acrossProcesses(
    process.env.DATABASE_URL
      ? 'receives an entry written by another API process (PostgreSQL LISTEN/NOTIFY), then resumes after Last-Event-ID with exactly those it missed'
      : 'receives an entry written by another API process, then resumes after Last-Event-ID (skipped: the embedded database serves one process; set DATABASE_URL)',
    async () => {
      const { user, tokens } = await registerAndLogin(store, 'stream-cross@example.com');
      const stream = await SseConnection.open(streamUrl(tokens.accessToken));
      await stream.nextOf('unread-count');
      const first = await sendFromAnotherProcess(store.database.config.url!, user.id, 'from the other process');
      expect(first).to.have.length(1);
      expect(first[0]).to.include({ status: 'delivered' });
      const event = await stream.nextOf('notification');
      expect(JSON.parse(event.data)).to.include({ title: 'from the other process', body: 'written by another process' });
      stream.close();

      // written by the other process while this client is away
      const missed = await sendFromAnotherProcess(store.database.config.url!, user.id, 'missed across 1', 'missed across 2');
      expect(missed.map((r) => (r as { status: string }).status)).to.deep.equal(['delivered', 'delivered']);
      const resumed = await SseConnection.open(streamUrl(tokens.accessToken), { 'last-event-id': event.id! });
      expect(resumed.response.statusCode).to.equal(200);
      const replayed = [await resumed.nextOf('notification'), await resumed.nextOf('notification')];
      expect(replayed.map((e) => JSON.parse(e.data).title)).to.deep.equal(['missed across 1', 'missed across 2']);
      expect(BigInt(event.id!) < BigInt(replayed[0]!.id!) && BigInt(replayed[0]!.id!) < BigInt(replayed[1]!.id!)).to.equal(true);

      // no duplicate follows the replay: the next notification on the stream is the next one written
      const after = await sendFromAnotherProcess(store.database.config.url!, user.id, 'live across');
      expect(after[0]).to.include({ status: 'delivered' });
      expect(JSON.parse((await resumed.nextOf('notification')).data).title).to.equal('live across');
      resumed.close();
    },
  );
});
