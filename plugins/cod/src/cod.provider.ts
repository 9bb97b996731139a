import { sql, type RawBuilder } from 'kysely';
import type {
  AmountRequest,
  Database,
  EntityManager,
  InitiateRequest,
  PaymentContext,
  PaymentProvider,
  ProviderCallContext,
  ProviderPaymentStatus,
  ProviderResult,
  ReferenceRequest,
} from '@cartwright/core';
import type { CodOptions } from './options.ts';

/** A request the COD rules refuse (capture above the amount, refund above what is left, void after capture, a reused key). */
export class CodPaymentError extends Error {
  override name = 'CodPaymentError';
}

type CodStatus = Extract<ProviderPaymentStatus, 'pending' | 'captured' | 'partially_refunded' | 'refunded' | 'voided'>;
type OperationKind = 'initiate' | 'capture' | 'refund' | 'void';

interface CodPaymentRow {
  payment_id: string;
  amount: string | number;
  currency: string;
  captured: string | number;
  refunded: string | number;
  status: CodStatus;
}

interface OperationRow {
  payment_id: string;
  kind: OperationKind;
  amount: string | number;
  result: ProviderResult | string;
}

/** One cash collection or manual refund, as recorded (who, how much, when). */
export interface CodOperation {
  idempotencyKey: string;
  kind: OperationKind;
  amount: number;
  actor: { kind: string; id: string | null } | null;
  reason: string | null;
  at: Date;
}

async function rows<T>(em: EntityManager, query: RawBuilder<unknown>): Promise<T[]> {
  return (await query.execute(em.getKysely())).rows as T[];
}

/** `12.50 EUR`, with the currency's own number of decimals. */
export function formatMinor(amount: number, currency: string): string {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // an unknown code: show two decimals
  }
  return `${(amount / 10 ** digits).toFixed(digits)} ${currency}`;
}

function toResult(row: CodPaymentRow): ProviderResult {
  const captured = Number(row.captured);
  return {
    status: row.status,
    reference: row.payment_id,
    // COD authorizes nothing ahead: the cash in hand is what is authorized (so captured ≤ authorized holds)
    amountAuthorized: captured,
    amountCaptured: captured,
    amountRefunded: Number(row.refunded),
    rawStatus: row.status,
  };
}

/**
 * Cash on delivery. Nothing happens at a gateway: the courier (or staff) collects the cash when the
 * order is delivered, and refunds are handed back by hand. The provider still keeps the rules of
 * the contract itself, in its own tables: what was collected, by whom, what was given back, and
 * every idempotency key it answered.
 */
export class CodProvider implements PaymentProvider {
  readonly id = 'cod';
  readonly name = 'Cash on delivery';
  /** Paid when the goods arrive: the order is confirmed at once, with payment `not_paid`. */
  readonly confirmsOrderBeforePayment = true;
  /** Nothing leaves the database: checkout records the payment in the transaction that writes the order. */
  readonly initiatesInTransaction = true;
  readonly #database: Database;
  readonly #options: CodOptions;
  readonly #countries: ReadonlySet<string>;

  constructor(database: Database, options: CodOptions) {
    this.#database = database;
    this.#options = options;
    this.#countries = new Set(options.countries.map((c) => c.toUpperCase()));
  }

  availability(context: PaymentContext): { available: true; fee: number } | { available: false; reason: string } {
    const country = context.countryCode.toUpperCase();
    const currency = context.currencyCode.toUpperCase();
    if (!this.#countries.has(country)) {
      return { available: false, reason: `Cash on delivery is not available for delivery to ${country}` };
    }
    const min = this.#options.minOrderAmount?.[currency];
    if (min !== undefined && context.amount < min) {
      return { available: false, reason: `Cash on delivery needs an order of at least ${formatMinor(min, currency)}` };
    }
    const max = this.#options.maxOrderAmount?.[currency];
    if (max !== undefined && context.amount > max) {
      return { available: false, reason: `Cash on delivery is available for orders up to ${formatMinor(max, currency)}` };
    }
    return { available: true, fee: this.#options.fee?.[currency] ?? 0 };
  }

  /** Records the payment: nothing to collect before delivery, so it stays `pending`. */
  async initiate(request: InitiateRequest, context?: ProviderCallContext): Promise<ProviderResult> {
    positiveOrZero(request.amount, 'amount');
    const work = async (em: EntityManager) => {
      const now = new Date();
      const [fresh] = await rows<CodPaymentRow>(
        em,
        sql`insert into cod_payment (payment_id, amount, currency, status, created_at, updated_at)
            values (${request.paymentId}, ${request.amount}, ${request.currencyCode.toUpperCase()}, 'pending', ${now}, ${now})
            on conflict (payment_id) do nothing returning *`,
      );
      if (fresh) {
        // a payment first seen now has answered no key yet
        const result = toResult(fresh);
        await this.#remember(em, request.idempotencyKey, request.paymentId, 'initiate', request.amount, null, null, result);
        return result;
      }
      const payment = await this.#lock(em, request.paymentId);
      if (Number(payment.amount) !== request.amount || payment.currency !== request.currencyCode.toUpperCase()) {
        throw new CodPaymentError(`COD payment ${request.paymentId} was started for ${formatMinor(Number(payment.amount), payment.currency)}, not ${formatMinor(request.amount, request.currencyCode)}`);
      }
      const replayed = await this.#replay(em, request.idempotencyKey, request.paymentId, 'initiate');
      if (replayed) return replayed;
      // a second initiate of the same payment (another key) answers its state: there is nothing to start twice
      const result = toResult(payment);
      await this.#remember(em, request.idempotencyKey, request.paymentId, 'initiate', request.amount, null, null, result);
      return result;
    };
    return context ? work(context.em) : this.#transaction(work);
  }

  /** COD authorizes nothing: answers the current state. */
  async authorize(request: ReferenceRequest): Promise<ProviderResult> {
    return this.status(request);
  }

  /** Records cash collected by `actor` (the courier on delivery, or staff); partial collections add up to the amount. */
  async capture(request: AmountRequest): Promise<ProviderResult> {
    positive(request.amount, 'amount');
    return this.#transaction(async (em) => {
      const payment = await this.#lock(em, request.paymentId);
      const replayed = await this.#replay(em, request.idempotencyKey, request.paymentId, 'capture', request.amount);
      if (replayed) return replayed;
      sameCurrency(payment, request.currencyCode);
      if (payment.status !== 'pending' && payment.status !== 'captured') {
        throw new CodPaymentError(`COD payment ${payment.payment_id} is ${payment.status}: no more cash can be collected`);
      }
      const amount = Number(payment.amount);
      const captured = Number(payment.captured);
      if (captured + request.amount > amount) {
        throw new CodPaymentError(
          `Cannot collect ${formatMinor(request.amount, payment.currency)} for COD payment ${payment.payment_id}: ${formatMinor(amount - captured, payment.currency)} is left to collect`,
        );
      }
      const [updated] = await rows<CodPaymentRow>(
        em,
        sql`update cod_payment set captured = captured + ${request.amount}, status = 'captured',
              collected_by_kind = ${request.actor.kind}, collected_by_id = ${request.actor.id}, updated_at = ${new Date()}
            where payment_id = ${payment.payment_id} returning *`,
      );
      const result = toResult(updated!);
      await this.#remember(em, request.idempotencyKey, payment.payment_id, 'capture', request.amount, request.actor, null, result);
      return result;
    });
  }

  /** Records cash handed back by hand; refunds add up to at most what was collected. */
  async refund(request: AmountRequest & { reason: string }): Promise<ProviderResult> {
    positive(request.amount, 'amount');
    return this.#transaction(async (em) => {
      const payment = await this.#lock(em, request.paymentId);
      const replayed = await this.#replay(em, request.idempotencyKey, request.paymentId, 'refund', request.amount);
      if (replayed) return replayed;
      sameCurrency(payment, request.currencyCode);
      const left = Number(payment.captured) - Number(payment.refunded);
      if (request.amount > left) {
        throw new CodPaymentError(
          `Cannot refund ${formatMinor(request.amount, payment.currency)} of COD payment ${payment.payment_id}: ${formatMinor(left, payment.currency)} collected and not yet refunded`,
        );
      }
      const [updated] = await rows<CodPaymentRow>(
        em,
        sql`update cod_payment set refunded = refunded + ${request.amount},
              status = case when refunded + ${request.amount} = captured then 'refunded' else 'partially_refunded' end,
              updated_at = ${new Date()}
            where payment_id = ${payment.payment_id} returning *`,
      );
      const result = toResult(updated!);
      await this.#remember(em, request.idempotencyKey, payment.payment_id, 'refund', request.amount, request.actor, request.reason, result);
      return result;
    });
  }

  /** Cancels a payment nothing was collected for (the order was cancelled or refused at the door). */
  async void(request: ReferenceRequest): Promise<ProviderResult> {
    return this.#transaction(async (em) => {
      const payment = await this.#lock(em, request.paymentId);
      const replayed = await this.#replay(em, request.idempotencyKey, request.paymentId, 'void');
      if (replayed) return replayed;
      if (payment.status !== 'pending' && payment.status !== 'voided') {
        throw new CodPaymentError(`COD payment ${payment.payment_id} is ${payment.status}: only a payment nothing was collected for can be voided (refund instead)`);
      }
      const [updated] = await rows<CodPaymentRow>(em, sql`update cod_payment set status = 'voided', updated_at = ${new Date()} where payment_id = ${payment.payment_id} returning *`);
      const result = toResult(updated!);
      await this.#remember(em, request.idempotencyKey, payment.payment_id, 'void', 0, null, null, result);
      return result;
    });
  }

  async status(request: ReferenceRequest): Promise<ProviderResult> {
    const [payment] = await rows<CodPaymentRow>(this.#database.fork(), sql`select * from cod_payment where payment_id = ${request.paymentId}`);
    if (!payment) throw new CodPaymentError(`No COD payment ${request.paymentId}`);
    return toResult(payment);
  }

  /** Every collection, refund and void of a payment, oldest first: who collected how much, and when. */
  async operations(paymentId: string): Promise<CodOperation[]> {
    const found = await rows<{ idempotency_key: string; kind: OperationKind; amount: string | number; actor_kind: string | null; actor_id: string | null; reason: string | null; created_at: Date | string }>(
      this.#database.fork(),
      sql`select idempotency_key, kind, amount, actor_kind, actor_id, reason, created_at from cod_payment_operation
          where payment_id = ${paymentId} and kind <> 'initiate' order by created_at, idempotency_key`,
    );
    return found.map((row) => ({
      idempotencyKey: row.idempotency_key,
      kind: row.kind,
      amount: Number(row.amount),
      actor: row.actor_kind === null ? null : { kind: row.actor_kind, id: row.actor_id },
      reason: row.reason,
      at: new Date(row.created_at),
    }));
  }

  #transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.#database.fork().transactional(work);
  }

  /** The payment's row, locked until the transaction ends: concurrent calls for one payment run one after another. */
  async #lock(em: EntityManager, paymentId: string): Promise<CodPaymentRow> {
    const [payment] = await rows<CodPaymentRow>(em, sql`select * from cod_payment where payment_id = ${paymentId} for update`);
    if (!payment) throw new CodPaymentError(`No COD payment ${paymentId}`);
    return payment;
  }

  /** The result first given for `key`, or null when the key is new; a key reused for another request is refused. */
  async #replay(em: EntityManager, key: string, paymentId: string, kind: OperationKind, amount?: number): Promise<ProviderResult | null> {
    const [done] = await rows<OperationRow>(em, sql`select payment_id, kind, amount, result from cod_payment_operation where idempotency_key = ${key}`);
    if (!done) return null;
    if (done.payment_id !== paymentId || done.kind !== kind || (amount !== undefined && Number(done.amount) !== amount)) {
      throw new CodPaymentError(`Idempotency key ${key} was already used for a ${done.kind} of ${Number(done.amount)} on payment ${done.payment_id}`);
    }
    return typeof done.result === 'string' ? (JSON.parse(done.result) as ProviderResult) : done.result;
  }

  /** Records the answer given for `key`; a key already answered (another payment's) is refused. */
  async #remember(
    em: EntityManager,
    key: string,
    paymentId: string,
    kind: OperationKind,
    amount: number,
    actor: AmountRequest['actor'] | null,
    reason: string | null,
    result: ProviderResult,
  ): Promise<void> {
    const stored = await rows(
      em,
      sql`insert into cod_payment_operation (idempotency_key, payment_id, kind, amount, actor_kind, actor_id, reason, result, created_at)
          values (${key}, ${paymentId}, ${kind}, ${amount}, ${actor?.kind ?? null}, ${actor?.id ?? null}, ${reason}, ${JSON.stringify(result)}::jsonb, ${new Date()})
          on conflict (idempotency_key) do nothing returning idempotency_key`,
    );
    if (stored.length === 0) throw new CodPaymentError(`Idempotency key ${key} was already used for another operation`);
  }

}

function positiveOrZero(amount: number, name: string): void {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new CodPaymentError(`${name} must be a non-negative integer of minor units; got ${amount}`);
}

function positive(amount: number, name: string): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new CodPaymentError(`${name} must be a positive integer of minor units; got ${amount}`);
}

function sameCurrency(payment: CodPaymentRow, currency: string): void {
  if (payment.currency !== currency.toUpperCase()) {
    throw new CodPaymentError(`COD payment ${payment.payment_id} is in ${payment.currency}, not ${currency}`);
  }
}
