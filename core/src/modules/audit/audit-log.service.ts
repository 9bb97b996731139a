import type { EntityManager } from '@mikro-orm/sql';
import { actorReference, type Actor } from '../../kernel/container.ts';
import { newId } from '../../kernel/ids.ts';
import { AuditEntry, type AuditEntryRecord } from './audit.entity.ts';

export interface AuditRecordInput {
  /** `<target type>.<what happened>`, past tense: `user.role_changed`, `api_key.revoked`. */
  action: string;
  target: { type: string; id: string | null };
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export interface AuditQuery {
  action?: string;
  actorId?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/**
 * The admin audit log. Scoped: it records the current actor, request id and client address, and
 * `record` writes through the caller's EntityManager so the entry commits with the change it
 * describes (or not at all).
 */
export class AuditLog {
  readonly #em: EntityManager;
  readonly #actor: Actor;
  readonly #requestId: string;
  readonly #clientIp: string | null;

  constructor({ em, actor, requestId, clientIp }: { em: EntityManager; actor: Actor; requestId: string; clientIp: string | null }) {
    this.#em = em;
    this.#actor = actor;
    this.#requestId = requestId;
    this.#clientIp = clientIp;
  }

  record(em: EntityManager, input: AuditRecordInput): AuditEntryRecord {
    const actor = actorReference(this.#actor);
    return em.create(AuditEntry, {
      id: newId('aud'),
      actorKind: actor.kind,
      actorId: actor.id,
      action: input.action,
      targetType: input.target.type,
      targetId: input.target.id,
      before: input.before ?? null,
      after: input.after ?? null,
      requestId: this.#requestId ?? null,
      ip: this.#clientIp?.slice(0, 64) ?? null,
      createdAt: new Date(),
    });
  }

  /** Newest first. */
  async list(query: AuditQuery): Promise<{ items: AuditEntryRecord[]; count: number }> {
    const where: Record<string, unknown> = {};
    if (query.action) where.action = query.action;
    if (query.actorId) where.actorId = query.actorId;
    if (query.targetId) where.targetId = query.targetId;
    if (query.from || query.to) where.createdAt = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lt: query.to } : {}) };
    const [items, count] = await this.#em.findAndCount(AuditEntry, where, {
      orderBy: { createdAt: 'desc', id: 'desc' },
      limit: query.limit,
      offset: query.offset,
    });
    return { items, count };
  }
}
