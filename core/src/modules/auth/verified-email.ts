import type { EntityManager } from '@mikro-orm/sql';
import type { RuntimeConfig } from '../../kernel/config/define-config.ts';
import { User } from '../users/index.ts';
import { AuthErrors } from './auth.errors.ts';

/** An action a store can reserve for customers whose address is verified (`auth.requireVerifiedEmailFor`). */
export type VerifiedEmailAction = RuntimeConfig['auth']['requireVerifiedEmailFor'][number];

const ACTION_NAMES: Record<VerifiedEmailAction, string> = { checkout: 'check out', reviews: 'write a review' };

/**
 * The one place `auth.requireVerifiedEmailFor` is enforced: throws `AUTH_EMAIL_NOT_VERIFIED` (403)
 * when the store lists `action` and the customer's address is not verified. `customer.userId` is
 * the signed-in account (an actor or a cart caller); `null` is a guest, who has no address anyone
 * verified, so a store that lists an action refuses it to guests too (a merchant asking for verified
 * emails at checkout does not want unverified guests to walk around the rule). Read once per call,
 * from the database, so a verification a moment ago counts.
 */
export async function requireVerifiedEmail(
  deps: { em: EntityManager; config: RuntimeConfig },
  customer: { userId: string | null },
  action: VerifiedEmailAction,
): Promise<void> {
  if (!deps.config.auth.requireVerifiedEmailFor.includes(action)) return;
  const extensions = { action };
  if (!customer.userId) {
    throw AuthErrors.AUTH_EMAIL_NOT_VERIFIED(`This store needs a signed-in account with a verified email address to ${ACTION_NAMES[action]}`, { extensions });
  }
  const user = await deps.em.findOne(User, { id: customer.userId });
  if (!user?.emailVerifiedAt) {
    throw AuthErrors.AUTH_EMAIL_NOT_VERIFIED(`Verify your email address (POST /auth/verify-email with the link's token) to ${ACTION_NAMES[action]}`, { extensions });
  }
}
