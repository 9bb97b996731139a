import { defineErrorCodes } from '../../kernel/errors.ts';

export const AuthErrors = defineErrorCodes({
  AUTH_INVALID_CREDENTIALS: { status: 401, title: 'The email or password is wrong' },
  AUTH_TOKEN_INVALID: { status: 401, title: 'The access token is invalid or expired' },
  AUTH_SESSION_REVOKED: { status: 401, title: 'The session has ended; sign in again' },
  AUTH_REFRESH_TOKEN_INVALID: { status: 401, title: 'The refresh token is invalid or expired' },
  AUTH_REFRESH_TOKEN_REUSED: { status: 401, title: 'The refresh token was already used; the session has been ended' },
  AUTH_ACCOUNT_DISABLED: { status: 403, title: 'The account is disabled' },
  AUTH_EMAIL_TOKEN_INVALID: { status: 400, title: 'The link is invalid, expired or already used' },
  AUTH_CURRENT_PASSWORD_WRONG: { status: 400, title: 'The current password is wrong' },
  AUTH_EMAIL_NOT_VERIFIED: { status: 403, title: 'Verify your email address first' },
});
