import { expect } from 'chai';
import gpay, { buildPaymentDataRequest, formatTotalPrice } from '@cartwright/plugin-gpay';
import { createAndLogin } from '../../core/admin/admin-helpers.ts';
import { createCheckoutStore, readyCart, stockedVariant } from '../../core/checkout/checkout-helpers.ts';
import type { InventoryStore } from '../../core/inventory/inventory-helpers.ts';
import { FakeCardGateway, fakeGatewayPlugin } from './gpay-support.ts';

describe('Google Pay: the PaymentDataRequest', () => {
  describe('totalPrice', () => {
    for (const [amount, currency, expected] of [
      [1999, 'USD', '19.99'],
      [5, 'USD', '0.05'],
      [0, 'EUR', '0.00'],
      [500, 'JPY', '500'],
      [12345, 'KWD', '12.345'],
      [7, 'BHD', '0.007'],
      [100_000_000_00, 'USD', '100000000.00'],
    ] as const) {
      it(`shows ${amount} minor units of ${currency} as "${expected}"`, () => {
        expect(formatTotalPrice(amount, currency)).to.equal(expected);
      });
    }

    it('refuses a fractional or negative amount of minor units', () => {
      expect(() => formatTotalPrice(19.5, 'USD')).to.throw(/integer/);
      expect(() => formatTotalPrice(-1, 'USD')).to.throw(/non-negative/);
    });
  });

  it('is API version 2.0 with one CARD method, the merchant and a FINAL total', () => {
    const request = buildPaymentDataRequest(
      {
        environment: 'TEST',
        merchantId: 'BCR2DN4T',
        merchantName: 'Acme',
        allowedCardNetworks: ['VISA', 'MASTERCARD'],
        allowedAuthMethods: ['PAN_ONLY', 'CRYPTOGRAM_3DS'],
        tokenizationSpecification: { type: 'PAYMENT_GATEWAY', parameters: { gateway: 'stripe', 'stripe:version': '2018-10-31', 'stripe:publishableKey': 'pk_test_123' } },
      },
      { amount: 12345, currencyCode: 'kwd', countryCode: 'kw' },
    );
    expect(request).to.deep.equal({
      apiVersion: 2,
      apiVersionMinor: 0,
      allowedPaymentMethods: [
        {
          type: 'CARD',
          parameters: { allowedAuthMethods: ['PAN_ONLY', 'CRYPTOGRAM_3DS'], allowedCardNetworks: ['VISA', 'MASTERCARD'] },
          tokenizationSpecification: { type: 'PAYMENT_GATEWAY', parameters: { gateway: 'stripe', 'stripe:version': '2018-10-31', 'stripe:publishableKey': 'pk_test_123' } },
        },
      ],
      merchantInfo: { merchantId: 'BCR2DN4T', merchantName: 'Acme' },
      transactionInfo: { totalPriceStatus: 'FINAL', totalPrice: '12.345', currencyCode: 'KWD', countryCode: 'KW' },
    });
  });

  describe('for an order, over HTTP', () => {
    let c: InventoryStore;
    before(async () => {
      c = await createCheckoutStore({
        plugins: [fakeGatewayPlugin(new FakeCardGateway()), gpay({ merchantName: 'Cartwright Test Shop', stripe: { publishableKey: 'pk_test_gpay' } })],
      });
    });
    after(() => c.store.stop());

    /** A guest order for `price` + 5.00 shipping, placed with Google Pay and not yet paid. */
    async function pendingOrder(price: number, as?: Parameters<typeof readyCart>[2]) {
      const variantId = await stockedVariant(c, `Google Pay lamp ${price} ${Math.random()}`, 3, price);
      const cart = await readyCart(c, [{ variantId, quantity: 1 }], as);
      const response = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'gpay' });
      expect(response.status, response.text).to.equal(201);
      return response.body;
    }

    it('starts a Google Pay attempt that asks for the payment data, with the request for the order’s total', async () => {
      const placed = await pendingOrder(1499);
      expect(placed.order).to.include({ status: 'pending', paymentStatus: 'not_paid' });
      expect(placed.payment.status).to.equal('requires_action');
      const { paymentDataRequest } = placed.payment.clientData;
      expect(paymentDataRequest.transactionInfo).to.deep.equal({ totalPriceStatus: 'FINAL', totalPrice: '19.99', currencyCode: 'USD', countryCode: 'US' });
      expect(paymentDataRequest.allowedPaymentMethods[0].tokenizationSpecification).to.deep.equal({
        type: 'PAYMENT_GATEWAY',
        parameters: { gateway: 'stripe', 'stripe:version': '2018-10-31', 'stripe:publishableKey': 'pk_test_gpay' },
      });
      expect(paymentDataRequest.allowedPaymentMethods[0].parameters.allowedCardNetworks).to.deep.equal(['VISA', 'MASTERCARD', 'AMEX', 'DISCOVER']);
      expect(paymentDataRequest.merchantInfo).to.deep.equal({ merchantName: 'Cartwright Test Shop' });
    });

    it('answers the same request to whoever holds a guest order’s token, and 404 to anyone else', async () => {
      const placed = await pendingOrder(2500);
      const path = `/store/google-pay/orders/${placed.order.id}/payment-data-request`;
      const answered = await c.store.client.with({ 'x-order-token': placed.orderToken }).get(path);
      expect(answered.status, answered.text).to.equal(200);
      expect(answered.body).to.deep.equal(placed.payment.clientData.paymentDataRequest);
      expect(answered.body.transactionInfo.totalPrice).to.equal('30.00');

      for (const client of [c.store.client, c.store.client.with({ 'x-order-token': 'ot_not-the-token' })]) {
        const refused = await client.get(path);
        expect(refused.status, refused.text).to.equal(404);
      }
      const missing = await c.store.client.with({ 'x-order-token': placed.orderToken }).get('/store/google-pay/orders/ord_missing/payment-data-request');
      expect(missing.status).to.equal(404);
      expect(missing.body.code).to.equal('ORDER_NOT_FOUND');
    });

    it('answers a customer’s order to that customer only', async () => {
      const owner = await createAndLogin(c.store, 'gpay-owner@example.com', 'customer');
      const other = await createAndLogin(c.store, 'gpay-other@example.com', 'customer');
      const placed = await pendingOrder(1000, owner.as);
      const path = `/store/google-pay/orders/${placed.order.id}/payment-data-request`;
      const answered = await owner.as.get(path);
      expect(answered.status, answered.text).to.equal(200);
      expect(answered.body.transactionInfo.totalPrice).to.equal('15.00');
      expect((await other.as.get(path)).status).to.equal(404);
      expect((await c.store.client.get(path)).status).to.equal(404);
    });

    it('answers 409 once the order is paid', async () => {
      const placed = await pendingOrder(1200);
      const payer = c.store.client.with({ 'x-order-token': placed.orderToken });
      const token = JSON.stringify({ id: 'tok_visa', object: 'token', card: { brand: 'visa', last4: '4242' } });
      const paid = await payer.post(`/store/orders/${placed.order.id}/payments`, {
        method: 'gpay',
        paymentData: { paymentData: { apiVersion: 2, apiVersionMinor: 0, paymentMethodData: { type: 'CARD', tokenizationData: { type: 'PAYMENT_GATEWAY', token } } } },
      });
      expect(paid.status, paid.text).to.equal(201);
      expect(paid.body.status).to.equal('authorized');
      const refused = await payer.get(`/store/google-pay/orders/${placed.order.id}/payment-data-request`);
      expect(refused.status, refused.text).to.equal(409);
      expect(refused.body.code).to.equal('GPAY_ORDER_NOT_PAYABLE');
    });
  });
});
