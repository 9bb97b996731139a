import { defineRoute } from '../../../kernel/http/route.ts';
import { DeliveryErrors } from '../delivery/delivery.errors.ts';
import { recordUnsubscribe } from './preference-records.ts';
import { UnsubscribeDone, UnsubscribeQuery } from './preferences.schemas.ts';
import type { UnsubscribeClaim, UnsubscribeLinks } from './unsubscribe-links.ts';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The same refusal for every bad token, so a link reveals nothing about whom it was for. */
function claimOf(links: UnsubscribeLinks, token: string): UnsubscribeClaim {
  const claim = links.verify(token);
  if (!claim) {
    throw DeliveryErrors.NOTIFICATION_UNSUBSCRIBE_INVALID('The unsubscribe link is not valid: use the link from the message as it arrived', {
      errors: [{ in: 'query', pointer: '/token', rule: 'signature', message: 'is not an authentic unsubscribe token' }],
    });
  }
  return claim;
}

/** `/store/notifications/unsubscribe`: the link in every non-transactional email, usable without signing in. */
export const unsubscribeRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'A confirmation page for an unsubscribe link',
    description:
      'Shows a one-button page that POSTs back here; opening the link changes nothing (mail scanners open links). ' +
      '400 `NOTIFICATION_UNSUBSCRIBE_INVALID` for a tampered or foreign token.',
    tags: ['notifications'],
    schema: { query: UnsubscribeQuery, response: { 200: null } },
    handler: ({ query, cradle, ctx }) => {
      const claim = claimOf(cradle.unsubscribeLinks, query.token);
      const action = `?token=${encodeURIComponent(query.token)}`;
      ctx.status = 200;
      ctx.set('Content-Type', 'text/html; charset=utf-8');
      ctx.set('Cache-Control', 'no-store');
      ctx.set('Referrer-Policy', 'no-referrer');
      ctx.body =
        `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Unsubscribe</title></head>` +
        `<body><p>Stop ${escapeHtml(claim.category)} messages by ${escapeHtml(claim.channel.replace('_', '-'))}?</p>` +
        `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click">` +
        `<button type="submit">Unsubscribe</button></form></body></html>`;
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/',
    summary: 'Unsubscribe (RFC 8058 one-click)',
    description:
      'The target of `List-Unsubscribe-Post: List-Unsubscribe=One-Click`: the body (`List-Unsubscribe=One-Click`, form-encoded) is accepted ' +
      'as sent and not needed; the signed token says who stops receiving which category on which channel. Repeating it is harmless. ' +
      '400 `NOTIFICATION_UNSUBSCRIBE_INVALID` for a tampered or foreign token.',
    tags: ['notifications'],
    rawBody: true,
    schema: { query: UnsubscribeQuery, response: { 200: UnsubscribeDone } },
    handler: async ({ query, cradle }) => {
      const claim = claimOf(cradle.unsubscribeLinks, query.token);
      await recordUnsubscribe(cradle.em, claim);
      return { unsubscribed: true, category: claim.category, channel: claim.channel };
    },
  }),
];
