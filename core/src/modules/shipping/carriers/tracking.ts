import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../../kernel/container.ts';
import { rows, run } from '../../../kernel/db/sql.ts';
import { newId } from '../../../kernel/ids.ts';
import { advanceFulfillmentByCarrier } from '../../orders/index.ts';
import type { ShippingCarrier, TrackingEvent, TrackingReport, TrackingStatus } from './shipping-carrier.ts';

type Deps = Pick<Cradle, 'em' | 'events' | 'orderService' | 'reservationService' | 'actor' | 'shippingCarriers' | 'logger'>;

/** What the customer reads on the order's timeline for each status. */
const STATUS_LABEL: Record<TrackingStatus, string> = {
  pre_transit: 'Label created',
  in_transit: 'In transit',
  out_for_delivery: 'Out for delivery',
  delivered: 'Delivered',
  failure: 'Delivery problem',
  returned: 'Returned to sender',
  unknown: 'Tracking update',
};

/** Where a status takes the fulfillment; statuses not listed leave it where it is. */
const MOVES_TO: Partial<Record<TrackingStatus, 'shipped' | 'delivered'>> = { in_transit: 'shipped', out_for_delivery: 'shipped', delivered: 'delivered' };

/** Carriers without webhooks are asked this often per parcel; carriers with webhooks only when they went quiet this long. */
const POLL_AFTER_MS = 15 * 60_000;
const POLL_WEBHOOK_CARRIER_AFTER_MS = 24 * 60 * 60_000;

export interface AppliedReport {
  /** Fulfillments of the store the report was about. */
  matched: number;
  /** Tracking events recorded now (not seen before). */
  recorded: number;
}

/**
 * Applies what carriers report about parcels (from a webhook or the polling job) to the
 * fulfillments they carry: each event is recorded once (by the carrier's event id), appended to the
 * order's timeline for the customer and emitted as `fulfillment.tracking_updated`; in transit ships
 * a packed fulfillment and delivered delivers it, never backwards. Reports about tracking numbers
 * the store does not know are acknowledged and ignored.
 */
export class TrackingService {
  readonly #deps: Deps;

  constructor(cradle: Cradle) {
    this.#deps = cradle;
  }

  async apply(carrierId: string, report: TrackingReport): Promise<AppliedReport> {
    const { em, logger } = this.#deps;
    const fulfillments = await rows<{ id: string; order_id: string }>(
      em,
      sql`select id, order_id from cw_fulfillment where carrier = ${carrierId} and tracking_number = ${report.trackingNumber} and status <> 'cancelled'`,
    );
    if (fulfillments.length === 0) {
      logger.info({ carrier: carrierId, trackingNumber: report.trackingNumber }, 'tracking report for a parcel the store does not know: ignored');
      return { matched: 0, recorded: 0 };
    }
    let recorded = 0;
    for (const f of fulfillments) recorded += await em.transactional((tx) => this.#applyTo(tx, f.order_id, f.id, carrierId, report));
    return { matched: fulfillments.length, recorded };
  }

  async #applyTo(tx: EntityManager, orderId: string, fulfillmentId: string, carrierId: string, report: TrackingReport): Promise<number> {
    const { orderService, events } = this.#deps;
    // the order first, as every fulfillment write locks it: two reports of one parcel take turns
    const order = await orderService.get(tx, orderId, { lock: true });
    if (!order) return 0;
    const [f] = await rows<{ tracking_url: string | null }>(tx, sql`select tracking_url from cw_fulfillment where id = ${fulfillmentId} for update`);
    const fresh = [...report.events].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
    let recorded = 0;
    for (const event of fresh) {
      if (!(await this.#record(tx, fulfillmentId, event))) continue;
      recorded += 1;
      const where = event.location ? ` (${event.location})` : '';
      await orderService.addTimeline(tx, orderId, {
        kind: 'fulfillment.tracking',
        message: `${STATUS_LABEL[event.status]}: ${event.description}${where}`.trim(),
        visibleToCustomer: true,
        data: { fulfillmentId, carrier: carrierId, trackingNumber: report.trackingNumber, status: event.status, description: event.description, location: event.location, occurredAt: event.occurredAt.toISOString() },
      });
      const base = { orderId, number: order.number, customerId: order.customerId, email: order.email };
      const parcel = { fulfillmentId, carrier: carrierId, trackingNumber: report.trackingNumber, trackingUrl: f?.tracking_url ?? null };
      events.emit(tx, 'fulfillment.tracking_updated', {
        ...base,
        ...parcel,
        status: event.status,
        description: event.description,
        location: event.location,
        occurredAt: event.occurredAt.toISOString(),
      });
      if (event.status === 'out_for_delivery') events.emit(tx, 'order.out_for_delivery', { ...base, ...parcel });
    }
    await run(
      tx,
      sql`update cw_fulfillment set tracking_status = ${report.status}, estimated_delivery_at = ${report.estimatedDeliveryAt}, tracked_at = ${new Date()}
        where id = ${fulfillmentId}`,
    );
    const to = MOVES_TO[report.status];
    if (to) await advanceFulfillmentByCarrier(tx, this.#deps, orderId, fulfillmentId, to);
    return recorded;
  }

  /** Records an event unless the fulfillment already has one with its id; answers whether it is new. */
  async #record(tx: EntityManager, fulfillmentId: string, event: TrackingEvent): Promise<boolean> {
    const inserted = await run(
      tx,
      sql`insert into cw_tracking_event (id, fulfillment_id, carrier_event_id, status, description, location, occurred_at, recorded_at)
        values (${newId('trk')}, ${fulfillmentId}, ${event.id.slice(0, 200)}, ${event.status}, ${event.description.slice(0, 2000)},
          ${event.location?.slice(0, 500) ?? null}, ${event.occurredAt}, ${new Date()})
        on conflict (fulfillment_id, carrier_event_id) do nothing`,
    );
    return inserted > 0;
  }

  /**
   * An inbound webhook of a carrier claiming `webhooks`: the carrier checks it on the raw body
   * (throwing `CARRIER_WEBHOOK_INVALID`, 400, before anything changes), then each report applies.
   */
  async handleWebhook(carrier: ShippingCarrier, request: { rawBody: Buffer; headers: Record<string, string | string[] | undefined> }): Promise<{ applied: boolean; duplicate: boolean }> {
    const reports = await carrier.webhook!(request);
    let matched = 0;
    let recorded = 0;
    for (const report of reports) {
      const outcome = await this.apply(carrier.id, report);
      matched += outcome.matched;
      recorded += outcome.recorded;
    }
    return { applied: recorded > 0, duplicate: matched > 0 && recorded === 0 };
  }

  /**
   * One round of the polling job: asks `track()` about up to `limit` parcels not yet delivered,
   * oldest-asked first — every parcel of a carrier without webhooks once it was last asked 15
   * minutes ago, and those of a carrier with webhooks only after a day without news (a missed
   * webhook). One parcel failing is logged and the round goes on.
   */
  async poll(limit = 100): Promise<{ asked: number; failed: number }> {
    const { em, logger } = this.#deps;
    const trackers = (await this.#deps.shippingCarriers.list()).filter((carrier) => carrier.capabilities.tracking && carrier.track);
    if (trackers.length === 0) return { asked: 0, failed: 0 };
    const now = Date.now();
    const due = trackers.map(
      (carrier) =>
        sql`(f.carrier = ${carrier.id} and coalesce(f.tracked_at, f.created_at) <= ${new Date(now - (carrier.capabilities.webhooks ? POLL_WEBHOOK_CARRIER_AFTER_MS : 0))}
          and (f.tracked_at is null or f.tracked_at <= ${new Date(now - POLL_AFTER_MS)}))`,
    );
    const parcels = await rows<{ id: string; carrier: string; tracking_number: string; shipment_id: string | null }>(
      em,
      sql`select f.id, f.carrier, f.tracking_number,
          (select s.carrier_shipment_id from cw_shipment s where s.fulfillment_id = f.id and s.status = 'purchased' and s.tracking_number = f.tracking_number) as shipment_id
        from cw_fulfillment f join cw_order o on o.id = f.order_id
        where f.status in ('created', 'shipped') and f.tracking_number is not null and o.status = 'confirmed' and (${sql.join(due, sql` or `)})
        order by f.tracked_at nulls first, f.created_at, f.id limit ${limit}`,
    );
    const byId = new Map(trackers.map((carrier) => [carrier.id, carrier]));
    let failed = 0;
    for (const parcel of parcels) {
      try {
        const report = await byId.get(parcel.carrier)!.track!({ trackingNumber: parcel.tracking_number, shipmentId: parcel.shipment_id });
        await this.apply(parcel.carrier, report);
      } catch (error) {
        failed += 1;
        logger.warn({ err: error, fulfillmentId: parcel.id, carrier: parcel.carrier }, 'tracking a parcel failed; it is asked again next round');
        // to the back of the queue, so one parcel that always fails does not starve the others
        await run(em, sql`update cw_fulfillment set tracked_at = ${new Date()} where id = ${parcel.id}`);
      }
    }
    return { asked: parcels.length, failed };
  }
}
