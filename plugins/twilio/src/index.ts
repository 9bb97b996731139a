import { definePlugin } from '@cartwright/core';
import { TwilioOptions, resolveOptions } from './options.ts';
import { TwilioChannel } from './twilio.channel.ts';

export { TwilioChannel, reportStatusOf, SIGNATURE_HEADER } from './twilio.channel.ts';
export { TwilioOptions, resolveOptions, type ResolvedTwilioOptions } from './options.ts';
export { TwilioErrors, type TwilioFailureCode } from './errors.ts';
export { failureOf, type TwilioFailure, type TwilioSendError } from './twilio-failures.ts';
export { TwilioHttpClient, IDEMPOTENCY_HEADER } from './twilio-http-client.ts';

export const PLUGIN_NAME = '@cartwright/plugin-twilio';

/**
 * SMS notifications through Twilio with the official `twilio` SDK: sent from a number or a
 * Messaging Service, with the message's idempotency key on every attempt, delivery status asked for
 * and (with `statusCallbackUrl`) signed status callbacks at `/webhooks/twilio`. Credentials come
 * from the options or `TWILIO_ACCOUNT_SID` and `TWILIO_AUTH_TOKEN` (or `TWILIO_API_KEY_SID` and
 * `TWILIO_API_KEY_SECRET`); start-up stops without them.
 *
 * @example
 * ```ts
 * twilio({ from: '+15017122661', statusCallbackUrl: 'https://api.shop.example/webhooks/twilio' })
 * ```
 */
export default definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
  options: TwilioOptions,
  register(api, options) {
    // missing credentials or sender stop start-up here, not at the first text
    const resolved = resolveOptions(options);
    // one channel (one SDK client and its connection pool) per plugin instance, however often the filter runs
    let channel: TwilioChannel | undefined;
    api.filter('notifications.channels', (channels) => {
      channel ??= new TwilioChannel(resolved);
      return [...channels, channel];
    });
  },
});
