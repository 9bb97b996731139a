import { Type } from 'typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const Status = Type.Union([
  Type.Literal('queued'),
  Type.Literal('sent'),
  Type.Literal('delivered'),
  Type.Literal('failed'),
  Type.Literal('bounced'),
  Type.Literal('dead'),
  Type.Literal('suppressed'),
]);

export const DeliveryListQuery = Type.Object({
  status: Type.Optional(Status),
  channel: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'A kind (`email`) or an installed channel’s id (`smtp`)' })),
  event: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'An event name (`order.placed`) or event id (`evt_…`)' })),
  recipient: Type.Optional(Type.String({ minLength: 1, maxLength: 400, description: 'A recipient key, user id, email address or phone number' })),
  from: Type.Optional(DateTime),
  to: Type.Optional(DateTime),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
});

export const DeliveryParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

const MessageFields = {
  id: Type.String(),
  eventId: Type.String(),
  eventName: Type.String(),
  recipientKey: Type.String(),
  recipient: Type.Object({ userId: Nullable(Type.String()), email: Nullable(Type.String()), phone: Nullable(Type.String()), name: Nullable(Type.String()) }),
  channel: Type.String({ description: 'The kind: email, sms, push, in_app' }),
  channelId: Nullable(Type.String({ description: 'The installed channel that last tried it' })),
  template: Type.String(),
  category: Type.String(),
  transactional: Type.Boolean(),
  status: Status,
  statusReason: Nullable(Type.String({ description: 'Why it failed, died, bounced or was suppressed' })),
  subject: Nullable(Type.String()),
  warnings: Type.Array(Type.String(), { description: 'What rendering this message warned about: a variable without a value, an SMS over one message or outside GSM-7' }),
  attempts: Type.Integer({ description: 'Send attempts over every round' }),
  round: Type.Integer({ description: '1, plus one per resend' }),
  nextAttemptAt: Nullable(DateTime),
  providerMessageId: Nullable(Type.String()),
  createdAt: DateTime,
  updatedAt: DateTime,
  sentAt: Nullable(DateTime),
  deliveredAt: Nullable(DateTime),
};

export const DeliveryView = Type.Object(MessageFields);

export const DeliveryPage = Type.Object({ items: Type.Array(DeliveryView), count: Type.Integer() });

export const DeliveryDetail = Type.Object({
  ...MessageFields,
  attemptLog: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: Type.Union([Type.Literal('send'), Type.Literal('report'), Type.Literal('resend')]),
      round: Type.Integer(),
      outcome: Type.String({ description: 'send: sent, delivered, retried, failed, dead; report: delivered, bounced, failed; resend: queued' }),
      providerMessageId: Nullable(Type.String()),
      error: Nullable(Type.String()),
      at: DateTime,
      durationMs: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
});
