import { Type } from 'typebox';
import type { Cradle } from '../../../kernel/container.ts';
import { authorize, signedInUser } from '../../../kernel/http/access.ts';
import { defineRoute } from '../../../kernel/http/route.ts';
import { NotificationErrors } from '../notifications.errors.ts';
import { deleteEntry, findEntry, listEntries, markAllRead, markRead, unreadCount } from './inbox-entries.ts';
import { InboxStream, MAX_STREAMS_PER_USER, RETRY_MS } from './inbox-stream.ts';
import {
  entryView,
  InboxEntryParams,
  InboxEntryView,
  InboxListQuery,
  InboxPage,
  ReadAllBody,
  ReadAllResult,
  StreamQuery,
  UnreadCount,
} from './inbox.schemas.ts';

const SIGNED_IN = 'For any signed-in user (customers, staff, vendors); guests have no inbox. Another user’s entry is 404 `NOTIFICATION_NOT_FOUND`.';
const STREAM_POSITION = /^[0-9]{1,18}$/;

/** Marks the entries read (or deletes them) and wakes the user's streams, which then send the new unread count. */
async function changeInbox<T>(cradle: Cradle, userId: string, change: (tx: Cradle['em']) => Promise<T>): Promise<T> {
  return cradle.inboxWakeUps.write(cradle.em, async (tx) => ({ value: await change(tx), wake: [userId] }));
}

/** `/store/me/notifications`: the signed-in user's in-app inbox. */
export const inboxRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'My notifications, newest first',
    description: `${SIGNED_IN} \`unread=true\` lists only unread ones.`,
    tags: ['notifications'],
    access: 'authenticated',
    schema: { query: InboxListQuery, response: { 200: InboxPage } },
    handler: async ({ actor, query, cradle }) => {
      const { userId } = signedInUser(actor);
      const page = await listEntries(cradle.em, userId, { unreadOnly: query.unread ?? false, limit: query.limit ?? 20, offset: query.offset ?? 0 });
      return { items: page.items.map(entryView), count: page.count, unread: await unreadCount(cradle.em, userId) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/unread-count',
    summary: 'How many of my notifications are unread',
    description: SIGNED_IN,
    tags: ['notifications'],
    access: 'authenticated',
    schema: { response: { 200: UnreadCount } },
    handler: async ({ actor, cradle }) => ({ unread: await unreadCount(cradle.em, signedInUser(actor).userId) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/stream',
    summary: 'My notifications as they arrive (server-sent events)',
    description:
      'A `text/event-stream`: `event: notification` (its `id:` is the entry’s position, `data:` the entry as JSON), ' +
      '`event: unread-count` (`data: {"unread": n}`) on connect and whenever it changes, comment heartbeats, and ' +
      '`event: session-ended` before the stream closes because the session was revoked or expired. ' +
      'With the `Last-Event-ID` header (or `?lastEventId=`) the entries after that position are sent first; more than ' +
      '100 behind, `event: resync` tells the client to reload the list. EventSource cannot send headers: pass the access ' +
      `token as \`?access_token=\` (or send \`Authorization\` from a fetch-based client). At most ${MAX_STREAMS_PER_USER} ` +
      'streams per user per API process (429 `NOTIFICATION_STREAM_LIMIT` beyond).',
    tags: ['notifications'],
    // EventSource sends no Authorization header, so the route authenticates the query token itself
    access: 'public',
    schema: { query: StreamQuery, response: { 200: Type.String({ description: 'text/event-stream' }) } },
    handler: async ({ ctx, query, headers, cradle }) => {
      const authorization = typeof headers.authorization === 'string' ? headers.authorization : query.access_token ? `Bearer ${query.access_token}` : undefined;
      const actor = await cradle.authenticator.authenticate({ authorization, ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined });
      authorize(actor, 'authenticated');
      const { userId, sessionId } = signedInUser(actor);
      const header = headers['last-event-id'];
      const lastEventId = (typeof header === 'string' && header !== '' ? header : undefined) ?? query.lastEventId;
      if (lastEventId !== undefined && !STREAM_POSITION.test(lastEventId)) {
        throw NotificationErrors.NOTIFICATION_STREAM_CURSOR_INVALID('Last-Event-ID must be the id of an event of this stream (a decimal integer)', {
          extensions: { errors: [{ location: 'headers', pointer: '/last-event-id', message: 'must match pattern "^[0-9]{1,18}$"' }] },
        });
      }
      if (cradle.inboxWakeUps.count(userId) >= MAX_STREAMS_PER_USER) {
        throw NotificationErrors.NOTIFICATION_STREAM_LIMIT(`At most ${MAX_STREAMS_PER_USER} notification streams per user; close one first`, {
          headers: { 'Retry-After': String(Math.ceil(RETRY_MS / 1000)) },
        });
      }
      await new InboxStream(cradle, { userId, sessionId }).open(ctx, lastEventId);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/read-all',
    summary: 'Mark all my notifications read',
    description: `${SIGNED_IN} \`upTo\` (a position) leaves entries that arrived after it unread.`,
    tags: ['notifications'],
    access: 'authenticated',
    schema: { body: ReadAllBody, response: { 200: ReadAllResult } },
    handler: async ({ actor, body, cradle }) => {
      const { userId } = signedInUser(actor);
      const marked = await changeInbox(cradle, userId, (tx) => markAllRead(tx, userId, body.upTo));
      return { marked, unread: await unreadCount(cradle.em, userId) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/read',
    summary: 'Mark one notification read',
    description: `${SIGNED_IN} Marking it again keeps the first \`readAt\`.`,
    tags: ['notifications'],
    access: 'authenticated',
    schema: { params: InboxEntryParams, response: { 200: InboxEntryView } },
    handler: async ({ actor, params, cradle }) => {
      const { userId } = signedInUser(actor);
      const found = await changeInbox(cradle, userId, (tx) => markRead(tx, userId, params.id));
      const entry = found ? await findEntry(cradle.em, userId, params.id) : undefined;
      if (!entry) throw NotificationErrors.NOTIFICATION_NOT_FOUND(`No notification ${params.id} in your inbox`);
      return entryView(entry);
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/:id',
    summary: 'Remove one notification from my inbox',
    description: SIGNED_IN,
    tags: ['notifications'],
    access: 'authenticated',
    schema: { params: InboxEntryParams, response: { 204: null } },
    handler: async ({ actor, params, cradle }) => {
      const { userId } = signedInUser(actor);
      const deleted = await changeInbox(cradle, userId, (tx) => deleteEntry(tx, userId, params.id));
      if (!deleted) throw NotificationErrors.NOTIFICATION_NOT_FOUND(`No notification ${params.id} in your inbox`);
    },
  }),
];
