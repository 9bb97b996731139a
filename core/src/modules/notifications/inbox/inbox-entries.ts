import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { newId } from '../../../kernel/ids.ts';
import { rows, run } from '../../../kernel/db/sql.ts';

/** One notification in a user's inbox, as the API and the stream show it. */
export interface InboxEntry {
  id: string;
  /** The stream position: the SSE event id a stream resumes after. */
  position: string;
  title: string | null;
  body: string;
  link: string | null;
  category: string;
  readAt: Date | null;
  createdAt: Date;
}

export interface NewInboxEntry {
  userId: string;
  messageId: string;
  idempotencyKey: string;
  title: string | null;
  body: string;
  link: string | null;
  category: string;
}

interface EntryRow {
  id: string;
  position: string | number;
  title: string | null;
  body: string;
  link: string | null;
  category: string;
  read_at: Date | string | null;
  created_at: Date | string;
}

const COLUMNS = sql`id, position, title, body, link, category, read_at, created_at`;

function toEntry(row: EntryRow): InboxEntry {
  return {
    id: row.id,
    position: String(row.position),
    title: row.title,
    body: row.body,
    link: row.link,
    category: row.category,
    readAt: row.read_at === null ? null : new Date(row.read_at),
    createdAt: new Date(row.created_at),
  };
}

/**
 * Stores an entry once per idempotency key, inside the caller's transaction. A retried send answers
 * the entry the first one stored (`created: false`).
 */
export async function insertEntry(tx: EntityManager, entry: NewInboxEntry): Promise<{ entry: InboxEntry; created: boolean }> {
  // positions are taken from one sequence by every writer; serialising the writers of one user makes
  // that user's positions commit in order, which is what resuming after a position relies on
  await rows(tx, sql`select pg_advisory_xact_lock(hashtextextended(${`cw_inbox:${entry.userId}`}, 0))`);
  const inserted = await rows<EntryRow>(
    tx,
    sql`insert into cw_notification (id, user_id, message_id, idempotency_key, title, body, link, category, created_at)
        values (${newId('ntf')}, ${entry.userId}, ${entry.messageId}, ${entry.idempotencyKey}, ${entry.title}, ${entry.body},
                ${entry.link}, ${entry.category}, ${new Date()})
        on conflict (idempotency_key) do nothing
        returning ${COLUMNS}`,
  );
  if (inserted[0]) return { entry: toEntry(inserted[0]), created: true };
  const [existing] = await rows<EntryRow>(tx, sql`select ${COLUMNS} from cw_notification where idempotency_key = ${entry.idempotencyKey}`);
  return { entry: toEntry(existing!), created: false };
}

export async function listEntries(
  em: EntityManager,
  userId: string,
  options: { unreadOnly: boolean; limit: number; offset: number },
): Promise<{ items: InboxEntry[]; count: number }> {
  const unread = options.unreadOnly ? sql`and read_at is null` : sql``;
  const items = await rows<EntryRow>(
    em,
    sql`select ${COLUMNS} from cw_notification where user_id = ${userId} ${unread}
        order by position desc limit ${options.limit} offset ${options.offset}`,
  );
  const [total] = await rows<{ count: string | number }>(em, sql`select count(*) as count from cw_notification where user_id = ${userId} ${unread}`);
  return { items: items.map(toEntry), count: Number(total!.count) };
}

export async function unreadCount(em: EntityManager, userId: string): Promise<number> {
  const [row] = await rows<{ count: string | number }>(em, sql`select count(*) as count from cw_notification where user_id = ${userId} and read_at is null`);
  return Number(row!.count);
}

/** The entry, if it is in this user's inbox (another user's entry is as absent as a missing one). */
export async function findEntry(em: EntityManager, userId: string, id: string): Promise<InboxEntry | undefined> {
  const [row] = await rows<EntryRow>(em, sql`select ${COLUMNS} from cw_notification where id = ${id} and user_id = ${userId}`);
  return row ? toEntry(row) : undefined;
}

/** Marks one entry read (a second time keeps the first `read_at`); answers whether it is the user's. */
export async function markRead(em: EntityManager, userId: string, id: string): Promise<boolean> {
  const [row] = await rows<{ id: string }>(
    em,
    sql`update cw_notification set read_at = coalesce(read_at, ${new Date()}) where id = ${id} and user_id = ${userId} returning id`,
  );
  return row !== undefined;
}

/** Marks every unread entry read, up to `position` when given (what the person saw); answers how many changed. */
export async function markAllRead(em: EntityManager, userId: string, upTo: string | undefined): Promise<number> {
  const bound = upTo === undefined ? sql`` : sql`and position <= ${upTo}`;
  return run(em, sql`update cw_notification set read_at = ${new Date()} where user_id = ${userId} and read_at is null ${bound}`);
}

export async function deleteEntry(em: EntityManager, userId: string, id: string): Promise<boolean> {
  return (await run(em, sql`delete from cw_notification where id = ${id} and user_id = ${userId}`)) > 0;
}

/** The user's latest position ('0' for an empty inbox): where a stream without `Last-Event-ID` starts. */
export async function latestPosition(em: EntityManager, userId: string): Promise<string> {
  const [row] = await rows<{ position: string | number | null }>(em, sql`select max(position) as position from cw_notification where user_id = ${userId}`);
  return String(row?.position ?? 0);
}

/** The user's entries after `position`, oldest first, at most `limit`. */
export async function entriesAfter(em: EntityManager, userId: string, position: string, limit: number): Promise<InboxEntry[]> {
  const found = await rows<EntryRow>(
    em,
    sql`select ${COLUMNS} from cw_notification where user_id = ${userId} and position > ${position} order by position limit ${limit}`,
  );
  return found.map(toEntry);
}

/** How many of the user's entries come after `position` (a resuming stream too far behind starts over). */
export async function countAfter(em: EntityManager, userId: string, position: string): Promise<number> {
  const [row] = await rows<{ count: string | number }>(em, sql`select count(*) as count from cw_notification where user_id = ${userId} and position > ${position}`);
  return Number(row!.count);
}
