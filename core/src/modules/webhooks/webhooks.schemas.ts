import { Type } from 'typebox';

const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export const DeliveryParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }), deliveryId: Type.String({ minLength: 1, maxLength: 64 }) });

const Url = Type.String({ minLength: 1, maxLength: 2048, description: 'https (http only to localhost with `webhooks.allowLoopback`); no private, loopback or link-local address' });
const EventTypes = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
  minItems: 1,
  maxItems: 100,
  uniqueItems: true,
  description: 'Names from `GET /admin/webhooks/event-types`, or `["*"]` for all of them',
});
const MaxAttempts = Type.Integer({ minimum: 1, maximum: 12, description: 'Attempts before a delivery is dead-lettered; null: `webhooks.maxAttempts`' });

export const CreateWebhookBody = Type.Object(
  {
    url: Url,
    eventTypes: EventTypes,
    description: Type.Optional(Type.String({ maxLength: 500 })),
    active: Type.Optional(Type.Boolean()),
    maxAttempts: Type.Optional(Nullable(MaxAttempts)),
  },
  { additionalProperties: false },
);

export const UpdateWebhookBody = Type.Partial(CreateWebhookBody, { additionalProperties: false, minProperties: 1 });

export const RotateSecretBody = Type.Object(
  {
    gracePeriodSeconds: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 604_800, description: 'How long the old secret keeps signing too; default `webhooks.rotationGracePeriod`' }),
    ),
  },
  { additionalProperties: false },
);

const webhookFields = {
  id: Type.String(),
  url: Type.String(),
  description: Type.String(),
  eventTypes: Type.Array(Type.String()),
  active: Type.Boolean(),
  maxAttempts: Nullable(Type.Integer()),
  previousSecretExpiresAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};
export const WebhookView = Type.Object(webhookFields);

/** Create and rotate only: the secret is never shown again. */
export const WebhookWithSecret = Type.Object({ ...webhookFields, secret: Type.String() });

export const AttemptView = Type.Object({
  number: Type.Integer(),
  startedAt: Timestamp,
  durationMs: Type.Integer(),
  statusCode: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  succeeded: Type.Boolean(),
});

export const DeliveryStatusSchema = Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead_lettered')]);

export const DeliveryView = Type.Object({
  id: Type.String(),
  subscriptionId: Type.String(),
  eventId: Type.String(),
  eventType: Type.String(),
  status: DeliveryStatusSchema,
  attempts: Type.Array(AttemptView),
  maxAttempts: Type.Integer(),
  nextAttemptAt: Nullable(Timestamp),
  deliveredAt: Nullable(Timestamp),
  createdAt: Timestamp,
});

export const DeliveryQuery = Type.Object(
  {
    status: Type.Optional(DeliveryStatusSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);
