import { definePlugin, type Cradle } from '@cartwright/core';
import { CreateWebpushSubscriptions } from './migrations.ts';
import { WebpushOptions, resolveOptions } from './options.ts';
import { pushSubscriptionRoutes } from './push-subscriptions.routes.ts';
import { WebpushChannel } from './webpush.channel.ts';

export { WebpushChannel, topicOf } from './webpush.channel.ts';
export { WebpushOptions, WebpushUrgency, resolveOptions, base64urlBytes, type ResolvedWebpushOptions } from './options.ts';
export { WebpushErrors, type WebpushFailureCode } from './errors.ts';
export { pushPayload, MAX_PAYLOAD_BYTES, type PushPayload } from './payload.ts';
export { PushSubscriptions, subscriptionIssues, MAX_ENDPOINT_LENGTH, type PushSubscriptionJson, type StoredPushSubscription } from './subscriptions.ts';
export { pushSubscriptionRoutes, PushSubscriptionBody, PushSubscriptionView, PushSubscriptionsView } from './push-subscriptions.routes.ts';

export const PLUGIN_NAME = '@cartwright/plugin-webpush';

/**
 * Web push notifications to the shoppers' browsers, signed with the store's VAPID keys: the channel
 * `webpush` (kind `push`) and `/store/me/push-subscriptions`, where a signed-in user's browser
 * registers its `PushSubscription`. The keys come from the options or from `WEBPUSH_VAPID_PUBLIC_KEY`
 * and `WEBPUSH_VAPID_PRIVATE_KEY`; start-up stops without them.
 *
 * @example
 * ```ts
 * webpush({ subject: 'mailto:ops@shop.example' })
 * ```
 */
export default definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
  options: WebpushOptions,
  register(api, options) {
    // missing or mismatched VAPID keys stop start-up here, not at the first push
    const resolved = resolveOptions(options);
    api.migrations({ name: `${PLUGIN_NAME}/0001-webpush-subscriptions`, class: CreateWebpushSubscriptions });
    api.routes('/store/me/push-subscriptions', pushSubscriptionRoutes(resolved));
    let channel: WebpushChannel | undefined;
    api.filter('notifications.channels', (channels, context) => {
      const { cradle } = context as { cradle: Cradle };
      channel ??= new WebpushChannel(resolved, cradle.database);
      return [...channels, channel];
    });
  },
});
