import { request, type IncomingMessage, type ClientRequest } from 'node:http';
import type { OutgoingMessage, SendResult } from '@cartwright/core';
import type { TestStore } from '@cartwright/core/testing';

export interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
}

let sequence = 0;

/** An in-app message for a user; a fresh idempotency key unless one is given. */
export function inAppMessage(userId: string | null, fields: Partial<OutgoingMessage> = {}): OutgoingMessage {
  sequence++;
  return {
    id: `msg_test_${process.pid}_${sequence}`,
    idempotencyKey: `key_${process.pid}_${Date.now()}_${sequence}`,
    to: { userId },
    subject: `Title ${sequence}`,
    text: `Body ${sequence}`,
    link: `/orders/${sequence}`,
    category: 'orders',
    ...fields,
  };
}

/** Sends through the store's own in-app channel, as the delivery pipeline will. */
export async function sendInApp(store: TestStore, message: OutgoingMessage): Promise<SendResult> {
  const channel = await store.commerce.container.cradle.notificationChannels.find('in_app');
  if (!channel) throw new Error('no in_app channel installed');
  return channel.send(message);
}

/**
 * A server-sent-events connection read incrementally over node:http: `next()` resolves with the
 * next event (comments are skipped), in arrival order.
 */
export class SseConnection {
  readonly response: IncomingMessage;
  readonly #request: ClientRequest;
  readonly #events: SseEvent[] = [];
  readonly #waiters: Array<(event: SseEvent | undefined) => void> = [];
  #buffer = '';
  #ended = false;

  private constructor(request: ClientRequest, response: IncomingMessage) {
    this.#request = request;
    this.response = response;
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.#feed(chunk));
    response.on('end', () => this.#end());
    response.on('close', () => this.#end());
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { accept: 'text/event-stream', ...headers } });
      req.once('response', (response) => resolve(new SseConnection(req, response)));
      req.once('error', reject);
      req.end();
    });
  }

  /** The next event; rejects when the stream ends first. */
  async next(): Promise<SseEvent> {
    const event = this.#events.shift() ?? (this.#ended ? undefined : await new Promise<SseEvent | undefined>((resolve) => this.#waiters.push(resolve)));
    if (!event) throw new Error('the event stream ended');
    return event;
  }

  /** The next event named `name`, skipping others (unread counts, …). */
  async nextOf(name: string): Promise<SseEvent> {
    for (;;) {
      const event = await this.next();
      if (event.event === name) return event;
    }
  }

  /** Resolves when the server ends the stream. */
  ended(): Promise<void> {
    if (this.#ended) return Promise.resolve();
    return new Promise((resolve) => this.response.once('close', () => resolve()));
  }

  close(): void {
    this.#request.destroy();
  }

  #feed(chunk: string): void {
    this.#buffer += chunk;
    for (let end = this.#buffer.indexOf('\n\n'); end !== -1; end = this.#buffer.indexOf('\n\n')) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      const event: SseEvent = { id: undefined, event: 'message', data: '' };
      let hasField = false;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') event.id = value;
        else if (field === 'event') event.event = value;
        else if (field === 'data') data.push(value);
        else continue;
        hasField = true;
      }
      if (!hasField || data.length === 0) continue; // comments, and the retry hint
      event.data = data.join('\n');
      const waiter = this.#waiters.shift();
      if (waiter) waiter(event);
      else this.#events.push(event);
    }
  }

  #end(): void {
    this.#ended = true;
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }
}
