import { Type } from 'typebox';

const Channel = Type.Union([Type.Literal('email'), Type.Literal('sms'), Type.Literal('in_app'), Type.Literal('push')]);

export const RuleParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

export const RuleView = Type.Object({
  id: Type.String(),
  event: Type.String(),
  audience: Type.String({ description: '`customer`, `user`, `vendors`, `staff`, `subscriber` or `requested`' }),
  permission: Type.Union([Type.String(), Type.Null()], { description: 'For `staff`: the permission their role holds' }),
  template: Type.String({ description: 'Template key; for `requested`, the requested template this rule speaks for, or empty for every other request (which names its own)' }),
  category: Type.String(),
  transactional: Type.Boolean(),
  enabled: Type.Boolean(),
  /** The channels as configured. */
  configuredChannels: Type.Array(Channel),
  /** The channels it sends on now (configured minus those an admin switched off). */
  channels: Type.Array(Channel),
  when: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  /** An admin changed it (PATCH); otherwise it is as the config says. */
  changed: Type.Boolean(),
});

export const RuleList = Type.Object({ items: Type.Array(RuleView) });

export const RuleChange = Type.Object(
  {
    /** null: back to what the config says. */
    enabled: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
    /** Per channel on or off; only channels the rule is configured with. */
    channels: Type.Optional(
      Type.Object(
        { email: Type.Optional(Type.Boolean()), sms: Type.Optional(Type.Boolean()), in_app: Type.Optional(Type.Boolean()), push: Type.Optional(Type.Boolean()) },
        { additionalProperties: false, minProperties: 1 },
      ),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
