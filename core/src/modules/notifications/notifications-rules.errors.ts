import { defineErrorCodes } from '../../kernel/errors.ts';

/** The notification rules and templates (`/admin/notifications/rules`, `/admin/notifications/templates`). */
export const NotificationRuleErrors = defineErrorCodes({
  NOTIFICATION_RULE_NOT_FOUND: { status: 404, title: 'No notification rule has this id' },
  NOTIFICATION_RULE_CHANNEL_INVALID: { status: 422, title: 'The rule does not send on this channel' },
  NOTIFICATION_TEMPLATE_MISSING: { status: 404, title: 'No template exists for this key, channel and locale' },
  NOTIFICATION_TEMPLATE_UNKNOWN: { status: 404, title: 'No template key of this name' },
  NOTIFICATION_TEMPLATE_SYNTAX: { status: 422, title: 'The template does not parse' },
  NOTIFICATION_TEMPLATE_VARIABLE_UNKNOWN: { status: 422, title: 'The template uses a variable its message does not have' },
  NOTIFICATION_TEMPLATE_FIELD_INVALID: { status: 422, title: 'The template sets a field this channel does not use, or lacks one it needs' },
});
