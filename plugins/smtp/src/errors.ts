import { defineErrorCodes } from '@cartwright/core';

/**
 * Why an email was not sent, as the delivery log and the staff see it. The channel does not throw
 * these: a failed send resolves `{ status: 'failed', reason: 'SMTP_…: <the server's reply>' }`, and
 * the code before the colon is one of these (see `failureOf` in reply-codes.ts).
 */
export const SmtpErrors = defineErrorCodes({
  SMTP_RECIPIENT_MISSING: { status: 422, title: 'The message has no email address to send to' },
  SMTP_RECIPIENT_REFUSED: { status: 422, title: 'The SMTP server refused the address for good (no such mailbox, address not allowed)' },
  SMTP_MESSAGE_REFUSED: { status: 422, title: 'The SMTP server refused the message for good (policy, content or size)' },
  SMTP_DEFERRED: { status: 503, title: 'The SMTP server refused for now (a 4xx reply); the same message may be sent again later' },
  SMTP_UNREACHABLE: { status: 503, title: 'The SMTP server could not be reached, or the connection or TLS failed; retry later' },
  SMTP_AUTH_FAILED: { status: 502, title: 'The SMTP server refused the credentials: check SMTP_USER and SMTP_PASSWORD (or SMTP_URL)' },
  SMTP_FAILED: { status: 502, title: 'Sending through the SMTP server failed in a way this plugin does not recognise; retry later' },
});

export type SmtpFailureCode = keyof typeof SmtpErrors;
