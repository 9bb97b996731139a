import { Type, type Static } from '@cartwright/core';

export const TwilioOptions = Type.Object(
  {
    /** The channel's id (in rules, config, the delivery log and the status callback URL `/webhooks/<id>`). Default `twilio`. */
    id: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,49}$' })),
    /** What staff see. Default `Twilio SMS (<from number or Messaging Service>)`. */
    name: Type.Optional(Type.String({ minLength: 1 })),
    /** The account (`AC…`). Default: the environment variable `TWILIO_ACCOUNT_SID`. Required. */
    accountSid: Type.Optional(Type.String({ pattern: '^AC[0-9a-fA-F]{32}$' })),
    /**
     * The account's auth token. Default: `TWILIO_AUTH_TOKEN`. Required unless an API key is given;
     * required in any case with `statusCallbackUrl`, because Twilio signs status callbacks with it.
     */
    authToken: Type.Optional(Type.String({ minLength: 1 })),
    /** An API key (`SK…`) to call the API with instead of the auth token. Default: `TWILIO_API_KEY_SID`. */
    apiKeySid: Type.Optional(Type.String({ pattern: '^SK[0-9a-fA-F]{32}$' })),
    /** The API key's secret. Default: `TWILIO_API_KEY_SECRET`. */
    apiKeySecret: Type.Optional(Type.String({ minLength: 1 })),
    /** The sending number in E.164 (`+15005550006`) or an alphanumeric sender id. One of `from` and `messagingServiceSid` is required. */
    from: Type.Optional(Type.String({ pattern: '^(\\+[1-9][0-9]{6,14}|[A-Za-z0-9 ]{1,11})$' })),
    /** A Messaging Service (`MG…`) that picks the sender (number pools, sticky sender, opt-out handling). */
    messagingServiceSid: Type.Optional(Type.String({ pattern: '^MG[0-9a-fA-F]{32}$' })),
    /**
     * The public URL of this store's `/webhooks/<id>` (`https://api.shop.example/webhooks/twilio`).
     * When given, every message asks Twilio to post its status changes there, and the channel claims
     * `webhooks`; the URL is also what the signatures are checked against, so it must be the URL
     * exactly as Twilio calls it (behind a proxy: the public one, not the internal one).
     */
    statusCallbackUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
    /**
     * Where the API is, for a local stand-in in tests or an egress proxy. Default
     * `https://api.twilio.com`. The requests keep Twilio's paths; only the origin changes.
     */
    apiBaseUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
    /** How long one API request may take, in ms. Default 15000. */
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100 })),
  },
  { additionalProperties: false },
);
export type TwilioOptions = Static<typeof TwilioOptions>;

/** The options with every default applied and the secrets read. */
export interface ResolvedTwilioOptions {
  id: string;
  name: string;
  accountSid: string;
  /** Null when the API is called with an API key and no status callbacks are asked for. */
  authToken: string | null;
  /** What the API is called with: the API key when given, else the account and its auth token. */
  login: { username: string; password: string };
  sender: { from: string } | { messagingServiceSid: string };
  statusCallbackUrl: string | null;
  apiBaseUrl: string | null;
  timeoutMs: number;
}

/**
 * Applies defaults and reads `TWILIO_ACCOUNT_SID`, `TWILIO_AUTH_TOKEN`, `TWILIO_API_KEY_SID` and
 * `TWILIO_API_KEY_SECRET` when the options leave them out; throws naming what is missing.
 */
export function resolveOptions(options: TwilioOptions, env: Record<string, string | undefined> = process.env): ResolvedTwilioOptions {
  const accountSid = options.accountSid ?? env.TWILIO_ACCOUNT_SID;
  if (!accountSid) throw new Error('Twilio needs an account: set TWILIO_ACCOUNT_SID (AC…) or the plugin option accountSid');
  if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid)) throw new Error('TWILIO_ACCOUNT_SID must be an account sid (AC followed by 32 hex digits)');
  const authToken = options.authToken ?? env.TWILIO_AUTH_TOKEN ?? null;
  const apiKeySid = options.apiKeySid ?? env.TWILIO_API_KEY_SID;
  const apiKeySecret = options.apiKeySecret ?? env.TWILIO_API_KEY_SECRET;
  if (apiKeySid && !apiKeySecret) throw new Error('Twilio has an API key but no secret: set TWILIO_API_KEY_SECRET (or the plugin option apiKeySecret)');
  if (apiKeySecret && !apiKeySid) throw new Error('Twilio has an API key secret but no key: set TWILIO_API_KEY_SID (or the plugin option apiKeySid)');
  if (!authToken && !apiKeySid) throw new Error('Twilio needs credentials: set TWILIO_AUTH_TOKEN (or TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET), or the plugin options');
  const statusCallbackUrl = options.statusCallbackUrl ?? null;
  if (statusCallbackUrl && !authToken) {
    throw new Error('Twilio signs status callbacks with the account’s auth token: set TWILIO_AUTH_TOKEN (or the plugin option authToken) to use statusCallbackUrl');
  }
  if (options.from && options.messagingServiceSid) throw new Error('Twilio sends from a number or through a Messaging Service: give from or messagingServiceSid, not both');
  const sender = options.messagingServiceSid ? { messagingServiceSid: options.messagingServiceSid } : options.from ? { from: options.from } : null;
  if (!sender) throw new Error('Twilio needs a sender: give the plugin option from (+E.164 number) or messagingServiceSid (MG…)');

  return {
    id: options.id ?? 'twilio',
    name: options.name ?? `Twilio SMS (${'from' in sender ? sender.from : sender.messagingServiceSid})`,
    accountSid,
    authToken,
    login: apiKeySid && apiKeySecret ? { username: apiKeySid, password: apiKeySecret } : { username: accountSid, password: authToken! },
    sender,
    statusCallbackUrl,
    apiBaseUrl: options.apiBaseUrl ? options.apiBaseUrl.replace(/\/+$/, '') : null,
    timeoutMs: options.timeoutMs ?? 15_000,
  };
}
