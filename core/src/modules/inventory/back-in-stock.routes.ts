import { defineRoute, reply } from '../../kernel/http/route.ts';
import { NotifyMeBody, NotifyMeParams, StockSubscriptionReply } from './inventory.schemas.ts';

/** Mounted under `/store/products` next to the catalog's routes (the kernel refuses only an identical method and path). */
export const backInStockRoutes = [
  defineRoute({
    method: 'POST',
    path: '/:id/notify-me',
    summary: 'Ask to be told by email when a variant that cannot be bought now is back in stock',
    description:
      '`:id` is the product id. `variantId` may be left out when the product has one variant. A signed-in customer is told ' +
      "at their account's email unless they give `email`; a guest must give `email` (422 `STOCK_SUBSCRIPTION_EMAIL_REQUIRED`). " +
      'A variant that can be bought now is refused with 409 `STOCK_ALREADY_AVAILABLE`. Subscribing again answers the waiting subscription with 200.',
    tags: ['catalog'],
    schema: { params: NotifyMeParams, body: NotifyMeBody, response: { 200: StockSubscriptionReply, 201: StockSubscriptionReply } },
    handler: async ({ params, body, cradle }) => {
      const { subscription, created } = await cradle.stockSubscriptionService.subscribe(params.id, body);
      return reply(created ? 201 : 200, { subscription });
    },
  }),
];
