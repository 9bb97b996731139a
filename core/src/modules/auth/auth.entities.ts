import { defineEntity, p } from '@mikro-orm/core';

export type SessionRevocation = 'logout' | 'logout_all' | 'token_reuse' | 'password_changed' | 'password_reset' | 'account_disabled';

/** A signed-in device: a family of refresh tokens. Access tokens name it (`sid`), so revoking it ends them too. */
export const Session = defineEntity({
  name: 'Session',
  tableName: 'cw_session',
  properties: {
    id: p.string().length(64).primary(),
    userId: p.string().length(64),
    createdAt: p.datetime(),
    lastUsedAt: p.datetime(),
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    revokedReason: p.string().length(32).$type<SessionRevocation>().nullable(),
    ip: p.string().length(64).nullable(),
    userAgent: p.string().length(512).nullable(),
  },
});

/** One refresh token of a session, stored as a SHA-256 hash; `usedAt` marks it rotated. */
export const RefreshToken = defineEntity({
  name: 'RefreshToken',
  tableName: 'cw_refresh_token',
  properties: {
    tokenHash: p.string().length(64).primary().columnType('char(64)'),
    sessionId: p.string().length(64),
    issuedAt: p.datetime(),
    usedAt: p.datetime().nullable(),
  },
});

export type EmailTokenPurpose = 'verify' | 'reset';

/** A single-use token sent by email (address verification, password reset), stored hashed. */
export const EmailToken = defineEntity({
  name: 'EmailToken',
  tableName: 'cw_email_token',
  properties: {
    tokenHash: p.string().length(64).primary().columnType('char(64)'),
    userId: p.string().length(64),
    purpose: p.string().length(16).$type<EmailTokenPurpose>(),
    email: p.string().length(320),
    createdAt: p.datetime(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
  },
});
