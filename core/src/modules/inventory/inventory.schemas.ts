import { Type } from 'typebox';

const Id = Type.String({ minLength: 1, maxLength: 64 });

export const StockLocation = Type.Object({ id: Type.String(), name: Type.String(), code: Type.String(), isDefault: Type.Boolean() });
export const CreateLocationBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    code: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9_-]*$' }),
    isDefault: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const UpdateLocationBody = Type.Partial(CreateLocationBody, { additionalProperties: false, minProperties: 1 });
export const LocationParams = Type.Object({ id: Id });

/** The ledger reasons an admin may give for a change by hand; the others are written by reservations, sales and transfers. */
export const AdjustmentReason = Type.Union([Type.Literal('adjustment'), Type.Literal('receipt'), Type.Literal('return')]);

export const AdjustmentBody = Type.Object(
  {
    variantId: Id,
    locationId: Type.Optional(Id),
    delta: Type.Integer({ minimum: -1_000_000_000, maximum: 1_000_000_000, not: { const: 0 } }),
    reason: Type.Optional(AdjustmentReason),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export const SetLevelBody = Type.Object(
  {
    variantId: Id,
    locationId: Type.Optional(Id),
    onHand: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
    lowStockThreshold: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000 })),
    allowBackorder: Type.Optional(Type.Boolean()),
    reason: Type.Optional(AdjustmentReason),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export const TransferBody = Type.Object(
  {
    variantId: Id,
    fromLocationId: Id,
    toLocationId: Id,
    quantity: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const StockLevel = Type.Object({
  variantId: Type.String(),
  locationId: Type.String(),
  locationName: Type.String(),
  onHand: Type.Integer(),
  reserved: Type.Integer(),
  available: Type.Integer(),
  lowStockThreshold: Type.Integer(),
  allowBackorder: Type.Boolean(),
});
export const LowStockItem = Type.Object({ ...StockLevel.properties, sku: Type.String(), productId: Type.String() });
export const Movement = Type.Object({
  id: Type.String(),
  variantId: Type.String(),
  locationId: Type.String(),
  deltaOnHand: Type.Integer(),
  deltaReserved: Type.Integer(),
  reason: Type.String(),
  actorKind: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  reference: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

export const Page = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
};
export const VariantQuery = Type.Object({ variantId: Id });
export const MovementQuery = Type.Object({ variantId: Id, locationId: Type.Optional(Id), ...Page });
export const LowStockQuery = Type.Object({ ...Page });

export const NotifyMeParams = Type.Object({ id: Id });
export const NotifyMeBody = Type.Object(
  {
    variantId: Type.Optional(Id),
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 320, pattern: '^[^\\s@]+@[^\\s@]+$' })),
  },
  { additionalProperties: false },
);
export const StockSubscription = Type.Object({
  id: Type.String(),
  productId: Type.String(),
  variantId: Type.String(),
  email: Type.String(),
  createdAt: Type.String(),
});
export const StockSubscriptionReply = Type.Object({ subscription: StockSubscription });
