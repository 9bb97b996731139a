import { runNotificationChannelConformance } from '@cartwright/core/testing';
import { startLocalSmtpServer } from '@cartwright/plugin-smtp/testing';
import { asReceived, localChannel } from './smtp-support.ts';

runNotificationChannelConformance({
  name: 'SMTP (@cartwright/plugin-smtp, against a local smtp-server)',
  async create() {
    const server = await startLocalSmtpServer();
    server.refuseRecipient('nobody@customer.example', { code: 550, message: '5.1.1 No such user here' });
    const channel = localChannel(server);
    return {
      channel,
      recipient: { userId: 'usr_kit', name: 'Ada Lovelace', email: 'ada@customer.example' },
      refusedRecipient: { userId: 'usr_gone', name: 'Nobody', email: 'nobody@customer.example' },
      received: async () => server.received().map(asReceived),
      async cleanup() {
        channel.close();
        await server.stop();
      },
    };
  },
});

runNotificationChannelConformance({
  name: 'SMTP with a login, a reply-to and a single connection (against a local smtp-server)',
  async create() {
    const server = await startLocalSmtpServer({ auth: { user: 'shop', password: 's3cret' } });
    const channel = localChannel(server, { user: 'shop', password: 's3cret', replyTo: 'help@shop.example', maxConnections: 1, id: 'mail' });
    return {
      channel,
      recipient: { email: 'ada@customer.example' },
      received: async () => server.received().map(asReceived),
      async cleanup() {
        channel.close();
        await server.stop();
      },
    };
  },
});
