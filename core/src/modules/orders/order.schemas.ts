import { Type, type Static, type TSchema } from 'typebox';
import { PostalAddressView } from '../addresses/address.schema.ts';
import { ProductSchemas } from '../catalog/index.ts';
import { FULFILLMENT_STATUSES, ORDER_STATUSES, PAYMENT_STATUSES } from './order-states.ts';

const { MoneyView } = ProductSchemas;
const Id = Type.String({ minLength: 1, maxLength: 64 });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const literals = <const T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });

export const OrderParams = Type.Object({ id: Id });
export const FulfillmentParams = Type.Object({ id: Id, fulfillmentId: Id });

const paging = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'From `nextCursor`; when sent, `offset` is ignored' })),
};

export const StoreOrderQuery = Type.Object({ token: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'A guest order token (the link in the order email)' })) });

export const MyOrdersQuery = Type.Object(paging, { additionalProperties: false });

export const OrderSort = literals(['newest', 'oldest', 'total']);
export type OrderSort = 'newest' | 'oldest' | 'total';

export const AdminOrdersQuery = Type.Object(
  {
    ...paging,
    status: Type.Optional(literals(ORDER_STATUSES)),
    paymentStatus: Type.Optional(literals(PAYMENT_STATUSES)),
    fulfillmentStatus: Type.Optional(literals(FULFILLMENT_STATUSES)),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Placed at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Placed before' })),
    customerId: Type.Optional(Id),
    vendorId: Type.Optional(Id),
    min: Type.Optional(Type.Integer({ minimum: 0, description: 'Order total at least, minor units' })),
    max: Type.Optional(Type.Integer({ minimum: 0, description: 'Order total at most, minor units' })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 320, description: 'An order number (exact) or the start of an email address' })),
    sort: Type.Optional(OrderSort),
  },
  { additionalProperties: false },
);
export type AdminOrdersQuery = Static<typeof AdminOrdersQuery>;

export const CancelBody = Type.Object({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) }, { additionalProperties: false });

export const EditBody = Type.Object(
  {
    /** New quantities of existing lines; 0 removes the line. */
    lines: Type.Optional(Type.Array(Type.Object({ lineId: Type.String({ minLength: 1, maxLength: 64 }), quantity: Type.Integer({ minimum: 0, maximum: 1_000_000 }) }), { maxItems: 200 })),
    /** Variants to add, at today's catalog price. */
    add: Type.Optional(Type.Array(Type.Object({ variantId: Type.String({ minLength: 1, maxLength: 64 }), quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }) }), { maxItems: 200 })),
    /** Why, shown on the customer's order timeline. */
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);

export const NoteBody = Type.Object(
  {
    message: Type.String({ minLength: 1, maxLength: 1000 }),
    visibleToCustomer: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);

const Tracking = {
  carrier: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  trackingNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  trackingUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, format: 'uri' })),
};

const Centimetres = Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1000 }));

/** A label to buy through an installed carrier claiming `labels`; each part defaults as `ShipmentService.plan` says. */
export const LabelBody = Type.Object(
  {
    carrier: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'An installed carrier’s id; default: the carrier of the order’s shipping option' })),
    service: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'The carrier’s service code (`USPS:Priority`); default: the shipping option’s' })),
    parcel: Type.Optional(
      Type.Object(
        { weightGrams: Type.Integer({ minimum: 1, maximum: 1_000_000 }), lengthCm: Centimetres, widthCm: Centimetres, heightCm: Centimetres },
        { additionalProperties: false, description: 'Default: the packed units’ variant weights' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type LabelBody = Static<typeof LabelBody>;

export const CreateFulfillmentBody = Type.Object(
  {
    items: Type.Array(Type.Object({ lineId: Id, quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }) }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 500,
    }),
    locationId: Type.Optional(Id),
    ...Tracking,
    /** Buy a label for the packed units (then leave out trackingNumber: the label brings it). */
    label: Type.Optional(LabelBody),
  },
  { additionalProperties: false },
);
export type CreateFulfillmentBody = Static<typeof CreateFulfillmentBody>;

export const ShipBody = Type.Object(Tracking, { additionalProperties: false });
export type ShipBody = Static<typeof ShipBody>;

const TaxView = Type.Object({ rateId: Type.String(), name: Type.String(), rate: Type.String(), amount: MoneyView });
const DiscountView = Type.Object({ source: Type.String(), label: Type.String(), amount: MoneyView });

const lineFields = {
  id: Type.String(),
  variantId: Nullable(Type.String()),
  productId: Nullable(Type.String()),
  productTitle: Type.String(),
  variantTitle: Type.String(),
  sku: Type.String(),
  options: Type.Record(Type.String(), Type.String()),
  thumbnailUrl: Nullable(Type.String()),
  quantity: Type.Integer(),
  /** Units in fulfillments that are not cancelled. */
  fulfilledQuantity: Type.Integer(),
  unitPrice: MoneyView,
  subtotal: MoneyView,
  discount: MoneyView,
  discounts: Type.Array(DiscountView),
  tax: MoneyView,
  taxes: Type.Array(TaxView),
  total: MoneyView,
};

const totalsView = Type.Object({
  subtotal: MoneyView,
  discountTotal: MoneyView,
  shippingTotal: MoneyView,
  taxTotal: MoneyView,
  total: MoneyView,
  taxes: Type.Array(TaxView),
  discounts: Type.Array(DiscountView),
});

const fulfillmentFields = {
  id: Type.String(),
  status: literals(['created', 'shipped', 'delivered', 'cancelled']),
  carrier: Nullable(Type.String()),
  trackingNumber: Nullable(Type.String()),
  trackingUrl: Nullable(Type.String()),
  shippedAt: Nullable(Type.String()),
  deliveredAt: Nullable(Type.String()),
  createdAt: Type.String(),
  items: Type.Array(Type.Object({ lineId: Type.String(), quantity: Type.Integer() })),
  /** The parcel's latest status as its carrier reports it; null until a carrier tracks it. */
  trackingStatus: Nullable(literals(['pre_transit', 'in_transit', 'out_for_delivery', 'delivered', 'failure', 'returned', 'unknown'])),
  estimatedDeliveryAt: Nullable(Type.String()),
  /** What the carrier reported, oldest first. */
  trackingEvents: Type.Array(
    Type.Object({ status: Type.String(), description: Type.String(), location: Nullable(Type.String()), occurredAt: Type.String() }),
  ),
};

/** The label bought (or being bought) for a fulfillment; staff only. */
const LabelView = Type.Object({
  id: Type.String(),
  carrier: Type.String(),
  service: Type.String(),
  status: literals(['pending', 'purchased', 'failed', 'cancelled']),
  attempts: Type.Integer(),
  failureReason: Nullable(Type.String()),
  trackingNumber: Nullable(Type.String()),
  url: Nullable(Type.String()),
  format: Nullable(Type.String()),
  cost: Nullable(MoneyView),
});

const timelineFields = {
  id: Type.String(),
  kind: Type.String(),
  message: Type.String(),
  createdAt: Type.String(),
};

const statusFields = {
  id: Type.String(),
  number: Type.String(),
  status: literals(ORDER_STATUSES),
  paymentStatus: literals(PAYMENT_STATUSES),
  fulfillmentStatus: literals(FULFILLMENT_STATUSES),
  paymentMethod: Type.String(),
  email: Type.String(),
  currencyCode: Type.String(),
};

const detailFields = {
  ...statusFields,
  pricesIncludeTax: Type.Boolean(),
  shippingAddress: PostalAddressView,
  billingAddress: PostalAddressView,
  shipping: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), amount: MoneyView, tax: MoneyView, total: MoneyView })),
  totals: totalsView,
  placedAt: Type.String(),
  updatedAt: Type.String(),
  cancelledAt: Nullable(Type.String()),
  completedAt: Nullable(Type.String()),
};

/** What the customer (or the guest with the order token) sees: no staff notes, no stock locations, no actors. */
export const StoreOrderView = Type.Object({
  ...detailFields,
  lines: Type.Array(Type.Object(lineFields)),
  fulfillments: Type.Array(Type.Object(fulfillmentFields)),
  timeline: Type.Array(Type.Object(timelineFields)),
});
export type StoreOrderView = Static<typeof StoreOrderView>;

/** What staff see; a vendor sees the same shape holding only its own lines and fulfillments, with totals over those lines. */
export const AdminOrderView = Type.Object({
  ...detailFields,
  customerId: Nullable(Type.String()),
  /** `vendor` when the caller is a vendor and the view holds its lines only. */
  scope: literals(['all', 'vendor']),
  lines: Type.Array(Type.Object({ ...lineFields, vendorId: Nullable(Type.String()) })),
  fulfillments: Type.Array(Type.Object({ ...fulfillmentFields, locationId: Type.String(), label: Nullable(LabelView) })),
  timeline: Type.Array(
    Type.Object({
      ...timelineFields,
      visibleToCustomer: Type.Boolean(),
      actor: Type.Object({ kind: Type.String(), id: Nullable(Type.String()) }),
      data: Type.Record(Type.String(), Type.Unknown()),
    }),
  ),
});
export type AdminOrderView = Static<typeof AdminOrderView>;

const listItemFields = {
  ...statusFields,
  /** Units over the lines shown (a vendor's own lines only). */
  itemCount: Type.Integer(),
  total: MoneyView,
  placedAt: Type.String(),
};

export const StoreOrderListItem = Type.Object(listItemFields);
export const StoreOrderPage = Type.Object({ items: Type.Array(StoreOrderListItem), count: Type.Integer(), nextCursor: Type.Optional(Type.String()) });

export const AdminOrderListItem = Type.Object({ ...listItemFields, customerId: Nullable(Type.String()) });
export type AdminOrderListItem = Static<typeof AdminOrderListItem>;
export const AdminOrderPage = Type.Object({ items: Type.Array(AdminOrderListItem), count: Type.Integer(), nextCursor: Type.Optional(Type.String()) });
export type OrderPage = { items: AdminOrderListItem[]; count: number; nextCursor?: string };

export const CancelResult = Type.Object({
  order: StoreOrderView,
  /** What the payment provider did with the order's money (null when no payments module is installed). */
  payments: Nullable(Type.Object({ voided: Type.Integer(), refunded: Type.Integer() })),
});
export const AdminCancelResult = Type.Object({
  order: AdminOrderView,
  payments: Nullable(Type.Object({ voided: Type.Integer(), refunded: Type.Integer() })),
});
