import { defineErrorCodes } from '../../kernel/errors.ts';

export const NotificationErrors = defineErrorCodes({
  NOTIFICATION_NOT_FOUND: { status: 404, title: 'No such notification in your inbox' },
  NOTIFICATION_STREAM_LIMIT: { status: 429, title: 'Too many notification streams are open for this user' },
  NOTIFICATION_STREAM_CURSOR_INVALID: { status: 400, title: 'Last-Event-ID is not a position of the notification stream' },
});
