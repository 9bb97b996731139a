import { defineErrorCodes } from '../../kernel/errors.ts';

export const UserErrors = defineErrorCodes({
  USER_EMAIL_TAKEN: { status: 409, title: 'An account with this email already exists' },
  USER_EMAIL_INVALID: { status: 400, title: 'The email address is not valid' },
  USER_PASSWORD_TOO_WEAK: { status: 400, title: 'The password does not meet the password rules' },
  USER_AVATAR_INVALID: { status: 422, title: 'The avatar must be an image the account uploaded' },
  USER_ROLE_INVALID: { status: 400, title: 'The role is not one of admin, staff, customer, vendor' },
});
