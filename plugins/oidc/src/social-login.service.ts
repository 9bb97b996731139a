import { createHash, randomBytes } from 'node:crypto';
import { AppError, type Cradle, type EntityManager } from '@cartwright/core';
import type { PendingLogin, ProviderProfile } from './provider-client.ts';

/** A pending sign-in lives this long between `/auth/oauth/:provider` and its callback. */
export const LOGIN_ATTEMPT_TTL_MS = 10 * 60 * 1000;

/** Why a sign-in failed: sent to the storefront as `?error=<code>`. */
export type SocialLoginError =
  | 'unknown_provider'
  | 'provider_unavailable'
  | 'invalid_state'
  | 'login_expired'
  | 'access_denied'
  | 'provider_error'
  | 'email_missing'
  | 'email_invalid'
  | 'email_not_verified'
  | 'account_not_verified'
  | 'account_disabled'
  | 'server_error';

export class SocialLoginFailure extends Error {
  readonly code: SocialLoginError;
  constructor(code: SocialLoginError, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * The parts of core's account and session services this plugin uses. Core registers them as
 * `userService` and `sessionService` but does not export their types from `@cartwright/core`,
 * so the plugin states what it relies on.
 */
export interface AccountServices {
  userService: {
    findByEmail(email: string): Promise<{ id: string; status: string; emailVerifiedAt?: Date | null } | null>;
    findById(id: string, em?: EntityManager): Promise<{ id: string; role: string; status: string; emailVerifiedAt?: Date | null } | null>;
    markEmailVerified(userId: string, em?: EntityManager, at?: Date): Promise<void>;
    create(
      input: { email: string; role: 'customer'; name?: string },
      em?: EntityManager,
    ): Promise<{ id: string; email: string; role: string; status: string }>;
  };
  sessionService: {
    start(
      user: { id: string; role: string },
      client: { ip?: string | undefined; userAgent?: string | undefined },
    ): Promise<{ accessToken: string; refreshToken: string; tokenType: string; expiresIn: number }>;
  };
}

export function accountServices(cradle: Cradle): AccountServices {
  const services = cradle as unknown as AccountServices;
  return { userService: services.userService, sessionService: services.sessionService };
}

interface SignedInUser {
  id: string;
  role: string;
  status: string;
  emailVerified: boolean;
}

/**
 * Pending sign-ins (single use, 10 minutes) and provider identities: which account a provider's
 * subject signs into, creating or linking it on first sign-in.
 */
export class SocialLoginService {
  readonly #em: EntityManager;
  readonly #users: AccountServices['userService'];
  readonly #events: Cradle['events'];

  constructor(cradle: Cradle) {
    this.#em = cradle.em;
    this.#users = accountServices(cradle).userService;
    this.#events = cradle.events;
  }

  /** Stores a pending sign-in; returns the random id that goes into the browser's cookie. */
  async saveAttempt(provider: string, pending: PendingLogin, now = new Date()): Promise<string> {
    const cookieValue = randomBytes(32).toString('base64url');
    // expired attempts nobody came back for are swept here, so the table stays small without a job
    await this.#em.execute('delete from oidc_login_attempt where created_at < ?', [new Date(now.getTime() - LOGIN_ATTEMPT_TTL_MS)], 'run');
    await this.#em.execute(
      'insert into oidc_login_attempt (id, provider, state, nonce, code_verifier, created_at) values (?, ?, ?, ?, ?, ?)',
      [attemptKey(cookieValue), provider, pending.state, pending.nonce, pending.codeVerifier, now],
      'run',
    );
    return cookieValue;
  }

  /**
   * Takes the pending sign-in named by the cookie, deleting it whatever comes next: a callback can
   * be used once. Fails for a missing, replayed, expired or other provider's attempt.
   */
  async consumeAttempt(provider: string, cookieValue: string | undefined, now = new Date()): Promise<PendingLogin> {
    if (!cookieValue) throw new SocialLoginFailure('invalid_state', 'no sign-in attempt cookie');
    const rows = await this.#em.execute<Array<{ provider: string; state: string; nonce: string | null; code_verifier: string; created_at: Date | string }>>(
      'delete from oidc_login_attempt where id = ? returning provider, state, nonce, code_verifier, created_at',
      [attemptKey(cookieValue)],
    );
    const row = rows[0];
    if (!row) throw new SocialLoginFailure('invalid_state', 'unknown or already used sign-in attempt');
    if (row.provider !== provider) throw new SocialLoginFailure('invalid_state', `the attempt was started for ${row.provider}`);
    if (new Date(row.created_at).getTime() + LOGIN_ATTEMPT_TTL_MS < now.getTime()) throw new SocialLoginFailure('login_expired', 'the sign-in attempt expired');
    return { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier };
  }

  /**
   * The account this provider identity signs into. A known identity signs into its account. An
   * unknown one links to the account with the same email only when the provider verified the
   * email (and the account's own address is verified, so an account someone pre-registered with a
   * victim's address cannot be taken over), or else creates a customer.
   */
  async resolveAccount(provider: string, profile: ProviderProfile): Promise<SignedInUser> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#resolveOnce(provider, profile);
      } catch (error) {
        // a concurrent first sign-in of the same person created the account or identity first: look again
        if (attempt === 0 && error instanceof AppError && error.code === 'USER_EMAIL_TAKEN') continue;
        throw error;
      }
    }
  }

  async #resolveOnce(provider: string, profile: ProviderProfile): Promise<SignedInUser> {
    const now = new Date();
    const linked = await this.#em.execute<Array<{ user_id: string }>>(
      'update oidc_identity set last_login_at = ? where provider = ? and subject = ? returning user_id',
      [now, provider, profile.subject],
    );
    if (linked[0]) return this.#checked(await this.#findUser(this.#em, linked[0].user_id));

    if (!profile.email) throw new SocialLoginFailure('email_missing', 'the provider shared no email address');
    const existing = await this.#users.findByEmail(profile.email);
    if (existing) {
      if (!profile.emailVerified) throw new SocialLoginFailure('email_not_verified', `the provider has not verified ${profile.email}`);
      if (!existing.emailVerifiedAt) throw new SocialLoginFailure('account_not_verified', `the account ${existing.id} has not verified its email`);
      if (existing.status === 'disabled') throw new SocialLoginFailure('account_disabled', `account ${existing.id} is disabled`);
      const userId = await this.#link(this.#em, provider, profile, existing.id, now);
      return this.#checked(await this.#findUser(this.#em, userId));
    }

    return this.#em.transactional(async (em) => {
      const created = await this.#users.create(
        { email: profile.email!, role: 'customer', name: (profile.name ?? '').slice(0, 200) }, // no password: a random one nobody knows
        em,
      );
      if (profile.emailVerified) await this.#users.markEmailVerified(created.id, em, now);
      this.#events.emit(em, 'user.registered', { userId: created.id, email: created.email, role: created.role, status: created.status });
      if (profile.emailVerified) this.#events.emit(em, 'user.email_verified', { userId: created.id, email: created.email });
      const userId = await this.#link(em, provider, profile, created.id, now);
      return this.#checked(await this.#findUser(em, userId));
    });
  }

  /** Links the identity; if a concurrent sign-in linked it first, that link wins. */
  async #link(em: EntityManager, provider: string, profile: ProviderProfile, userId: string, now: Date): Promise<string> {
    await em.execute(
      `insert into oidc_identity (provider, subject, user_id, email, created_at, last_login_at) values (?, ?, ?, ?, ?, ?)
       on conflict (provider, subject) do nothing`,
      [provider, profile.subject, userId, profile.email ?? null, now, now],
      'run',
    );
    const rows = await em.execute<Array<{ user_id: string }>>('select user_id from oidc_identity where provider = ? and subject = ?', [provider, profile.subject]);
    return rows[0]!.user_id;
  }

  #checked(user: SignedInUser): SignedInUser {
    if (user.status === 'disabled') throw new SocialLoginFailure('account_disabled', `account ${user.id} is disabled`);
    return user;
  }

  async #findUser(em: EntityManager, userId: string): Promise<SignedInUser> {
    const user = await this.#users.findById(userId, em);
    if (!user) throw new Error(`identity linked to account ${userId}, which does not exist`);
    return { id: user.id, role: user.role, status: user.status, emailVerified: user.emailVerifiedAt != null };
  }
}

/** The table stores a hash of the cookie's id, so reading the table does not let anyone finish a sign-in. */
function attemptKey(cookieValue: string): string {
  return createHash('sha256').update(cookieValue).digest('hex');
}
