import { Type, type Static } from 'typebox';
import { CartTotalsView } from '../carts/cart.schemas.ts';

export const CheckoutBody = Type.Object({
  /** A payment provider id from `GET /store/payment-methods` (`cod`, `stripe`). */
  paymentMethod: Type.String({ minLength: 1, maxLength: 64 }),
  /** What the payment method needs from the client (a wallet token, a return URL). */
  paymentData: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export type CheckoutBody = Static<typeof CheckoutBody>;

export const CheckoutResponse = Type.Object({
  order: Type.Object({
    id: Type.String(),
    number: Type.String(),
    status: Type.String(),
    paymentStatus: Type.String(),
    fulfillmentStatus: Type.String(),
    email: Type.String(),
    totals: CartTotalsView,
  }),
  /** Guest orders only, shown once: send it as `X-Order-Token` (or `?token=`) to see the order. */
  orderToken: Type.Optional(Type.String()),
  /**
   * The payment as it started: what the storefront must do next (`clientData`). `status: 'failed'`
   * with `failure` when the provider declined it or could not be reached: the order stands, and the
   * shopper pays again with `POST /store/orders/:id/payments`. Null when no attempt was made.
   */
  payment: Type.Union([
    Type.Object({
      id: Type.String(),
      status: Type.String(),
      clientData: Type.Record(Type.String(), Type.Unknown()),
      /** Why a failed start failed: the problem's `code` and, for a decline, the provider's `reason` (`card_declined`). */
      failure: Type.Optional(Type.Object({ code: Type.String(), reason: Type.Union([Type.String(), Type.Null()]) })),
    }),
    Type.Null(),
  ]),
});
export type CheckoutResponse = Static<typeof CheckoutResponse>;
