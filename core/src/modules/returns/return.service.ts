import { sql } from 'kysely';
import type { Cradle } from '../../kernel/container.ts';
import { rows, run } from '../../kernel/db/sql.ts';
import type { NormalisedAddress } from '../addresses/address-rules.ts';
import { AppError } from '../../kernel/errors.ts';
import type { OrderScope } from '../orders/index.ts';
import { approveReturn, cancelReturn, lockReturn, rejectReturn, storeLabel } from './return-decisions.ts';
import { findReturn, loadReturnViews, type ReturnFilter, type StoredLabel } from './return-records.ts';
import { receiveReturn, settleReturn, type Receipt } from './return-receipt.ts';
import { requestReturn } from './return-requests.ts';
import { carrierAddressOf, originAddress } from '../shipping/index.ts';
import { ReturnErrors } from './returns.errors.ts';
import type { AdminReturnView, LabelRequest, ReceiveBody, RequestReturnBody } from './returns.schemas.ts';

/**
 * Returns and exchanges. Every step is one transaction with its timeline entry and event; the two
 * calls that leave the database (a carrier's return label, a refund through the payment provider)
 * are made after that transaction commits, each with a key derived from the return id, so a retry
 * never buys a second label or refunds twice.
 */
export class ReturnService {
  readonly #cradle: Cradle;

  constructor(cradle: Cradle) {
    this.#cradle = cradle;
  }

  request(orderId: string, body: RequestReturnBody): Promise<string> {
    return this.#cradle.em.transactional((tx) => requestReturn(tx, this.#cradle, orderId, body));
  }

  cancel(orderId: string, returnId: string): Promise<void> {
    return this.#cradle.em.transactional((tx) => cancelReturn(tx, this.#cradle, orderId, returnId));
  }

  /** Approves, then (when asked) buys the return label; a label that fails leaves the return approved and answers 502, to retry with `label`. */
  async approve(returnId: string, scope: OrderScope, body: { note?: string | undefined; label?: LabelRequest | undefined }): Promise<void> {
    const carrier = body.label ? await this.#labelCarrier(body.label) : undefined;
    await this.#cradle.em.transactional((tx) => approveReturn(tx, this.#cradle, returnId, scope, body.note));
    if (carrier && body.label) await this.#buyLabel(returnId, body.label);
  }

  reject(returnId: string, scope: OrderScope, note: string): Promise<void> {
    return this.#cradle.em.transactional((tx) => rejectReturn(tx, this.#cradle, returnId, scope, note));
  }

  /** Buys the return label of an approved return, once: a return that has one keeps it. */
  async label(returnId: string, scope: OrderScope, request: LabelRequest): Promise<void> {
    await this.#labelCarrier(request);
    const ret = await findReturn(this.#cradle.em, returnId, { scope });
    if (!ret) throw ReturnErrors.RETURN_NOT_FOUND(`No return ${returnId}`);
    if (ret.label) return;
    if (ret.status !== 'approved') {
      throw ReturnErrors.RETURN_TRANSITION_INVALID(`Return ${returnId} is ${ret.status}; a label is bought for an approved return`, { extensions: { status: ret.status } });
    }
    await this.#buyLabel(returnId, request);
  }

  /**
   * Records what arrived (stock, amounts, the exchange order) in one transaction, then gives back
   * the money due. A refund that cannot be made now (nothing captured yet, the provider down) leaves
   * the return `received` with `refundError`; `refund()` retries it.
   */
  async receive(returnId: string, scope: OrderScope, body: ReceiveBody): Promise<void> {
    const receipt = await this.#cradle.em.transactional((tx) => receiveReturn(tx, this.#cradle, returnId, scope, body));
    if (receipt.refundDue === 0) return;
    try {
      await this.#refund(returnId, receipt);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
    }
  }

  /** Retries the refund of a received return (same idempotency key: money already given back is not given twice). */
  async refund(returnId: string, scope: OrderScope): Promise<void> {
    const ret = await findReturn(this.#cradle.em, returnId, { scope });
    if (!ret) throw ReturnErrors.RETURN_NOT_FOUND(`No return ${returnId}`);
    if (ret.status !== 'received') {
      throw ReturnErrors.RETURN_TRANSITION_INVALID(`Return ${returnId} is ${ret.status}; only a received return waits for its refund`, { extensions: { status: ret.status } });
    }
    const due = ret.kind === 'refund' ? (ret.itemsAmount ?? 0) + ret.shippingAmount : Math.max(0, (ret.itemsAmount ?? 0) - (ret.exchangeTotal ?? 0));
    const lines = ret.kind === 'refund' ? (await this.views({ scope: { kind: 'all' }, ids: [returnId] })).items[0]!.items.flatMap((i) => (i.receivedQuantity ? [{ lineId: i.lineId, quantity: i.receivedQuantity }] : [])) : [];
    await this.#refund(returnId, { refundDue: due, lines });
  }

  views(filter: ReturnFilter, page?: { limit: number; offset: number }): Promise<{ items: AdminReturnView[]; count: number }> {
    return loadReturnViews(this.#cradle.em, this.#cradle.mediaService, filter, page);
  }

  async #refund(returnId: string, receipt: Receipt): Promise<void> {
    const { em, paymentService } = this.#cradle;
    const ret = (await findReturn(em, returnId))!;
    try {
      await paymentService.refund(ret.orderId, {
        amount: receipt.refundDue,
        reason: ret.kind === 'refund' ? `Return ${returnId}` : `Exchange ${returnId}: credit above the replacements`,
        ...(receipt.lines.length ? { lines: receipt.lines } : {}),
        idempotencyKey: `return:${returnId}`,
      });
    } catch (error) {
      const reason = error instanceof AppError && error.code === 'REFUND_EXCEEDS_CAPTURED'
        ? `Nothing (or not enough) has been captured on the order yet to refund ${receipt.refundDue}: ${error.message}. Retry once the payment is captured (cash on delivery is captured on delivery).`
        : `The refund failed: ${(error as Error).message}`;
      await em.transactional(async (tx) => {
        const { order } = await lockReturn(tx, this.#cradle, returnId, {});
        await run(tx, sql`update cw_return set refund_error = ${reason.slice(0, 1000)}, updated_at = ${new Date()} where id = ${returnId}`);
        await this.#cradle.orderService.addTimeline(tx, order.id, { kind: 'return.refund_failed', message: reason, visibleToCustomer: false, data: { returnId } });
      });
      throw error;
    }
    await em.transactional(async (tx) => {
      const { order, ret: locked } = await lockReturn(tx, this.#cradle, returnId, {});
      // a concurrent retry settled it first
      if (locked.status !== 'received') return;
      await settleReturn(tx, this.#cradle, order, locked, { refunded: receipt.refundDue });
    });
  }

  /** The carrier and the store's origin must be there before anything is written. */
  async #labelCarrier(request: LabelRequest) {
    const carrier = await this.#cradle.shippingCarriers.find(request.carrierId);
    const problem = (pointer: string, rule: string, message: string) =>
      ReturnErrors.RETURN_LABEL_INVALID(message, { errors: [{ in: 'body', pointer, rule, message }] });
    if (!carrier) throw problem('/label/carrierId', 'exists', `No installed shipping carrier ${request.carrierId}`);
    if (!carrier.capabilities.returns || !carrier.createShipment) throw problem('/label/carrierId', 'returns', `${carrier.name} cannot buy return labels`);
    if (!this.#cradle.config.shipping.origin) throw problem('/label', 'origin', 'Return labels need the store’s address: set shipping.origin in the config');
    return carrier;
  }

  async #buyLabel(returnId: string, request: LabelRequest): Promise<void> {
    const { em, config } = this.#cradle;
    const carrier = (await this.#labelCarrier(request))!;
    const ret = (await findReturn(em, returnId))!;
    const [order] = await rows<{ shipping_address: NormalisedAddress | string }>(em, sql`select shipping_address from cw_order where id = ${ret.orderId}`);
    const customer: NormalisedAddress = typeof order!.shipping_address === 'string' ? JSON.parse(order!.shipping_address) : order!.shipping_address;
    let shipment;
    try {
      shipment = await carrier.createShipment!({
        reference: returnId,
        // one label per return whatever the number of retries
        idempotencyKey: `return-label:${returnId}`,
        direction: 'return',
        from: carrierAddressOf(customer),
        to: originAddress(config.shipping)!,
        parcel: request.parcel,
        service: request.service,
      });
    } catch (error) {
      this.#cradle.logger.warn({ err: error, returnId, carrier: carrier.id }, 'buying a return label failed');
      throw ReturnErrors.RETURN_LABEL_FAILED(`${carrier.name} could not sell the return label; the return stays approved: retry with POST /admin/returns/${returnId}/label`, { cause: error });
    }
    const label: StoredLabel = {
      carrierId: carrier.id,
      service: request.service,
      shipmentId: shipment.shipmentId,
      trackingNumber: shipment.trackingNumber,
      trackingUrl: shipment.trackingUrl,
      labelUrl: shipment.label?.url ?? null,
      labelFormat: shipment.label?.format ?? null,
      cost: shipment.cost,
    };
    await em.transactional((tx) => storeLabel(tx, this.#cradle, returnId, label));
  }
}
