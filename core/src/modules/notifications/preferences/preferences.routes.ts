import { defineRoute } from '../../../kernel/http/route.ts';
import { signedInUser } from '../../../kernel/http/access.ts';
import { changePreferences, listPreferences } from './preference-records.ts';
import { PreferenceChanges, PreferenceList } from './preferences.schemas.ts';

/** `/store/me/notification-preferences`: what the signed-in person wants to hear about, per category and channel. */
export const preferenceRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'Your notification preferences, per category and channel',
    description:
      'Every category × channel. Transactional categories (`account`, `orders`, `shipping`, `returns`, `complaints`) are `locked` on. ' +
      '`marketing` is off until you opt in; `consentAt` and `source` record when and how.',
    tags: ['notifications'],
    access: 'authenticated',
    schema: { response: { 200: PreferenceList } },
    handler: async ({ actor, cradle }) => ({ items: await listPreferences(cradle.em, signedInUser(actor).userId) }),
  }),
  defineRoute({
    method: 'PUT',
    path: '/',
    summary: 'Switch notification categories on or off, per channel',
    description:
      'Only the listed pairs change. Switching a locked (transactional) category off is 422 `NOTIFICATION_PREFERENCE_LOCKED`; ' +
      'an unknown category is 422 `NOTIFICATION_PREFERENCE_INVALID`; either way nothing changes. Switching `marketing` on is the opt-in.',
    tags: ['notifications'],
    access: 'authenticated',
    schema: { body: PreferenceChanges, response: { 200: PreferenceList } },
    handler: async ({ actor, body, cradle }) => {
      const { userId } = signedInUser(actor);
      await changePreferences(cradle.em, userId, body.preferences);
      return { items: await listPreferences(cradle.em, userId) };
    },
  }),
];
