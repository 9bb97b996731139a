import { Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const TemplateKey = Type.String({ pattern: '^[a-z0-9_]+(\\.[a-z0-9_]+)+$', maxLength: 100, description: 'Template key, e.g. `order.placed`' });
const Channel = Type.Union([Type.Literal('email'), Type.Literal('sms'), Type.Literal('in_app'), Type.Literal('push')]);
const Locale = Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', maxLength: 35, description: 'BCP 47, e.g. `en`, `de`, `de-AT`' });
const Source = Type.Union([Type.Literal('default'), Type.Literal('store')], { description: '`store`: the store’s own version; `default`: shipped with core' });

export const TemplateParams = Type.Object({ template: TemplateKey, channel: Channel, locale: Locale });

const Subject = Type.String({ maxLength: 500, description: 'Email subject, or in-app/push title' });
const Html = Type.String({ maxLength: 200_000, description: 'Email only: the body, wrapped in the store’s responsive layout when sent' });
const Text = Type.String({ minLength: 1, maxLength: 50_000, description: 'Plain-text part (email), the SMS, or the in-app/push body' });

export const TemplateBody = Type.Object(
  { subject: Type.Optional(Nullable(Subject)), html: Type.Optional(Nullable(Html)), text: Text },
  { additionalProperties: false },
);

export const TemplateSummary = Type.Object({
  template: Type.String(),
  channel: Channel,
  locale: Type.String(),
  source: Source,
  /** A shipped default exists for this key, channel and locale (deleting the store's version goes back to it). */
  hasDefault: Type.Boolean(),
  updatedAt: Nullable(Type.String({ format: 'date-time' })),
});

export const TemplateList = Type.Object({ items: Type.Array(TemplateSummary) });

export const TemplateKeyList = Type.Object({
  items: Type.Array(Type.Object({ template: Type.String(), variables: Type.Array(Type.String()) })),
});

const Content = Type.Object({ subject: Nullable(Type.String()), html: Nullable(Type.String()), text: Type.String() });

export const TemplateView = Type.Object({
  ...TemplateSummary.properties,
  subject: Nullable(Type.String()),
  html: Nullable(Type.String()),
  text: Type.String(),
  /** The shipped version, when there is one. */
  default: Nullable(Content),
  /** The variables the template may use (`order.lines[].title`: a field of each item of `#each order.lines`). */
  variables: Type.Array(Type.String()),
  /** What the merchant should know, rendered with the sample data (the same list the preview answers): an SMS over one message or outside GSM-7, a variable unknown or without a value. */
  warnings: Type.Array(Type.String()),
});

export const PreviewBody = Type.Object(
  {
    template: TemplateKey,
    channel: Channel,
    locale: Type.Optional(Locale),
    /** A draft to render instead of the saved template (give `text`, and `subject`/`html` as the channel needs). */
    draft: Type.Optional(TemplateBody),
    /** Values merged over the sample data. */
    data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

export const PreviewView = Type.Object({
  source: Type.Union([Type.Literal('default'), Type.Literal('store'), Type.Literal('draft')]),
  locale: Type.String(),
  subject: Nullable(Type.String()),
  html: Nullable(Type.String()),
  text: Type.String(),
  warnings: Type.Array(Type.String()),
});
