import type { EntityManager } from '@mikro-orm/sql';
import { Strategy as LocalStrategy } from 'passport-local';
import type { RuntimeConfig } from '../../kernel/config/define-config.ts';
import type { EventBus } from '../../kernel/events/event-bus.ts';
import { burnPasswordCheck, hashPassword, needsRehash, passwordProblems, verifyPassword } from '../users/password.ts';
import { normaliseEmail } from '../users/email.ts';
import { User, type UserRecord as UserRow } from '../users/user.entity.ts';
import type { UserService } from '../users/user.service.ts';
import { UserErrors } from '../users/users.errors.ts';
import { EmailToken, type EmailTokenPurpose } from './auth.entities.ts';
import { AuthErrors } from './auth.errors.ts';
import { runStrategy } from './passport-adapter.ts';
import type { AuthRateLimits } from './rate-limits.ts';
import type { ClientInfo, SessionService, TokenPair } from './session.service.ts';
import { hashToken, newSecretToken } from './secret-token.ts';


export interface RegisterInput {
  email: string;
  password: string;
  name: string;
  role: 'customer' | 'vendor';
}

/**
 * Registration, sign-in, email verification and password changes: the account rules that involve
 * credentials. Sessions and tokens are the SessionService's.
 */
export class AuthService {
  readonly #em: EntityManager;
  readonly #users: UserService;
  readonly #sessions: SessionService;
  readonly #events: EventBus;
  readonly #config: RuntimeConfig['auth'];
  readonly #limits: AuthRateLimits;

  constructor(cradle: {
    em: EntityManager;
    userService: UserService;
    sessionService: SessionService;
    events: EventBus;
    config: RuntimeConfig;
    authRateLimits: AuthRateLimits;
  }) {
    this.#em = cradle.em;
    this.#limits = cradle.authRateLimits;
    this.#users = cradle.userService;
    this.#sessions = cradle.sessionService;
    this.#events = cradle.events;
    this.#config = cradle.config.auth;
  }

  /** Creates the account and queues its verification email, in one transaction. */
  async register(input: RegisterInput) {
    return this.#em.transactional(async (em) => {
      const created = await this.#users.create({ email: input.email, password: input.password, name: input.name, role: input.role }, em);
      this.#events.emit(em, 'user.registered', { userId: created.id, email: created.email, role: created.role, status: created.status });
      await this.#sendEmailToken(em, { id: created.id, email: created.email, name: input.name }, 'verify');
      await em.flush();
      return created;
    });
  }

  /** Signs in with email and password (passport's local strategy); a failure never says which was wrong. */
  async login(body: { email: string; password: string }, client: ClientInfo): Promise<TokenPair & { user: UserRow }> {
    const account = normaliseEmail(body.email);
    await this.#limits.consume([['loginPerIp', client.ip ?? 'unknown']]);
    await this.#limits.ensureNotBlocked('loginPerAccount', account);
    const strategy = new LocalStrategy({ usernameField: 'email', passwordField: 'password', session: false }, (email, password, done) => {
      this.#checkCredentials(email, password).then((user) => done(null, user ?? false), done);
    });
    const outcome = await runStrategy<UserRow>(strategy, { body, query: {} });
    if (!outcome.ok) {
      // the failure that exhausts the account's allowance is still answered 401; the lockout starts with the next attempt
      await this.#limits.consume([['loginPerAccount', account]]).catch(() => undefined);
      throw AuthErrors.AUTH_INVALID_CREDENTIALS();
    }
    await this.#limits.reset('loginPerAccount', account);
    const user = outcome.user;
    if (user.status === 'disabled') throw AuthErrors.AUTH_ACCOUNT_DISABLED();
    return { ...(await this.#sessions.start(user, client)), user };
  }

  async #checkCredentials(email: string, password: string): Promise<UserRow | undefined> {
    const user = await this.#em.findOne(User, { email: normaliseEmail(email) });
    if (!user?.passwordHash) {
      await burnPasswordCheck(password);
      return undefined;
    }
    if (!(await verifyPassword(user.passwordHash, password))) return undefined;
    if (needsRehash(user.passwordHash)) {
      // imported bcrypt (or older argon2 parameters) becomes current argon2id now that we know the password
      user.passwordHash = await hashPassword(password);
      await this.#em.flush();
    }
    return user;
  }

  async verifyEmail(token: string) {
    return this.#em.transactional(async (em) => {
      const stored = await this.#consumeEmailToken(em, token, 'verify');
      const user = await em.findOneOrFail(User, { id: stored.userId });
      // the address may have changed since the link was sent: only the address it was sent to is verified
      if (user.email !== stored.email) throw AuthErrors.AUTH_EMAIL_TOKEN_INVALID();
      user.emailVerifiedAt ??= new Date();
      this.#events.emit(em, 'user.email_verified', { userId: user.id, email: user.email });
      await em.flush();
      return user;
    });
  }

  /** Sends a fresh verification link (e.g. the first one expired); silent when already verified. */
  async resendVerification(userId: string): Promise<void> {
    await this.#em.transactional(async (em) => {
      const user = await em.findOneOrFail(User, { id: userId });
      if (user.emailVerifiedAt) return;
      await this.#sendEmailToken(em, user, 'verify');
      await em.flush();
    });
  }

  /**
   * Sends a reset link when the address has an account. The caller answers 202 either way, with the
   * same body. Timing: both paths do the same rate-limit writes, one indexed lookup and one commit,
   * and the link's random token is drawn and hashed whether or not it is used. An existing account
   * adds only two inserts (the token and its outbox row) to that same commit; nothing slow waits on
   * it (no password hashing, and the mail is sent from the outbox after the answer). The remaining
   * difference is a fraction of a millisecond, inside network jitter, and the per-IP and
   * per-address limits cap how many samples anyone gets to average it out.
   */
  async forgotPassword(email: string, client: ClientInfo): Promise<void> {
    const account = normaliseEmail(email);
    await this.#limits.consume([
      ['passwordResetPerIp', client.ip ?? 'unknown'],
      ['passwordResetPerAccount', account],
    ]);
    const token = newSecretToken('pr');
    const tokenHash = hashToken(token);
    await this.#em.transactional(async (em) => {
      const user = await em.findOne(User, { email: account });
      if (!user || user.status === 'disabled') return;
      await this.#sendEmailToken(em, user, 'reset', { token, tokenHash });
      await em.flush();
    });
  }

  /** Sets a new password with a reset token (single use, short-lived) and ends every session. */
  async resetPassword(token: string, newPassword: string, client: ClientInfo): Promise<void> {
    await this.#limits.consume([['passwordResetPerIp', client.ip ?? 'unknown']]);
    // per account too, once the link names one: read without spending it, so a 429 leaves the link usable
    const pending = await this.#em.findOne(EmailToken, { tokenHash: hashToken(token), purpose: 'reset', usedAt: null, expiresAt: { $gt: new Date() } });
    if (pending) await this.#limits.consume([['passwordResetConfirmPerAccount', pending.userId]]);
    const userId = await this.#em.transactional(async (em) => {
      const stored = await this.#consumeEmailToken(em, token, 'reset');
      const user = await em.findOneOrFail(User, { id: stored.userId });
      const problems = passwordProblems(newPassword, user.email);
      if (problems.length) {
        // thrown inside the transaction: the token is not spent on a password the policy refuses
        throw UserErrors.USER_PASSWORD_TOO_WEAK(`The password ${problems.map((p) => p.message).join(' and ')}`, {
          errors: problems.map(({ rule, message }) => ({ in: 'body', pointer: '/password', rule, message })),
        });
      }
      user.passwordHash = await hashPassword(newPassword);
      // the link reached this inbox, which proves the address
      if (user.email === stored.email) user.emailVerifiedAt ??= new Date();
      this.#events.emit(em, 'user.password_changed', { userId: user.id });
      await em.flush();
      return user.id;
    });
    await this.#sessions.revokeAll(userId, 'password_reset');
    await this.#limits.reset('loginPerAccount', (await this.#em.findOneOrFail(User, { id: userId })).email);
  }

  /** Changes the password after checking the current one, and ends every other session. */
  async changePassword(userId: string, sessionId: string, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.#em.findOneOrFail(User, { id: userId });
    if (!user.passwordHash || !(await verifyPassword(user.passwordHash, currentPassword))) {
      throw AuthErrors.AUTH_CURRENT_PASSWORD_WRONG(undefined, {
        errors: [{ in: 'body', pointer: '/currentPassword', rule: 'matchesCurrent', message: 'is not the current password' }],
      });
    }
    const problems = passwordProblems(newPassword, user.email);
    if (problems.length) {
      throw UserErrors.USER_PASSWORD_TOO_WEAK(`The password ${problems.map((p) => p.message).join(' and ')}`, {
        errors: problems.map(({ rule, message }) => ({ in: 'body', pointer: '/newPassword', rule, message })),
      });
    }
    await this.#em.transactional(async (em) => {
      const fresh = await em.findOneOrFail(User, { id: userId });
      fresh.passwordHash = await hashPassword(newPassword);
      this.#events.emit(em, 'user.password_changed', { userId });
      await em.flush();
    });
    await this.#sessions.revokeAll(userId, 'password_changed', sessionId);
  }

  async #sendEmailToken(
    em: EntityManager,
    user: { id: string; email: string; name: string },
    purpose: EmailTokenPurpose,
    drawn?: { token: string; tokenHash: string },
  ): Promise<void> {
    const token = drawn?.token ?? newSecretToken(purpose === 'verify' ? 'vt' : 'pr');
    const now = new Date();
    const ttl = purpose === 'verify' ? this.#config.verificationTokenTtl : this.#config.resetTokenTtl;
    const expiresAt = new Date(now.getTime() + ttl * 1000);
    em.create(EmailToken, { tokenHash: drawn?.tokenHash ?? hashToken(token), userId: user.id, purpose, email: user.email, createdAt: now, expiresAt });
    const page = purpose === 'verify' ? 'verify-email' : 'reset-password';
    // the notification seam: the notifications module renders and delivers this message
    this.#events.emit(em, 'notification.requested', {
      channel: 'email',
      template: purpose === 'verify' ? 'auth.verify_email' : 'auth.password_reset',
      recipient: { userId: user.id, email: user.email, name: user.name },
      data: { token, url: `${this.#config.storefrontUrl.replace(/\/$/, '')}/${page}?token=${encodeURIComponent(token)}`, expiresAt: expiresAt.toISOString() },
    });
  }

  async #consumeEmailToken(em: EntityManager, token: string, purpose: EmailTokenPurpose) {
    const tokenHash = hashToken(token);
    const now = new Date();
    const claimed = await em.execute<{ affectedRows: number }>(
      'update cw_email_token set used_at = ? where token_hash = ? and purpose = ? and used_at is null and expires_at > ?',
      [now, tokenHash, purpose, now],
      'run',
    );
    if (claimed.affectedRows !== 1) throw AuthErrors.AUTH_EMAIL_TOKEN_INVALID();
    return em.findOneOrFail(EmailToken, { tokenHash });
  }
}
