import { defineRoute, reply, Type, type Actor } from '@cartwright/core';
import { WebpushErrors } from './errors.ts';
import type { ResolvedWebpushOptions } from './options.ts';
import { PushSubscriptions, subscriptionIssues, type StoredPushSubscription } from './subscriptions.ts';

export const PushSubscriptionView = Type.Object({
  id: Type.String(),
  endpoint: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const PushSubscriptionsView = Type.Object({
  publicKey: Type.String({ description: 'The VAPID public key, for `pushManager.subscribe({ applicationServerKey })`' }),
  subscriptions: Type.Array(PushSubscriptionView),
});

/** `PushSubscription.toJSON()` from the browser; its fields are checked further by `subscriptionIssues` (422). */
export const PushSubscriptionBody = Type.Object({
  endpoint: Type.String({ minLength: 1 }),
  expirationTime: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  keys: Type.Object({ p256dh: Type.String({ minLength: 1, maxLength: 128 }), auth: Type.String({ minLength: 1, maxLength: 64 }) }),
});

const view = (subscription: StoredPushSubscription) => ({
  id: subscription.id,
  endpoint: subscription.endpoint,
  createdAt: subscription.createdAt.toISOString(),
  updatedAt: subscription.updatedAt.toISOString(),
});

/** The routes are `access: 'authenticated'`, which lets only users through; API keys have no browser. */
function userIdOf(actor: Actor): string {
  if (actor.kind !== 'user') throw new Error("this route must be declared access: 'authenticated'");
  return actor.userId;
}

const SIGNED_IN = 'For any signed-in user; the subscriptions are the user’s own browsers.';

/** `/store/me/push-subscriptions`: the signed-in user's browsers that receive web push. */
export function pushSubscriptionRoutes(options: ResolvedWebpushOptions) {
  return [
    defineRoute({
      method: 'GET',
      path: '/',
      summary: 'The VAPID public key and my push subscriptions',
      description: `${SIGNED_IN} Subscribe a browser with \`publicKey\` as the \`applicationServerKey\`, then register it with POST.`,
      tags: ['notifications'],
      access: 'authenticated',
      schema: { response: { 200: PushSubscriptionsView } },
      handler: async ({ actor, cradle }) => ({
        publicKey: options.vapid.publicKey,
        subscriptions: (await new PushSubscriptions(cradle.em).listForUser(userIdOf(actor))).map(view),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/',
      summary: 'Register this browser’s push subscription',
      description:
        `${SIGNED_IN} The body is \`PushSubscription.toJSON()\`. 201 for a new subscription, 200 when the endpoint was registered ` +
        'already (its keys and owner are refreshed). 422 `WEBPUSH_SUBSCRIPTION_INVALID` naming the field when the endpoint is not https ' +
        'or a key is not base64url of its length (p256dh 65 bytes, auth 16).',
      tags: ['notifications'],
      access: 'authenticated',
      schema: { body: PushSubscriptionBody, response: { 201: PushSubscriptionView, 200: PushSubscriptionView } },
      handler: async ({ actor, body, cradle }) => {
        const issues = subscriptionIssues(body, options);
        if (issues.length > 0) {
          throw WebpushErrors.WEBPUSH_SUBSCRIPTION_INVALID(`The push subscription is invalid: ${issues.map((i) => `${i.pointer} ${i.message}`).join('; ')}`, { errors: issues });
        }
        const { subscription, created } = await new PushSubscriptions(cradle.em).upsert(userIdOf(actor), { endpoint: body.endpoint, keys: body.keys });
        // integer keys of the response map sort ascending, so 200 would be the default: say 201 outright
        return created ? reply(201, view(subscription)) : reply(200, view(subscription));
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/:id',
      summary: 'Stop pushing to one of my browsers',
      description: `${SIGNED_IN} Another user’s subscription, or one that does not exist, is 404 \`WEBPUSH_SUBSCRIPTION_NOT_FOUND\`.`,
      tags: ['notifications'],
      access: 'authenticated',
      schema: { params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }), response: { 204: null } },
      handler: async ({ actor, params, cradle }) => {
        const deleted = await new PushSubscriptions(cradle.em).deleteForUser(userIdOf(actor), params.id);
        if (!deleted) throw WebpushErrors.WEBPUSH_SUBSCRIPTION_NOT_FOUND(`You have no push subscription ${params.id}`);
      },
    }),
  ];
}
