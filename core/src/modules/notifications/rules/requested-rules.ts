import type { NotificationRule } from './rule-definitions.ts';

/**
 * `notification.requested` carries a template key (`auth.verify_email`) and the channel the
 * requesting module asked for. A `requested` rule with a `template` speaks for that template alone:
 * it is switched on and off by itself and sends on its own channels, whatever channel the request
 * named. Requests for a template without such a rule fall to the rules without a template (the
 * default `notification.requested`), which send on the requested channel only.
 *
 * Core ships one per message the auth module requests, with today's behaviour (email only), so a
 * merchant can add SMS or in-app to the password reset, or switch the verification email off, in
 * config (`notifications.rules`, id = template key) or admin (`PATCH /admin/notifications/rules/<id>`).
 */
const requestedTemplate = (template: string): NotificationRule => ({
  id: template,
  event: 'notification.requested',
  audience: 'requested',
  channels: ['email'],
  template,
  category: 'account',
  transactional: true,
  enabled: true,
});

export const REQUESTED_TEMPLATE_RULES: readonly NotificationRule[] = [requestedTemplate('auth.verify_email'), requestedTemplate('auth.password_reset')];

/**
 * The rules that answer a request for `template`: the configured ones naming it (enabled or not, so
 * switching one off silences the message instead of handing it to the catch-all), else those naming
 * no template.
 */
export function rulesForRequest<R extends Pick<NotificationRule, 'audience' | 'template'>>(rules: readonly R[], template: string): R[] {
  const requested = rules.filter((rule) => rule.audience === 'requested');
  const own = requested.filter((rule) => rule.template === template);
  return own.length > 0 ? own : requested.filter((rule) => rule.template === '');
}
