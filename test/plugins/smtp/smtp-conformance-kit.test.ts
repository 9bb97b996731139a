import { expect } from 'chai';
import type { NotificationChannel, OutgoingMessage } from '@cartwright/core';
import { runNotificationChannelConformance, type NotificationChannelUnderTest } from '@cartwright/core/testing';
import { startLocalSmtpServer, type LocalSmtpServer } from '@cartwright/plugin-smtp/testing';
import { asReceived, localChannel } from './smtp-support.ts';

/** The kit must catch a channel that breaks the contract: these wrap a correct SMTP channel and break one thing each. */
describe('NotificationChannel conformance kit', () => {
  let server: LocalSmtpServer;
  before(async () => {
    server = await startLocalSmtpServer();
    server.refuseRecipient('nobody@customer.example', { code: 550, message: '5.1.1 No such user' });
  });
  after(() => server?.stop());

  const underTest = (broken: (channel: ReturnType<typeof localChannel>) => NotificationChannel): NotificationChannelUnderTest => {
    const channel = localChannel(server);
    return {
      channel: broken(channel),
      recipient: { name: 'Ada', email: 'ada@customer.example' },
      refusedRecipient: { email: 'nobody@customer.example' },
      received: async () => server.received().map(asReceived),
      cleanup: async () => channel.close(),
    };
  };

  it('passes the SMTP channel as it is', async () => {
    const results = await runKitCollecting(underTest((channel) => channel));
    expect(results.failed).to.deep.equal([]);
    expect(results.passed).to.have.length(7);
    expect(results.skipped.every((title) => title.endsWith('(not claimed)'))).to.equal(true);
  });

  it('fails a channel that says a permanent refusal may be retried', async () => {
    const results = await runKitCollecting(
      underTest((channel) => ({
        id: channel.id,
        kind: channel.kind,
        name: channel.name,
        capabilities: channel.capabilities,
        send: async (message: OutgoingMessage) => {
          const result = await channel.send(message);
          return result.status === 'failed' ? { ...result, retryable: true } : result;
        },
      })),
    );
    expect(results.failed).to.have.length(2);
    expect(results.failed.every((title) => title.startsWith('answers failed, not retryable'))).to.equal(true);
  });

  it('fails a channel that drops the unsubscribe headers, and one with a method it does not claim', async () => {
    const dropsHeaders = await runKitCollecting(
      underTest((channel) => ({
        id: channel.id,
        kind: channel.kind,
        name: channel.name,
        capabilities: channel.capabilities,
        send: ({ headers: _headers, ...message }: OutgoingMessage) => channel.send(message),
      })),
    );
    expect(dropsHeaders.failed).to.deep.equal(['sends a message that arrives once, to its recipient, with its subject, text, HTML and headers intact']);

    const unclaimed = await runKitCollecting(underTest((channel) => Object.assign(channel, { status: async () => ({}) as never })));
    expect(unclaimed.failed).to.deep.equal(['implements exactly the methods its capabilities claim']);
  });
});

/** Runs the kit with a small runner of its own and answers which tests passed, failed and were skipped. */
async function runKitCollecting(subject: NotificationChannelUnderTest) {
  const tests: Array<{ title: string; test?: () => Promise<void> }> = [];
  const befores: Array<() => Promise<void>> = [];
  const afters: Array<() => Promise<void>> = [];
  runNotificationChannelConformance({
    name: 'under check',
    create: async () => subject,
    arrivalTimeoutMs: 1_000,
    runner: {
      describe: (_title, body) => body(),
      it: (title, test) => tests.push({ title, ...(test ? { test } : {}) }),
      before: (hook) => befores.push(hook),
      after: (hook) => afters.push(hook),
    },
  });
  for (const hook of befores) await hook();
  const passed: string[] = [];
  const failed: string[] = [];
  const skipped: string[] = [];
  try {
    for (const { title, test } of tests) {
      const context = { test: { title }, skipped: false, skip() { this.skipped = true; } };
      try {
        await test?.call(context);
        (context.skipped ? skipped : passed).push(context.test.title);
      } catch {
        failed.push(title);
      }
    }
  } finally {
    for (const hook of afters) await hook();
  }
  return { passed, failed, skipped };
}
