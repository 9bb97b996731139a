import { Type, type Static } from '@cartwright/core';

export const StripeOptions = Type.Object(
  {
    /** The payment method's id (in `paymentMethod` and `/webhooks/:id`); another instance for a second Stripe account needs another id. Default `stripe`. */
    id: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,49}$' })),
    /** What the storefront shows. Default `Card (Stripe)`. */
    name: Type.Optional(Type.String({ minLength: 1 })),
    /** Stripe's secret API key (`sk_test_…` or `sk_live_…`). */
    secretKey: Type.String({ pattern: '^sk_(test|live)_' }),
    /** Handed to the storefront with each client secret, for Stripe.js. */
    publishableKey: Type.Optional(Type.String({ pattern: '^pk_(test|live)_' })),
    /** The signing secret of the webhook endpoint (`whsec_…`); without it every webhook is refused. */
    webhookSecret: Type.Optional(Type.String({ pattern: '^whsec_' })),
    /** How old a webhook's signature may be, in seconds. Default 300. */
    webhookToleranceSeconds: Type.Optional(Type.Integer({ minimum: 1 })),
    /** `automatic` (default): charged when the buyer confirms. `manual`: authorized, captured when the order ships. */
    captureMethod: Type.Optional(Type.Union([Type.Literal('automatic'), Type.Literal('manual')])),
    /** Shown on the buyer's card statement (at most 22 characters; Stripe's rules apply). */
    statementDescriptor: Type.Optional(Type.String({ minLength: 1, maxLength: 22 })),
    /** Retries of the SDK on connection errors, 409 and 5xx (it honours `Stripe-Should-Retry`). Default 2. */
    maxNetworkRetries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    /** Per-request timeout in ms. Default 20000. */
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100 })),
    /** Consecutive outage failures that pause calls, and for how long. Default 5 failures, 30 s. */
    breaker: Type.Optional(
      Type.Object({ failures: Type.Integer({ minimum: 1 }), coolDownSeconds: Type.Number({ exclusiveMinimum: 0 }) }, { additionalProperties: false }),
    ),
    /** A payment still pending after this many minutes is asked about (its webhook may be lost). Default 15. */
    reconcileAfterMinutes: Type.Optional(Type.Integer({ minimum: 1 })),
    /** How often the reconciliation job runs. Default 5. */
    reconcileEveryMinutes: Type.Optional(Type.Integer({ minimum: 1 })),
    /** For tests of plugins: where the Stripe API is (a local stand-in). Leave unset in a store. */
    apiHost: Type.Optional(Type.String({ minLength: 1 })),
    apiPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    apiProtocol: Type.Optional(Type.Union([Type.Literal('http'), Type.Literal('https')])),
  },
  { additionalProperties: false },
);
export type StripeOptions = Static<typeof StripeOptions>;
