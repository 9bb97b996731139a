import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RuntimeConfig } from '../../../kernel/config/define-config.ts';
import type { Logger } from '../../../kernel/logger.ts';
import type { ChannelKind } from '../channels/notification-channel.ts';

/** What an unsubscribe link stands for: this subject no longer wants this category on this channel. */
export interface UnsubscribeClaim {
  /** `user:<id>` for someone with an account, otherwise the message's recipient key (`email:<address>`). */
  subject: string;
  category: string;
  channel: ChannelKind;
  issuedAt: Date;
}

const CHANNELS = new Set<string>(['email', 'sms', 'push', 'in_app']);

/**
 * Signs and checks one-click unsubscribe tokens: `base64url(json).base64url(hmac-sha256)`. The token
 * carries no expiry (RFC 8058 links must keep working in old mail) but its issue time is signed, so a
 * later key rotation or cut-off can refuse old ones.
 */
export class UnsubscribeLinks {
  readonly #key: Buffer;
  readonly #url: string;

  constructor(config: RuntimeConfig, logger: Logger, env: NodeJS.ProcessEnv = process.env) {
    const configured = config.notifications.unsubscribe.secret;
    const jwtSecret = config.auth.jwt.secret;
    if (configured) this.#key = Buffer.from(configured);
    // a separate key per purpose: an unsubscribe signature can never be replayed as an access token
    else if (jwtSecret) this.#key = createHmac('sha256', jwtSecret).update('cartwright notifications unsubscribe').digest();
    else if (env.NODE_ENV === 'production') {
      throw new Error('notifications.unsubscribe.secret is required in production without auth.jwt.secret: set NOTIFICATIONS_SECRET to a random value of at least 32 characters');
    } else {
      logger.warn('no NOTIFICATIONS_SECRET or JWT_SECRET: unsubscribe links are signed with a random key and stop working when this process restarts (development only)');
      this.#key = randomBytes(32);
    }
    this.#url = config.notifications.unsubscribe.url ?? `${config.auth.storefrontUrl.replace(/\/+$/, '')}/unsubscribe`;
  }

  token(claim: Omit<UnsubscribeClaim, 'issuedAt'>, issuedAt = new Date()): string {
    const body = Buffer.from(JSON.stringify({ s: claim.subject, c: claim.category, ch: claim.channel, iat: Math.floor(issuedAt.getTime() / 1000) })).toString('base64url');
    return `${body}.${this.#sign(body)}`;
  }

  /** The https link for `List-Unsubscribe` and for the message's footer. */
  url(claim: Omit<UnsubscribeClaim, 'issuedAt'>): string {
    return `${this.#url}?token=${this.token(claim)}`;
  }

  /** The claim of an authentic token; undefined for anything tampered, truncated or signed with another key. */
  verify(token: string): UnsubscribeClaim | undefined {
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined) return undefined;
    const expected = Buffer.from(this.#sign(body));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
      const { s, c, ch, iat } = parsed;
      if (typeof s !== 'string' || typeof c !== 'string' || typeof ch !== 'string' || !CHANNELS.has(ch) || typeof iat !== 'number') return undefined;
      return { subject: s, category: c, channel: ch as ChannelKind, issuedAt: new Date(iat * 1000) };
    } catch {
      return undefined;
    }
  }

  #sign(body: string): string {
    return createHmac('sha256', this.#key).update(body).digest('base64url');
  }
}
