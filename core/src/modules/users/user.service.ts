import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import { newId } from '../../kernel/ids.ts';
import { isValidEmail, normaliseEmail } from './email.ts';
import { generatePassword, hashPassword, passwordProblems } from './password.ts';
import { USER_ROLES, User, type UserRole, type UserStatus } from './user.entity.ts';
import { UserErrors } from './users.errors.ts';

export interface CreateUserInput {
  email: string;
  role: UserRole;
  name?: string;
  /** Omitted: a strong password is generated and returned once. */
  password?: string;
  status?: UserStatus;
}

export interface CreatedUser {
  id: string;
  email: string;
  role: UserRole;
  status: UserStatus;
  generatedPassword?: string;
}

/** Accounts: the one place account rules live (the identity issue grows this service). */
export class UserService {
  readonly #em: EntityManager;

  constructor({ em }: { em: EntityManager }) {
    this.#em = em;
  }

  /** Creates an account; pass `em` to create it inside the caller's transaction. */
  async create(input: CreateUserInput, em: EntityManager = this.#em): Promise<CreatedUser> {
    const email = normaliseEmail(input.email);
    if (!isValidEmail(email)) {
      throw UserErrors.USER_EMAIL_INVALID(`"${input.email}" is not a valid email address`, {
        errors: [{ in: 'body', pointer: '/email', rule: 'format', message: 'must be a valid email address' }],
      });
    }
    if (!(USER_ROLES as readonly string[]).includes(input.role)) {
      throw UserErrors.USER_ROLE_INVALID(`"${input.role}" is not a role; use one of ${USER_ROLES.join(', ')}`);
    }
    const password = input.password ?? generatePassword();
    const problems = passwordProblems(password, email);
    if (problems.length) {
      throw UserErrors.USER_PASSWORD_TOO_WEAK(`The password ${problems.map((p) => p.message).join(' and ')}`, {
        errors: problems.map(({ rule, message }) => ({ in: 'body', pointer: '/password', rule, message })),
      });
    }
    if (await em.findOne(User, { email })) throw UserErrors.USER_EMAIL_TAKEN(`An account with ${email} already exists`);
    const user = em.create(User, {
      id: newId('usr'),
      email,
      name: input.name ?? '',
      role: input.role,
      status: input.status ?? (input.role === 'vendor' ? 'pending' : 'active'),
      passwordHash: await hashPassword(password),
      preferences: {},
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    try {
      await em.flush();
    } catch (error) {
      // two registrations racing past the check above meet the unique index on lower(email)
      if (error instanceof UniqueConstraintViolationException) throw UserErrors.USER_EMAIL_TAKEN(`An account with ${email} already exists`);
      throw error;
    }
    return {
      id: user.id,
      email: user.email,
      role: user.role,
      status: user.status,
      ...(input.password ? {} : { generatedPassword: password }),
    };
  }

  findByEmail(email: string) {
    return this.#em.findOne(User, { email: normaliseEmail(email) });
  }

  findById(id: string, em: EntityManager = this.#em) {
    return em.findOne(User, { id });
  }

  /** Records that the account's address is proven (a verification link, a provider that vouches for it); keeps the first date. */
  async markEmailVerified(userId: string, em: EntityManager = this.#em, at: Date = new Date()): Promise<void> {
    // through the entity, so a unit of work that already holds the account sees the change
    const user = await em.findOne(User, { id: userId });
    if (!user || user.emailVerifiedAt) return;
    user.emailVerifiedAt = at;
    await em.flush();
  }
}
