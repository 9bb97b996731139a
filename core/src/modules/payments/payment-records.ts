import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { likePrefix, rows, run } from '../../kernel/db/sql.ts';
import { newId } from '../../kernel/ids.ts';
import { amountFromDatabase } from '../money/index.ts';
import type { ProviderPaymentStatus, ProviderResult } from './payment-provider.ts';

export type TransactionKind = 'initiate' | 'authorize' | 'capture' | 'refund' | 'void' | 'webhook' | 'status';
export type TransactionStatus = 'pending' | 'succeeded' | 'failed';

/** One attempt to pay an order. Amounts are the provider's cumulative totals, in minor units. */
export interface PaymentRecord {
  id: string;
  orderId: string;
  provider: string;
  status: ProviderPaymentStatus;
  amount: number;
  currencyCode: string;
  reference: string | null;
  amountAuthorized: number;
  amountCaptured: number;
  amountRefunded: number;
  rawStatus: string | null;
  failureReason: string | null;
  clientData: Record<string, unknown>;
  idempotencyKey: string;
  createdAt: Date;
  updatedAt: Date;
}

/** One call to a provider (or one webhook applied), written before the call with its idempotency key. */
export interface TransactionRecord {
  id: string;
  paymentId: string;
  orderId: string;
  kind: TransactionKind;
  amount: number;
  status: TransactionStatus;
  resultStatus: ProviderPaymentStatus | null;
  rawStatus: string | null;
  reference: string | null;
  idempotencyKey: string;
  reason: string | null;
  data: Record<string, unknown>;
  actorKind: string;
  actorId: string | null;
  createdAt: Date;
}

const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;
const date = (value: unknown) => (value instanceof Date ? value : new Date(String(value)));
const object = (value: unknown): Record<string, unknown> =>
  (typeof value === 'string' ? JSON.parse(value) : (value ?? {})) as Record<string, unknown>;

function toPayment(row: Record<string, any>): PaymentRecord {
  return {
    id: row.id,
    orderId: row.order_id,
    provider: row.provider,
    status: row.status,
    amount: amountFromDatabase(row.amount),
    currencyCode: row.currency_code,
    reference: row.reference,
    amountAuthorized: amountFromDatabase(row.amount_authorized),
    amountCaptured: amountFromDatabase(row.amount_captured),
    amountRefunded: amountFromDatabase(row.amount_refunded),
    rawStatus: row.raw_status,
    failureReason: row.failure_reason,
    clientData: object(row.client_data),
    idempotencyKey: row.idempotency_key,
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
  };
}

function toTransaction(row: Record<string, any>): TransactionRecord {
  return {
    id: row.id,
    paymentId: row.payment_id,
    orderId: row.order_id,
    kind: row.kind,
    amount: amountFromDatabase(row.amount),
    status: row.status,
    resultStatus: row.result_status,
    rawStatus: row.raw_status,
    reference: row.reference,
    idempotencyKey: row.idempotency_key,
    reason: row.reason,
    data: object(row.data),
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    createdAt: date(row.created_at),
  };
}

export async function insertPayment(
  em: EntityManager,
  input: { id?: string; orderId: string; provider: string; amount: number; currencyCode: string; idempotencyKey?: string | undefined },
): Promise<PaymentRecord> {
  const id = input.id ?? newId('pay');
  const now = new Date();
  const [row] = await rows<Record<string, any>>(
    em,
    sql`insert into cw_payment (id, order_id, provider, status, amount, currency_code, idempotency_key, created_at, updated_at)
      values (${id}, ${input.orderId}, ${input.provider}, 'pending', ${input.amount}, ${input.currencyCode}, ${input.idempotencyKey ?? id}, ${now}, ${now})
      returning *`,
  );
  return toPayment(row!);
}

export async function findPayment(em: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<PaymentRecord | undefined> {
  const [row] = await rows<Record<string, any>>(em, sql`select * from cw_payment where id = ${id} ${options.lock ? sql`for update` : sql``}`);
  return row ? toPayment(row) : undefined;
}

export async function findPaymentByKey(em: EntityManager, idempotencyKey: string): Promise<PaymentRecord | undefined> {
  const [row] = await rows<Record<string, any>>(em, sql`select * from cw_payment where idempotency_key = ${idempotencyKey}`);
  return row ? toPayment(row) : undefined;
}

export async function findPaymentByReference(em: EntityManager, providers: readonly string[], reference: string, options: { lock?: boolean } = {}): Promise<PaymentRecord | undefined> {
  const [row] = await rows<Record<string, any>>(
    em,
    sql`select * from cw_payment where provider in (${sql.join(providers.map((p) => sql`${p}`))}) and reference = ${reference}
      order by created_at limit 1 ${options.lock ? sql`for update` : sql``}`,
  );
  return row ? toPayment(row) : undefined;
}

/** Attempts of the providers still waiting for the buyer or the gateway, untouched since before `olderThan`, oldest first. */
export async function stalePayments(em: EntityManager, providers: readonly string[], olderThan: Date, limit: number): Promise<PaymentRecord[]> {
  const found = await rows<Record<string, any>>(
    em,
    sql`select * from cw_payment where provider in (${sql.join(providers.map((p) => sql`${p}`))}) and status in ('pending', 'requires_action') and updated_at < ${olderThan}
      order by updated_at, id limit ${limit}`,
  );
  return found.map(toPayment);
}

/** Every payment of an order, oldest first; `lock` takes them in that order (every writer locks the order first). */
export async function paymentsOfOrder(em: EntityManager, orderId: string, options: { lock?: boolean } = {}): Promise<PaymentRecord[]> {
  const found = await rows<Record<string, any>>(
    em,
    sql`select * from cw_payment where order_id = ${orderId} order by created_at, id ${options.lock ? sql`for update` : sql``}`,
  );
  return found.map(toPayment);
}

export async function updatePayment(em: EntityManager, id: string, result: Omit<ProviderResult, 'clientData'> & { clientData?: Record<string, unknown> | undefined }): Promise<void> {
  await run(
    em,
    sql`update cw_payment set status = ${result.status}, reference = coalesce(${result.reference}, reference),
        amount_authorized = ${result.amountAuthorized}, amount_captured = ${result.amountCaptured}, amount_refunded = ${result.amountRefunded},
        raw_status = ${result.rawStatus}, failure_reason = ${result.failureReason ?? null},
        client_data = ${result.clientData ? json(result.clientData) : sql`client_data`}, updated_at = ${new Date()}
      where id = ${id}`,
  );
}

export async function markPaymentFailed(em: EntityManager, id: string, reason: string): Promise<void> {
  await run(em, sql`update cw_payment set status = 'failed', failure_reason = ${reason}, updated_at = ${new Date()} where id = ${id}`);
}

export async function findTransactionByKey(em: EntityManager, idempotencyKey: string): Promise<TransactionRecord | undefined> {
  const [row] = await rows<Record<string, any>>(em, sql`select * from cw_payment_transaction where idempotency_key = ${idempotencyKey}`);
  return row ? toTransaction(row) : undefined;
}

export async function insertTransaction(
  em: EntityManager,
  input: {
    paymentId: string;
    orderId: string;
    kind: TransactionKind;
    amount: number;
    status: TransactionStatus;
    idempotencyKey: string;
    reason?: string | null;
    data?: Record<string, unknown>;
    actor: { kind: string; id: string | null };
    result?: ProviderResult;
  },
): Promise<TransactionRecord> {
  const now = new Date();
  const [row] = await rows<Record<string, any>>(
    em,
    sql`insert into cw_payment_transaction (id, payment_id, order_id, kind, amount, status, result_status, raw_status, reference, idempotency_key,
        reason, data, actor_kind, actor_id, created_at, updated_at)
      values (${newId('ptx')}, ${input.paymentId}, ${input.orderId}, ${input.kind}, ${input.amount}, ${input.status}, ${input.result?.status ?? null},
        ${input.result?.rawStatus ?? null}, ${input.result?.reference ?? null}, ${input.idempotencyKey}, ${input.reason ?? null}, ${json(input.data ?? {})},
        ${input.actor.kind}, ${input.actor.id}, ${now}, ${now})
      returning *`,
  );
  return toTransaction(row!);
}

/**
 * Settles a transaction that was waiting for its provider call. Answers false when another caller
 * settled it first (the same operation run twice at once): only the first one reports the money moved.
 */
export async function settleTransaction(
  em: EntityManager,
  id: string,
  outcome: { status: 'succeeded' | 'failed'; result?: ProviderResult; reason?: string | null },
): Promise<boolean> {
  const touched = await run(
    em,
    sql`update cw_payment_transaction set status = ${outcome.status}, result_status = ${outcome.result?.status ?? null},
        raw_status = ${outcome.result?.rawStatus ?? null}, reference = ${outcome.result?.reference ?? null},
        reason = coalesce(${outcome.reason ?? null}, reason), updated_at = ${new Date()}
      where id = ${id} and status <> 'succeeded'`,
  );
  return touched === 1;
}

/** A failed call is tried again with the same key: its row goes back to pending. */
export async function reopenTransaction(em: EntityManager, id: string): Promise<void> {
  await run(em, sql`update cw_payment_transaction set status = 'pending', updated_at = ${new Date()} where id = ${id} and status = 'failed'`);
}

/** Money already promised to calls still in flight, per payment and kind (so two refunds at once cannot both take the last of it). */
export async function pendingAmount(em: EntityManager, paymentId: string, kind: 'capture' | 'refund'): Promise<number> {
  const [row] = await rows<{ total: string | number | null }>(
    em,
    sql`select coalesce(sum(amount), 0) as total from cw_payment_transaction where payment_id = ${paymentId} and kind = ${kind} and status = 'pending'`,
  );
  return amountFromDatabase(row?.total ?? 0);
}

/** The transactions of one operation (their keys share a prefix), oldest first. */
export async function transactionsByKeyPrefix(em: EntityManager, prefix: string): Promise<TransactionRecord[]> {
  const found = await rows<Record<string, any>>(em, sql`select * from cw_payment_transaction where idempotency_key like ${likePrefix(prefix)} order by created_at, id`);
  return found.map(toTransaction);
}

export async function transactionsOfOrder(em: EntityManager, orderId: string): Promise<TransactionRecord[]> {
  const found = await rows<Record<string, any>>(em, sql`select * from cw_payment_transaction where order_id = ${orderId} order by created_at, id`);
  return found.map(toTransaction);
}

/** Records a webhook event as seen; false when it was seen before (the caller then changes nothing). */
export async function recordWebhookEvent(em: EntityManager, provider: string, eventId: string): Promise<boolean> {
  const touched = await run(
    em,
    sql`insert into cw_payment_webhook_event (provider, event_id, received_at) values (${provider}, ${eventId}, ${new Date()}) on conflict do nothing`,
  );
  return touched === 1;
}

/** The order's lines, for checking a refund's lines. */
export async function orderLineQuantities(em: EntityManager, orderId: string): Promise<Map<string, number>> {
  const found = await rows<{ id: string; quantity: number }>(em, sql`select id, quantity from cw_order_line where order_id = ${orderId}`);
  return new Map(found.map((l) => [l.id, Number(l.quantity)]));
}

/** Where the order ships to and with which shipping option, for a payment method's availability rules. */
export async function orderDestination(em: EntityManager, orderId: string): Promise<{ countryCode: string; shippingOptionId: string | null }> {
  const [row] = await rows<{ country: string | null; option_id: string | null }>(
    em,
    sql`select shipping_address->>'countryCode' as country, shipping->0->>'id' as option_id from cw_order where id = ${orderId}`,
  );
  return { countryCode: row?.country ?? '', shippingOptionId: row?.option_id ?? null };
}
