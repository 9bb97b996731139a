import { defineErrorCodes } from '@cartwright/core';

/**
 * Why a text message was not sent, as the delivery log and the staff see it. The channel does not
 * throw these: a failed send resolves `{ status: 'failed', reason: 'TWILIO_…: <what Twilio said>' }`,
 * and the code before the colon is one of these (see `failureOf` in twilio-failures.ts).
 */
export const TwilioErrors = defineErrorCodes({
  TWILIO_RECIPIENT_MISSING: { status: 422, title: 'The message has no phone number to send to' },
  TWILIO_RECIPIENT_REFUSED: { status: 422, title: 'Twilio refused the phone number for good (invalid, not a mobile number, or a region the account may not send to)' },
  TWILIO_RECIPIENT_UNSUBSCRIBED: { status: 422, title: 'The recipient replied STOP to the sender: Twilio sends nothing until they reply START' },
  TWILIO_MESSAGE_REFUSED: { status: 422, title: 'Twilio refused the message for good (the body, the sender or the request)' },
  TWILIO_RATE_LIMITED: { status: 503, title: 'Twilio asked to slow down (HTTP 429); the same message may be sent again later' },
  TWILIO_UNAVAILABLE: { status: 503, title: 'Twilio could not be reached or answered with a server error; retry later' },
  TWILIO_AUTH_FAILED: { status: 502, title: 'Twilio refused the credentials: check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or the API key)' },
  TWILIO_FAILED: { status: 502, title: 'Sending through Twilio failed in a way this plugin does not recognise; retry later' },
});

export type TwilioFailureCode = keyof typeof TwilioErrors;
