import { Type } from 'typebox';

const Channel = Type.Union([Type.Literal('email'), Type.Literal('sms'), Type.Literal('push'), Type.Literal('in_app')]);

export const PreferenceView = Type.Object({
  category: Type.String({ description: 'account, orders, shipping, returns, complaints, inventory, vendor or marketing' }),
  channel: Channel,
  enabled: Type.Boolean(),
  locked: Type.Boolean({ description: 'Transactional: always on, cannot be switched off' }),
  consentAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When it was switched on (the marketing consent)' }),
  source: Type.Union([Type.Literal('default'), Type.Literal('preferences'), Type.Literal('unsubscribe_link')]),
});

export const PreferenceList = Type.Object({ items: Type.Array(PreferenceView) });

export const PreferenceChanges = Type.Object({
  preferences: Type.Array(
    Type.Object({
      category: Type.String({ minLength: 1, maxLength: 64 }),
      channel: Channel,
      enabled: Type.Boolean(),
    }),
    { minItems: 1, maxItems: 100 },
  ),
});

export const UnsubscribeQuery = Type.Object({ token: Type.String({ minLength: 1, maxLength: 2000 }) });

export const UnsubscribeDone = Type.Object({
  unsubscribed: Type.Boolean(),
  category: Type.String(),
  channel: Channel,
});
