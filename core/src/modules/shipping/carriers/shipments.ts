import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../../kernel/container.ts';
import { rows, run } from '../../../kernel/db/sql.ts';
import type { FieldIssue } from '../../../kernel/errors.ts';
import { newId } from '../../../kernel/ids.ts';
import { carrierAddressOf, originAddress } from './carrier-addresses.ts';
import { CarrierErrors } from './carriers.errors.ts';
import type { CarrierAddress, CreateShipmentRequest, Parcel, ShippingCarrier } from './shipping-carrier.ts';

/** What staff ask for when they want a label: every part may be left to the order's shipping option and the packed goods. */
export interface LabelRequest {
  /** An installed carrier's id; default: the carrier of the order's carrier-calculated shipping option. */
  carrier?: string | undefined;
  /** The carrier's service code; default: the service of that shipping option. */
  service?: string | undefined;
  /** Default: the weight of the packed units (their variants' weights), without dimensions. */
  parcel?: Parcel | undefined;
}

/** A label request checked and completed, ready to be recorded and bought. */
export interface PlannedLabel {
  carrier: ShippingCarrier;
  request: Omit<CreateShipmentRequest, 'reference' | 'idempotencyKey'>;
}

export type ShipmentStatus = 'pending' | 'purchased' | 'failed' | 'cancelled';

interface ShipmentRow {
  id: string;
  fulfillment_id: string;
  order_id: string;
  carrier_id: string;
  service: string;
  request: Omit<CreateShipmentRequest, 'reference' | 'idempotencyKey'> | string;
  idempotency_key: string;
  status: ShipmentStatus;
  carrier_shipment_id: string | null;
}

type Deps = Pick<Cradle, 'em' | 'config' | 'shippingCarriers' | 'orderService' | 'logger'>;

const parsed = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);
const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

/**
 * Labels for fulfillments. Buying one is a network call, so it never runs inside the transaction
 * that packs the goods: the request is recorded first with an idempotency key derived from the
 * fulfillment, then the carrier is called, then its answer is recorded. A crash or a timeout in
 * between leaves a `pending` or `failed` request that `purchase` retries with the same key, so the
 * carrier answers the label it already sold instead of selling a second one.
 */
export class ShipmentService {
  readonly #deps: Deps;

  constructor(cradle: Cradle) {
    this.#deps = cradle;
  }

  /**
   * Checks a label request for units of an order and fills in what it leaves out; 422 naming the
   * field (under `pointer`) when the carrier is unknown or buys no labels, no service is known, the
   * store has no origin address or the parcel's weight is unknown. Writes nothing.
   */
  async plan(em: EntityManager, orderId: string, label: LabelRequest, items: Array<{ lineId: string; quantity: number }>, pointer: string): Promise<PlannedLabel> {
    const invalid = (code: 'CARRIER_UNKNOWN' | 'CARRIER_LABELS_UNSUPPORTED' | 'CARRIER_SERVICE_REQUIRED' | 'CARRIER_ORIGIN_MISSING' | 'CARRIER_PARCEL_REQUIRED', field: string, rule: string, message: string) => {
      const issue: FieldIssue = { in: 'body', pointer: `${pointer}${field}`, rule, message };
      return CarrierErrors[code](message, { errors: [issue] });
    };
    const [order] = await rows<{ shipping_address: Record<string, string | null> | string; email: string; shipping: Array<{ id: string }> | string }>(
      em,
      sql`select shipping_address, email, shipping from cw_order where id = ${orderId}`,
    );
    if (!order) throw new Error(`plan: no order ${orderId}`);
    const option = label.carrier && label.service ? undefined : await this.#shippingOptionCarrier(em, parsed(order.shipping)[0]?.id);
    const carrierId = label.carrier ?? option?.carrier_id;
    if (!carrierId) throw invalid('CARRIER_UNKNOWN', '/carrier', 'required', 'Name the carrier to buy the label from: the order’s shipping option has none');
    const carrier = await this.#deps.shippingCarriers.find(carrierId);
    if (!carrier) throw invalid('CARRIER_UNKNOWN', '/carrier', 'exists', `No installed carrier has the id "${carrierId}"`);
    if (!carrier.capabilities.labels || !carrier.createShipment) throw invalid('CARRIER_LABELS_UNSUPPORTED', '/carrier', 'labels', `${carrier.name} cannot buy labels`);
    const service = label.service ?? (option?.carrier_id === carrier.id ? option.carrier_service : null);
    if (!service) throw invalid('CARRIER_SERVICE_REQUIRED', '/service', 'required', `Name the ${carrier.name} service to buy the label for`);
    const from = originAddress(this.#deps.config.shipping);
    if (!from) throw invalid('CARRIER_ORIGIN_MISSING', '/carrier', 'origin', 'Set shipping.origin in the config: labels need the address parcels leave from');
    const parcel = label.parcel ?? { weightGrams: await this.#packedWeight(em, items) };
    if (!(parcel.weightGrams > 0)) {
      throw invalid('CARRIER_PARCEL_REQUIRED', '/parcel', 'required', 'The packed variants have no weight: give parcel.weightGrams');
    }
    return { carrier, request: { direction: 'outbound', from, to: carrierAddressOf(parsed(order.shipping_address), order.email), parcel, service } };
  }

  /** The carrier and service of a carrier-calculated shipping option; none for flat rates from config (not in the table). */
  async #shippingOptionCarrier(em: EntityManager, optionId: string | undefined): Promise<{ carrier_id: string | null; carrier_service: string | null } | undefined> {
    if (!optionId) return undefined;
    const [option] = await rows<{ carrier_id: string | null; carrier_service: string | null }>(
      em,
      sql`select carrier_id, carrier_service from cw_shipping_option where id = ${optionId}`,
    );
    return option;
  }

  async #packedWeight(em: EntityManager, items: Array<{ lineId: string; quantity: number }>): Promise<number> {
    if (items.length === 0) return 0;
    const weights = await rows<{ id: string; weight_grams: number | null }>(
      em,
      sql`select l.id, v.weight_grams from cw_order_line l left join cw_product_variant v on v.id = l.variant_id
        where l.id in (${sql.join(items.map((item) => item.lineId))})`,
    );
    const byLine = new Map(weights.map((w) => [w.id, Number(w.weight_grams ?? 0)]));
    return items.reduce((sum, item) => sum + (byLine.get(item.lineId) ?? 0) * item.quantity, 0);
  }

  /**
   * Records the request of a label for a fulfillment (in the caller's transaction) and answers its
   * id. The key is the fulfillment's own plus a count of labels voided before, so a retry of this
   * request re-uses it and a new label after a voided one gets a new one.
   */
  async record(tx: EntityManager, orderId: string, fulfillmentId: string, planned: PlannedLabel): Promise<string> {
    const [{ voided }] = (await rows<{ voided: number }>(
      tx,
      sql`select count(*)::int as voided from cw_shipment where fulfillment_id = ${fulfillmentId} and status = 'cancelled'`,
    )) as [{ voided: number }];
    const id = newId('shp');
    const now = new Date();
    await run(
      tx,
      sql`insert into cw_shipment (id, fulfillment_id, order_id, carrier_id, service, request, idempotency_key, status, created_at, updated_at)
        values (${id}, ${fulfillmentId}, ${orderId}, ${planned.carrier.id}, ${planned.request.service}, ${json(planned.request)},
          ${`${fulfillmentId}:label:${Number(voided) + 1}`}, 'pending', ${now}, ${now})`,
    );
    return id;
  }

  /**
   * The label request of a packed fulfillment, in the caller's transaction: a request already
   * recorded and not bought yet (pending, or failed) is answered as it is — retried exactly as
   * recorded, under its key, whatever `label` says — and otherwise a new one is planned from `label`
   * and recorded. 409 when the fulfillment already has its label or is no longer just packed.
   */
  async requestFor(tx: EntityManager, orderId: string, fulfillmentId: string, label: LabelRequest, items: Array<{ lineId: string; quantity: number }>, pointer: string): Promise<string> {
    const [f] = await rows<{ status: string }>(tx, sql`select status from cw_fulfillment where id = ${fulfillmentId} for update`);
    if (f?.status !== 'created') {
      throw CarrierErrors.SHIPMENT_LABEL_NOT_BUYABLE(`Fulfillment ${fulfillmentId} is ${f?.status ?? 'missing'}; a label is bought for a packed fulfillment before it ships`);
    }
    const [current] = await rows<{ id: string; status: ShipmentStatus }>(tx, sql`select id, status from cw_shipment where fulfillment_id = ${fulfillmentId} and status <> 'cancelled'`);
    if (current?.status === 'purchased') throw CarrierErrors.SHIPMENT_LABEL_EXISTS(`Fulfillment ${fulfillmentId} already has its label (${current.id})`);
    if (current) return current.id;
    return this.record(tx, orderId, fulfillmentId, await this.plan(tx, orderId, label, items, pointer));
  }

  /** `purchase`, answering 502 `CARRIER_LABEL_FAILED` with the carrier's reason when it failed (the request stays, to retry). */
  async purchaseOrFail(shipmentId: string): Promise<void> {
    const outcome = await this.purchase(shipmentId);
    if (outcome.status === 'failed') throw CarrierErrors.CARRIER_LABEL_FAILED(`The carrier did not sell the label: ${outcome.failureReason}`, { expose: true, extensions: { shipmentId } });
  }

  /**
   * Buys the recorded label (again, after a failure: same key). Answers the status it ended in; a
   * carrier failure is recorded on the shipment (`failed`, with the reason) rather than thrown, so
   * the fulfillment stays as packed and staff retry with `POST …/fulfillments/:id/label`.
   */
  async purchase(shipmentId: string): Promise<{ status: ShipmentStatus; failureReason: string | null }> {
    const { em, orderService, logger } = this.#deps;
    const [row] = await rows<ShipmentRow & { fulfillment_status: string }>(
      em,
      sql`select s.*, f.status as fulfillment_status from cw_shipment s join cw_fulfillment f on f.id = s.fulfillment_id where s.id = ${shipmentId}`,
    );
    if (!row) throw new Error(`purchase: no shipment ${shipmentId}`);
    if (row.status === 'purchased' || row.status === 'cancelled') return { status: row.status, failureReason: null };
    if (row.fulfillment_status === 'cancelled') {
      await run(em, sql`update cw_shipment set status = 'cancelled', updated_at = ${new Date()} where id = ${shipmentId}`);
      return { status: 'cancelled', failureReason: null };
    }
    const carrier = await this.#deps.shippingCarriers.find(row.carrier_id);
    if (!carrier?.createShipment) return this.#failed(shipmentId, `The carrier "${row.carrier_id}" is not installed or buys no labels`);
    await run(em, sql`update cw_shipment set status = 'pending', attempts = attempts + 1, updated_at = ${new Date()} where id = ${shipmentId}`);
    let bought;
    try {
      bought = await carrier.createShipment({ ...parsed(row.request), reference: row.fulfillment_id, idempotencyKey: row.idempotency_key });
    } catch (error) {
      logger.warn({ err: error, shipmentId, carrier: carrier.id }, 'buying a label failed');
      return this.#failed(shipmentId, error instanceof Error && error.message ? error.message : String(error));
    }
    const trackingUrl = bought.trackingUrl ?? carrier.trackingUrl?.(bought.trackingNumber) ?? null;
    const stillWanted = await em.transactional(async (tx) => {
      await orderService.get(tx, row.order_id, { lock: true });
      const [f] = await rows<{ status: string }>(tx, sql`select status from cw_fulfillment where id = ${row.fulfillment_id} for update`);
      await run(
        tx,
        sql`update cw_shipment set status = 'purchased', failure_reason = null, carrier_shipment_id = ${bought.shipmentId},
          tracking_number = ${bought.trackingNumber}, tracking_url = ${trackingUrl}, label_url = ${bought.label?.url ?? null},
          label_format = ${bought.label?.format ?? null}, cost_amount = ${bought.cost?.amount ?? null}, cost_currency_code = ${bought.cost?.currencyCode ?? null},
          updated_at = ${new Date()} where id = ${shipmentId}`,
      );
      if (f?.status === 'cancelled') return false;
      await run(
        tx,
        sql`update cw_fulfillment set carrier = ${carrier.id}, tracking_number = ${bought.trackingNumber}, tracking_url = ${trackingUrl}
          where id = ${row.fulfillment_id}`,
      );
      await orderService.addTimeline(tx, row.order_id, {
        kind: 'fulfillment.label_purchased',
        message: `Label bought from ${carrier.name} (${row.service}), tracking number ${bought.trackingNumber}`,
        visibleToCustomer: false,
        data: { fulfillmentId: row.fulfillment_id, shipmentId, carrier: carrier.id, service: row.service, trackingNumber: bought.trackingNumber },
      });
      return true;
    });
    // packed goods were unpacked (order cancelled) while the carrier was selling the label
    if (!stillWanted) await this.voidLabel(shipmentId);
    return { status: stillWanted ? 'purchased' : 'cancelled', failureReason: null };
  }

  async #failed(shipmentId: string, reason: string): Promise<{ status: ShipmentStatus; failureReason: string }> {
    const failureReason = reason.slice(0, 1000);
    await run(this.#deps.em, sql`update cw_shipment set status = 'failed', failure_reason = ${failureReason}, updated_at = ${new Date()} where id = ${shipmentId}`);
    return { status: 'failed', failureReason };
  }

  /**
   * Voids a bought label whose fulfillment was cancelled, so the store is refunded; a label the
   * carrier will not void (already scanned) stays bought, with its reason on the staff timeline.
   */
  async voidLabel(shipmentId: string): Promise<void> {
    const { em, orderService } = this.#deps;
    const [row] = await rows<ShipmentRow>(em, sql`select * from cw_shipment where id = ${shipmentId}`);
    if (!row || row.status !== 'purchased' || !row.carrier_shipment_id) return;
    const carrier = await this.#deps.shippingCarriers.find(row.carrier_id);
    if (!carrier?.cancelShipment) return;
    const outcome = await carrier.cancelShipment({ shipmentId: row.carrier_shipment_id, idempotencyKey: `${row.idempotency_key}:cancel` });
    await em.transactional(async (tx) => {
      if (outcome.cancelled) await run(tx, sql`update cw_shipment set status = 'cancelled', updated_at = ${new Date()} where id = ${shipmentId}`);
      await orderService.addTimeline(tx, row.order_id, {
        kind: outcome.cancelled ? 'fulfillment.label_voided' : 'fulfillment.label_void_refused',
        message: outcome.cancelled ? `Label voided with ${carrier.name}` : `${carrier.name} would not void the label: ${outcome.reason ?? 'no reason given'}`,
        visibleToCustomer: false,
        data: { fulfillmentId: row.fulfillment_id, shipmentId },
      });
    });
  }

  /** Voids the bought labels of an order's cancelled fulfillments (after the order is cancelled). */
  async voidCancelled(orderId: string): Promise<void> {
    const bought = await rows<{ id: string }>(
      this.#deps.em,
      sql`select s.id from cw_shipment s join cw_fulfillment f on f.id = s.fulfillment_id
        where s.order_id = ${orderId} and s.status = 'purchased' and f.status = 'cancelled'`,
    );
    for (const shipment of bought) await this.voidLabel(shipment.id);
  }
}
