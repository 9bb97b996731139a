import { defineRoute, orderCallerOf, requireOrderAccess, Type, type Actor, type EntityManager } from '@cartwright/core';
import { GpayErrors } from './errors.ts';
import { GooglePayProvider, GPAY_PROVIDER_ID } from './gpay.provider.ts';

const StringMap = Type.Record(Type.String(), Type.String());

export const PaymentDataRequestView = Type.Object({
  apiVersion: Type.Literal(2),
  apiVersionMinor: Type.Literal(0),
  allowedPaymentMethods: Type.Array(
    Type.Object({
      type: Type.Literal('CARD'),
      parameters: Type.Object({ allowedAuthMethods: Type.Array(Type.String()), allowedCardNetworks: Type.Array(Type.String()) }),
      tokenizationSpecification: Type.Object({ type: Type.String(), parameters: StringMap }),
    }),
  ),
  merchantInfo: Type.Object({ merchantId: Type.Optional(Type.String()), merchantName: Type.String() }),
  transactionInfo: Type.Object({
    totalPriceStatus: Type.Literal('FINAL'),
    totalPrice: Type.String({ description: 'The order total as a decimal string in its currency (1999 USD → "19.99")' }),
    currencyCode: Type.String(),
    countryCode: Type.String(),
  }),
});

interface OrderRow {
  status: string;
  payment_status: string;
  total: string | number;
  currency_code: string;
}

/** The order, for whoever core's order access rule lets see it (its customer, or a guest with its token); 404 for anyone else. */
async function orderForCaller(em: EntityManager, orderId: string, actor: Actor, headers: Record<string, string | string[] | undefined>): Promise<OrderRow> {
  await requireOrderAccess(em, orderId, orderCallerOf(actor, headers));
  const order = await em
    .getKysely<{ cw_order: OrderRow & { id: string } }>()
    .selectFrom('cw_order')
    .select(['status', 'payment_status', 'total', 'currency_code'])
    .where('id', '=', orderId)
    .executeTakeFirstOrThrow();
  return order;
}

/** `/store/google-pay`: what the storefront hands to `loadPaymentData`. */
export const googlePayStoreRoutes = [
  defineRoute({
    method: 'GET',
    path: '/orders/:id/payment-data-request',
    summary: 'The Google Pay PaymentDataRequest for a pending order',
    description:
      'For the order’s customer, or whoever holds a guest order’s token (`X-Order-Token`); 404 for anyone else. The total is the order’s, ' +
      'FINAL. 409 `GPAY_ORDER_NOT_PAYABLE` when the order is not waiting for a payment. Pay with `POST /store/orders/:id/payments` ' +
      '`{ method: "gpay", paymentData: { paymentData } }`.',
    tags: ['payments'],
    schema: { params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }), response: { 200: PaymentDataRequestView } },
    handler: async ({ params, actor, headers, cradle }) => {
      const order = await orderForCaller(cradle.em, params.id, actor, headers);
      if (order.status !== 'pending' || order.payment_status !== 'not_paid') {
        throw GpayErrors.GPAY_ORDER_NOT_PAYABLE(`Order ${params.id} is ${order.status} with payment ${order.payment_status}: it is not waiting for a payment`, {
          extensions: { status: order.status, paymentStatus: order.payment_status },
        });
      }
      const provider = await cradle.paymentProviders.get(GPAY_PROVIDER_ID);
      if (!(provider instanceof GooglePayProvider)) throw new Error(`The payment provider "${GPAY_PROVIDER_ID}" is not @cartwright/plugin-gpay's`);
      return provider.paymentDataRequest({ amount: Number(order.total), currencyCode: order.currency_code });
    },
  }),
];
