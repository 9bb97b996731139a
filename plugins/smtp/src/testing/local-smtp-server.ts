import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

/** One email as the server stored it, parsed. */
export interface ReceivedEmail {
  /** The SMTP envelope: who the client said it was and whom it delivered to (RCPT TO). */
  envelope: { from: string; to: string[] };
  from: Array<{ address: string; name: string }>;
  to: Array<{ address: string; name: string }>;
  subject: string;
  text: string;
  html: string | null;
  messageId: string | null;
  /** The message's top-level Content-Type (`multipart/alternative; boundary=…`). */
  contentType: string;
  /** Every header by its lower-case name, unfolded and as written (encoded words left encoded; a repeated header keeps its first value). */
  headers: Record<string, string>;
  /** The login the client used, if it authenticated. */
  user: string | null;
  raw: Buffer;
}

/** A reply the server gives instead of accepting: `{ code: 451, message: 'Try again later' }`. */
export interface SmtpRefusal {
  code: number;
  message?: string;
  /** When to refuse: the sender (`mail`), each recipient (`rcpt`, the default) or the message after its data (`data`). */
  at?: 'mail' | 'rcpt' | 'data';
}

export interface LocalSmtpServer {
  host: string;
  port: number;
  /** `smtp://127.0.0.1:<port>` (plain: the server offers no STARTTLS). */
  url: string;
  /** Every email accepted so far, oldest first. */
  received(): ReceivedEmail[];
  /** Refuses the next `count` sends (at the stage the refusal names), then accepts again. */
  refuseNext(count: number, refusal: SmtpRefusal): void;
  /** Refuses this address at RCPT TO, every time (an unknown mailbox: `{ code: 550 }`). */
  refuseRecipient(address: string, refusal: Omit<SmtpRefusal, 'at'>): void;
  /** Forgets the emails received so far. */
  clear(): void;
  stop(): Promise<void>;
}

export interface LocalSmtpServerOptions {
  /** Require this login (AUTH PLAIN or LOGIN, accepted without TLS); without it, no login is asked. */
  auth?: { user: string; password: string };
}

const replyError = (refusal: Omit<SmtpRefusal, 'at'>): Error =>
  Object.assign(new Error(refusal.message ?? (refusal.code < 500 ? 'Try again later' : 'Refused')), { responseCode: refusal.code });

/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1 and a free port, that parses and keeps
 * what it accepts (with `mailparser`) and can be told to refuse. For tests of the SMTP channel, and of
 * stores that send email; `smtp-server` and `mailparser` must be installed (dev dependencies).
 *
 * @example
 * ```ts
 * const server = await startLocalSmtpServer();
 * const store = await createTestStore({ plugins: [smtp({ url: server.url, tls: 'none', from: { address: 'shop@example.test' } })] });
 * // … place an order …
 * expect(server.received()[0]!.subject).to.equal('Your order');
 * ```
 */
export async function startLocalSmtpServer(options: LocalSmtpServerOptions = {}): Promise<LocalSmtpServer> {
  const received: ReceivedEmail[] = [];
  const pending: SmtpRefusal[] = [];
  const refusedRecipients = new Map<string, Omit<SmtpRefusal, 'at'>>();
  // a refusal counts once per send: a send is the MAIL FROM that starts it
  let current: SmtpRefusal | undefined;

  const server = new SMTPServer({
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      const wanted = options.auth;
      if (wanted && auth.username === wanted.user && auth.password === wanted.password) return callback(null, { user: auth.username });
      callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onMailFrom(_address, _session, callback) {
      current = pending.shift();
      if (current?.at === 'mail') return callback(replyError(current));
      callback();
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const refusedForGood = refusedRecipients.get(address.address.toLowerCase());
      if (refusedForGood) return callback(replyError(refusedForGood));
      if (current && (current.at ?? 'rcpt') === 'rcpt') return callback(replyError(current));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        if (current?.at === 'data') return callback(replyError(current));
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            const headers: Record<string, string> = {};
            for (const { key, line } of parsed.headerLines) {
              headers[key] ??= line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
            }
            received.push({
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((recipient) => recipient.address),
              },
              from: addressesOf(parsed.from),
              to: addressesOf(parsed.to),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : null,
              messageId: parsed.messageId ?? null,
              contentType: headers['content-type'] ?? '',
              headers,
              user: typeof session.user === 'string' ? session.user : null,
              raw,
            });
            callback();
          },
          (error: unknown) => callback(error as Error),
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    url: `smtp://127.0.0.1:${port}`,
    received: () => [...received],
    refuseNext(count, refusal) {
      for (let n = 0; n < count; n += 1) pending.push(refusal);
    },
    refuseRecipient(address, refusal) {
      refusedRecipients.set(address.toLowerCase(), refusal);
    },
    clear() {
      received.length = 0;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function addressesOf(field: AddressObject | AddressObject[] | undefined): Array<{ address: string; name: string }> {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((object) => object.value.map((entry) => ({ address: entry.address ?? '', name: entry.name })));
}
