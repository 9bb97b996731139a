import { defineErrorCodes } from '../../kernel/errors.ts';

export const ApiKeyErrors = defineErrorCodes({
  API_KEY_NOT_FOUND: { status: 404, title: 'No API key has this id' },
  API_KEY_EXPIRY_INVALID: { status: 400, title: 'The expiry must be in the future' },
});
