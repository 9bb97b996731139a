import { defineErrorCodes } from '@cartwright/core';

/**
 * The subscription routes throw the first two. The channel throws none: a failed push resolves
 * `{ status: 'failed', retryable, reason }` and the reason starts with one of the others, then what
 * the push service answered (`WEBPUSH_DEFERRED: 429 from fcm.googleapis.com`), so the delivery log shows which.
 */
export const WebpushErrors = defineErrorCodes({
  WEBPUSH_SUBSCRIPTION_INVALID: { status: 422, title: 'The push subscription is not one a browser gives: its endpoint must be an https URL and its keys base64url of the right length' },
  WEBPUSH_SUBSCRIPTION_NOT_FOUND: { status: 404, title: 'You have no push subscription with this id' },
  WEBPUSH_NO_SUBSCRIPTION: { status: 422, title: 'The recipient has no push subscription (none registered, or every one has expired)' },
  WEBPUSH_REFUSED: { status: 422, title: 'The push service refused the push for good (a bad request, a VAPID key it does not accept, a payload too large)' },
  WEBPUSH_DEFERRED: { status: 503, title: 'The push service asked to be called later (429); the same push may be sent again' },
  WEBPUSH_UNREACHABLE: { status: 503, title: 'The push service could not be reached, timed out or failed (5xx); retry later' },
});

export type WebpushFailureCode = Exclude<keyof typeof WebpushErrors, 'WEBPUSH_SUBSCRIPTION_INVALID' | 'WEBPUSH_SUBSCRIPTION_NOT_FOUND'>;
