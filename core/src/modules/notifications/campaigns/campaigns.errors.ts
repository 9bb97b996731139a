import { defineErrorCodes } from '../../../kernel/errors.ts';

/** Promotional email campaigns (`/admin/notifications/campaigns`). */
export const CampaignErrors = defineErrorCodes({
  NOTIFICATION_CAMPAIGN_NOT_FOUND: { status: 404, title: 'No campaign has this id' },
  NOTIFICATION_CAMPAIGN_STATE: { status: 409, title: 'The campaign’s status does not allow this' },
  NOTIFICATION_CAMPAIGN_INVALID: { status: 422, title: 'The campaign’s content or segment is not valid' },
});
