import { createTestStore, runNotificationChannelConformance, type ReceivedMessage, type TestStore } from '@cartwright/core/testing';
import { registerAndLogin } from '../auth/auth-helpers.ts';

runNotificationChannelConformance({
  name: 'In-app inbox (core, read back through GET /store/me/notifications)',
  async create() {
    let store: TestStore | undefined;
    try {
      store = await createTestStore();
      const { user, as } = await registerAndLogin(store, 'in-app-conformance@example.com');
      const channel = await store.commerce.container.cradle.notificationChannels.find('in_app');
      if (!channel) throw new Error('no in_app channel installed');
      const running = store;
      return {
        channel,
        recipient: { userId: user.id },
        // an id no account has: the inbox refuses it for good (the entry's user must exist)
        refusedRecipient: { userId: 'usr_missing' },
        async received(): Promise<ReceivedMessage[]> {
          const listed = await as.get('/store/me/notifications', { query: { limit: 100 } });
          if (listed.status !== 200) throw new Error(`GET /store/me/notifications answered ${listed.status}: ${listed.text}`);
          return (listed.body.items as Array<{ title: string | null; body: string }>).map((entry) => ({ to: user.id, subject: entry.title, text: entry.body }));
        },
        cleanup: () => running.stop(),
      };
    } catch (error) {
      await store?.stop();
      throw error;
    }
  },
});
