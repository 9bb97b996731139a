/** A complaint's life: waiting on staff (`open`), waiting on the customer, or settled. */
export const COMPLAINT_STATUSES = ['open', 'awaiting_customer', 'resolved'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

export const COMPLAINT_CATEGORIES = ['damaged_item', 'missing_item', 'wrong_item', 'late_delivery', 'quality', 'other'] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

/** Who wrote a message or moved a complaint: the order's customer (or guest), staff, or the vendor owning the complaint. */
export const COMPLAINT_PARTIES = ['customer', 'staff', 'vendor'] as const;
export type ComplaintParty = (typeof COMPLAINT_PARTIES)[number];

/**
 * What someone does to a complaint. An internal note is a staff or vendor message the customer
 * never sees; it changes no status because nobody outside was answered.
 */
export type ComplaintAction = 'customer_message' | 'staff_reply' | 'internal_note' | 'resolve' | 'reopen';

/** How long after a resolution the customer may reopen the complaint themselves; staff may reopen any time. */
export const CUSTOMER_REOPEN_DAYS = 30;

const TRANSITIONS: Record<ComplaintAction, Partial<Record<ComplaintStatus, ComplaintStatus>>> = {
  customer_message: { open: 'open', awaiting_customer: 'open' },
  staff_reply: { open: 'awaiting_customer', awaiting_customer: 'awaiting_customer' },
  internal_note: { open: 'open', awaiting_customer: 'awaiting_customer', resolved: 'resolved' },
  resolve: { open: 'resolved', awaiting_customer: 'resolved' },
  reopen: { resolved: 'open' },
};

/** The status after `action`, or undefined when the action is not allowed in `status` (a resolved thread must be reopened first). */
export function nextComplaintStatus(status: ComplaintStatus, action: ComplaintAction): ComplaintStatus | undefined {
  return TRANSITIONS[action][status];
}

/** The last moment the customer may reopen a complaint resolved at `resolvedAt`. */
export function customerReopenDeadline(resolvedAt: Date): Date {
  return new Date(resolvedAt.getTime() + CUSTOMER_REOPEN_DAYS * 24 * 60 * 60 * 1000);
}
