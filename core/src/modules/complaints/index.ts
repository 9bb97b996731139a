import { definePlugin } from '../../kernel/plugin.ts';
import { ComplaintService } from './complaint.service.ts';
import { adminComplaintRoutes } from './admin-complaints.routes.ts';
import { storeComplaintRoutes } from './store-complaints.routes.ts';
import './complaint.events.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    /** Opens complaints and moves them along their thread; each write is its own transaction. */
    complaintService: ComplaintService;
  }
}

/** Complaints: a thread per order between the customer and staff or the owning vendor. */
export const complaintsModule = definePlugin({
  name: '@cartwright/core/complaints',
  version: '0.1.0',
  register(api) {
    api.service('complaintService', (cradle) => new ComplaintService(cradle));
    api.routes('/store/orders', storeComplaintRoutes);
    api.routes('/admin/complaints', adminComplaintRoutes);
  },
});

export { ComplaintService };
export { ComplaintErrors } from './complaints.errors.ts';
export { COMPLAINT_CATEGORIES, COMPLAINT_STATUSES, COMPLAINT_PARTIES, CUSTOMER_REOPEN_DAYS, nextComplaintStatus, customerReopenDeadline } from './complaint-states.ts';
export type { ComplaintStatus, ComplaintCategory, ComplaintParty, ComplaintAction } from './complaint-states.ts';
export type { ComplaintEventBase } from './complaint.events.ts';
export * as ComplaintSchemas from './complaint.schemas.ts';
