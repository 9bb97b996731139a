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
  /** The payment as it started: what the storefront must do next (`clientData`). Null when it could not start. */
  payment: Type.Union([
    Type.Object({ id: Type.String(), status: Type.String(), clientData: Type.Record(Type.String(), Type.Unknown()) }),
    Type.Null(),
  ]),
});
export type CheckoutResponse = Static<typeof CheckoutResponse>;
