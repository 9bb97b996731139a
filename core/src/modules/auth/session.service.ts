import type { EntityManager } from '@mikro-orm/sql';
import type { RuntimeConfig } from '../../kernel/config/define-config.ts';
import { newId } from '../../kernel/ids.ts';
import type { AccessTokens } from './access-tokens.ts';
import { RefreshToken, Session, type SessionRevocation } from './auth.entities.ts';
import { AuthErrors } from './auth.errors.ts';
import { hashToken, newSecretToken } from './secret-token.ts';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
}

export interface ClientInfo {
  ip?: string | undefined;
  userAgent?: string | undefined;
}

/**
 * Sessions and their refresh tokens. A refresh token works once: using it marks it used and issues
 * the next one of the same session. Presenting a used one means two parties hold the session's
 * tokens (one of them stole it), so the whole session is revoked.
 */
export class SessionService {
  readonly #em: EntityManager;
  readonly #tokens: AccessTokens;
  readonly #config: RuntimeConfig['auth'];

  constructor({ em, accessTokens, config }: { em: EntityManager; accessTokens: AccessTokens; config: RuntimeConfig }) {
    this.#em = em;
    this.#tokens = accessTokens;
    this.#config = config.auth;
  }

  async start(user: { id: string; role: string }, client: ClientInfo): Promise<TokenPair> {
    const now = new Date();
    const refreshToken = newSecretToken('rt');
    const sessionId = await this.#em.transactional(async (em) => {
      const session = em.create(Session, {
        id: newId('ses'),
        userId: user.id,
        createdAt: now,
        lastUsedAt: now,
        expiresAt: new Date(now.getTime() + this.#config.refreshTokenTtl * 1000),
        ip: client.ip?.slice(0, 64) ?? null,
        userAgent: client.userAgent?.slice(0, 512) ?? null,
      });
      // ids, not relations, link the two, so the session row is written before its first token
      await em.flush();
      em.create(RefreshToken, { tokenHash: hashToken(refreshToken), sessionId: session.id, issuedAt: now });
      return session.id;
    });
    return this.#pair(user, sessionId, refreshToken);
  }

  async refresh(refreshToken: string): Promise<TokenPair & { userId: string }> {
    const outcome = await this.#em.transactional(async (em) => {
      const stored = await em.findOne(RefreshToken, { tokenHash: hashToken(refreshToken) });
      if (!stored) return { error: AuthErrors.AUTH_REFRESH_TOKEN_INVALID() } as const;
      const session = await em.findOne(Session, { id: stored.sessionId });
      const now = new Date();
      if (!session || session.revokedAt || session.expiresAt <= now) return { error: AuthErrors.AUTH_REFRESH_TOKEN_INVALID() } as const;
      // conditional: of two requests racing with the same token, exactly one rotates it
      const claimed = await em.execute<{ affectedRows: number }>(
        'update cw_refresh_token set used_at = ? where token_hash = ? and used_at is null',
        [now, stored.tokenHash],
        'run',
      );
      if (claimed.affectedRows !== 1) {
        await this.#revokeIn(em, { id: session.id }, 'token_reuse', now);
        return { reused: true } as const;
      }
      const next = newSecretToken('rt');
      em.create(RefreshToken, { tokenHash: hashToken(next), sessionId: session.id, issuedAt: now });
      session.lastUsedAt = now;
      const user = await em.getConnection().execute<Array<{ role: string; status: string }>>(
        'select role, status from cw_user where id = ?',
        [session.userId],
        'all',
        em.getTransactionContext(),
      );
      if (user[0]?.status === 'disabled') return { error: AuthErrors.AUTH_ACCOUNT_DISABLED() } as const;
      return { session, next, role: user[0]!.role } as const;
    });
    // the revocation above must commit even though the caller is refused, so the error is thrown after it
    if ('reused' in outcome) throw AuthErrors.AUTH_REFRESH_TOKEN_REUSED();
    if ('error' in outcome) throw outcome.error;
    return { ...this.#pair({ id: outcome.session.userId, role: outcome.role }, outcome.session.id, outcome.next), userId: outcome.session.userId };
  }

  /** Whether access tokens naming this session are still honoured. */
  async isActive(sessionId: string, userId: string): Promise<boolean> {
    const rows = await this.#em.execute<Array<{ ok: number }>>(
      'select 1 as ok from cw_session where id = ? and user_id = ? and revoked_at is null and expires_at > ?',
      [sessionId, userId, new Date()],
    );
    return rows.length === 1;
  }

  async revoke(sessionId: string, reason: SessionRevocation): Promise<void> {
    await this.#revokeIn(this.#em, { id: sessionId }, reason, new Date());
  }

  /** Ends every session of a user, or every other one when `except` names the caller's. */
  async revokeAll(userId: string, reason: SessionRevocation, except?: string): Promise<number> {
    return this.#revokeIn(this.#em, { userId, ...(except ? { except } : {}) }, reason, new Date());
  }

  async #revokeIn(em: EntityManager, target: { id: string } | { userId: string; except?: string }, reason: SessionRevocation, now: Date): Promise<number> {
    const [where, params] =
      'id' in target
        ? ['id = ?', [target.id]]
        : target.except
          ? ['user_id = ? and id <> ?', [target.userId, target.except]]
          : ['user_id = ?', [target.userId]];
    const result = await em.execute<{ affectedRows: number }>(
      `update cw_session set revoked_at = ?, revoked_reason = ? where ${where} and revoked_at is null`,
      [now, reason, ...params],
      'run',
    );
    return result.affectedRows;
  }

  #pair(user: { id: string; role: string }, sessionId: string, refreshToken: string): TokenPair {
    return {
      accessToken: this.#tokens.sign({ sub: user.id, sid: sessionId, role: user.role }),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.#tokens.ttlSeconds,
    };
  }
}
