import { Type, type Static, type TSchema } from 'typebox';
import type { InboxEntry } from './inbox-entries.ts';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const POSITION_PATTERN = '^[0-9]{1,18}$';
const Position = Type.String({ pattern: POSITION_PATTERN, description: 'The stream position (the SSE event id): a decimal integer, larger for later entries' });

export const InboxEntryView = Type.Object({
  id: Type.String(),
  position: Position,
  title: Nullable(Type.String()),
  body: Type.String({ description: 'Plain text; escape it when you display it' }),
  link: Nullable(Type.String({ description: 'Where the notification leads: a URL or an app path' })),
  category: Type.String(),
  read: Type.Boolean(),
  readAt: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
});
export type InboxEntryView = Static<typeof InboxEntryView>;

export function entryView(entry: InboxEntry): InboxEntryView {
  return {
    id: entry.id,
    position: entry.position,
    title: entry.title,
    body: entry.body,
    link: entry.link,
    category: entry.category,
    read: entry.readAt !== null,
    readAt: entry.readAt?.toISOString() ?? null,
    createdAt: entry.createdAt.toISOString(),
  };
}

export const InboxListQuery = Type.Object(
  {
    unread: Type.Optional(Type.Boolean({ description: 'Only unread entries' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, default: 0 })),
  },
  { additionalProperties: false },
);

export const InboxPage = Type.Object({
  items: Type.Array(InboxEntryView),
  count: Type.Integer({ description: 'Entries matching the filter, across pages' }),
  unread: Type.Integer({ description: 'Unread entries in the whole inbox' }),
});

export const InboxEntryParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const UnreadCount = Type.Object({ unread: Type.Integer() });

export const ReadAllBody = Type.Object(
  {
    upTo: Type.Optional(
      Type.String({
        pattern: POSITION_PATTERN,
        description: 'Only entries up to this position (the newest one the person saw), so one that arrived meanwhile stays unread',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ReadAllResult = Type.Object({ marked: Type.Integer(), unread: Type.Integer() });

export const StreamQuery = Type.Object(
  {
    access_token: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'The access token, for EventSource (which cannot send headers)' })),
    lastEventId: Type.Optional(Type.String({ maxLength: 64, description: 'Resume after this position when the Last-Event-ID header cannot be sent' })),
  },
  { additionalProperties: false },
);
