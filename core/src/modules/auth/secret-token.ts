import { createHash, randomBytes } from 'node:crypto';

/** An opaque, unguessable token (256 bits) with a prefix saying what it is for (`rt_`, `vt_`, `pr_`). */
export function newSecretToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** Tokens are stored as SHA-256: a leaked table gives nothing to replay. (Random 256-bit tokens need no slow hash.) */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
