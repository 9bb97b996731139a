import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import gpay, { RootKeySource } from '@cartwright/plugin-gpay';
import { createCheckoutStore, readyCart, stockedVariant } from '../../core/checkout/checkout-helpers.ts';
import { query, type InventoryStore } from '../../core/inventory/inventory-helpers.ts';
import { FakeCardGateway, fakeGatewayPlugin } from './gpay-support.ts';
import { CRYPTOGRAM_CARD, newEcKey, PAN_ONLY_CARD, spkiBase64, TokenBuilder } from './token-builder.ts';

describe('Google Pay in direct mode: ECv2 tokens verified and decrypted by the store', () => {
  const google = new TokenBuilder();
  const gateway = new FakeCardGateway();
  let c: InventoryStore;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gpay-keys-'));
    // the merchant's job keeps a copy of Google's keys.json: the store reads the root key from it
    const keysFile = join(dir, 'keys.json');
    writeFileSync(keysFile, JSON.stringify({ keys: google.rootSigningKeys() }));
    c = await createCheckoutStore({
      plugins: [
        fakeGatewayPlugin(gateway),
        gpay({ merchantName: 'Cartwright Test Shop', merchantId: google.merchantId, mode: 'direct', privateKey: google.merchantPrivateKey(), rootSigningKeysFile: keysFile }),
      ],
    });
  });
  after(async () => {
    await c.store.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A guest order waiting for its Google Pay payment data, and a client holding its token. */
  async function pendingOrder() {
    const variantId = await stockedVariant(c, `Direct lamp ${Math.random()}`, 5, 4200);
    const cart = await readyCart(c, [{ variantId, quantity: 1 }]);
    const response = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'gpay' });
    expect(response.status, response.text).to.equal(201);
    expect(response.body.payment.status).to.equal('requires_action');
    const payer = c.store.client.with({ 'x-order-token': response.body.orderToken });
    const pay = (token: string) => payer.post(`/store/orders/${response.body.order.id}/payments`, { method: 'gpay', paymentData: { paymentData: google.paymentData(token) } });
    return { order: response.body.order, paymentDataRequest: response.body.payment.clientData.paymentDataRequest, pay };
  }

  it('asks Google Pay for a DIRECT ECv2 token encrypted for the merchant’s public key', async () => {
    const { paymentDataRequest } = await pendingOrder();
    const { tokenizationSpecification } = paymentDataRequest.allowedPaymentMethods[0];
    const publicKey = Buffer.from(tokenizationSpecification.parameters.publicKey, 'base64');
    const jwk = google.merchant.publicKey.export({ format: 'jwk' });
    expect(tokenizationSpecification.type).to.equal('DIRECT');
    expect(tokenizationSpecification.parameters.protocolVersion).to.equal('ECv2');
    expect(publicKey.toString('hex')).to.equal(`04${Buffer.from(jwk.x!, 'base64url').toString('hex')}${Buffer.from(jwk.y!, 'base64url').toString('hex')}`);
    expect(paymentDataRequest.merchantInfo.merchantId).to.equal(google.merchantId);
  });

  it('pays at checkout with a valid token: the decrypted card (cryptogram and ECI) goes to the processor, and the order is authorized', async () => {
    const variantId = await stockedVariant(c, 'Direct checkout lamp', 5, 4200);
    const cart = await readyCart(c, [{ variantId, quantity: 1 }]);
    const response = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'gpay', paymentData: { paymentData: google.paymentData() } });
    expect(response.status, response.text).to.equal(201);
    expect(response.body.payment.status).to.equal('authorized');
    const charged = gateway.initiated.at(-1)!;
    expect(charged).to.include({ paymentId: response.body.payment.id, amount: 4700, currencyCode: 'USD' });
    expect(charged.data).to.deep.equal({ card: { number: CRYPTOGRAM_CARD.pan, expMonth: 12, expYear: 2031, cryptogram: CRYPTOGRAM_CARD.cryptogram, eci: '05' } });
    const [ledger] = await query<{ provider: string; status: string; reference: string }>(c, 'select provider, status, reference from cw_payment where id = ?', [response.body.payment.id]);
    expect(ledger).to.include({ provider: 'gpay', status: 'authorized' });
    expect((await gateway.status({ paymentId: ledger!.reference, reference: ledger!.reference, idempotencyKey: 'status' })).status).to.equal('authorized');
  });

  it('pays a pending order with a PAN_ONLY token: the card goes without cryptogram', async () => {
    const { pay } = await pendingOrder();
    const paid = await pay(google.token({ details: PAN_ONLY_CARD }));
    expect(paid.status, paid.text).to.equal(201);
    expect(paid.body.status).to.equal('authorized');
    expect(gateway.initiated.at(-1)!.data).to.deep.equal({ card: { number: PAN_ONLY_CARD.pan, expMonth: 3, expYear: 2030 } });
  });

  const refusals: Array<[string, () => string, string]> = [
    ['an intermediate signing key that has expired', () => google.token({ keyExpiration: Date.now() - 1000 }), 'intermediateSigningKey.keyExpiration'],
    ['a message that has expired', () => google.token({ messageExpiration: Date.now() - 1000 }), 'messageExpiration'],
    ['a tampered message signature', () => google.token({ tamper: 'signature' }), 'signature'],
    ['a tampered intermediate key signature', () => google.token({ tamper: 'intermediateSignature' }), 'intermediateSigningKey.signatures'],
    ['a tampered ciphertext (the HMAC tag fails)', () => google.token({ tamper: 'ciphertext' }), 'tag'],
    ['a token signed for another merchant', () => google.token({ recipientId: 'merchant:09876543210987654321' }), 'signature'],
    ['an intermediate key signed by a root key Google does not list', () => google.token({ rootKey: newEcKey() }), 'intermediateSigningKey.signatures'],
    ['a token that is not JSON', () => 'not-a-token', 'format'],
  ];
  for (const [what, token, check] of refusals) {
    it(`refuses ${what} with 422 GPAY_TOKEN_INVALID naming the ${check} check, charging nothing`, async () => {
      const { order, pay } = await pendingOrder();
      const charges = gateway.initiated.length;
      const refused = await pay(token());
      expect(refused.status, refused.text).to.equal(422);
      expect(refused.body.code).to.equal('GPAY_TOKEN_INVALID');
      expect(refused.body.check).to.equal(check);
      expect(gateway.initiated.length).to.equal(charges);
      const [state] = await query<{ status: string; payment_status: string }>(c, 'select status, payment_status from cw_order where id = ?', [order.id]);
      expect(state).to.deep.equal({ status: 'pending', payment_status: 'not_paid' });
    });
  }

  it('spends a message id once: the same token for another order is refused with 422 GPAY_TOKEN_REPLAYED', async () => {
    const token = google.token();
    const first = await pendingOrder();
    const paid = await first.pay(token);
    expect(paid.status, paid.text).to.equal(201);
    const charges = gateway.initiated.length;

    const second = await pendingOrder();
    const replayed = await second.pay(token);
    expect(replayed.status, replayed.text).to.equal(422);
    expect(replayed.body.code).to.equal('GPAY_TOKEN_REPLAYED');
    expect(gateway.initiated.length).to.equal(charges);
    const [row] = await query<{ n: number }>(c, 'select count(*)::int as n from gpay_message where payment_id = ?', [paid.body.paymentId]);
    expect(row!.n).to.equal(1);
  });

  it('reads Google’s root keys again when the keys file changes', () => {
    const file = join(dir, 'rotating.json');
    const first = google.rootSigningKeys();
    writeFileSync(file, JSON.stringify({ keys: first }));
    const source = new RootKeySource({ rootSigningKeys: undefined, rootSigningKeysFile: file });
    expect(source.keys()).to.deep.equal(first);
    const rotated = [{ keyValue: spkiBase64(newEcKey().publicKey), protocolVersion: 'ECv2' }];
    writeFileSync(file, JSON.stringify({ keys: rotated }));
    // a later modification time, whatever the file system's timestamp resolution
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    expect(source.keys()).to.deep.equal(rotated);
  });
});

