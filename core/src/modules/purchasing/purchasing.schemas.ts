import { Type } from 'typebox';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const IdParams = Type.Object({ id: Id });

export const Supplier = Type.Object({
  id: Type.String(),
  name: Type.String(),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  notes: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export const CreateSupplierBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.Optional(Nullable(Type.String({ minLength: 3, maxLength: 320, pattern: '^[^@\\s]+@[^@\\s]+$' }))),
    phone: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64 }))),
    notes: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  },
  { additionalProperties: false },
);
export const UpdateSupplierBody = Type.Partial(CreateSupplierBody, { additionalProperties: false, minProperties: 1 });

export const PurchaseOrderStatus = Type.Union([
  Type.Literal('draft'),
  Type.Literal('ordered'),
  Type.Literal('partially_received'),
  Type.Literal('received'),
  Type.Literal('cancelled'),
]);

export const PurchaseOrderLine = Type.Object({
  id: Type.String(),
  variantId: Type.String(),
  quantityOrdered: Type.Integer(),
  quantityReceived: Type.Integer(),
  unitCost: Type.Integer(),
});
export const PurchaseReceipt = Type.Object({
  id: Type.String(),
  receivedAt: Type.String(),
  locationId: Type.String(),
  actorKind: Type.String(),
  actorId: Nullable(Type.String()),
  note: Nullable(Type.String()),
  lines: Type.Array(Type.Object({ purchaseOrderLineId: Type.String(), variantId: Type.String(), quantity: Type.Integer() })),
});
export const PurchaseOrder = Type.Object({
  id: Type.String(),
  number: Type.String(),
  supplierId: Type.String(),
  locationId: Type.String(),
  status: PurchaseOrderStatus,
  currency: Type.String(),
  notes: Nullable(Type.String()),
  orderedAt: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  lines: Type.Array(PurchaseOrderLine),
  /** Deliveries received so far, oldest first. */
  receipts: Type.Array(PurchaseReceipt),
});

export const LineInput = Type.Object(
  {
    variantId: Id,
    quantity: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
    unitCost: Type.Integer({ minimum: 0, maximum: 2_000_000_000 }),
  },
  { additionalProperties: false },
);
export const CreatePurchaseOrderBody = Type.Object(
  {
    supplierId: Id,
    locationId: Type.Optional(Id),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    notes: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    lines: Type.Array(LineInput, { minItems: 1, maxItems: 500 }),
  },
  { additionalProperties: false },
);
export const ReplaceLinesBody = Type.Object({ lines: Type.Array(LineInput, { minItems: 1, maxItems: 500 }) }, { additionalProperties: false });
export const ReceiveBody = Type.Object(
  {
    lines: Type.Array(Type.Object({ lineId: Id, quantity: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }) }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 500,
    }),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const Page = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
};
export const SupplierQuery = Type.Object({ ...Page });
export const PurchaseOrderQuery = Type.Object({ status: Type.Optional(PurchaseOrderStatus), supplierId: Type.Optional(Id), ...Page });
