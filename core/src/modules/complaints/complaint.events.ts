import type { ComplaintCategory, ComplaintParty, ComplaintStatus } from './complaint-states.ts';

/**
 * What every complaint event carries: enough for the notifications module to address the other
 * side (the customer by `email`, the vendor by `vendorId`, staff otherwise) without reading the complaint.
 */
export interface ComplaintEventBase {
  complaintId: string;
  orderId: string;
  orderNumber: string;
  customerId: string | null;
  email: string;
  /** The vendor answering the complaint; null: staff answer it. */
  vendorId: string | null;
  subject: string;
  category: ComplaintCategory;
}

declare module '../../kernel/events/event-map.ts' {
  interface EventMap {
    /** The customer (or guest) opened a complaint with its first message: notify staff, or the vendor when `vendorId` is set. */
    'complaint.opened': ComplaintEventBase & { authorKind: 'customer' };
    /**
     * A message the other side should read: from the customer (notify staff or the vendor) or from
     * staff or the vendor (notify the customer). Internal notes raise no event. `status` is after the message.
     */
    'complaint.replied': ComplaintEventBase & { authorKind: ComplaintParty; messageId: string; status: ComplaintStatus };
    /** `note` is the last message posted with the resolution, if any. */
    'complaint.resolved': ComplaintEventBase & { resolvedBy: ComplaintParty; note: string | null };
    'complaint.reopened': ComplaintEventBase & { reopenedBy: ComplaintParty; note: string | null };
  }
}
