import { Type, type Static, type TSchema } from 'typebox';
import { MediaViewSchema } from '../media/index.ts';
import { COMPLAINT_CATEGORIES, COMPLAINT_PARTIES, COMPLAINT_STATUSES } from './complaint-states.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const literals = <const T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });
const Time = Type.String({ format: 'date-time' });

/** Most images one message carries. */
export const MAX_MESSAGE_IMAGES = 6;

export const ComplaintStatusSchema = literals(COMPLAINT_STATUSES);
export const ComplaintCategorySchema = literals(COMPLAINT_CATEGORIES);

/** Plain text as written: stored and answered exactly as sent, never rendered as HTML by Cartwright. */
const MessageText = Type.String({ minLength: 1, maxLength: 5000, description: 'Plain text; clients escape it when they display it' });
const ImageIds = Type.Array(Id, {
  maxItems: MAX_MESSAGE_IMAGES,
  description: 'Ids answered by `POST …/orders/:id/attachments` for this same order',
});

export const StoreComplaintParams = Type.Object({ id: Id, complaintId: Id });
export const AdminComplaintParams = Type.Object({ id: Id });

export const OpenComplaintBody = Type.Object(
  {
    subject: Type.String({ minLength: 1, maxLength: 200 }),
    category: ComplaintCategorySchema,
    message: MessageText,
    lineIds: Type.Optional(Type.Array(Id, { maxItems: 200, uniqueItems: true, description: 'Lines of this order the complaint is about' })),
    imageIds: Type.Optional(ImageIds),
  },
  { additionalProperties: false },
);
export type OpenComplaintBody = Static<typeof OpenComplaintBody>;

export const CustomerMessageBody = Type.Object({ message: MessageText, imageIds: Type.Optional(ImageIds) }, { additionalProperties: false });

export const StaffMessageBody = Type.Object(
  {
    message: MessageText,
    imageIds: Type.Optional(ImageIds),
    internal: Type.Optional(Type.Boolean({ default: false, description: 'A note for staff and the vendor only: the customer never sees it, and the status stays' })),
  },
  { additionalProperties: false },
);

/** Resolving or reopening, with an optional note posted to the thread by whoever did it. */
export const ComplaintNoteBody = Type.Object({ note: Type.Optional(MessageText) }, { additionalProperties: false });

const paging = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
};

export const StoreComplaintListQuery = Type.Object(
  { ...paging, token: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'A guest order token (the link in the order email)' })) },
  { additionalProperties: false },
);

export const ComplaintSort = literals(['newest', 'oldest', 'waiting']);

export const AdminComplaintListQuery = Type.Object(
  {
    ...paging,
    status: Type.Optional(ComplaintStatusSchema),
    category: Type.Optional(ComplaintCategorySchema),
    vendorId: Type.Optional(Id),
    orderId: Type.Optional(Id),
    customerId: Type.Optional(Id),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Opened at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Opened before' })),
    sort: Type.Optional(ComplaintSort),
  },
  { additionalProperties: false },
);
export type AdminComplaintListQuery = Static<typeof AdminComplaintListQuery>;

export const ComplaintStatsQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Complaints opened at or after; 30 days before `to` when absent' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Complaints opened before; now when absent' })),
    vendorId: Type.Optional(Id),
  },
  { additionalProperties: false },
);

const LineFields = {
  id: Type.String(),
  sku: Type.String(),
  productTitle: Type.String(),
  variantTitle: Type.String(),
  quantity: Type.Integer(),
};

const StoreMessage = Type.Object({
  id: Type.String(),
  author: Type.Object({ kind: literals(COMPLAINT_PARTIES) }),
  message: Type.String(),
  images: Type.Array(MediaViewSchema),
  createdAt: Time,
});

const AdminMessage = Type.Object({
  ...StoreMessage.properties,
  author: Type.Object({ kind: literals(COMPLAINT_PARTIES), id: Nullable(Type.String()) }),
  internal: Type.Boolean(),
});

const summaryFields = {
  id: Type.String(),
  orderId: Type.String(),
  orderNumber: Type.String(),
  subject: Type.String(),
  category: ComplaintCategorySchema,
  status: ComplaintStatusSchema,
  openedAt: Time,
  resolvedAt: Nullable(Time),
  updatedAt: Time,
};

const staffFields = {
  email: Type.String(),
  customerId: Nullable(Type.String()),
  vendorId: Nullable(Type.String({ description: 'The vendor owning every line named; null: staff only' })),
  firstResponseAt: Nullable(Time),
  lastCustomerMessageAt: Time,
  lastStaffMessageAt: Nullable(Time),
  waitingSince: Nullable(Type.String({ format: 'date-time', description: 'Since when the customer has waited for an answer; null when not waiting' })),
  resolvedBy: Nullable(literals(COMPLAINT_PARTIES)),
  reopenCount: Type.Integer(),
};

export const StoreComplaintListItem = Type.Object(summaryFields);
export const StoreComplaintPage = Type.Object({ items: Type.Array(StoreComplaintListItem), count: Type.Integer() });

export const StoreComplaintView = Type.Object({
  ...summaryFields,
  reopenableUntil: Nullable(Type.String({ format: 'date-time', description: 'While resolved: until when the customer may reopen it' })),
  lines: Type.Array(Type.Object(LineFields)),
  messages: Type.Array(StoreMessage),
});
export type StoreComplaintView = Static<typeof StoreComplaintView>;

export const AdminComplaintListItem = Type.Object({ ...summaryFields, ...staffFields });
export type AdminComplaintListItem = Static<typeof AdminComplaintListItem>;
export const AdminComplaintPage = Type.Object({ items: Type.Array(AdminComplaintListItem), count: Type.Integer() });

export const AdminComplaintView = Type.Object({
  ...summaryFields,
  ...staffFields,
  reopenableUntil: Nullable(Time),
  lines: Type.Array(Type.Object({ ...LineFields, vendorId: Nullable(Type.String()) })),
  messages: Type.Array(AdminMessage),
});
export type AdminComplaintView = Static<typeof AdminComplaintView>;

const Durations = Type.Object({
  /** How many complaints the figures are over. */
  count: Type.Integer(),
  averageSeconds: Nullable(Type.Integer()),
  medianSeconds: Nullable(Type.Integer()),
  p90Seconds: Nullable(Type.Integer()),
});

export const ComplaintStatsView = Type.Object({
  from: Time,
  to: Time,
  vendorId: Nullable(Type.String()),
  counts: Type.Object({ total: Type.Integer(), open: Type.Integer(), awaitingCustomer: Type.Integer(), resolved: Type.Integer(), unanswered: Type.Integer() }),
  /** From opening to the first staff or vendor reply, over complaints that have one. */
  firstResponse: Durations,
  /** From opening to resolution, over complaints resolved now. */
  resolution: Durations,
});
export type ComplaintStatsView = Static<typeof ComplaintStatsView>;
