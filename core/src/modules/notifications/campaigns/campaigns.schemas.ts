import { Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });

export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled'] as const;
export const RECIPIENT_STATUSES = ['pending', 'queued', 'suppressed', 'cancelled'] as const;

const Status = Type.Union([
  Type.Literal('draft'),
  Type.Literal('scheduled'),
  Type.Literal('sending'),
  Type.Literal('paused'),
  Type.Literal('sent'),
  Type.Literal('cancelled'),
]);
const RecipientStatus = Type.Union([Type.Literal('pending'), Type.Literal('queued'), Type.Literal('suppressed'), Type.Literal('cancelled')]);

const LocaleContent = Type.Object(
  {
    subject: Type.String({ minLength: 1, maxLength: 500 }),
    html: Type.String({ minLength: 1, maxLength: 200_000, description: 'The body; the store’s responsive layout and the unsubscribe footer wrap it' }),
    text: Type.String({ minLength: 1, maxLength: 50_000 }),
  },
  { additionalProperties: false },
);

/** Per locale (`en`, `de-AT`); the store's `notifications.defaultLocale` must be one of them. */
const Content = Type.Record(Type.String({ maxLength: 35 }), LocaleContent, { minProperties: 1, maxProperties: 30 });

const FilterRule = Type.Object(
  {
    field: Type.String({ minLength: 1, maxLength: 64, description: 'ordersCount, totalSpent, lastOrderAt, registeredAt, emailVerified, locale' }),
    op: Type.String({ minLength: 1, maxLength: 16, description: 'eq, gte, lte, before, after, in: which apply depends on the field' }),
    value: Type.Unknown({ description: 'A number, `{ amount, currencyCode }` in minor units, an ISO date, a boolean, a locale or a list of locales' }),
  },
  { additionalProperties: false },
);

export const Segment = Type.Object(
  {
    boughtFromCategory: Type.Optional(
      Type.Object(
        {
          categoryId: Type.String({ minLength: 1, maxLength: 64 }),
          includeDescendants: Type.Optional(Type.Boolean({ default: true })),
          withinDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 36_500 })),
        },
        { additionalProperties: false },
      ),
    ),
    inactiveDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 36_500, description: 'No order in this many days, and an account at least this old' })),
    filter: Type.Optional(Type.Array(FilterRule, { maxItems: 20 })),
  },
  { additionalProperties: false, description: 'Conditions, all of which must hold; `{}` is every customer who consented to marketing email' },
);

const RatePerMinute = Type.Integer({ minimum: 1, maximum: 100_000, description: 'At most this many emails a minute (the store-wide `notifications.campaigns.ratePerMinute` still caps it)' });

export const CampaignCreate = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), content: Content, segment: Segment, ratePerMinute: Type.Optional(Nullable(RatePerMinute)) },
  { additionalProperties: false },
);

export const CampaignChange = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    /** Replaces every locale: a locale left out is removed. */
    content: Type.Optional(Content),
    segment: Type.Optional(Segment),
    ratePerMinute: Type.Optional(Nullable(RatePerMinute)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ScheduleBody = Type.Object({ sendAt: Type.Optional(DateTime) }, { additionalProperties: false });
export const EmptyBody = Type.Object({}, { additionalProperties: false });
export const PreviewBody = Type.Object({ locale: Type.Optional(Type.String({ minLength: 2, maxLength: 35 })) }, { additionalProperties: false });

export const CampaignParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const CampaignListQuery = Type.Object(
  { status: Type.Optional(Status), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), offset: Type.Optional(Type.Integer({ minimum: 0 })) },
  { additionalProperties: false },
);

export const RecipientListQuery = Type.Object(
  { status: Type.Optional(RecipientStatus), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), offset: Type.Optional(Type.Integer({ minimum: 0 })) },
  { additionalProperties: false },
);

const Counts = Type.Object({
  /** Everyone fixed as the audience when sending started (0 before). */
  audience: Type.Integer(),
  pending: Type.Integer(),
  queued: Type.Integer({ description: 'Handed to delivery' }),
  suppressed: Type.Integer({ description: 'Unsubscribed after the audience was fixed, found before their batch' }),
  cancelled: Type.Integer(),
  /** The campaign's messages in the delivery log, by status. */
  messages: Type.Object({
    queued: Type.Integer(),
    sent: Type.Integer(),
    delivered: Type.Integer(),
    failed: Type.Integer(),
    bounced: Type.Integer(),
    dead: Type.Integer(),
    suppressed: Type.Integer({ description: 'Refused by the recipient’s preferences at the moment of sending' }),
  }),
});

const CampaignFields = {
  id: Type.String(),
  name: Type.String(),
  status: Status,
  segment: Segment,
  ratePerMinute: Nullable(Type.Integer()),
  locales: Type.Array(Type.String()),
  scheduledAt: Nullable(DateTime),
  startedAt: Nullable(DateTime),
  lastBatchAt: Nullable(DateTime),
  completedAt: Nullable(DateTime),
  cancelledAt: Nullable(DateTime),
  startError: Nullable(
    Type.String({ description: 'Why the campaign could not start when it was due (it went back to draft); cleared when it is scheduled again' }),
  ),
  createdBy: Nullable(Type.String()),
  createdAt: DateTime,
  updatedAt: DateTime,
  counts: Counts,
};

export const CampaignSummary = Type.Object(CampaignFields);
export const CampaignView = Type.Object({ ...CampaignFields, content: Type.Record(Type.String(), LocaleContent) });
export const CampaignPage = Type.Object({ items: Type.Array(CampaignSummary), count: Type.Integer() });

export const AudienceView = Type.Object({
  count: Type.Integer({ description: 'Who the segment selects right now' }),
  sample: Type.Array(Type.Object({ userId: Type.String(), email: Type.String() }), { description: 'The first 20, by email' }),
});

export const RecipientPage = Type.Object({
  items: Type.Array(
    Type.Object({ userId: Type.String(), email: Type.String(), status: RecipientStatus, messageId: Nullable(Type.String()), reason: Nullable(Type.String()), updatedAt: DateTime }),
  ),
  count: Type.Integer(),
});

export const PreviewView = Type.Object({
  locale: Type.String({ description: 'The locale whose content was used (the default when the asked one has none)' }),
  subject: Type.String(),
  html: Type.String(),
  text: Type.String(),
  warnings: Type.Array(Type.String()),
});
