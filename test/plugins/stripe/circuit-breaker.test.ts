import assert from 'node:assert/strict';
import { expect } from 'chai';
import { CircuitBreaker, CircuitOpenError } from '@cartwright/plugin-stripe';

class Outage extends Error {}
const isOutage = (error: unknown) => error instanceof Outage;

describe('circuit breaker', () => {
  let now: number;
  let breaker: CircuitBreaker;
  let calls: number;
  const fail = () => breaker.run('Gateway', async () => { calls += 1; throw new Outage('down'); }, isOutage);
  const succeed = () => breaker.run('Gateway', async () => { calls += 1; return 'ok'; }, isOutage);

  beforeEach(() => {
    now = 1_000_000;
    calls = 0;
    breaker = new CircuitBreaker({ failures: 3, coolDownSeconds: 30, now: () => now });
  });

  it('stays closed below the failure count, and a success resets the count', async () => {
    for (let i = 0; i < 2; i += 1) await assert.rejects(fail(), Outage);
    expect(await succeed()).to.equal('ok');
    for (let i = 0; i < 2; i += 1) await assert.rejects(fail(), Outage);
    expect(breaker.state).to.equal('closed');
    expect(breaker.retryAfter()).to.equal(null);
  });

  it('does not count errors that are not outages (a declined card is the gateway working)', async () => {
    for (let i = 0; i < 5; i += 1) {
      await assert.rejects(breaker.run('Gateway', async () => { throw new Error('card_declined'); }, isOutage), /card_declined/);
    }
    expect(breaker.state).to.equal('closed');
  });

  it('opens after the failure count and fails fast without calling, with the seconds left', async () => {
    for (let i = 0; i < 3; i += 1) await assert.rejects(fail(), Outage);
    expect(breaker.state).to.equal('open');
    expect(breaker.retryAfter()).to.equal(30);
    now += 10_500;
    expect(breaker.retryAfter()).to.equal(20);
    const error = await succeed().then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(CircuitOpenError);
    expect((error as CircuitOpenError).retryAfterSeconds).to.equal(20);
    expect(calls).to.equal(3);
  });

  it('lets one trial call through after the cool-down: success closes it', async () => {
    for (let i = 0; i < 3; i += 1) await assert.rejects(fail(), Outage);
    now += 30_000;
    expect(breaker.state).to.equal('half-open');
    expect(breaker.retryAfter()).to.equal(null);
    expect(await succeed()).to.equal('ok');
    expect(breaker.state).to.equal('closed');
  });

  it('reopens at once when the trial call fails', async () => {
    for (let i = 0; i < 3; i += 1) await assert.rejects(fail(), Outage);
    now += 30_000;
    await assert.rejects(fail(), Outage);
    expect(breaker.state).to.equal('open');
    expect(breaker.retryAfter()).to.equal(30);
  });

  it('holds other calls back while the trial call is out', async () => {
    for (let i = 0; i < 3; i += 1) await assert.rejects(fail(), Outage);
    now += 30_000;
    let release!: () => void;
    const trial = breaker.run('Gateway', () => new Promise<string>((resolve) => { release = () => resolve('ok'); }), isOutage);
    await assert.rejects(succeed(), CircuitOpenError);
    release();
    expect(await trial).to.equal('ok');
    expect(await succeed()).to.equal('ok');
  });

  it('refuses nonsense settings', () => {
    expect(() => new CircuitBreaker({ failures: 0, coolDownSeconds: 30 })).to.throw(/failures/);
    expect(() => new CircuitBreaker({ failures: 1, coolDownSeconds: 0 })).to.throw(/coolDownSeconds/);
  });
});
