import { ForeignKeyConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../kernel/container.ts';
import type { EventBus } from '../../kernel/events/event-bus.ts';
import type { AuditLog } from '../audit/index.ts';
import type { SessionService } from '../auth/session.service.ts';
import { User } from '../users/index.ts';
import type { UserRecord } from '../users/user.entity.ts';
import { AdminErrors } from './admin-users.errors.ts';
import { checkGrants } from './grants.ts';
import { Role } from './role.entity.ts';

export interface UserListQuery {
  role?: string;
  status?: 'active' | 'pending' | 'disabled';
  /** Case-insensitive substring of the email or the name. */
  q?: string;
  limit: number;
  offset: number;
}

export interface UserChange {
  role?: string;
  status?: 'active' | 'disabled';
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * What admins do to accounts: find them, change their role or status, approve vendors. Each change
 * writes an audit entry in the same transaction; disabling an account ends all its sessions.
 */
export class AdminUserService {
  readonly #em: EntityManager;
  readonly #actor: Actor;
  readonly #audit: AuditLog;
  readonly #sessions: SessionService;
  readonly #events: EventBus;

  constructor({ em, actor, auditLog, sessionService, events }: { em: EntityManager; actor: Actor; auditLog: AuditLog; sessionService: SessionService; events: EventBus }) {
    this.#em = em;
    this.#events = events;
    this.#actor = actor;
    this.#audit = auditLog;
    this.#sessions = sessionService;
  }

  async list(query: UserListQuery): Promise<{ items: UserRecord[]; count: number }> {
    const where: Record<string, unknown> = {};
    if (query.role) where.role = query.role;
    if (query.status) where.status = query.status;
    const q = query.q?.trim();
    if (q) where.$or = [{ email: { $ilike: likePattern(q) } }, { name: { $ilike: likePattern(q) } }];
    const [items, count] = await this.#em.findAndCount(User, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: query.limit, offset: query.offset });
    return { items, count };
  }

  async get(id: string): Promise<UserRecord> {
    const user = await this.#em.findOne(User, { id });
    if (!user) throw AdminErrors.ADMIN_USER_NOT_FOUND(`No account has the id "${id}"`);
    return user;
  }

  async update(id: string, change: UserChange): Promise<UserRecord> {
    let disabled = false;
    let user: UserRecord;
    try {
      user = await this.#em.transactional(async (em) => {
        // the active admins are locked first, so two admins demoting each other cannot both succeed
        const admins = await em.execute<Array<{ id: string }>>(`select id from cw_user where role = 'admin' and status = 'active' order by id for update`);
        const target = await em.findOne(User, { id });
        if (!target) throw AdminErrors.ADMIN_USER_NOT_FOUND(`No account has the id "${id}"`);
        const roleChanges = change.role !== undefined && change.role !== target.role;
        const statusChanges = change.status !== undefined && change.status !== target.status;
        const losesAdmin = target.role === 'admin' && target.status === 'active' && ((roleChanges && change.role !== 'admin') || (statusChanges && change.status === 'disabled'));
        if (losesAdmin) {
          if (this.#actor.kind === 'user' && this.#actor.userId === id) throw AdminErrors.ADMIN_SELF_CHANGE('You cannot demote or disable your own account; ask another admin');
          if (admins.filter((a) => a.id !== id).length === 0) throw AdminErrors.ADMIN_LAST_ADMIN('This is the last active admin; promote another account first');
        }
        if (roleChanges) {
          const [from, to] = await Promise.all([em.findOne(Role, { name: target.role }), em.findOne(Role, { name: change.role! })]);
          if (!to) throw AdminErrors.ROLE_UNKNOWN(`No role is named "${change.role}"`, { errors: [{ in: 'body', pointer: '/role', rule: 'exists', message: 'must name an existing role' }] });
          // moving an account between roles hands out (or takes away) their permissions: hold both
          checkGrants(this.#actor, [...(from?.permissions ?? []), ...to.permissions]);
          const before = { role: target.role };
          target.role = change.role as UserRecord['role'];
          this.#audit.record(em, { action: 'user.role_changed', target: { type: 'user', id }, before, after: { role: target.role } });
        }
        if (statusChanges) {
          const before = { status: target.status };
          target.status = change.status!;
          disabled = change.status === 'disabled';
          this.#audit.record(em, { action: disabled ? 'user.disabled' : 'user.enabled', target: { type: 'user', id }, before, after: { status: target.status } });
        }
        return target;
      });
    } catch (error) {
      if (error instanceof ForeignKeyConstraintViolationException) throw AdminErrors.ROLE_UNKNOWN(`No role is named "${change.role}"`);
      throw error;
    }
    // after commit: on the embedded database a second statement inside the transaction would wait on it
    if (disabled) await this.#sessions.revokeAll(id, 'account_disabled');
    return user;
  }

  async approve(id: string): Promise<UserRecord> {
    return this.#em.transactional(async (em) => {
      const user = await em.findOne(User, { id });
      if (!user) throw AdminErrors.ADMIN_USER_NOT_FOUND(`No account has the id "${id}"`);
      if (user.status !== 'pending') throw AdminErrors.ADMIN_USER_NOT_PENDING(`The account is ${user.status}, not pending`);
      user.status = 'active';
      this.#audit.record(em, { action: 'user.approved', target: { type: 'user', id }, before: { status: 'pending' }, after: { status: 'active', role: user.role } });
      // the notifications module tells an approved vendor (rule `vendor.approved`)
      this.#events.emit(em, 'user.approved', { userId: user.id, email: user.email, role: user.role });
      return user;
    });
  }
}
