import { Type, type Static } from '@cartwright/core';

const Address = Type.String({ pattern: '^[^\\s@<>]+@[^\\s@<>]+$' });

export const SmtpOptions = Type.Object(
  {
    /** The channel's id (in rules, config and the delivery log). Default `smtp`. */
    id: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,49}$' })),
    /** What staff see. Default `SMTP (<host>)`. */
    name: Type.Optional(Type.String({ minLength: 1 })),
    /**
     * The server as a URL, `smtp://user:password@smtp.example.com:587` or `smtps://…:465`. Default: the
     * environment variable `SMTP_URL`. Either this or `host` is needed; start-up stops without one.
     */
    url: Type.Optional(Type.String({ pattern: '^smtps?://' })),
    /** The server's host name, when not given as `url`. */
    host: Type.Optional(Type.String({ minLength: 1 })),
    /** Default: the URL's port, else 465 with `tls: 'implicit'` and 587 otherwise. */
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    /**
     * How the connection is encrypted: `implicit` (TLS from the first byte, port 465, `smtps://`),
     * `starttls` (upgrade required, or the send fails: port 587), `none` (plain text: only a relay on
     * the same host or a test server). Default `implicit` for `smtps://` or port 465, else `starttls`.
     */
    tls: Type.Optional(Type.Union([Type.Literal('implicit'), Type.Literal('starttls'), Type.Literal('none')])),
    /** The login. Default: `SMTP_USER`, else the URL's user; no login when none is given. */
    user: Type.Optional(Type.String({ minLength: 1 })),
    /** The password. Default: `SMTP_PASSWORD`, else the URL's password. */
    password: Type.Optional(Type.String({ minLength: 1 })),
    /** Who the emails come from; the domain also names the Message-IDs (`<msg_…@example.com>`). */
    from: Type.Object({ address: Address, name: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false }),
    /** Where replies go, when not to `from`. */
    replyTo: Type.Optional(Address),
    /** Connections kept open to the server at most. Default 5. */
    maxConnections: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    /** How long to wait for the connection, in ms. Default 10000. */
    connectionTimeoutMs: Type.Optional(Type.Integer({ minimum: 100 })),
    /** How long to wait for the server's greeting once connected, in ms. Default 10000. */
    greetingTimeoutMs: Type.Optional(Type.Integer({ minimum: 100 })),
    /** How long the connection may stay silent during a send, in ms. Default 60000. */
    socketTimeoutMs: Type.Optional(Type.Integer({ minimum: 100 })),
    /**
     * Sign every email with DKIM. The private key (PEM) defaults to `SMTP_DKIM_PRIVATE_KEY`; most
     * providers (Postmark, SES, Mailgun) sign for you, so this is for a server of your own.
     */
    dkim: Type.Optional(
      Type.Object(
        {
          domainName: Type.String({ minLength: 1 }),
          keySelector: Type.String({ minLength: 1 }),
          privateKey: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SmtpOptions = Static<typeof SmtpOptions>;

export type SmtpTls = 'implicit' | 'starttls' | 'none';

/** The options with every default applied and the secrets read. */
export interface ResolvedSmtpOptions {
  id: string;
  name: string;
  host: string;
  port: number;
  tls: SmtpTls;
  auth: { user: string; password: string } | null;
  from: { address: string; name: string | null };
  replyTo: string | null;
  messageIdDomain: string;
  maxConnections: number;
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
  dkim: { domainName: string; keySelector: string; privateKey: string } | null;
}

/** Applies defaults and reads `SMTP_URL`, `SMTP_USER`, `SMTP_PASSWORD` and `SMTP_DKIM_PRIVATE_KEY` when the options leave them out; throws naming what is missing. */
export function resolveOptions(options: SmtpOptions, env: Record<string, string | undefined> = process.env): ResolvedSmtpOptions {
  const rawUrl = options.url ?? (options.host ? undefined : env.SMTP_URL);
  const url = rawUrl ? new URL(rawUrl) : null;
  const host = options.host ?? url?.hostname;
  if (!host) throw new Error('SMTP needs a server: set SMTP_URL (smtp://user:password@host:587) or the plugin option host');
  const tls: SmtpTls = options.tls ?? (url?.protocol === 'smtps:' || (options.port ?? Number(url?.port)) === 465 ? 'implicit' : 'starttls');
  const port = options.port ?? (url?.port ? Number(url.port) : tls === 'implicit' ? 465 : 587);

  const user = options.user ?? env.SMTP_USER ?? (url?.username ? decodeURIComponent(url.username) : undefined);
  const password = options.password ?? env.SMTP_PASSWORD ?? (url?.password ? decodeURIComponent(url.password) : undefined);
  if (user && !password) throw new Error('SMTP has a user but no password: set SMTP_PASSWORD (or the plugin option password)');
  if (password && !user) throw new Error('SMTP has a password but no user: set SMTP_USER (or the plugin option user)');

  let dkim: ResolvedSmtpOptions['dkim'] = null;
  if (options.dkim) {
    const privateKey = options.dkim.privateKey ?? env.SMTP_DKIM_PRIVATE_KEY;
    if (!privateKey) throw new Error('SMTP DKIM signing needs a private key: set SMTP_DKIM_PRIVATE_KEY (or dkim.privateKey)');
    dkim = { domainName: options.dkim.domainName, keySelector: options.dkim.keySelector, privateKey };
  }

  return {
    id: options.id ?? 'smtp',
    name: options.name ?? `SMTP (${host})`,
    host,
    port,
    tls,
    auth: user && password ? { user, password } : null,
    from: { address: options.from.address, name: options.from.name ?? null },
    replyTo: options.replyTo ?? null,
    messageIdDomain: options.from.address.slice(options.from.address.lastIndexOf('@') + 1).toLowerCase(),
    maxConnections: options.maxConnections ?? 5,
    connectionTimeoutMs: options.connectionTimeoutMs ?? 10_000,
    greetingTimeoutMs: options.greetingTimeoutMs ?? 10_000,
    socketTimeoutMs: options.socketTimeoutMs ?? 60_000,
    dkim,
  };
}
