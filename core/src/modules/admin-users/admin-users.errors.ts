import { defineErrorCodes } from '../../kernel/errors.ts';

export const AdminErrors = defineErrorCodes({
  ADMIN_USER_NOT_FOUND: { status: 404, title: 'No account has this id' },
  ADMIN_USER_NOT_PENDING: { status: 409, title: 'The account is not waiting for approval' },
  ADMIN_LAST_ADMIN: { status: 409, title: 'The store must keep at least one active admin' },
  ADMIN_SELF_CHANGE: { status: 409, title: 'Admins cannot demote or disable themselves' },
  ROLE_NOT_FOUND: { status: 404, title: 'No role has this name' },
  ROLE_UNKNOWN: { status: 400, title: 'The role does not exist' },
  ROLE_EXISTS: { status: 409, title: 'A role with this name already exists' },
  ROLE_BUILT_IN: { status: 409, title: 'Built-in roles cannot be changed or deleted' },
  ROLE_IN_USE: { status: 409, title: 'The role is still held by accounts' },
  PERMISSION_UNKNOWN: { status: 400, title: 'The permission is not in the permission catalogue' },
  PERMISSION_NOT_HELD: { status: 403, title: 'You cannot grant a permission you do not hold' },
});
