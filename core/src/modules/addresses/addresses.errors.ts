import { defineErrorCodes } from '../../kernel/errors.ts';

export const AddressErrors = defineErrorCodes({
  ADDRESS_INVALID: { status: 400, title: 'The address is not valid' },
  ADDRESS_NOT_FOUND: { status: 404, title: 'No such address in your address book' },
  ADDRESS_LIMIT_REACHED: { status: 409, title: 'The address book is full' },
});
