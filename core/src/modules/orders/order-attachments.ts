import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { actorReference, type Actor } from '../../kernel/container.ts';
import { rows, run } from '../../kernel/db/sql.ts';
import type { FieldIssue } from '../../kernel/errors.ts';
import type { MediaService, MediaView } from '../media/index.ts';
import { OrderErrors } from './orders.errors.ts';

export type AttachmentPurpose = 'return' | 'complaint';

/**
 * Stores an image someone uploaded about an order and ties it to that order. The upload itself is
 * the media service's (type checked from the bytes, metadata stripped, renditions written); the
 * row here is what later lets a return or a complaint of this order, and only of this order, show it.
 */
export async function attachToOrder(
  em: EntityManager,
  media: MediaService,
  orderId: string,
  upload: { bytes: Buffer; filename: string; purpose: AttachmentPurpose; actor: Actor },
): Promise<MediaView> {
  const who = actorReference(upload.actor);
  const view = await media.upload({ bytes: upload.bytes, filename: upload.filename, purpose: upload.purpose, ownerId: upload.actor.kind === 'user' ? upload.actor.userId : null });
  await run(
    em,
    sql`insert into cw_order_attachment (media_id, order_id, actor_kind, actor_id, created_at) values (${view.id}, ${orderId}, ${who.kind}, ${who.id}, ${new Date()})`,
  );
  return view;
}

/**
 * Refuses (422 `ORDER_ATTACHMENT_INVALID`, naming `pointer/<index>`) any id that is not an image
 * uploaded for this order, so a return or a complaint can never show another order's pictures.
 */
export async function requireOrderAttachments(em: EntityManager, orderId: string, mediaIds: readonly string[], pointer: string): Promise<void> {
  if (mediaIds.length === 0) return;
  const found = new Set(
    (await rows<{ media_id: string }>(em, sql`select media_id from cw_order_attachment where order_id = ${orderId} and media_id in (${sql.join([...mediaIds])})`)).map(
      (r) => r.media_id,
    ),
  );
  const seen = new Set<string>();
  const issues: FieldIssue[] = [];
  mediaIds.forEach((id, index) => {
    if (!found.has(id)) issues.push({ in: 'body', pointer: `${pointer}/${index}`, rule: 'orderAttachment', message: `${id} is not an image uploaded for this order` });
    else if (seen.has(id)) issues.push({ in: 'body', pointer: `${pointer}/${index}`, rule: 'uniqueItems', message: `${id} is listed twice` });
    seen.add(id);
  });
  if (issues.length) throw OrderErrors.ORDER_ATTACHMENT_INVALID(issues[0]!.message, { errors: issues });
}
