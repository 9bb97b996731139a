import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../kernel/container.ts';
import { newId } from '../../kernel/ids.ts';
import { checkGrants } from '../admin-users/index.ts';
import type { AuditLog } from '../audit/index.ts';
import { hashToken, newSecretToken } from '../auth/secret-token.ts';
import { ApiKey, type ApiKeyRecord } from './api-key.entity.ts';
import { ApiKeyErrors } from './api-keys.errors.ts';

/** `last_used_at` is written at most this often per key, so a busy integration does not write on every request. */
const LAST_USED_GRANULARITY_MS = 60_000;
const VISIBLE_PREFIX_LENGTH = 11; // `ck_` and 8 characters of the random part

function snapshot(key: ApiKeyRecord) {
  return { name: key.name, prefix: key.prefix, permissions: [...key.permissions], expiresAt: key.expiresAt?.toISOString() ?? null, revokedAt: key.revokedAt?.toISOString() ?? null };
}

/** API keys: created with permissions the creator holds, shown once, stored hashed, revocable. */
export class ApiKeyService {
  readonly #em: EntityManager;
  readonly #cradle: { actor: Actor; auditLog: AuditLog };

  constructor(cradle: { em: EntityManager; actor: Actor; auditLog: AuditLog }) {
    this.#em = cradle.em;
    // the actor is read when needed: the authenticator resolves this service before the request's actor is known
    this.#cradle = cradle;
  }

  get #actor(): Actor {
    return this.#cradle.actor;
  }

  async create(input: { name: string; permissions: string[]; expiresAt?: Date }): Promise<{ key: ApiKeyRecord; secret: string }> {
    const permissions = checkGrants(this.#actor, input.permissions);
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw ApiKeyErrors.API_KEY_EXPIRY_INVALID(undefined, { errors: [{ in: 'body', pointer: '/expiresAt', rule: 'future', message: 'must be in the future' }] });
    }
    const secret = newSecretToken('ck');
    const key = await this.#em.transactional(async (em) => {
      const key = em.create(ApiKey, {
        id: newId('key'),
        name: input.name,
        prefix: secret.slice(0, VISIBLE_PREFIX_LENGTH),
        keyHash: hashToken(secret),
        permissions,
        createdBy: this.#actor.kind === 'user' ? this.#actor.userId : null,
        createdAt: new Date(),
        expiresAt: input.expiresAt ?? null,
        lastUsedAt: null,
        revokedAt: null,
      });
      this.#cradle.auditLog.record(em, { action: 'api_key.created', target: { type: 'api_key', id: key.id }, before: null, after: snapshot(key) });
      return key;
    });
    return { key, secret };
  }

  async list(): Promise<ApiKeyRecord[]> {
    return this.#em.find(ApiKey, {}, { orderBy: { createdAt: 'desc', id: 'desc' } });
  }

  async revoke(id: string): Promise<void> {
    await this.#em.transactional(async (em) => {
      const key = await em.findOne(ApiKey, { id });
      if (!key) throw ApiKeyErrors.API_KEY_NOT_FOUND(`No API key has the id "${id}"`);
      if (key.revokedAt) return;
      const before = snapshot(key);
      key.revokedAt = new Date();
      this.#cradle.auditLog.record(em, { action: 'api_key.revoked', target: { type: 'api_key', id }, before, after: snapshot(key) });
    });
  }

  /** The live key a presented secret belongs to, or undefined (unknown, revoked, expired). */
  async authenticate(secret: string): Promise<{ id: string; permissions: string[] } | undefined> {
    const rows = await this.#em.execute<Array<{ id: string; permissions: string[] | string; expires_at: Date | string | null; last_used_at: Date | string | null; revoked_at: unknown }>>(
      'select id, permissions, expires_at, last_used_at, revoked_at from cw_api_key where key_hash = ?',
      [hashToken(secret)],
    );
    const row = rows[0];
    const now = Date.now();
    if (!row || row.revoked_at || (row.expires_at && new Date(row.expires_at).getTime() <= now)) return undefined;
    if (!row.last_used_at || new Date(row.last_used_at).getTime() < now - LAST_USED_GRANULARITY_MS) {
      await this.#em.execute('update cw_api_key set last_used_at = ? where id = ?', [new Date(now), row.id], 'run');
    }
    return { id: row.id, permissions: typeof row.permissions === 'string' ? JSON.parse(row.permissions) : row.permissions };
  }
}
