import { defineErrorCodes } from '../../kernel/errors.ts';

export const ComplaintErrors = defineErrorCodes({
  COMPLAINT_NOT_FOUND: { status: 404, title: 'No such complaint, or it is not yours' },
  COMPLAINT_TRANSITION_INVALID: { status: 409, title: 'The complaint cannot do that in its current status' },
  COMPLAINT_REOPEN_WINDOW_CLOSED: { status: 409, title: 'The complaint was resolved too long ago for the customer to reopen it' },
  COMPLAINT_LINES_INVALID: { status: 422, title: 'The complaint names lines that are not lines of this order' },
  COMPLAINT_RANGE_INVALID: { status: 422, title: 'The date range ends before it starts' },
});
