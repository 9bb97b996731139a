import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import { run } from '../../kernel/db/sql.ts';
import { cancelInTransaction, type CancelledBy } from './order-cancellation.ts';
import { editOrderInTransaction, type OrderEdit } from './order-edits.ts';
import { orderLinesForAudit, orderStateForAudit } from './order-audit.ts';
import { createFulfillment, deliverFulfillment, shipFulfillment } from './order-fulfillment.ts';
import { findOrder, insertOrder, insertTimeline, transitionOrder, type OrderRecord, type StatusChange } from './order-records.ts';
import type { CreateFulfillmentBody, ShipBody } from './order.schemas.ts';
import type { OrderSnapshot, TimelineEntryInput } from './order.types.ts';
import type { OrderScope } from './order-views.ts';

type Deps = Pick<Cradle, 'em' | 'events' | 'actor' | 'reservationService' | 'logger'>;

/** The part of the payments module cancellation relies on; present only when payments are installed. */
interface CancelledOrderSettlement {
  settleCancelled(orderId: string): Promise<{ voided: number; refunded: number }>;
}

/** What a cancellation did with the order's money: null when no payments module is registered (or settling failed; see the timeline). */
export type CancelSettlement = { voided: number; refunded: number } | null;

/**
 * The writes every other module makes to orders: placing one (checkout), moving its statuses
 * (payments, fulfillment, cancellation) and adding to its timeline. Each takes the caller's
 * transaction `em`, so an order change and whatever caused it commit together. Cancellation and
 * fulfillment run their own transaction on the scope's EntityManager.
 */
export class OrderService {
  readonly #deps: Deps;
  readonly #cradle: Cradle;

  constructor(cradle: Cradle) {
    this.#deps = cradle;
    this.#cradle = cradle;
  }

  place(tx: EntityManager, snapshot: OrderSnapshot, options: { id?: string } = {}): Promise<OrderRecord & { token: string | null }> {
    return insertOrder(tx, this.#deps.events, snapshot, { ...options, actor: this.#deps.actor });
  }

  /**
   * See `transitionOrder`: refuses illegal changes with 409, locks the order, writes the timeline and
   * events. Two consequences live here so every caller gets them: an order becoming `confirmed` keeps
   * its stock reservation until it is settled (no payment deadline any more), and a confirmed order
   * that is both paid and delivered becomes `completed`. Answers the order as it is after the change.
   */
  async transition(tx: EntityManager, orderId: string, change: StatusChange, entry: TimelineEntryInput): Promise<OrderRecord> {
    const before = await transitionOrder(tx, this.#deps.events, orderId, change, entry, this.#deps.actor);
    if (change.order === 'confirmed' && before.status !== 'confirmed') await this.#deps.reservationService.keepUntilSettled(tx, orderId);
    const after: OrderRecord = {
      ...before,
      status: change.order ?? before.status,
      paymentStatus: change.payment ?? before.paymentStatus,
      fulfillmentStatus: change.fulfillment ?? before.fulfillmentStatus,
    };
    if (after.status !== before.status || after.paymentStatus !== before.paymentStatus || after.fulfillmentStatus !== before.fulfillmentStatus) after.version += 1;
    if (after.status === 'confirmed' && after.paymentStatus === 'paid' && after.fulfillmentStatus === 'delivered') {
      await transitionOrder(
        tx,
        this.#deps.events,
        orderId,
        { order: 'completed' },
        { kind: 'order.completed', message: 'Order completed: delivered and paid', visibleToCustomer: true },
        this.#deps.actor,
      );
      return { ...after, status: 'completed', version: after.version + 1 };
    }
    return after;
  }

  addTimeline(tx: EntityManager, orderId: string, entry: TimelineEntryInput): Promise<void> {
    return insertTimeline(tx, orderId, entry, this.#deps.actor);
  }

  get(em: EntityManager, orderId: string, options: { lock?: boolean } = {}): Promise<OrderRecord | undefined> {
    return findOrder(em, orderId, options);
  }

  /**
   * Cancels the order in one transaction (status, stock released or returned through the ledger,
   * open fulfillments), then asks the payments module, when installed, to void authorized and refund
   * captured money. A customer may cancel until something is fulfilled, staff until delivery (409
   * `ORDER_NOT_CANCELLABLE`); a second cancellation gets 409 `ORDER_TRANSITION_INVALID`.
   */
  async cancel(orderId: string, options: { by: CancelledBy; reason?: string | undefined }): Promise<CancelSettlement> {
    await this.#deps.em.transactional(async (tx) => {
      // staff cancellations are admin actions: audited with the order's state before and after
      const before = options.by === 'staff' ? await orderStateForAudit(tx, orderId, { lock: true }) : null;
      await cancelInTransaction(tx, this.#operationDeps(), orderId, options);
      if (options.by === 'staff') {
        const after = await orderStateForAudit(tx, orderId);
        const reason = options.reason?.trim() || null;
        this.#cradle.auditLog.record(tx, { action: 'order.cancelled', target: { type: 'order', id: orderId }, before, after: after && { ...after, reason } });
      }
    });
    return this.#settlePayments(orderId);
  }

  /**
   * `inventory.reservation_expired`: an order still pending and unpaid when its stock hold lapsed is
   * cancelled ("Payment not completed in time"). Anything else (paid, confirmed, another reference) is left alone.
   */
  async cancelUnpaidExpired(orderId: string): Promise<boolean> {
    return this.#deps.em.transactional((tx) =>
      cancelInTransaction(tx, this.#operationDeps(), orderId, {
        by: 'system',
        message: 'Payment not completed in time',
        onlyIf: (order) => order.status === 'pending' && order.paymentStatus === 'not_paid',
      }).catch((error: unknown) => {
        if ((error as { code?: string }).code === 'ORDER_NOT_FOUND') return false;
        throw error;
      }),
    );
  }

  /** A timeline note from staff (or a vendor), for staff only unless `visibleToCustomer`. */
  async addNote(orderId: string, note: { message: string; visibleToCustomer?: boolean | undefined }): Promise<void> {
    await this.#deps.em.transactional(async (tx) => {
      await insertTimeline(tx, orderId, { kind: 'note', message: note.message, visibleToCustomer: note.visibleToCustomer ?? false }, this.#deps.actor);
      await run(tx, sql`update cw_order set updated_at = ${new Date()} where id = ${orderId}`);
    });
  }

  createFulfillment(orderId: string, body: CreateFulfillmentBody, scope: OrderScope): Promise<string> {
    return this.#deps.em.transactional((tx) => createFulfillment(tx, this.#operationDeps(), orderId, body, scope));
  }

  shipFulfillment(orderId: string, fulfillmentId: string, body: ShipBody, scope: OrderScope): Promise<void> {
    return this.#deps.em.transactional((tx) => shipFulfillment(tx, this.#operationDeps(), orderId, fulfillmentId, body, scope));
  }

  deliverFulfillment(orderId: string, fulfillmentId: string, scope: OrderScope): Promise<void> {
    return this.#deps.em.transactional((tx) => deliverFulfillment(tx, this.#operationDeps(), orderId, fulfillmentId, scope));
  }

  #operationDeps() {
    const { reservationService, events, actor } = this.#deps;
    return { reservationService, events, actor, orderService: this };
  }

  /**
   * Admin edit before anything is paid or packed (see `editOrderInTransaction`); then, with payments
   * installed, pending pay-on-delivery attempts are replaced by ones for the new total.
   */
  async edit(orderId: string, edit: OrderEdit): Promise<{ oldTotal: number; newTotal: number }> {
    const result = await this.#deps.em.transactional(async (tx) => {
      const before = await orderLinesForAudit(tx, orderId, { lock: true });
      const totals = await editOrderInTransaction(tx, this.#cradle, orderId, edit);
      const after = await orderLinesForAudit(tx, orderId);
      this.#cradle.auditLog.record(tx, { action: 'order.edited', target: { type: 'order', id: orderId }, before, after: after && { ...after, reason: edit.reason } });
      return totals;
    });
    if (result.oldTotal !== result.newTotal && Object.hasOwn(this.#cradle, 'paymentService')) {
      try {
        await this.#cradle.paymentService.reissuePending(orderId);
      } catch (error) {
        this.#deps.logger.error({ err: error, orderId }, 'replacing the pending payment of an edited order failed');
        await this.#deps.em.transactional((tx) =>
          insertTimeline(
            tx,
            orderId,
            { kind: 'payment.adjust_failed', message: `The payment could not follow the new total: ${(error as Error).message}`, visibleToCustomer: false },
            this.#deps.actor,
          ),
        );
      }
    }
    return result;
  }

  async #settlePayments(orderId: string): Promise<CancelSettlement> {
    if (!Object.hasOwn(this.#cradle, 'paymentService')) return null;
    const payments = (this.#cradle as unknown as { paymentService: CancelledOrderSettlement }).paymentService;
    try {
      return await payments.settleCancelled(orderId);
    } catch (error) {
      // the order stays cancelled; staff see why the money was not settled and can refund by hand
      this.#deps.logger.error({ err: error, orderId }, 'settling the payments of a cancelled order failed');
      await this.#deps.em.transactional((tx) =>
        insertTimeline(
          tx,
          orderId,
          { kind: 'payment.settle_failed', message: `Payments could not be settled automatically: ${(error as Error).message}`, visibleToCustomer: false },
          this.#deps.actor,
        ),
      );
      return null;
    }
  }
}
