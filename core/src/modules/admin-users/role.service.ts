import { ForeignKeyConstraintViolationException, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../kernel/container.ts';
import type { AuditLog } from '../audit/index.ts';
import { User } from '../users/index.ts';
import { AdminErrors } from './admin-users.errors.ts';
import { checkGrants } from './grants.ts';
import { Role, type RoleRecord } from './role.entity.ts';

export interface RoleInput {
  name: string;
  description?: string;
  permissions: string[];
}

function snapshot(role: RoleRecord) {
  return { name: role.name, description: role.description, permissions: [...role.permissions] };
}

/** Roles: built-ins are fixed; custom roles hold permissions from the catalogue that their creator holds. */
export class RoleService {
  readonly #em: EntityManager;
  readonly #actor: Actor;
  readonly #audit: AuditLog;

  constructor({ em, actor, auditLog }: { em: EntityManager; actor: Actor; auditLog: AuditLog }) {
    this.#em = em;
    this.#actor = actor;
    this.#audit = auditLog;
  }

  async list(): Promise<Array<RoleRecord & { userCount: number }>> {
    const roles = await this.#em.find(Role, {}, { orderBy: { builtIn: 'desc', name: 'asc' } });
    const counts = await this.#em.execute<Array<{ role: string; n: string | number }>>('select role, count(*) as n from cw_user group by role');
    const byRole = new Map(counts.map((c) => [c.role, Number(c.n)]));
    return roles.map((role) => Object.assign(role, { userCount: byRole.get(role.name) ?? 0 }));
  }

  async get(name: string): Promise<RoleRecord> {
    const role = await this.#em.findOne(Role, { name });
    if (!role) throw AdminErrors.ROLE_NOT_FOUND(`No role is named "${name}"`);
    return role;
  }

  async create(input: RoleInput): Promise<RoleRecord> {
    const permissions = checkGrants(this.#actor, input.permissions);
    const exists = () => AdminErrors.ROLE_EXISTS(`A role named "${input.name}" already exists`);
    return this.#em
      .transactional(async (em) => {
        if (await em.findOne(Role, { name: input.name })) throw exists();
        const role = em.create(Role, { name: input.name, description: input.description ?? '', permissions, builtIn: false, createdAt: new Date(), updatedAt: new Date() });
        this.#audit.record(em, { action: 'role.created', target: { type: 'role', id: role.name }, before: null, after: snapshot(role) });
        return role;
      })
      .catch((error: unknown) => {
        // two creations racing past the check meet the primary key
        throw error instanceof UniqueConstraintViolationException ? exists() : error;
      });
  }

  async update(name: string, input: { description?: string; permissions?: string[] }): Promise<RoleRecord> {
    const permissions = input.permissions === undefined ? undefined : checkGrants(this.#actor, input.permissions);
    return this.#em.transactional(async (em) => {
      const role = await em.findOne(Role, { name });
      if (!role) throw AdminErrors.ROLE_NOT_FOUND(`No role is named "${name}"`);
      if (role.builtIn) throw AdminErrors.ROLE_BUILT_IN(`"${name}" is a built-in role; define a custom role instead`);
      // taking permissions away is a grant decision too: only someone holding them may narrow the role
      const removed = role.permissions.filter((p) => permissions && !permissions.includes(p));
      checkGrants(this.#actor, removed);
      const before = snapshot(role);
      if (input.description !== undefined) role.description = input.description;
      if (permissions !== undefined) role.permissions = permissions;
      this.#audit.record(em, { action: 'role.updated', target: { type: 'role', id: name }, before, after: snapshot(role) });
      return role;
    });
  }

  async delete(name: string): Promise<void> {
    await this.#deleteIn(name).catch((error: unknown) => {
      // an account given the role after the check above: the foreign key keeps the role
      if (error instanceof ForeignKeyConstraintViolationException) throw AdminErrors.ROLE_IN_USE(`Accounts hold "${name}"; give them another role first`);
      throw error;
    });
  }

  async #deleteIn(name: string): Promise<void> {
    await this.#em.transactional(async (em) => {
      const role = await em.findOne(Role, { name });
      if (!role) throw AdminErrors.ROLE_NOT_FOUND(`No role is named "${name}"`);
      if (role.builtIn) throw AdminErrors.ROLE_BUILT_IN(`"${name}" is a built-in role`);
      const holders = await em.count(User, { role: name as never });
      if (holders > 0) throw AdminErrors.ROLE_IN_USE(`${holders} account(s) hold "${name}"; give them another role first`, { extensions: { userCount: holders } });
      this.#audit.record(em, { action: 'role.deleted', target: { type: 'role', id: name }, before: snapshot(role), after: null });
      em.remove(role);
    });
  }
}
