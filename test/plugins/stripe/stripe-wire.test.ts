import { expect } from 'chai';
import { outcomeOf, resultOf } from '@cartwright/plugin-stripe';
import { listOf, parseStripeForm } from '@cartwright/plugin-stripe/testing';

const intent = (fields: Record<string, unknown>) =>
  ({ id: 'pi_1', amount: 1000, amount_capturable: 0, amount_received: 0, currency: 'usd', client_secret: 'pi_1_secret', last_payment_error: null, latest_charge: null, status: 'requires_payment_method', ...fields }) as never;

describe('stripe: PaymentIntent statuses as results', () => {
  for (const [status, expected] of [
    ['requires_payment_method', 'pending'],
    ['requires_confirmation', 'pending'],
    ['processing', 'pending'],
    ['requires_action', 'requires_action'],
    ['canceled', 'voided'],
  ] as const) {
    it(`${status} → ${expected}`, () => {
      expect(resultOf(intent({ status })).status).to.equal(expected);
    });
  }

  it('requires_capture → authorized for what is capturable', () => {
    expect(resultOf(intent({ status: 'requires_capture', amount_capturable: 1000 }))).to.include({ status: 'authorized', amountAuthorized: 1000, amountCaptured: 0 });
  });

  it('succeeded → captured, then partially_refunded and refunded from the charge’s amount_refunded', () => {
    const charge = (refunded: number) => ({ id: 'ch_1', amount: 1000, amount_refunded: refunded });
    expect(resultOf(intent({ status: 'succeeded', amount_received: 1000, latest_charge: charge(0) }))).to.include({ status: 'captured', amountAuthorized: 1000, amountCaptured: 1000, amountRefunded: 0 });
    expect(resultOf(intent({ status: 'succeeded', amount_received: 1000, latest_charge: charge(400) }))).to.include({ status: 'partially_refunded', amountRefunded: 400 });
    expect(resultOf(intent({ status: 'succeeded', amount_received: 1000, latest_charge: charge(1000) }))).to.include({ status: 'refunded', amountRefunded: 1000 });
  });

  it('a decline after a confirmation attempt → failed with the decline code, else the code', () => {
    expect(resultOf(intent({ last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds' } }))).to.include({ status: 'failed', failureReason: 'insufficient_funds' });
    expect(resultOf(intent({ last_payment_error: { code: 'expired_card' } }))).to.include({ status: 'failed', failureReason: 'expired_card' });
  });

  it('converts amounts of currencies where ISO and Stripe differ (ISK)', () => {
    expect(resultOf(intent({ status: 'requires_capture', currency: 'isk', amount: 50_000, amount_capturable: 50_000 }))).to.include({ amountAuthorized: 500 });
  });
});

describe('stripe: events as webhook outcomes', () => {
  it('charge.refunded names the PaymentIntent and carries the refunded amount', () => {
    const outcome = outcomeOf({ id: 'evt_1', type: 'charge.refunded', data: { object: { id: 'ch_1', amount: 1000, amount_captured: 1000, amount_refunded: 300, currency: 'usd', payment_intent: 'pi_9' } } } as never);
    expect(outcome).to.deep.include({ eventId: 'evt_1', reference: 'pi_9' });
    expect(outcome!.result).to.include({ status: 'partially_refunded', amountCaptured: 1000, amountRefunded: 300 });
  });

  it('a dispute names the PaymentIntent; closed once the event says so', () => {
    const dispute = { id: 'dp_1', amount: 1000, currency: 'usd', reason: 'fraudulent', status: 'needs_response', payment_intent: 'pi_9' };
    expect(outcomeOf({ id: 'evt_2', type: 'charge.dispute.created', data: { object: dispute } } as never)).to.deep.equal({
      eventId: 'evt_2',
      reference: 'pi_9',
      dispute: { id: 'dp_1', amount: 1000, reason: 'fraudulent', status: 'needs_response', closed: false },
    });
    expect(outcomeOf({ id: 'evt_3', type: 'charge.dispute.closed', data: { object: { ...dispute, status: 'won' } } } as never)!.dispute).to.include({ closed: true, status: 'won' });
  });

  it('ignores events about no payment (null)', () => {
    expect(outcomeOf({ id: 'evt_4', type: 'invoice.paid', data: { object: { id: 'in_1' } } } as never)).to.equal(null);
    expect(outcomeOf({ id: 'evt_5', type: 'charge.refunded', data: { object: { id: 'ch_1', payment_intent: null } } } as never)).to.equal(null);
  });
});

describe('stripe stand-in: the form-encoded wire format', () => {
  it('unfolds bracket keys and arrays', () => {
    const parsed = parseStripeForm('amount=1500&metadata[cartwright_order_id]=ord_1&payment_method_data[card][token]=tok_visa&expand[0]=latest_charge&expand[]=customer');
    expect(parsed).to.deep.equal({
      amount: '1500',
      metadata: { cartwright_order_id: 'ord_1' },
      payment_method_data: { card: { token: 'tok_visa' } },
      expand: { 0: 'latest_charge', 1: 'customer' },
    });
    expect(listOf(parsed.expand)).to.deep.equal(['latest_charge', 'customer']);
    expect(listOf(undefined)).to.deep.equal([]);
  });
});
