import { expect } from 'chai';
import { notificationsTo, registerAndLogin } from '../auth/auth-helpers.ts';
import { query, type InventoryStore } from '../inventory/inventory-helpers.ts';
import { createCheckoutStore, readyCart, stockedVariant } from './checkout-helpers.ts';

const loginLimit = { loginPerIp: { points: 10_000 } };

describe('checkout with auth.requireVerifiedEmailFor: ["checkout"]', () => {
  let c: InventoryStore;
  before(async () => {
    c = await createCheckoutStore({ auth: { rateLimits: loginLimit, requireVerifiedEmailFor: ['checkout'] } });
  });
  after(() => c.store.stop());

  const level = async (variantId: string) => (await c.admin.as.get('/admin/inventory/levels', { query: { variantId } })).body.items[0];
  const ordersOf = async (cartId: string) => (await query(c, 'select id from cw_order where cart_id = ?', [cartId])).length;

  it('refuses an unverified customer with 403 AUTH_EMAIL_NOT_VERIFIED and writes nothing, then lets the order through once the address is verified', async () => {
    const buyer = await registerAndLogin(c.store, 'unverified-buyer@example.com');
    const variantId = await stockedVariant(c, 'Verified kettle', 4, 1500);
    const cart = await readyCart(c, [{ variantId, quantity: 2 }], buyer.as);

    const refused = await buyer.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' }, { headers: { 'idempotency-key': 'verify-first-1' } });
    expect(refused.status, refused.text).to.equal(403);
    expect(refused.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(refused.body).to.include({ code: 'AUTH_EMAIL_NOT_VERIFIED', action: 'checkout' });
    expect(await ordersOf(cart.id)).to.equal(0);
    expect((await buyer.as.get(`/store/carts/${cart.id}`)).body.status).to.equal('active');
    expect(await level(variantId)).to.include({ onHand: 4, reserved: 0, available: 4 });
    // the refusal did not claim the Idempotency-Key either: the same key works after verifying
    expect(await query(c, 'select 1 from cw_idempotency_key where key = ?', ['verify-first-1'])).to.have.length(0);

    const [link] = (await notificationsTo(c.store, 'unverified-buyer@example.com')).filter((m) => m.template === 'auth.verify_email');
    const verified = await c.store.client.post('/auth/verify-email', { token: link!.data.token });
    expect(verified.status, verified.text).to.equal(200);

    const placed = await buyer.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' }, { headers: { 'idempotency-key': 'verify-first-1' } });
    expect(placed.status, placed.text).to.equal(201);
    expect(await ordersOf(cart.id)).to.equal(1);
    expect(await level(variantId)).to.include({ reserved: 2, available: 2 });
  });

  it('refuses guest checkout too: a guest has no verified address', async () => {
    const variantId = await stockedVariant(c, 'Guest kettle', 3);
    const cart = await readyCart(c, [{ variantId, quantity: 1 }]);
    const refused = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' });
    expect(refused.status, refused.text).to.equal(403);
    expect(refused.body.code).to.equal('AUTH_EMAIL_NOT_VERIFIED');
    expect(refused.body.detail).to.match(/signed-in account/);
    expect(await ordersOf(cart.id)).to.equal(0);
    expect((await cart.as.get(`/store/carts/${cart.id}`)).body.status).to.equal('active');
    expect(await level(variantId)).to.include({ reserved: 0 });
  });
});

describe('checkout without auth.requireVerifiedEmailFor', () => {
  let c: InventoryStore;
  before(async () => {
    c = await createCheckoutStore({ auth: { rateLimits: loginLimit } });
  });
  after(() => c.store.stop());

  it('places the order of a customer whose address is not verified', async () => {
    const buyer = await registerAndLogin(c.store, 'relaxed-buyer@example.com');
    expect(buyer.user.emailVerified).to.equal(false);
    const variantId = await stockedVariant(c, 'Relaxed kettle', 2);
    const cart = await readyCart(c, [{ variantId, quantity: 1 }], buyer.as);
    const placed = await buyer.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' });
    expect(placed.status, placed.text).to.equal(201);
  });
});
