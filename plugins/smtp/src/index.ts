import { definePlugin } from '@cartwright/core';
import { SmtpOptions, resolveOptions } from './options.ts';
import { SmtpChannel } from './smtp.channel.ts';

export { SmtpChannel } from './smtp.channel.ts';
export { SmtpOptions, resolveOptions, type ResolvedSmtpOptions, type SmtpTls } from './options.ts';
export { SmtpErrors, type SmtpFailureCode } from './errors.ts';
export { failureOf, type SmtpFailure, type SmtpSendError } from './reply-codes.ts';

export const PLUGIN_NAME = '@cartwright/plugin-smtp';

/**
 * Email notifications through any SMTP server: text and HTML parts, the one-click unsubscribe
 * headers core sets, Message-IDs derived from core's message ids, optional DKIM, pooled
 * connections. The server comes from the options or `SMTP_URL`, the login from `SMTP_USER` and
 * `SMTP_PASSWORD`; start-up stops without a server.
 *
 * @example
 * ```ts
 * smtp({ host: 'smtp.postmarkapp.com', port: 587, from: { address: 'orders@shop.example', name: 'Shop' } })
 * ```
 */
export default definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
  options: SmtpOptions,
  register(api, options) {
    // a missing server or half a login stops start-up here, not at the first email
    const resolved = resolveOptions(options);
    // one channel (one connection pool) per plugin instance, however often the filter runs
    let channel: SmtpChannel | undefined;
    api.filter('notifications.channels', (channels) => {
      channel ??= new SmtpChannel(resolved);
      return [...channels, channel];
    });
    api.onStop(() => channel?.close());
  },
});
