import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import type { Cradle } from '../../../kernel/container.ts';
import { countAfter, entriesAfter, latestPosition, unreadCount, type InboxEntry } from './inbox-entries.ts';
import { entryView } from './inbox.schemas.ts';

/** Most streams one user may hold open in one process (tabs, devices). */
export const MAX_STREAMS_PER_USER = 5;
/** Most entries a resuming stream replays; further behind, it is told to reload (`event: resync`). */
export const REPLAY_LIMIT = 100;
/** How long a browser waits before reconnecting. */
export const RETRY_MS = 3_000;

export interface StreamCaller {
  userId: string;
  sessionId: string;
}

/**
 * One open `text/event-stream` of one user. Every step (replay, catch-up after a wake-up,
 * heartbeat) runs one at a time on the request's scope, and reads the table from the position it
 * last sent: a wake-up says only "look".
 */
export class InboxStream {
  readonly #cradle: Cradle;
  readonly #caller: StreamCaller;
  readonly #out = new PassThrough();
  #position = '0';
  #unread: number | undefined;
  #running: Promise<void> = Promise.resolve();
  #pending = false;
  #closed = false;
  #heartbeat: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(cradle: Cradle, caller: StreamCaller) {
    this.#cradle = cradle;
    this.#caller = caller;
  }

  /** Answers the request with the stream: replays what came after `lastEventId`, then sends entries as they arrive. */
  async open(ctx: Context, lastEventId: string | undefined): Promise<void> {
    const { em, inboxWakeUps } = this.#cradle;
    this.#unsubscribe = inboxWakeUps.subscribe(this.#caller.userId, this);
    await inboxWakeUps.ready();
    ctx.res.once('close', () => this.close());
    ctx.status = 200;
    ctx.set('Content-Type', 'text/event-stream; charset=utf-8');
    ctx.set('Cache-Control', 'no-cache, no-transform');
    ctx.set('Connection', 'keep-alive');
    // nginx buffers responses unless told otherwise, which would hold events back
    ctx.set('X-Accel-Buffering', 'no');
    ctx.body = this.#out;
    this.#write(`retry: ${RETRY_MS}\n\n`);

    const latest = await latestPosition(em, this.#caller.userId);
    if (lastEventId === undefined || BigInt(lastEventId) > BigInt(latest)) this.#position = latest;
    else if ((await countAfter(em, this.#caller.userId, lastEventId)) > REPLAY_LIMIT) {
      this.#position = latest;
      this.#write(`event: resync\ndata: ${JSON.stringify({ reason: 'too far behind: reload the list' })}\n\n`);
    } else this.#position = lastEventId;
    this.#heartbeat = setInterval(() => this.#step(true), this.#cradle.config.notifications.streamHeartbeatSeconds * 1000);
    this.#step(false);
  }

  wake(): void {
    this.#step(false);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#unsubscribe?.();
    this.#out.end();
  }

  /** Queues one catch-up; wake-ups that arrive while one is queued fold into it. */
  #step(heartbeat: boolean): void {
    if (this.#closed || (this.#pending && !heartbeat)) return;
    this.#pending = true;
    this.#running = this.#running
      .then(() => {
        this.#pending = false;
        return this.#catchUp(heartbeat);
      })
      .catch((error: unknown) => {
        this.#cradle.logger.warn({ err: error, userId: this.#caller.userId }, 'notification stream failed; closing it');
        this.close();
      });
  }

  async #catchUp(heartbeat: boolean): Promise<void> {
    if (this.#closed) return;
    const { em, sessionService } = this.#cradle;
    // a revoked session (sign-out, password change) or an expired one ends the stream at the next wake-up or heartbeat
    if (!(await sessionService.isActive(this.#caller.sessionId, this.#caller.userId))) {
      this.#write(`event: session-ended\ndata: {}\n\n`);
      this.close();
      return;
    }
    for (;;) {
      const batch = await entriesAfter(em, this.#caller.userId, this.#position, REPLAY_LIMIT);
      for (const entry of batch) this.#send(entry);
      if (batch.length < REPLAY_LIMIT || this.#closed) break;
    }
    const unread = await unreadCount(em, this.#caller.userId);
    if (unread !== this.#unread) {
      this.#unread = unread;
      this.#write(`event: unread-count\ndata: ${JSON.stringify({ unread })}\n\n`);
    } else if (heartbeat) this.#write(': keep-alive\n\n');
  }

  #send(entry: InboxEntry): void {
    this.#position = entry.position;
    this.#write(`id: ${entry.position}\nevent: notification\ndata: ${JSON.stringify(entryView(entry))}\n\n`);
  }

  #write(chunk: string): void {
    if (!this.#closed) this.#out.write(chunk);
  }
}
