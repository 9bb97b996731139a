import { createTestStore, runNotificationChannelConformance, type TestStore } from '@cartwright/core/testing';
import webpush from '@cartwright/plugin-webpush';
import { startLocalPushService, type LocalPushService } from '@cartwright/plugin-webpush/testing';
import { asReceived, localOptions, vapidKeys } from './webpush-support.ts';

runNotificationChannelConformance({
  name: 'Web push (@cartwright/plugin-webpush in a store, against a local push service)',
  async create() {
    const keys = vapidKeys();
    const service: LocalPushService = await startLocalPushService();
    let store: TestStore | undefined;
    try {
      store = await createTestStore({ plugins: [webpush(localOptions(keys))] });
      const channel = (await store.commerce.container.cradle.notificationChannels.forKind('push'))!;
      const reachable = service.subscribe(keys.publicKey).subscription;
      // a browser that unsubscribed: its push service answers 410 Gone for good
      const unsubscribed = service.subscribe(keys.publicKey).subscription;
      service.answer(unsubscribed.endpoint, 410);
      return {
        channel,
        recipient: { pushSubscriptions: [reachable] },
        refusedRecipient: { pushSubscriptions: [unsubscribed] },
        received: async () => service.received().map(asReceived),
        async cleanup() {
          await store?.stop();
          await service.stop();
        },
      };
    } catch (error) {
      await store?.stop();
      await service.stop();
      throw error;
    }
  },
});
