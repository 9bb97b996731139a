import { expect } from 'chai';
import { ConfigError, newId } from '@cartwright/core';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import cod, { CodPaymentError, type CodProvider } from '@cartwright/plugin-cod';
import { codProviderOf } from './cod-support.ts';

const courier = (id: string) => ({ kind: 'courier', id });

describe('plugin-cod', () => {
  let store: TestStore;
  let provider: CodProvider;

  before(async () => {
    store = await createTestStore({
      plugins: [
        cod({
          countries: ['PL', 'CZ'],
          minOrderAmount: { PLN: 2_000 },
          maxOrderAmount: { PLN: 200_000, CZK: 5_000_00 },
          fee: { PLN: 500 },
        }),
      ],
    });
    provider = await codProviderOf(store);
  });
  after(async () => {
    await store?.stop();
  });

  const start = async (amount = 10_000, currencyCode = 'PLN') => {
    const paymentId = newId('pay');
    await provider.initiate({ paymentId, orderId: newId('ord'), orderNumber: 'CW-1001', amount, currencyCode, email: 'buyer@example.com', idempotencyKey: newId('idem'), data: {} });
    return paymentId;
  };
  const capture = (paymentId: string, amount: number, actor = courier('courier-7'), idempotencyKey = newId('idem')) =>
    provider.capture({ paymentId, reference: paymentId, idempotencyKey, amount, currencyCode: 'PLN', actor });
  const refund = (paymentId: string, amount: number, idempotencyKey = newId('idem')) =>
    provider.refund({ paymentId, reference: paymentId, idempotencyKey, amount, currencyCode: 'PLN', actor: { kind: 'user', id: 'usr_staff' }, reason: 'returned' });

  describe('availability', () => {
    it('is offered in a listed country with the fee of the order\'s currency', () => {
      expect(provider.availability({ countryCode: 'PL', currencyCode: 'PLN', amount: 10_000 })).to.deep.equal({ available: true, fee: 500 });
    });

    it('charges no fee in a currency the fee does not list', () => {
      expect(provider.availability({ countryCode: 'CZ', currencyCode: 'CZK', amount: 10_000 })).to.deep.equal({ available: true, fee: 0 });
    });

    it('is refused for a country not listed, naming it', () => {
      expect(provider.availability({ countryCode: 'DE', currencyCode: 'PLN', amount: 10_000 })).to.deep.equal({
        available: false,
        reason: 'Cash on delivery is not available for delivery to DE',
      });
    });

    it('reads country and currency codes case-insensitively', () => {
      expect(provider.availability({ countryCode: 'pl', currencyCode: 'pln', amount: 10_000 })).to.deep.equal({ available: true, fee: 500 });
    });

    it('is refused below the minimum of the currency, and offered at it', () => {
      expect(provider.availability({ countryCode: 'PL', currencyCode: 'PLN', amount: 1_999 })).to.deep.equal({
        available: false,
        reason: 'Cash on delivery needs an order of at least 20.00 PLN',
      });
      expect(provider.availability({ countryCode: 'PL', currencyCode: 'PLN', amount: 2_000 }).available).to.equal(true);
    });

    it('is refused above the maximum of the currency, and offered at it', () => {
      expect(provider.availability({ countryCode: 'PL', currencyCode: 'PLN', amount: 200_001 })).to.deep.equal({
        available: false,
        reason: 'Cash on delivery is available for orders up to 2000.00 PLN',
      });
      expect(provider.availability({ countryCode: 'PL', currencyCode: 'PLN', amount: 200_000 }).available).to.equal(true);
    });

    it('sets no limit in a currency the limits do not list', () => {
      // CZK has a maximum but no minimum; EUR has neither
      expect(provider.availability({ countryCode: 'CZ', currencyCode: 'CZK', amount: 1 }).available).to.equal(true);
      expect(provider.availability({ countryCode: 'CZ', currencyCode: 'EUR', amount: 99_999_999 })).to.deep.equal({ available: true, fee: 0 });
    });
  });

  describe('payments', () => {
    it('starts pending with its payment id as reference and nothing collected', async () => {
      const paymentId = await start();
      expect(await provider.status({ paymentId, reference: null, idempotencyKey: newId('idem') })).to.deep.equal({
        status: 'pending',
        reference: paymentId,
        amountAuthorized: 0,
        amountCaptured: 0,
        amountRefunded: 0,
        rawStatus: 'pending',
      });
    });

    it('records who collected how much, collection by collection', async () => {
      const paymentId = await start(10_000);
      await capture(paymentId, 6_000, courier('courier-7'));
      const result = await capture(paymentId, 4_000, courier('courier-9'));
      expect(result).to.include({ status: 'captured', amountCaptured: 10_000, amountAuthorized: 10_000 });
      const operations = await provider.operations(paymentId);
      expect(operations.map(({ kind, amount, actor }) => ({ kind, amount, actor }))).to.deep.equal([
        { kind: 'capture', amount: 6_000, actor: { kind: 'courier', id: 'courier-7' } },
        { kind: 'capture', amount: 4_000, actor: { kind: 'courier', id: 'courier-9' } },
      ]);
      const em = store.commerce.database.fork();
      const [row] = (await em.getConnection().execute(`select collected_by_kind, collected_by_id from cod_payment where payment_id = '${paymentId}'`)) as Array<Record<string, unknown>>;
      expect(row).to.deep.equal({ collected_by_kind: 'courier', collected_by_id: 'courier-9' });
    });

    it('refuses to collect more than is left, saying how much is left', async () => {
      const paymentId = await start(10_000);
      await capture(paymentId, 7_000);
      let failure: unknown;
      await capture(paymentId, 3_001).catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(CodPaymentError);
      expect((failure as Error).message).to.equal(`Cannot collect 30.01 PLN for COD payment ${paymentId}: 30.00 PLN is left to collect`);
    });

    it('caps refunds at what was collected and not yet refunded', async () => {
      const paymentId = await start(10_000);
      await capture(paymentId, 4_000);
      await refund(paymentId, 1_500);
      let failure: unknown;
      await refund(paymentId, 2_501).catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(CodPaymentError);
      expect((failure as Error).message).to.equal(`Cannot refund 25.01 PLN of COD payment ${paymentId}: 25.00 PLN collected and not yet refunded`);
      expect(await refund(paymentId, 2_500)).to.include({ status: 'refunded', amountCaptured: 4_000, amountRefunded: 4_000 });
      expect((await provider.operations(paymentId)).map((o) => [o.kind, o.amount, o.reason])).to.deep.equal([
        ['capture', 4_000, null],
        ['refund', 1_500, 'returned'],
        ['refund', 2_500, 'returned'],
      ]);
    });

    it('collects once when two collections race for the rest of the amount', async () => {
      const paymentId = await start(10_000);
      const outcomes = await Promise.allSettled([capture(paymentId, 6_000), capture(paymentId, 6_000)]);
      expect(outcomes.map((o) => o.status).sort()).to.deep.equal(['fulfilled', 'rejected']);
      expect(await provider.status({ paymentId, reference: paymentId, idempotencyKey: newId('idem') })).to.include({ amountCaptured: 6_000 });
    });

    it('refuses an idempotency key reused for a different amount', async () => {
      const paymentId = await start(10_000);
      const key = newId('idem');
      await capture(paymentId, 1_000, courier('courier-7'), key);
      let failure: unknown;
      await capture(paymentId, 2_000, courier('courier-7'), key).catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(CodPaymentError);
      expect((failure as Error).message).to.match(/^Idempotency key .* was already used for a capture of 1000/);
    });

    it('refuses a capture in another currency than the payment\'s', async () => {
      const paymentId = await start(10_000);
      const attempt = provider.capture({ paymentId, reference: paymentId, idempotencyKey: newId('idem'), amount: 100, currencyCode: 'EUR', actor: courier('c') });
      let failure: unknown;
      await attempt.catch((error: unknown) => (failure = error));
      expect((failure as Error).message).to.equal(`COD payment ${paymentId} is in PLN, not EUR`);
    });
  });

  describe('configuration', () => {
    const configFailure = async (options: unknown): Promise<Error> => {
      let failure: unknown;
      await createTestStore({ plugins: [cod(options as never)] }).then(
        (started) => started.stop(),
        (error: unknown) => (failure = error),
      );
      expect(failure, 'the store must not start').to.be.instanceOf(Error);
      return failure as Error;
    };

    it('names the plugin and the key of a missing countries option', async () => {
      const failure = await configFailure({});
      expect(failure).to.be.instanceOf(ConfigError);
      expect(failure.message).to.contain('plugins[0].options.countries (plugin "@cartwright/plugin-cod"): is required but missing');
    });

    it('refuses an empty country list, a country code that is not ISO alpha-2, and a fee that is not in minor units', async () => {
      const failure = await configFailure({ countries: [], fee: { EUR: 2.5 } });
      expect(failure).to.be.instanceOf(ConfigError);
      expect(failure.message).to.contain('plugins[0].options.countries (plugin "@cartwright/plugin-cod"):');
      expect(failure.message).to.contain('plugins[0].options.fee.EUR (plugin "@cartwright/plugin-cod"): expected integer, got number');
      const lowerCase = await configFailure({ countries: ['pl'] });
      expect(lowerCase.message).to.contain('plugins[0].options.countries[0] (plugin "@cartwright/plugin-cod"):');
    });

    it('refuses an unknown option and a currency that is not an ISO code', async () => {
      const failure = await configFailure({ countries: ['PL'], feee: { PLN: 500 }, fee: { zloty: 500 } });
      expect(failure.message).to.contain('plugins[0].options.feee (plugin "@cartwright/plugin-cod"): is not a known option');
      expect(failure.message).to.contain('plugins[0].options.fee.zloty (plugin "@cartwright/plugin-cod"): is not a known option');
    });

    it('refuses a minimum above the maximum of the same currency, naming both keys', async () => {
      const failure = await configFailure({ countries: ['PL'], minOrderAmount: { PLN: 5_000 }, maxOrderAmount: { PLN: 1_000 } });
      expect(failure.message).to.contain('@cartwright/plugin-cod');
      expect(failure.message).to.contain('minOrderAmount.PLN (5000) is above maxOrderAmount.PLN (1000)');
    });
  });
});
