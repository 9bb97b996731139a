import type { EntityManager } from '@mikro-orm/sql';
import { actorReference, type Actor } from '../../kernel/container.ts';
import { newId } from '../../kernel/ids.ts';
import type { AdminActionAudit, AdminActionReport } from '../../kernel/http/route.ts';
import { fallbackEntry } from './admin-fallback.ts';
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
  requestId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/**
 * The admin audit log. Scoped: it records the current actor, request id and client address, and
 * `record` writes through the caller's EntityManager so the entry commits with the change it
 * describes (or not at all). It also remembers whether anything was recorded in its scope: a
 * successful admin write that recorded nothing gets a generic entry from the router
 * (`recordFallback`), so no admin action goes unrecorded (decision 0020).
 */
export class AuditLog implements AdminActionAudit {
  readonly #em: EntityManager;
  readonly #actor: Actor;
  readonly #requestId: string;
  readonly #clientIp: string | null;
  #recorded = false;

  constructor({ em, actor, requestId, clientIp }: { em: EntityManager; actor: Actor; requestId: string; clientIp: string | null }) {
    this.#em = em;
    this.#actor = actor;
    this.#requestId = requestId;
    this.#clientIp = clientIp;
  }

  record(em: EntityManager, input: AuditRecordInput): AuditEntryRecord {
    this.#recorded = true;
    return em.create(AuditEntry, this.#entry(input));
  }

  /** Whether `record` was called in this scope (a request, for the router). */
  get recorded(): boolean {
    return this.#recorded;
  }

  /**
   * Writes the generic entry of an admin write that recorded none (see `fallbackEntry`). It runs after
   * the handler's transaction committed, so it commits on its own, through a fork that carries none of
   * the request's unflushed changes.
   */
  async recordFallback(report: AdminActionReport): Promise<void> {
    const em = this.#em.fork({ clear: true });
    em.create(AuditEntry, this.#entry(fallbackEntry(report)));
    await em.flush();
    this.#recorded = true;
  }

  #entry(input: AuditRecordInput) {
    const actor = actorReference(this.#actor);
    return {
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
    };
  }

  /** Newest first. */
  async list(query: AuditQuery): Promise<{ items: AuditEntryRecord[]; count: number }> {
    const where: Record<string, unknown> = {};
    if (query.action) where.action = query.action;
    if (query.actorId) where.actorId = query.actorId;
    if (query.targetId) where.targetId = query.targetId;
    if (query.requestId) where.requestId = query.requestId;
    if (query.from || query.to) where.createdAt = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lt: query.to } : {}) };
    const [items, count] = await this.#em.findAndCount(AuditEntry, where, {
      orderBy: { createdAt: 'desc', id: 'desc' },
      limit: query.limit,
      offset: query.offset,
    });
    return { items, count };
  }
}
