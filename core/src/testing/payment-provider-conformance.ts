import assert from 'node:assert/strict';
import type { EntityManager } from '@mikro-orm/sql';
import { newId } from '../kernel/ids.ts';
import {
  PaymentWebhookError,
  type AmountRequest,
  type InitiateRequest,
  type PaymentContext,
  type PaymentProvider,
  type ProviderPaymentStatus,
  type ProviderResult,
} from '../modules/payments/payment-provider.ts';
import { globalRunner, type ConformanceRunner } from './conformance-runner.ts';

/** A provider to check, prepared fresh for one run of the kit. */
export interface PaymentProviderUnderTest {
  provider: PaymentProvider;
  /**
   * Drives the step a real buyer does in the browser (confirming a card, 3-D Secure) for a result
   * that is `pending` or `requires_action`, so that `authorize` can then report `authorized`.
   * Needed only with `authorizeThenCapture` when `initiate` does not authorize by itself.
   */
  completeAuthorization?(result: ProviderResult): Promise<void>;
  /**
   * Runs `work` in a transaction of the store's database (committed when it resolves, rolled back
   * when it throws). Needed when the provider `initiatesInTransaction`: the kit checks that its
   * `initiate` writes through the transaction it is given.
   */
  transaction?<T>(work: (em: EntityManager) => Promise<T>): Promise<T>;
  /** Runs once after the tests (stop a stand-in, a test store). */
  cleanup?(): Promise<void>;
}

/** What the provider supports; the kit checks each capability it claims and skips the others. */
export interface PaymentProviderCapabilities {
  /** Money is authorized first (`authorized`) and captured later. Without it, `capture` follows `initiate` directly (cash on delivery). */
  authorizeThenCapture: boolean;
  /** `capture` may take less than the payment's amount. */
  partialCapture: boolean;
  /** `refund` may give back less than what was captured, and again until all is refunded. */
  partialRefund: boolean;
  /** `void` cancels a payment before capture. */
  void: boolean;
  /** `handleWebhook` is implemented. */
  webhooks: boolean;
  /** The provider sets `initiatesInTransaction` (no gateway: cash on delivery). Default false. */
  initiatesInTransaction?: boolean;
}

export interface PaymentProviderConformanceOptions {
  /** Shown in the test titles. */
  name: string;
  /** Called once before the tests. */
  create(): Promise<PaymentProviderUnderTest>;
  capabilities: PaymentProviderCapabilities;
  /**
   * An order for which `availability` answers available; every payment the kit makes is for
   * `context.amount` in `context.currencyCode`. Defaults to 100.00 EUR shipped to Germany (DE).
   * Use an even amount of at least 100 minor units (the kit captures and refunds parts of it).
   */
  context?: PaymentContext;
  /** Defaults to the global `describe`, `it`, `before` and `after` that mocha defines. */
  runner?: ConformanceRunner;
}

const STATUSES: readonly ProviderPaymentStatus[] = ['pending', 'requires_action', 'authorized', 'captured', 'partially_refunded', 'refunded', 'voided', 'failed'];
const INITIAL_STATUSES: readonly ProviderPaymentStatus[] = ['pending', 'requires_action', 'authorized', 'failed'];

const amounts = (r: ProviderResult) => ({ amountAuthorized: r.amountAuthorized, amountCaptured: r.amountCaptured, amountRefunded: r.amountRefunded });

/** The shape and the invariants every result must hold, whatever the call. */
function checkResult(result: ProviderResult, call: string): ProviderResult {
  assert.ok(result && typeof result === 'object', `${call} must resolve with a ProviderResult; it resolved with ${String(result)}`);
  assert.ok(STATUSES.includes(result.status), `${call}: status "${String(result.status)}" is not one of ${STATUSES.join(', ')}`);
  for (const key of ['amountAuthorized', 'amountCaptured', 'amountRefunded'] as const) {
    const value = result[key];
    assert.ok(Number.isSafeInteger(value) && value >= 0, `${call}: ${key} must be a non-negative integer of minor units; it is ${String(value)}`);
  }
  assert.ok(result.amountCaptured <= result.amountAuthorized, `${call}: amountCaptured ${result.amountCaptured} is above amountAuthorized ${result.amountAuthorized}`);
  assert.ok(result.amountRefunded <= result.amountCaptured, `${call}: amountRefunded ${result.amountRefunded} is above amountCaptured ${result.amountCaptured}`);
  assert.ok(result.reference === null || (typeof result.reference === 'string' && result.reference.length > 0), `${call}: reference must be null or a non-empty string`);
  assert.equal(typeof result.rawStatus, 'string', `${call}: rawStatus must be a string (the gateway's own status word)`);
  if (result.status === 'failed') assert.ok(typeof result.failureReason === 'string' && result.failureReason.length > 0, `${call}: a failed result needs a failureReason`);
  return result;
}

/** Amounts are cumulative: no call may lower one of them. */
function checkCumulative(before: ProviderResult, after: ProviderResult, call: string): void {
  assert.ok(after.amountAuthorized >= before.amountAuthorized || after.status === 'voided', `${call}: amountAuthorized went down from ${before.amountAuthorized} to ${after.amountAuthorized}`);
  assert.ok(after.amountCaptured >= before.amountCaptured, `${call}: amountCaptured went down from ${before.amountCaptured} to ${after.amountCaptured}`);
  assert.ok(after.amountRefunded >= before.amountRefunded, `${call}: amountRefunded went down from ${before.amountRefunded} to ${after.amountRefunded}`);
}

/**
 * Declares the tests every `PaymentProvider` must pass: the contract in `payment-provider.ts`,
 * checked with real calls (on a test gateway, a stand-in, or the provider's own records). Each test
 * starts a payment of its own. A request the contract forbids (capturing more than authorized,
 * refunding more than captured − refunded, voiding after capture) must be rejected by throwing, and
 * must leave the payment as it was; see docs/plugins/payments.md.
 *
 * @example
 * ```ts
 * import { runPaymentProviderConformance } from '@cartwright/core/testing';
 *
 * runPaymentProviderConformance({
 *   name: 'Acme Pay',
 *   capabilities: { authorizeThenCapture: true, partialCapture: true, partialRefund: true, void: true, webhooks: true },
 *   async create() {
 *     const sandbox = await startAcmeStandIn();
 *     return {
 *       provider: new AcmePayProvider({ apiBaseUrl: sandbox.url, secretKey: 'sk_test' }),
 *       completeAuthorization: (result) => sandbox.confirm(result.reference!),
 *       cleanup: () => sandbox.stop(),
 *     };
 *   },
 * });
 * ```
 */
export function runPaymentProviderConformance(options: PaymentProviderConformanceOptions): void {
  const { describe, it, before, after } = options.runner ?? globalRunner();
  const { capabilities } = options;
  const context: PaymentContext = options.context ?? { currencyCode: 'EUR', amount: 10_000, countryCode: 'DE' };
  const total = context.amount;
  const half = Math.floor(total / 2);
  /** `it`, or a pending test (no body) when the provider does not claim the capability. */
  const itWhen = (claimed: boolean, title: string, test: () => Promise<void>) => (claimed ? it(title, test) : it(`${title} (not claimed)`));

  describe(`PaymentProvider conformance: ${options.name}`, () => {
    let subject: PaymentProviderUnderTest | undefined;
    const under = (): PaymentProviderUnderTest => {
      if (!subject) throw new Error(`the create() of "${options.name}" did not complete`);
      return subject;
    };
    const provider = () => under().provider;

    before(async () => {
      subject = await options.create();
    });
    after(async () => {
      await subject?.cleanup?.();
    });

    /** One payment under test: its ids and the last result the provider gave for it. */
    interface Payment {
      paymentId: string;
      reference: string | null;
      last: ProviderResult;
    }

    const key = () => newId('idem');
    const ref = (payment: Payment, idempotencyKey = key()) => ({ paymentId: payment.paymentId, reference: payment.reference, idempotencyKey });
    const amountRequest = (payment: Payment, amount: number, idempotencyKey = key()): AmountRequest => ({
      ...ref(payment, idempotencyKey),
      amount,
      currencyCode: context.currencyCode,
      actor: { kind: 'user', id: 'usr_conformance' },
    });

    /** Records a result as the payment's latest, after checking it and that amounts only grew. */
    const record = (payment: Payment, result: ProviderResult, call: string): ProviderResult => {
      checkResult(result, call);
      checkCumulative(payment.last, result, call);
      payment.last = result;
      if (result.reference !== null) payment.reference = result.reference;
      return result;
    };

    const expectStatusAgrees = async (payment: Payment, after: string) => {
      const current = checkResult(await provider().status(ref(payment)), `status() after ${after}`);
      assert.equal(current.status, payment.last.status, `status() after ${after} says "${current.status}"; the last result said "${payment.last.status}"`);
      assert.deepEqual(amounts(current), amounts(payment.last), `status() after ${after} must report the amounts of the last result`);
    };

    /** A call the contract forbids: it must throw, and the payment must stay as it was. */
    const expectRejected = async (payment: Payment, call: string, attempt: () => Promise<ProviderResult>) => {
      let outcome: ProviderResult | undefined;
      try {
        outcome = await attempt();
      } catch {
        await expectStatusAgrees(payment, `the rejected ${call}`);
        return;
      }
      assert.fail(`${call} must be rejected (throw); it resolved with status "${outcome?.status}" and ${JSON.stringify(amounts(outcome!))}`);
    };

    const initiateRequest = (): InitiateRequest => {
      const paymentId = newId('pay');
      return {
        paymentId,
        orderId: newId('ord'),
        orderNumber: `CONF-${paymentId.slice(-8)}`,
        amount: total,
        currencyCode: context.currencyCode,
        email: 'buyer@example.com',
        idempotencyKey: key(),
        data: {},
      };
    };

    /** Initiates a payment; a replay passes the very same request (gateways refuse a key reused with another body). */
    const initiate = async (request = initiateRequest()): Promise<{ payment: Payment; result: ProviderResult }> => {
      const result = checkResult(await provider().initiate(request), 'initiate');
      return { payment: { paymentId: request.paymentId, reference: result.reference, last: result }, result };
    };

    /** A payment ready to capture: authorized when the provider authorizes first, as initiated otherwise. */
    const capturable = async (): Promise<Payment> => {
      const { payment } = await initiate();
      assert.notEqual(payment.last.status, 'failed', `initiate failed (${payment.last.failureReason}) for an order availability accepts`);
      if (!capabilities.authorizeThenCapture) return payment;
      if (payment.last.status !== 'authorized') {
        await under().completeAuthorization?.(payment.last);
        record(payment, await provider().authorize(ref(payment)), 'authorize');
      }
      assert.equal(payment.last.status, 'authorized', `the payment must be authorized before capture (give create() a completeAuthorization hook); it is "${payment.last.status}"`);
      assert.equal(payment.last.amountAuthorized, total, `amountAuthorized must be the payment's amount ${total}`);
      return payment;
    };

    const captured = async (amount = total): Promise<Payment> => {
      const payment = await capturable();
      record(payment, await provider().capture(amountRequest(payment, amount)), `capture(${amount})`);
      return payment;
    };

    it('has a stable id usable in a URL and a name to show', async () => {
      const { id, name } = provider();
      assert.ok(typeof id === 'string' && /^[a-z0-9][a-z0-9_-]{0,49}$/.test(id), `id "${String(id)}" must be 1 to 50 lower-case letters, digits, "-" or "_" (it goes into /webhooks/:id)`);
      assert.ok(typeof name === 'string' && name.trim().length > 0, 'name must be a non-empty string');
      assert.equal(provider().id, id, 'id must not change');
    });

    it('availability answers synchronously: available with a non-negative integer fee, or a reason', async () => {
      const answer: unknown = provider().availability(context);
      assert.ok(!(answer instanceof Promise), 'availability must answer synchronously, not with a Promise');
      const availability = answer as ReturnType<PaymentProvider['availability']>;
      assert.ok(availability.available, `availability must accept the kit's context ${JSON.stringify(context)} (pass options.context); it said: ${(availability as { reason?: string }).reason}`);
      assert.ok(Number.isSafeInteger(availability.fee) && availability.fee >= 0, `fee must be a non-negative integer of minor units; it is ${String(availability.fee)}`);
      const refused = provider().availability({ ...context, currencyCode: 'XXX', countryCode: 'AQ' });
      if (!refused.available) assert.ok(typeof refused.reason === 'string' && refused.reason.trim().length > 0, 'an unavailable answer needs a reason to show the shopper');
      else assert.ok(Number.isSafeInteger(refused.fee) && refused.fee >= 0, 'fee must be a non-negative integer of minor units');
    });

    it('initiate answers one of pending, requires_action, authorized or failed, with nothing captured', async () => {
      const { result } = await initiate();
      assert.ok(INITIAL_STATUSES.includes(result.status), `initiate answered "${result.status}"; expected one of ${INITIAL_STATUSES.join(', ')}`);
      assert.equal(result.amountCaptured, 0, 'initiate must not capture');
      assert.equal(result.amountRefunded, 0, 'initiate must not refund');
      assert.ok(result.amountAuthorized <= total, `amountAuthorized ${result.amountAuthorized} is above the payment's amount ${total}`);
    });

    it('initiate replayed with the same idempotency key answers the same payment', async () => {
      const request = initiateRequest();
      const first = await initiate(request);
      const replay = await initiate({ ...request });
      assert.equal(replay.result.reference, first.result.reference, 'the replay must answer the same reference (no second payment at the gateway)');
      assert.equal(replay.result.status, first.result.status);
      assert.deepEqual(amounts(replay.result), amounts(first.result));
      await expectStatusAgrees(first.payment, 'initiate');
    });

    it('status() agrees with the last result after initiate', async () => {
      const { payment } = await initiate();
      await expectStatusAgrees(payment, 'initiate');
    });

    itWhen(capabilities.authorizeThenCapture, 'authorize reports the whole amount authorized, and nothing captured', async () => {
      const payment = await capturable();
      assert.equal(payment.last.amountCaptured, 0);
      await expectStatusAgrees(payment, 'authorize');
    });

    it('capture of the whole amount answers captured, with amountCaptured the amount', async () => {
      const payment = await captured(total);
      assert.equal(payment.last.status, 'captured');
      assert.equal(payment.last.amountCaptured, total);
      assert.equal(payment.last.amountRefunded, 0);
      await expectStatusAgrees(payment, 'capture');
    });

    it('capture replayed with the same idempotency key does not take the money twice', async () => {
      const payment = await capturable();
      const idempotencyKey = key();
      const amount = capabilities.partialCapture ? half : total;
      const first = record(payment, await provider().capture(amountRequest(payment, amount, idempotencyKey)), 'capture');
      const replay = record(payment, await provider().capture(amountRequest(payment, amount, idempotencyKey)), 'the replayed capture');
      assert.deepEqual(amounts(replay), amounts(first), 'a replayed capture must answer the amounts of the first');
      assert.equal(replay.amountCaptured, amount);
      await expectStatusAgrees(payment, 'the replayed capture');
    });

    it('capture above the payment\'s amount (or what is authorized) is rejected', async () => {
      const payment = await capturable();
      await expectRejected(payment, `capture(${total + 1})`, () => provider().capture(amountRequest(payment, total + 1)));
    });

    itWhen(capabilities.partialCapture, 'capture of part of the amount answers captured, with amountCaptured that part', async () => {
      const payment = await captured(half);
      assert.equal(payment.last.status, 'captured');
      assert.equal(payment.last.amountCaptured, half);
      await expectStatusAgrees(payment, 'a partial capture');
    });

    itWhen(capabilities.partialRefund, 'partial refunds add up: partially_refunded, then refunded when all is given back', async () => {
      const payment = await captured(total);
      const part = Math.floor(total / 4);
      record(payment, await provider().refund({ ...amountRequest(payment, part), reason: 'conformance: one item returned' }), `refund(${part})`);
      assert.equal(payment.last.status, 'partially_refunded');
      assert.equal(payment.last.amountRefunded, part);
      await expectStatusAgrees(payment, 'a partial refund');
      record(payment, await provider().refund({ ...amountRequest(payment, total - part), reason: 'conformance: the rest returned' }), `refund(${total - part})`);
      assert.equal(payment.last.status, 'refunded');
      assert.equal(payment.last.amountRefunded, total);
      assert.equal(payment.last.amountCaptured, total, 'refunds must not lower amountCaptured');
      await expectStatusAgrees(payment, 'the last refund');
    });

    it('refund of everything captured answers refunded', async () => {
      const payment = await captured(total);
      record(payment, await provider().refund({ ...amountRequest(payment, total), reason: 'conformance: order cancelled' }), `refund(${total})`);
      assert.equal(payment.last.status, 'refunded');
      assert.equal(payment.last.amountRefunded, total);
      await expectStatusAgrees(payment, 'a full refund');
    });

    it('refund replayed with the same idempotency key does not give the money back twice', async () => {
      const payment = await captured(total);
      const idempotencyKey = key();
      const amount = capabilities.partialRefund ? half : total;
      const first = record(payment, await provider().refund({ ...amountRequest(payment, amount, idempotencyKey), reason: 'conformance' }), 'refund');
      const replay = record(payment, await provider().refund({ ...amountRequest(payment, amount, idempotencyKey), reason: 'conformance' }), 'the replayed refund');
      assert.deepEqual(amounts(replay), amounts(first), 'a replayed refund must answer the amounts of the first');
      assert.equal(replay.amountRefunded, amount);
      await expectStatusAgrees(payment, 'the replayed refund');
    });

    it('refund above captured − refunded is rejected', async () => {
      const payment = await captured(total);
      await expectRejected(payment, `refund(${total + 1}) of ${total} captured`, () => provider().refund({ ...amountRequest(payment, total + 1), reason: 'conformance' }));
      if (capabilities.partialRefund) {
        record(payment, await provider().refund({ ...amountRequest(payment, half), reason: 'conformance' }), `refund(${half})`);
        await expectRejected(payment, `refund(${total - half + 1}) with ${total - half} left`, () =>
          provider().refund({ ...amountRequest(payment, total - half + 1), reason: 'conformance' }),
        );
      }
    });

    it('refund before any capture is rejected', async () => {
      const payment = await capturable();
      await expectRejected(payment, 'refund before capture', () => provider().refund({ ...amountRequest(payment, 1), reason: 'conformance' }));
    });

    itWhen(capabilities.void, 'void before capture answers voided, and a later capture is rejected', async () => {
      const payment = await capturable();
      record(payment, await provider().void(ref(payment)), 'void');
      assert.equal(payment.last.status, 'voided');
      assert.equal(payment.last.amountCaptured, 0);
      await expectStatusAgrees(payment, 'void');
      await expectRejected(payment, 'capture after void', () => provider().capture(amountRequest(payment, total)));
    });

    itWhen(capabilities.void, 'void replayed with the same idempotency key answers voided again', async () => {
      const payment = await capturable();
      const idempotencyKey = key();
      record(payment, await provider().void(ref(payment, idempotencyKey)), 'void');
      record(payment, await provider().void(ref(payment, idempotencyKey)), 'the replayed void');
      assert.equal(payment.last.status, 'voided');
      await expectStatusAgrees(payment, 'the replayed void');
    });

    itWhen(capabilities.void, 'void after capture is rejected', async () => {
      const payment = await captured(total);
      await expectRejected(payment, 'void after capture', () => provider().void(ref(payment)));
    });

    /** The store's transactions, for a provider that initiates inside them. */
    const transaction = () => {
      const run = under().transaction;
      assert.ok(run, 'the provider claims initiatesInTransaction: give create() a transaction(work) hook running work in a store transaction');
      return run.bind(under());
    };

    const inTransaction = capabilities.initiatesInTransaction === true;

    it('sets initiatesInTransaction exactly when the capabilities claim it', async () => {
      assert.equal(provider().initiatesInTransaction === true, inTransaction, `initiatesInTransaction is ${String(provider().initiatesInTransaction)}; capabilities.initiatesInTransaction is ${String(inTransaction)}`);
    });

    itWhen(inTransaction, 'initiate inside a committed transaction is what status() then reports', async () => {
      const request = initiateRequest();
      const result = checkResult(await transaction()((em) => provider().initiate(request, { em })), 'initiate in a transaction');
      const payment: Payment = { paymentId: request.paymentId, reference: result.reference, last: result };
      await expectStatusAgrees(payment, 'initiate in a committed transaction');
    });

    itWhen(inTransaction, 'initiate inside a transaction that rolls back leaves nothing: the same payment starts afresh for another amount', async () => {
      const request = initiateRequest();
      const rolledBack = new Error('the checkout failed after initiate');
      await assert.rejects(
        transaction()(async (em) => {
          checkResult(await provider().initiate(request, { em }), 'initiate in a transaction');
          throw rolledBack;
        }),
        (error) => error === rolledBack,
      );
      const again = { ...request, amount: total - 100, idempotencyKey: key() };
      const result = checkResult(await provider().initiate(again), 'initiate after the rollback');
      assert.notEqual(result.status, 'failed', 'a payment whose first initiate was rolled back must start again as new');
      assert.ok(result.amountAuthorized <= again.amount, `the restarted payment is for ${again.amount}; it reports ${result.amountAuthorized} authorized`);
      await expectStatusAgrees({ paymentId: again.paymentId, reference: result.reference, last: result }, 'initiate after the rollback');
    });

    if (capabilities.webhooks) {
      it('handleWebhook rejects an unsigned request with a PaymentWebhookError', async () => {
        assert.equal(typeof provider().handleWebhook, 'function', 'the provider claims webhooks but has no handleWebhook');
        let failure: unknown;
        try {
          await provider().handleWebhook!({ rawBody: Buffer.from('{"id":"evt_forged","type":"payment.succeeded"}'), headers: { 'content-type': 'application/json' } });
        } catch (error) {
          failure = error;
        }
        assert.ok(failure instanceof PaymentWebhookError, `an unsigned webhook must be rejected with a PaymentWebhookError; got ${failure === undefined ? 'no error' : String(failure)}`);
      });
    } else {
      it('has no handleWebhook (it claims no webhooks)', async () => {
        assert.equal(provider().handleWebhook, undefined, 'the provider has handleWebhook but does not claim webhooks');
      });
    }
  });
}
