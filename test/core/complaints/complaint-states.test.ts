import { expect } from 'chai';
import { COMPLAINT_STATUSES, customerReopenDeadline, nextComplaintStatus, type ComplaintAction, type ComplaintStatus } from '../../../core/src/modules/complaints/index.ts';

describe('complaint states', () => {
  // every (status, action) pair: the status it leads to, or undefined when refused (409)
  const expected: Record<ComplaintStatus, Record<ComplaintAction, ComplaintStatus | undefined>> = {
    open: { customer_message: 'open', staff_reply: 'awaiting_customer', internal_note: 'open', resolve: 'resolved', reopen: undefined },
    awaiting_customer: { customer_message: 'open', staff_reply: 'awaiting_customer', internal_note: 'awaiting_customer', resolve: 'resolved', reopen: undefined },
    resolved: { customer_message: undefined, staff_reply: undefined, internal_note: 'resolved', resolve: undefined, reopen: 'open' },
  };

  it('allows exactly the documented moves', () => {
    for (const status of COMPLAINT_STATUSES) {
      for (const [action, to] of Object.entries(expected[status]) as Array<[ComplaintAction, ComplaintStatus | undefined]>) {
        expect(nextComplaintStatus(status, action), `${status} + ${action}`).to.equal(to);
      }
    }
  });

  it('lets the customer reopen for 30 days after the resolution', () => {
    expect(customerReopenDeadline(new Date('2026-01-31T10:00:00Z')).toISOString()).to.equal('2026-03-02T10:00:00.000Z');
  });
});
