import { Type, type Static } from 'typebox';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Money = Type.Object({ amount: Type.Integer(), currencyCode: Type.String() });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const PaymentStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('requires_action'),
  Type.Literal('authorized'),
  Type.Literal('captured'),
  Type.Literal('partially_refunded'),
  Type.Literal('refunded'),
  Type.Literal('voided'),
  Type.Literal('failed'),
]);

export const PaymentMethodsQuery = Type.Object({ cartId: Id });

export const PaymentMethodsView = Type.Object({
  cartId: Type.String(),
  /** The cart's total, before any method's fee. */
  amount: Money,
  /** Where the cart ships to; null until it has a shipping address. */
  countryCode: Nullable(Type.String()),
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      available: Type.Boolean(),
      /** What choosing it adds to the total (null when it is not available). */
      fee: Nullable(Money),
      /** Why it cannot be chosen, for the shopper (null when it can). */
      reason: Nullable(Type.String()),
    }),
  ),
});

export const OrderParams = Type.Object({ id: Id });
export const OrderPaymentParams = Type.Object({ id: Id, paymentId: Id });

export const StartPaymentBody = Type.Object({
  method: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'A payment provider id; default: the method chosen at checkout' })),
  paymentData: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'What the method needs from the storefront (a Google Pay token, a return URL)' })),
});

export const StartedPaymentView = Type.Object({
  paymentId: Type.String(),
  status: PaymentStatus,
  /** What the storefront needs to continue (a client secret); empty when nothing. */
  clientData: Type.Record(Type.String(), Type.Unknown()),
});

export const WebhookParams = Type.Object({ provider: Type.String({ minLength: 1, maxLength: 64 }) });
export const WebhookAck = Type.Object({ received: Type.Boolean(), applied: Type.Boolean(), duplicate: Type.Boolean() });

export const RefundBody = Type.Object({
  amount: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Minor units of the order currency' }),
  reason: Type.String({ minLength: 1, maxLength: 500 }),
  lines: Type.Optional(
    Type.Array(Type.Object({ lineId: Id, quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }) }), { maxItems: 500, description: 'Which order lines the refund is for' }),
  ),
});
export type RefundBody = Static<typeof RefundBody>;

export const CaptureBody = Type.Object({
  amount: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Minor units; default: all that is left to capture' })),
});

const TransactionView = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  amount: Money,
  status: Type.String(),
  resultStatus: Nullable(Type.String()),
  rawStatus: Nullable(Type.String()),
  reference: Nullable(Type.String()),
  idempotencyKey: Type.String(),
  reason: Nullable(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown()),
  actor: Type.Object({ kind: Type.String(), id: Nullable(Type.String()) }),
  createdAt: Type.String(),
});

export const PaymentView = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  provider: Type.String(),
  status: PaymentStatus,
  amount: Money,
  amountAuthorized: Money,
  amountCaptured: Money,
  amountRefunded: Money,
  reference: Nullable(Type.String()),
  rawStatus: Nullable(Type.String()),
  failureReason: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  transactions: Type.Optional(Type.Array(TransactionView)),
});
export type PaymentView = Static<typeof PaymentView>;

export const PaymentList = Type.Object({ items: Type.Array(PaymentView), count: Type.Integer() });
export const RefundView = Type.Object({ refunded: Money, payments: Type.Array(PaymentView) });
