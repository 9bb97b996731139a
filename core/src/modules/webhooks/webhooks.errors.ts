import { defineErrorCodes } from '../../kernel/errors.ts';

export const WebhookErrors = defineErrorCodes({
  WEBHOOK_NOT_FOUND: { status: 404, title: 'No webhook subscription has this id' },
  WEBHOOK_DELIVERY_NOT_FOUND: { status: 404, title: 'This subscription has no delivery with this id' },
  WEBHOOK_URL_REFUSED: { status: 422, title: 'The webhook URL is not allowed: https only, and no private, loopback or link-local address' },
  WEBHOOK_EVENT_TYPE_UNKNOWN: { status: 422, title: 'The store emits no event of this type' },
  WEBHOOK_DELIVERY_PENDING: { status: 409, title: 'The delivery is still being tried; replay it once delivered or dead-lettered' },
});
