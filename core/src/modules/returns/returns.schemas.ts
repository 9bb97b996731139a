import { Type, type Static, type TSchema } from 'typebox';
import { ProductSchemas } from '../catalog/index.ts';
import { MediaViewSchema } from '../media/index.ts';

const { MoneyView } = ProductSchemas;
const Id = Type.String({ minLength: 1, maxLength: 64 });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const literals = <const T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });

export const RETURN_REASONS = ['damaged', 'defective', 'wrong_item', 'not_as_described', 'size_or_fit', 'no_longer_needed', 'other'] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];
export const RETURN_STATUSES = ['requested', 'approved', 'rejected', 'cancelled', 'received', 'refunded', 'exchanged'] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];
export const RETURN_KINDS = ['refund', 'exchange'] as const;
export type ReturnKind = (typeof RETURN_KINDS)[number];
export const CONDITIONS = ['resellable', 'damaged', 'unsellable'] as const;
export type ItemCondition = (typeof CONDITIONS)[number];
/** How many images a return may show. */
export const MAX_RETURN_IMAGES = 6;

export const OrderReturnsParams = Type.Object({ id: Id });
export const OrderReturnParams = Type.Object({ id: Id, returnId: Id });
export const ReturnParams = Type.Object({ id: Id });
export const StoreReturnsQuery = Type.Object(
  { token: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'A guest order token (the link in the order email)' })) },
  { additionalProperties: false },
);

export const RequestReturnBody = Type.Object(
  {
    kind: Type.Optional(literals(RETURN_KINDS)),
    reason: literals(RETURN_REASONS),
    /** What the customer wants to say, in their words. */
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    imageIds: Type.Optional(Type.Array(Id, { maxItems: MAX_RETURN_IMAGES, description: 'Images uploaded with POST /store/orders/:id/attachments' })),
    items: Type.Array(
      Type.Object(
        {
          lineId: Id,
          quantity: Type.Integer({ minimum: 1, maximum: 100_000 }),
          reason: Type.Optional(literals(RETURN_REASONS)),
          /** Exchange only: the variant wanted instead (any variant on sale from the same seller). */
          variantId: Type.Optional(Id),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
  },
  { additionalProperties: false },
);
export type RequestReturnBody = Static<typeof RequestReturnBody>;

export const LabelRequest = Type.Object(
  {
    carrierId: Id,
    /** The carrier's service code (`UPS:Ground`). */
    service: Type.String({ minLength: 1, maxLength: 200 }),
    parcel: Type.Object(
      {
        weightGrams: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        lengthCm: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1000 })),
        widthCm: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1000 })),
        heightCm: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1000 })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type LabelRequest = Static<typeof LabelRequest>;

export const ApproveBody = Type.Object(
  { note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })), label: Type.Optional(LabelRequest) },
  { additionalProperties: false },
);
export const RejectBody = Type.Object({ note: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });

export const ReceiveBody = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          lineId: Id,
          /** Units that arrived (0: none of this line came back). */
          quantity: Type.Integer({ minimum: 0, maximum: 100_000 }),
          condition: literals(CONDITIONS),
          /** Where resellable units go back into stock; default: the body's `locationId`, else the default location. */
          locationId: Type.Optional(Id),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
    locationId: Type.Optional(Id),
    /** Refund kind only: shipping to give back too, minor units (at most what the order paid for shipping and was not given back yet). */
    refundShipping: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type ReceiveBody = Static<typeof ReceiveBody>;

export const AdminReturnsQuery = Type.Object(
  {
    status: Type.Optional(literals(RETURN_STATUSES)),
    orderId: Type.Optional(Id),
    vendorId: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  },
  { additionalProperties: false },
);
export type AdminReturnsQuery = Static<typeof AdminReturnsQuery>;

const ReturnItemView = Type.Object({
  lineId: Type.String(),
  sku: Type.String(),
  productTitle: Type.String(),
  variantTitle: Type.String(),
  quantity: Type.Integer(),
  reason: Nullable(literals(RETURN_REASONS)),
  replacementVariantId: Nullable(Type.String()),
  receivedQuantity: Nullable(Type.Integer()),
  condition: Nullable(literals(CONDITIONS)),
  /** `restocked`, `written_off`, or `none` (the variant was deleted since). */
  stockAction: Nullable(Type.String()),
  /** What the received units are worth (decision 0017); null until received. */
  amount: Nullable(MoneyView),
});

const LabelView = Type.Object({
  carrierId: Type.String(),
  service: Type.String(),
  trackingNumber: Type.String(),
  trackingUrl: Nullable(Type.String()),
  labelUrl: Nullable(Type.String()),
  labelFormat: Nullable(Type.String()),
});

export const StoreReturnView = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  orderNumber: Type.String(),
  kind: literals(RETURN_KINDS),
  status: literals(RETURN_STATUSES),
  reason: literals(RETURN_REASONS),
  note: Nullable(Type.String()),
  images: Type.Array(MediaViewSchema),
  items: Type.Array(ReturnItemView),
  /** Why it was approved or rejected. */
  decisionNote: Nullable(Type.String()),
  label: Nullable(LabelView),
  /** Value of the received units (null until received); shipping given back; money refunded so far. */
  itemsAmount: Nullable(MoneyView),
  shippingAmount: MoneyView,
  refundedAmount: MoneyView,
  exchangeOrder: Nullable(Type.Object({ id: Type.String(), number: Type.String(), total: MoneyView, replacementValue: MoneyView })),
  requestedAt: Type.String(),
  decidedAt: Nullable(Type.String()),
  receivedAt: Nullable(Type.String()),
  settledAt: Nullable(Type.String()),
});
export type StoreReturnView = Static<typeof StoreReturnView>;

export const AdminReturnView = Type.Object({
  ...StoreReturnView.properties,
  /** The vendor owning every line; null for the store's own or mixed returns (staff only). */
  vendorId: Nullable(Type.String()),
  /** Why the last refund attempt failed; retry with POST /admin/returns/:id/refund. */
  refundError: Nullable(Type.String()),
});
export type AdminReturnView = Static<typeof AdminReturnView>;

export const StoreReturnList = Type.Object({ items: Type.Array(StoreReturnView) });
export const AdminReturnPage = Type.Object({ items: Type.Array(AdminReturnView), count: Type.Integer() });
