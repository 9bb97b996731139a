import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import { rows } from '../../kernel/db/sql.ts';
import type { FieldIssue } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { OrderErrors, requireOrderAttachments } from '../orders/index.ts';
import type { ComplaintAccess, ComplaintAuthor } from './complaint-access.ts';
import { addMessage, insertComplaint, lockComplaint, moveComplaint, type ComplaintRecord } from './complaint-records.ts';
import { customerReopenDeadline, nextComplaintStatus, type ComplaintAction, type ComplaintCategory, type ComplaintStatus } from './complaint-states.ts';
import type { ComplaintEventBase } from './complaint.events.ts';
import { ComplaintErrors } from './complaints.errors.ts';

type Deps = Pick<Cradle, 'em' | 'events' | 'orderService'>;

export interface OpenComplaint {
  subject: string;
  category: ComplaintCategory;
  message: string;
  lineIds?: readonly string[] | undefined;
  imageIds?: readonly string[] | undefined;
}

export interface ComplaintMessage {
  message: string;
  imageIds?: readonly string[] | undefined;
  /** Staff and vendors only: a note the customer never sees. */
  internal?: boolean | undefined;
}

function eventBase(c: ComplaintRecord): ComplaintEventBase {
  return {
    complaintId: c.id,
    orderId: c.orderId,
    orderNumber: c.orderNumber,
    customerId: c.customerId,
    email: c.email,
    vendorId: c.vendorId,
    subject: c.subject,
    category: c.category,
  };
}

/**
 * Opens complaints and moves them along their thread. Every write is one transaction on the scope's
 * EntityManager: the complaint, its message, images, order timeline entry and event commit together
 * or not at all. Callers have already checked who may reach the order or the complaint (`ComplaintAccess`).
 */
export class ComplaintService {
  readonly #deps: Deps;

  constructor(cradle: Cradle) {
    this.#deps = cradle;
  }

  /**
   * The customer opens a complaint about an order they may see. Named lines must be the order's
   * (422 naming `/lineIds/<i>`) and images uploaded for this order (422 naming `/imageIds/<i>`). A
   * complaint whose lines all belong to one vendor is that vendor's to answer; any other is staff's.
   */
  async open(orderId: string, input: OpenComplaint, author: ComplaintAuthor): Promise<string> {
    return this.#deps.em.transactional(async (tx) => {
      const [order] = await rows<{ number: string | number; customer_id: string | null; email: string }>(
        tx,
        sql`select number, customer_id, email from cw_order where id = ${orderId}`,
      );
      if (!order) throw OrderErrors.ORDER_NOT_FOUND(`No order ${orderId}`);
      const lineIds = input.lineIds ?? [];
      const vendorId = await this.#ownerOfLines(tx, orderId, lineIds);
      const imageIds = input.imageIds ?? [];
      await requireOrderAttachments(tx, orderId, imageIds, '/imageIds');
      const at = new Date();
      const id = newId('cmp');
      await insertComplaint(tx, { id, orderId, customerId: order.customer_id, vendorId, subject: input.subject, category: input.category, lineIds }, at);
      await addMessage(tx, id, { author, text: input.message, imageIds, internal: false }, at);
      await this.#deps.orderService.addTimeline(tx, orderId, {
        kind: 'complaint.opened',
        message: `Complaint opened: ${input.subject}`,
        visibleToCustomer: false,
        data: { complaintId: id, category: input.category },
      });
      const opened: ComplaintRecord = {
        id,
        orderId,
        orderNumber: String(order.number),
        customerId: order.customer_id,
        email: order.email,
        vendorId,
        subject: input.subject,
        category: input.category,
        status: 'open',
        resolvedAt: null,
      };
      this.#deps.events.emit(tx, 'complaint.opened', { ...eventBase(opened), authorKind: 'customer' });
      return id;
    });
  }

  /**
   * Adds a message to the thread. The customer's moves the complaint back to `open`; a staff or
   * vendor reply to `awaiting_customer`; an internal note leaves it as it is. A resolved complaint
   * takes only internal notes until it is reopened (409 `COMPLAINT_TRANSITION_INVALID`).
   */
  async postMessage(complaintId: string, access: ComplaintAccess, author: ComplaintAuthor, input: ComplaintMessage): Promise<void> {
    const internal = author.kind !== 'customer' && input.internal === true;
    const action: ComplaintAction = author.kind === 'customer' ? 'customer_message' : internal ? 'internal_note' : 'staff_reply';
    await this.#deps.em.transactional(async (tx) => {
      const complaint = await lockComplaint(tx, complaintId, access);
      const to = this.#next(complaint, action);
      const imageIds = input.imageIds ?? [];
      await requireOrderAttachments(tx, complaint.orderId, imageIds, '/imageIds');
      const at = new Date();
      const messageId = await addMessage(tx, complaint.id, { author, text: input.message, imageIds, internal }, at);
      if (to !== complaint.status) await moveComplaint(tx, complaint, to, author.kind, at);
      if (!internal) this.#deps.events.emit(tx, 'complaint.replied', { ...eventBase(complaint), authorKind: author.kind, messageId, status: to });
    });
  }

  /** Staff, the owning vendor or the customer settle the complaint, optionally with a last message. */
  async resolve(complaintId: string, access: ComplaintAccess, author: ComplaintAuthor, note?: string): Promise<void> {
    await this.#deps.em.transactional(async (tx) => {
      const complaint = await lockComplaint(tx, complaintId, access);
      const to = this.#next(complaint, 'resolve');
      const at = new Date();
      if (note) await addMessage(tx, complaint.id, { author, text: note, imageIds: [], internal: false }, at);
      await moveComplaint(tx, complaint, to, author.kind, at);
      await this.#deps.orderService.addTimeline(tx, complaint.orderId, {
        kind: 'complaint.resolved',
        message: `Complaint resolved: ${complaint.subject}`,
        visibleToCustomer: false,
        data: { complaintId: complaint.id, resolvedBy: author.kind },
      });
      this.#deps.events.emit(tx, 'complaint.resolved', { ...eventBase(complaint), resolvedBy: author.kind, note: note ?? null });
    });
  }

  /**
   * Opens a resolved complaint again: the customer within `CUSTOMER_REOPEN_DAYS` of its resolution
   * (after that 409 `COMPLAINT_REOPEN_WINDOW_CLOSED`), staff and the owning vendor at any time.
   */
  async reopen(complaintId: string, access: ComplaintAccess, author: ComplaintAuthor, note?: string): Promise<void> {
    await this.#deps.em.transactional(async (tx) => {
      const complaint = await lockComplaint(tx, complaintId, access);
      const to = this.#next(complaint, 'reopen');
      const at = new Date();
      if (author.kind === 'customer' && complaint.resolvedAt && at > customerReopenDeadline(complaint.resolvedAt)) {
        throw ComplaintErrors.COMPLAINT_REOPEN_WINDOW_CLOSED(
          `Complaint ${complaint.id} was resolved on ${complaint.resolvedAt.toISOString()}; it could be reopened until ${customerReopenDeadline(complaint.resolvedAt).toISOString()}`,
        );
      }
      if (note) await addMessage(tx, complaint.id, { author, text: note, imageIds: [], internal: false }, at);
      await moveComplaint(tx, complaint, to, author.kind, at);
      await this.#deps.orderService.addTimeline(tx, complaint.orderId, {
        kind: 'complaint.reopened',
        message: `Complaint reopened: ${complaint.subject}`,
        visibleToCustomer: false,
        data: { complaintId: complaint.id, reopenedBy: author.kind },
      });
      this.#deps.events.emit(tx, 'complaint.reopened', { ...eventBase(complaint), reopenedBy: author.kind, note: note ?? null });
    });
  }

  #next(complaint: ComplaintRecord, action: ComplaintAction): ComplaintStatus {
    const to = nextComplaintStatus(complaint.status, action);
    if (!to) {
      throw ComplaintErrors.COMPLAINT_TRANSITION_INVALID(`A ${complaint.status} complaint cannot take a ${action.replace('_', ' ')}`, {
        extensions: { status: complaint.status, action },
      });
    }
    return to;
  }

  /** The vendor owning every named line, or null (staff only) for no lines, the house's lines or several vendors'. */
  async #ownerOfLines(tx: EntityManager, orderId: string, lineIds: readonly string[]): Promise<string | null> {
    if (!lineIds.length) return null;
    const found = await rows<{ id: string; vendor_id: string | null }>(
      tx,
      sql`select id, vendor_id from cw_order_line where order_id = ${orderId} and id in (${sql.join([...lineIds])})`,
    );
    const vendorOf = new Map(found.map((l) => [l.id, l.vendor_id]));
    const issues: FieldIssue[] = lineIds.flatMap((id, index) =>
      vendorOf.has(id) ? [] : [{ in: 'body' as const, pointer: `/lineIds/${index}`, rule: 'orderLine', message: `${id} is not a line of this order` }],
    );
    if (issues.length) throw ComplaintErrors.COMPLAINT_LINES_INVALID(issues[0]!.message, { errors: issues });
    const vendors = new Set(vendorOf.values());
    return vendors.size === 1 ? ([...vendors][0] ?? null) : null;
  }
}
