import { defineErrorCodes } from '../../../kernel/errors.ts';

/** Delivery log, resends, preferences and unsubscribe links. */
export const DeliveryErrors = defineErrorCodes({
  NOTIFICATION_MESSAGE_NOT_FOUND: { status: 404, title: 'No such notification message' },
  NOTIFICATION_RESEND_INVALID: { status: 409, title: 'The message cannot be resent in its current status' },
  NOTIFICATION_PREFERENCE_INVALID: { status: 422, title: 'The notification preference names an unknown category or channel' },
  NOTIFICATION_PREFERENCE_LOCKED: { status: 422, title: 'Transactional notifications cannot be switched off' },
  NOTIFICATION_WEBHOOK_INVALID: { status: 400, title: 'The delivery report is not authentic' },
  NOTIFICATION_UNSUBSCRIBE_INVALID: { status: 400, title: 'The unsubscribe link is not valid' },
});
