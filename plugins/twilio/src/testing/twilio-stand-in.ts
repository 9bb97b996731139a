import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import twilio from 'twilio';

/** One request that reached the stand-in (also those it refused). */
export interface StandInRequest {
  method: string;
  path: string;
  /** The user name of the Basic auth header (the account sid or an API key sid), or null without one. */
  username: string | null;
  /** The request headers, by lower-case name. */
  headers: Record<string, string>;
  /** The form fields of a POST. */
  form: Record<string, string>;
}

/** A message as the stand-in keeps it (its Twilio resource, in the API's snake_case, is built from it). */
export interface StandInMessage {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
  status: string;
  errorCode: number | null;
  errorMessage: string | null;
  dateCreated: Date;
  dateUpdated: Date;
  /** The `I-Twilio-Idempotency-Token` the create request carried, or null. */
  idempotencyToken: string | null;
}

/** A Twilio REST error as the API answers it. */
export interface StandInRefusal {
  status: number;
  code: number;
  message: string;
}

export interface SignedCallback {
  rawBody: Buffer;
  headers: Record<string, string>;
}

/** A local Twilio Messages API for tests; see `startTwilioStandIn`. */
export interface TwilioStandIn {
  /** The origin to give the plugin as `apiBaseUrl` (`http://127.0.0.1:<port>`). */
  url: string;
  accountSid: string;
  authToken: string;
  /** An API key (`SK…`) and its secret the stand-in also takes. */
  apiKey: { sid: string; secret: string };
  /** Every request received, oldest first. */
  readonly requests: StandInRequest[];
  /** Every message accepted, oldest first. */
  messages(): StandInMessage[];
  message(sid: string): StandInMessage;
  /** Sends to this number are refused with this Twilio error (as Twilio does for 21211, 21610, 21614…). */
  refuseNumber(phone: string, refusal: StandInRefusal): void;
  /** The next `n` requests answer this error without doing anything (default: 503, code 20500). */
  failNext(n: number, refusal?: StandInRefusal): void;
  /** The carrier moves the message on: `sent`, `delivered`, `undelivered` or `failed` (with Twilio's error code). */
  advance(sid: string, status: string, error?: { code: number; message: string }): StandInMessage;
  /**
   * The status callback Twilio posts about the message as it is now: form-encoded, signed with the
   * auth token over the message's `statusCallback` URL (or `options.url`); `authToken` forges it.
   */
  statusCallback(sid: string, options?: { url?: string; authToken?: string }): SignedCallback;
  stop(): Promise<void>;
}

class TwilioFailure extends Error {
  readonly refusal: StandInRefusal;
  constructor(refusal: StandInRefusal) {
    super(refusal.message);
    this.refusal = refusal;
  }
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const E164 = /^\+[1-9][0-9]{6,14}$/;
const NOT_FOUND: StandInRefusal = { status: 404, code: 20404, message: 'The requested resource was not found' };
/** Twilio's dates are RFC 2822 strings (`Tue, 02 Jan 2024 15:04:05 +0000`). */
const rfc2822 = (date: Date) => date.toUTCString().replace('GMT', '+0000');

/**
 * Starts a local HTTP server speaking the parts of Twilio's 2010-04-01 REST API the plugin uses:
 * creating a message (Basic auth with the account or an API key, form-encoded, the checks Twilio
 * makes on `To`, `Body` and the sender), fetching a message and the account, and status callbacks
 * signed as Twilio signs them (with the SDK's own `getExpectedTwilioSignature`). The real SDK talks
 * to it through the plugin's `apiBaseUrl`. Knobs refuse numbers and fail requests; `advance` plays
 * the carrier. It does not deduplicate by `I-Twilio-Idempotency-Token` (Twilio documents no such
 * behaviour for Messages): it records the header so tests can check that it is sent.
 */
export async function startTwilioStandIn(options: { accountSid?: string; authToken?: string } = {}): Promise<TwilioStandIn> {
  const accountSid = options.accountSid ?? `AC${hex(16)}`;
  const authToken = options.authToken ?? hex(16);
  const apiKey = { sid: `SK${hex(16)}`, secret: hex(16) };
  const requests: StandInRequest[] = [];
  const messages = new Map<string, StandInMessage>();
  const refusedNumbers = new Map<string, StandInRefusal>();
  const failures: StandInRefusal[] = [];
  const sockets = new Set<Socket>();
  const base = `/2010-04-01/Accounts/${accountSid}`;

  const resourceOf = (m: StandInMessage) => ({
    account_sid: accountSid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: rfc2822(m.dateCreated),
    date_sent: null,
    date_updated: rfc2822(m.dateUpdated),
    direction: 'outbound-api',
    error_code: m.errorCode,
    error_message: m.errorMessage,
    from: m.from,
    messaging_service_sid: m.messagingServiceSid,
    num_media: '0',
    num_segments: '1',
    price: null,
    price_unit: 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `${base}/Messages/${m.sid}/Media.json` },
    to: m.to,
    uri: `${base}/Messages/${m.sid}.json`,
  });

  const find = (sid: string): StandInMessage => {
    const found = messages.get(sid);
    if (!found) throw new Error(`the stand-in has no message ${sid}`);
    return found;
  };

  const authenticated = (request: IncomingMessage): string | null => {
    const header = request.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return null;
    const [username, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
    const password = rest.join(':');
    return (username === accountSid && password === authToken) || (username === apiKey.sid && password === apiKey.secret) ? username! : null;
  };

  const createMessage = (form: Record<string, string>, idempotencyToken: string | null): StandInMessage => {
    const to = form.To ?? '';
    if (!E164.test(to)) throw new TwilioFailure({ status: 400, code: 21211, message: `The 'To' number ${to} is not a valid phone number.` });
    const refused = refusedNumbers.get(to);
    if (refused) throw new TwilioFailure(refused);
    if (!form.From && !form.MessagingServiceSid) throw new TwilioFailure({ status: 400, code: 21603, message: "A 'From' or 'MessagingServiceSid' parameter is required to send a message" });
    if (!form.Body) throw new TwilioFailure({ status: 400, code: 21602, message: 'Message body is required.' });
    if (form.Body.length > 1600) throw new TwilioFailure({ status: 400, code: 21617, message: 'The concatenated message body exceeds the 1600 character limit.' });
    const now = new Date();
    const message: StandInMessage = {
      sid: `SM${hex(16)}`,
      to,
      from: form.From ?? null,
      messagingServiceSid: form.MessagingServiceSid ?? null,
      body: form.Body,
      statusCallback: form.StatusCallback ?? null,
      status: form.MessagingServiceSid ? 'accepted' : 'queued',
      errorCode: null,
      errorMessage: null,
      dateCreated: now,
      dateUpdated: now,
      idempotencyToken,
    };
    messages.set(message.sid, message);
    return message;
  };

  const route = (method: string, path: string, form: Record<string, string>, request: IncomingMessage): { status: number; body: unknown } => {
    if (path === `${base}.json` && method === 'GET') {
      return { status: 200, body: { sid: accountSid, friendly_name: 'Stand-in account', status: 'active', type: 'Full', date_created: rfc2822(new Date(0)) } };
    }
    if (path === `${base}/Messages.json` && method === 'POST') {
      const token = request.headers['i-twilio-idempotency-token'];
      return { status: 201, body: resourceOf(createMessage(form, typeof token === 'string' ? token : null)) };
    }
    const fetched = path.match(new RegExp(`^${base}/Messages/(SM[0-9a-f]{32})\\.json$`));
    if (fetched && method === 'GET') {
      const message = messages.get(fetched[1]!);
      if (!message) throw new TwilioFailure(NOT_FOUND);
      return { status: 200, body: resourceOf(message) };
    }
    throw new TwilioFailure(NOT_FOUND);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const method = request.method ?? 'GET';
    const path = new URL(request.url ?? '/', 'http://stand-in').pathname;
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
    const username = authenticated(request);
    const basic = (request.headers.authorization ?? '').startsWith('Basic ') ? Buffer.from(request.headers.authorization!.slice(6), 'base64').toString('utf8').split(':')[0]! : null;
    requests.push({ method, path, username: basic, headers, form });

    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const refuse = (refusal: StandInRefusal) => answer(refusal.status, { code: refusal.code, message: refusal.message, more_info: `https://www.twilio.com/docs/errors/${refusal.code}`, status: refusal.status });

    const failure = failures.shift();
    if (failure) return refuse(failure);
    if (!username) return refuse({ status: 401, code: 20003, message: 'Authenticate' });
    try {
      const { status, body } = route(method, path, form, request);
      answer(status, body);
    } catch (error) {
      if (error instanceof TwilioFailure) return refuse(error.refusal);
      throw error;
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ code: 20500, message: String(error), status: 500 }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    apiKey,
    requests,
    messages: () => [...messages.values()],
    message: find,
    refuseNumber(phone, refusal) {
      refusedNumbers.set(phone, refusal);
    },
    failNext(n, refusal = { status: 503, code: 20500, message: 'Service Unavailable' }) {
      for (let i = 0; i < n; i++) failures.push(refusal);
    },
    advance(sid, status, error) {
      const message = find(sid);
      message.status = status;
      message.errorCode = error?.code ?? null;
      message.errorMessage = error?.message ?? null;
      message.dateUpdated = new Date(Math.max(Date.now(), message.dateUpdated.getTime() + 1000));
      return message;
    },
    statusCallback(sid, callbackOptions = {}) {
      const message = find(sid);
      const url = callbackOptions.url ?? message.statusCallback;
      if (!url) throw new Error(`the message ${sid} asked for no status callback`);
      const params: Record<string, string> = {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        ...(message.from ? { From: message.from } : {}),
        ...(message.messagingServiceSid ? { MessagingServiceSid: message.messagingServiceSid } : {}),
        MessageSid: message.sid,
        MessageStatus: message.status,
        SmsSid: message.sid,
        SmsStatus: message.status,
        To: message.to,
        ...(message.errorCode ? { ErrorCode: String(message.errorCode) } : {}),
      };
      const signature = twilio.getExpectedTwilioSignature(callbackOptions.authToken ?? authToken, url, params);
      return {
        rawBody: Buffer.from(new URLSearchParams(params).toString(), 'utf8'),
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature, 'i-twilio-idempotency-token': `${message.sid}-${message.status}` },
      };
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
