import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PushSubscriptionJson } from '../subscriptions.ts';
import { decryptPush, generateBrowserKeys, verifyVapid, type BrowserKeys, type VapidClaims } from './push-crypto.ts';

/** A push the stand-in took (answered 201): decrypted, with the headers the spec gives meaning to. */
export interface ReceivedPush {
  endpoint: string;
  /** The decrypted payload as text (the channel sends JSON). */
  payload: string;
  ttl: string | null;
  urgency: string | null;
  topic: string | null;
  vapid: VapidClaims;
  /** The `Location` the stand-in answered: the push message's id at the service. */
  location: string;
}

/** A browser subscribed at the stand-in: the subscription to register and the keys that read its pushes. */
export interface LocalSubscription {
  subscription: PushSubscriptionJson;
  browser: BrowserKeys;
}

export interface LocalPushService {
  url: string;
  /** Subscribes a new "browser" for the VAPID key, as `pushManager.subscribe({ applicationServerKey })` would. */
  subscribe(applicationServerKey: string): LocalSubscription;
  /** From now on the endpoint answers `status` (404 or 410: the subscription expired; 429, 500: for now) until `restore`. */
  answer(endpoint: string, status: number): void;
  restore(endpoint: string): void;
  /** The pushes taken, in arrival order. */
  received(): ReceivedPush[];
  /** The requests refused because their VAPID token or encryption was wrong, with why. */
  rejected(): Array<{ endpoint: string; reason: string }>;
  stop(): Promise<void>;
}

/**
 * A push service on 127.0.0.1 (plain HTTP: the channel must be given `allowLocalHttpEndpoints`),
 * checking each push as a real one does — the VAPID JWT against the key the subscription was made
 * for (403 otherwise), the aes128gcm body against the browser's keys (400 otherwise) — and keeping the
 * decrypted payloads so tests can see what a browser would show.
 */
export async function startLocalPushService(): Promise<LocalPushService> {
  const subscriptions = new Map<string, { applicationServerKey: string; browser: BrowserKeys }>();
  const answers = new Map<string, number>();
  const received: ReceivedPush[] = [];
  const rejected: Array<{ endpoint: string; reason: string }> = [];
  let base = '';

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const endpoint = `${base}${request.url ?? ''}`;
    const subscribed = subscriptions.get(endpoint);
    const refuse = (status: number, reason: string) => {
      rejected.push({ endpoint, reason });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(reason);
    };
    if (request.method !== 'POST') return refuse(405, 'pushes are POSTed');
    const forced = answers.get(endpoint);
    if (forced !== undefined) {
      response.writeHead(forced, { 'content-type': 'text/plain' }).end(forced === 410 ? 'push subscription has unsubscribed or expired' : `answering ${forced} on request`);
      return;
    }
    if (!subscribed) {
      response.writeHead(404).end('no such subscription');
      return;
    }
    let vapid: VapidClaims;
    try {
      const checked = verifyVapid(request.headers.authorization, endpoint);
      if (checked.publicKey !== subscribed.applicationServerKey) throw new Error('k is not the applicationServerKey the subscription was made with');
      vapid = checked.claims;
    } catch (error) {
      return refuse(403, (error as Error).message);
    }
    if (request.headers['content-encoding'] !== 'aes128gcm') return refuse(400, `Content-Encoding must be aes128gcm, not ${String(request.headers['content-encoding'])}`);
    if (body.length > 4096) return refuse(413, `the body is ${body.length} bytes; at most 4096 are taken`);
    let payload: string;
    try {
      payload = decryptPush(body, subscribed.browser).toString('utf8');
    } catch (error) {
      return refuse(400, `the payload does not decrypt: ${(error as Error).message}`);
    }
    const header = (name: string) => {
      const value = request.headers[name];
      return typeof value === 'string' ? value : null;
    };
    const location = `${base}/messages/${randomUUID()}`;
    received.push({ endpoint, payload, ttl: header('ttl'), urgency: header('urgency'), topic: header('topic'), vapid, location });
    response.writeHead(201, { location }).end();
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    subscribe(applicationServerKey) {
      const browser = generateBrowserKeys();
      const endpoint = `${base}/push/${randomUUID()}`;
      subscriptions.set(endpoint, { applicationServerKey, browser });
      return { subscription: { endpoint, keys: browser.keys }, browser };
    },
    answer: (endpoint, status) => void answers.set(endpoint, status),
    restore: (endpoint) => void answers.delete(endpoint),
    received: () => [...received],
    rejected: () => [...rejected],
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
