import { expect } from 'chai';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import smtp, { SmtpChannel } from '@cartwright/plugin-smtp';
import { startLocalSmtpServer, type LocalSmtpServer } from '@cartwright/plugin-smtp/testing';
import { localOptions, orderShipped } from './smtp-support.ts';

describe('smtp: installed in a store', () => {
  let server: LocalSmtpServer;
  let store: TestStore;
  before(async () => {
    server = await startLocalSmtpServer({ auth: { user: 'shop', password: 'relay-secret' } });
    store = await createTestStore({ plugins: [smtp(localOptions(server, { user: 'shop', password: 'relay-secret', name: 'Local relay' }))] });
  });
  after(async () => {
    await store?.stop();
    await server?.stop();
  });

  const channels = () => store.commerce.container.cradle.notificationChannels;

  it('is the store’s email channel, found by kind and by id', async () => {
    const email = await channels().forKind('email');
    expect(email).to.be.instanceOf(SmtpChannel);
    expect(email).to.include({ id: 'smtp', kind: 'email', name: 'Local relay' });
    expect(email!.capabilities).to.deep.equal({ deliveryStatus: false, webhooks: false });
    expect(await channels().find('smtp')).to.equal(email);
    expect((await channels().list()).filter((channel) => channel.kind === 'email')).to.deep.equal([email]);
  });

  it('sends through the configured server with the configured login', async () => {
    const email = (await channels().forKind('email'))!;
    expect(await email.check!()).to.deep.equal({ ok: true });
    const message = orderShipped();
    expect(await email.send(message)).to.deep.equal({ status: 'sent', providerMessageId: `<${message.id}.1@shop.example>` });
    expect(server.received().map((received) => [received.user, received.messageId])).to.deep.equal([['shop', `<${message.id}.1@shop.example>`]]);
  });
});

describe('smtp: a store whose SMTP settings are incomplete', () => {
  it('does not start, naming what is missing', async () => {
    let failure: unknown;
    try {
      const store = await createTestStore({ plugins: [smtp({ host: '127.0.0.1', user: 'shop', from: { address: 'orders@shop.example' } })] });
      await store.stop();
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).to.match(/SMTP_PASSWORD/);
  });
});
