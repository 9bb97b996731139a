import { expect } from 'chai';
import { createAndLogin, login, STRONG_PASSWORD, type SignedIn } from '../admin/admin-helpers.ts';
import { createInventoryStore, created, ledgerVersusLevels, productWithVariant, query, simpleProduct, type InventoryStore } from '../inventory/inventory-helpers.ts';

describe('carts', () => {
  let c: InventoryStore;
  let customer: SignedIn;
  before(async () => {
    c = await createInventoryStore();
    customer = await createAndLogin(c.store, 'shopper@example.com', 'customer');
  });
  after(() => c.store.stop());

  const stock = (variantId: string, delta: number) => c.admin.as.post('/admin/inventory/adjustments', { variantId, delta }).then((r) => expect(r.status, r.text).to.equal(201));
  const guest = async (body: Record<string, unknown> = {}) => {
    const response = await c.store.client.post('/store/carts', body);
    expect(response.status, response.text).to.equal(201);
    return { cart: response.body, as: c.store.client.with({ 'x-cart-token': response.body.token }) };
  };
  const ok = async (promise: Promise<{ status: number; body: any; text: string }>, status = 200) => {
    const response = await promise;
    expect(response.status, response.text).to.equal(status);
    return response.body;
  };

  describe('guest carts', () => {
    it('starts with a token shown once and answers only to it', async () => {
      const { cart, as } = await guest();
      expect(cart.token).to.match(/^cart_[A-Za-z0-9_-]{43}$/);
      expect(cart).to.include({ status: 'active', version: 1, currencyCode: 'USD', itemCount: 0, purchasable: false, customerId: null });
      const read = await ok(as.get(`/store/carts/${cart.id}`));
      expect(read).to.not.have.property('token');
      expect(read.totals.total).to.deep.equal({ amount: 0, currencyCode: 'USD' });

      const noToken = await c.store.client.get(`/store/carts/${cart.id}`);
      expect(noToken.status).to.equal(404);
      expect(noToken.body.code).to.equal('CART_NOT_FOUND');
      const otherToken = await c.store.client.with({ 'x-cart-token': (await guest()).cart.token }).get(`/store/carts/${cart.id}`);
      expect(otherToken.status).to.equal(404);
      const stranger = await customer.as.get(`/store/carts/${cart.id}`);
      expect(stranger.status).to.equal(404);
    });

    it('adds, changes, removes and clears lines, pricing them from the catalog', async () => {
      const a = await productWithVariant(c, 'Cart mug');
      const b = await created(c.admin.as, '/admin/products', simpleProduct('Cart plate', 2550));
      const { cart, as } = await guest();
      let view = await ok(as.post(`/store/carts/${cart.id}/items`, { variantId: a.variantId, quantity: 2 }));
      view = await ok(as.post(`/store/carts/${cart.id}/items`, { variantId: a.variantId, quantity: 1 }));
      expect(view.lines).to.have.length(1);
      expect(view.lines[0]).to.deep.include({ variantId: a.variantId, quantity: 3, availability: 'available', availableQuantity: null, sku: a.sku });
      expect(view.lines[0].unitPrice).to.include({ amount: 1000, currencyCode: 'USD' });
      expect(view.lines[0].total).to.deep.equal({ amount: 3000, currencyCode: 'USD' });
      view = await ok(as.post(`/store/carts/${cart.id}/items`, { variantId: b.variants[0].id, quantity: 1 }));
      expect(view.totals.subtotal.amount).to.equal(5550);
      expect(view.itemCount).to.equal(4);
      expect(view.version).to.equal(4);

      const plate = view.lines.find((l: any) => l.variantId === b.variants[0].id);
      view = await ok(as.patch(`/store/carts/${cart.id}/items/${plate.id}`, { quantity: 4 }));
      expect(view.totals.subtotal.amount).to.equal(3000 + 4 * 2550);
      view = await ok(as.delete(`/store/carts/${cart.id}/items/${plate.id}`));
      expect(view.lines.map((l: any) => l.variantId)).to.deep.equal([a.variantId]);
      const gone = await as.delete(`/store/carts/${cart.id}/items/${plate.id}`);
      expect(gone.status).to.equal(404);
      expect(gone.body.code).to.equal('CART_LINE_NOT_FOUND');
      view = await ok(as.delete(`/store/carts/${cart.id}/items`));
      expect(view.lines).to.deep.equal([]);
      expect(view.totals.total.amount).to.equal(0);
    });

    it('refuses a client-sent price (400 naming the field) and keeps the catalog price, which a price change moves', async () => {
      const product = await created(c.admin.as, '/admin/products', simpleProduct('Repriced lamp', 4000));
      const variantId = product.variants[0].id;
      const { cart, as } = await guest();
      const priced = await as.post(`/store/carts/${cart.id}/items`, { variantId, quantity: 1, unitPrice: 1 });
      expect(priced.status).to.equal(400);
      expect(priced.body.errors).to.deep.equal([{ in: 'body', pointer: '/unitPrice', rule: 'additionalProperties', message: 'is not an allowed field' }]);
      expect((await ok(as.get(`/store/carts/${cart.id}`))).lines).to.deep.equal([]);

      await ok(as.post(`/store/carts/${cart.id}/items`, { variantId, quantity: 2 }));
      await ok(c.admin.as.patch(`/admin/products/${product.id}/variants/${variantId}`, { prices: [{ currencyCode: 'USD', amount: 3500 }] }));
      const after = await ok(as.get(`/store/carts/${cart.id}`));
      expect(after.lines[0].unitPrice.amount).to.equal(3500);
      expect(after.totals.total.amount).to.equal(7000);
    });

    it('prices a cart in another currency from the catalog conversion', async () => {
      const { variantId } = await productWithVariant(c, 'Euro kettle');
      const { cart, as } = await guest({ currencyCode: 'EUR' });
      const view = await ok(as.post(`/store/carts/${cart.id}/items`, { variantId, quantity: 1 }));
      // 10.00 USD at 0.9215 → 9.215 EUR, half up
      expect(view.lines[0].unitPrice).to.include({ amount: 922, currencyCode: 'EUR', converted: true });
      const yen = await ok(as.patch(`/store/carts/${cart.id}`, { currencyCode: 'JPY' }));
      expect(yen.totals.total).to.deep.equal({ amount: 1514, currencyCode: 'JPY' });
      const refused = await as.patch(`/store/carts/${cart.id}`, { currencyCode: 'CHF' });
      expect(refused.status).to.equal(422);
      expect(refused.body.code).to.equal('CURRENCY_NOT_SUPPORTED');
    });

    it('refuses variants that cannot be bought, naming the field', async () => {
      const draft = await created(c.admin.as, '/admin/products', { ...simpleProduct('Draft vase', 100), status: 'draft' });
      const { cart, as } = await guest();
      for (const variantId of ['var_missing', draft.variants[0].id]) {
        const response = await as.post(`/store/carts/${cart.id}/items`, { variantId, quantity: 1 });
        expect(response.status).to.equal(422);
        expect(response.body.code).to.equal('CART_VARIANT_NOT_FOR_SALE');
        expect(response.body.errors[0]).to.include({ pointer: '/variantId', rule: 'forSale' });
      }
      const zero = await as.post(`/store/carts/${cart.id}/items`, { variantId: draft.variants[0].id, quantity: 0 });
      expect(zero.status).to.equal(400);
      expect(zero.body.errors[0]).to.include({ pointer: '/quantity', rule: 'minimum' });
      const { variantId } = await productWithVariant(c, 'Bulk nails');
      const tooMany = await as.post(`/store/carts/${cart.id}/items`, { variantId, quantity: 1000 });
      expect(tooMany.status).to.equal(422);
      expect(tooMany.body.code).to.equal('CART_LIMIT_EXCEEDED');
      expect(tooMany.body.errors[0]).to.include({ pointer: '/quantity', rule: 'maxQuantityPerLine' });
      expect((await ok(as.get(`/store/carts/${cart.id}`))).version).to.equal(1);
    });

    it('checks email and addresses, naming the field and the rule, and changes nothing when one is bad', async () => {
      const { cart, as } = await guest();
      const badEmail = await as.patch(`/store/carts/${cart.id}`, { email: 'not-an-email' });
      expect(badEmail.status).to.equal(400);
      expect(badEmail.body.errors[0]).to.include({ pointer: '/email', rule: 'format' });
      const address = { firstName: 'Ada', lastName: 'Lovelace', line1: '1 Main St', city: 'Springfield', region: 'CA', postalCode: '94103', countryCode: 'us' };
      const badZip = await as.patch(`/store/carts/${cart.id}`, { email: 'ada@example.com', shippingAddress: { ...address, postalCode: 'ABC' } });
      expect(badZip.status).to.be.within(400, 422);
      expect(badZip.body.errors[0].pointer).to.equal('/shippingAddress/postalCode');
      const unchanged = await ok(as.get(`/store/carts/${cart.id}`));
      expect(unchanged).to.include({ email: null, version: 1 });
      const set = await ok(as.patch(`/store/carts/${cart.id}`, { email: ' Ada@Example.com ', shippingAddress: address }));
      expect(set.email).to.equal('ada@example.com');
      expect(set.shippingAddress).to.include({ countryCode: 'US', postalCode: '94103', region: 'CA' });
      const cleared = await ok(as.patch(`/store/carts/${cart.id}`, { shippingAddress: null }));
      expect(cleared.shippingAddress).to.equal(null);
    });
  });

  describe('stock', () => {
    it('answers 409 with the available quantity when there is not enough', async () => {
      const { variantId } = await productWithVariant(c, 'Scarce teapot');
      await stock(variantId, 3);
      const { cart, as } = await guest();
      await ok(as.post(`/store/carts/${cart.id}/items`, { variantId, quantity: 2 }));
      const over = await as.post(`/store/carts/${cart.id}/items`, { variantId, quantity: 2 });
      expect(over.status).to.equal(409);
      expect(over.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(over.body).to.include({ code: 'CART_INSUFFICIENT_STOCK', variantId, requested: 4, available: 3 });
      const view = await ok(as.get(`/store/carts/${cart.id}`));
      expect(view.lines[0]).to.include({ quantity: 2, availability: 'available', availableQuantity: 3 });
      const line = view.lines[0].id;
      const raised = await as.patch(`/store/carts/${cart.id}/items/${line}`, { quantity: 5 });
      expect(raised.status).to.equal(409);
      expect(raised.body.available).to.equal(3);
      await ok(as.patch(`/store/carts/${cart.id}/items/${line}`, { quantity: 3 }));
    });

    it('shows per line whether it is available, insufficient or unavailable as stock and the catalog change', async () => {
      const a = await productWithVariant(c, 'Status A');
      const b = await productWithVariant(c, 'Status B');
      const d = await productWithVariant(c, 'Status D');
      await stock(a.variantId, 5);
      await stock(b.variantId, 5);
      const { cart, as } = await guest();
      for (const v of [a, b, d]) await ok(as.post(`/store/carts/${cart.id}/items`, { variantId: v.variantId, quantity: 3 }));
      await stock(a.variantId, -3); // 2 left of 3 wanted
      await stock(b.variantId, -5); // none left
      await ok(c.admin.as.patch(`/admin/products/${d.productId}`, { status: 'draft' }));
      const view = await ok(as.get(`/store/carts/${cart.id}`));
      const byVariant = Object.fromEntries(view.lines.map((l: any) => [l.variantId, l]));
      expect(byVariant[a.variantId]).to.include({ availability: 'insufficient', availableQuantity: 2 });
      expect(byVariant[b.variantId]).to.include({ availability: 'unavailable', availableQuantity: 0, total: null });
      expect(byVariant[d.variantId]).to.include({ availability: 'unavailable', unitPrice: null, total: null });
      // only lines that can be bought count towards the totals
      expect(view.totals.subtotal.amount).to.equal(3000);
      expect(view.purchasable).to.equal(false);
      // lowering an insufficient line is always accepted
      await ok(as.patch(`/store/carts/${cart.id}/items/${byVariant[a.variantId].id}`, { quantity: 2 }));
    });

    it('lets backorderable variants be added beyond stock', async () => {
      const { variantId } = await productWithVariant(c, 'Backorder chair');
      await stock(variantId, 1);
      await ok(c.admin.as.put('/admin/inventory/levels', { variantId, onHand: 1, allowBackorder: true }));
      const { cart, as } = await guest();
      const view = await ok(as.post(`/store/carts/${cart.id}/items`, { variantId, quantity: 4 }));
      expect(view.lines[0]).to.include({ availability: 'available', availableQuantity: null });
    });
  });

  describe('versions', () => {
    it('refuses a write based on a stale version with 409 and applies nothing', async () => {
      const { variantId } = await productWithVariant(c, 'Versioned spoon');
      const { cart, as } = await guest();
      const first = await ok(as.post(`/store/carts/${cart.id}/items`, { variantId, quantity: 1 }, { headers: { 'if-match': '"1"' } }));
      expect(first.version).to.equal(2);
      const stale = await as.post(`/store/carts/${cart.id}/items`, { variantId, quantity: 5 }, { headers: { 'if-match': '"1"' } });
      expect(stale.status).to.equal(409);
      expect(stale.body).to.include({ code: 'CART_VERSION_CONFLICT', version: 2 });
      expect((await ok(as.get(`/store/carts/${cart.id}`))).lines[0].quantity).to.equal(1);
      const bad = await as.delete(`/store/carts/${cart.id}/items`, { headers: { 'if-match': 'yesterday' } });
      expect(bad.status).to.equal(400);
      expect(bad.body.errors[0]).to.include({ in: 'headers', pointer: '/if-match' });
    });

    it('lets exactly one of two concurrent writes based on the same version through', async () => {
      const { variantId } = await productWithVariant(c, 'Contested fork');
      const { cart, as } = await guest();
      const results = await Promise.all(
        [1, 2].map(() => as.post(`/store/carts/${cart.id}/items`, { variantId, quantity: 1 }, { headers: { 'if-match': '1' } })),
      );
      expect(results.map((r) => r.status).sort()).to.deep.equal([200, 409]);
      const view = await ok(as.get(`/store/carts/${cart.id}`));
      expect(view).to.include({ version: 2 });
      expect(view.lines[0].quantity).to.equal(1);
    });
  });

  describe('customer carts', () => {
    it('persist across devices: every sign-in finds the same cart', async () => {
      const buyer = await createAndLogin(c.store, 'devices@example.com', 'customer');
      const { variantId } = await productWithVariant(c, 'Synced bowl');
      const phone = await ok(buyer.as.post('/store/carts', {}), 201);
      expect(phone).to.include({ customerId: buyer.id });
      expect(phone).to.not.have.property('token');
      await ok(buyer.as.post(`/store/carts/${phone.id}/items`, { variantId, quantity: 2 }));
      const laptop = await login(c.store, 'devices@example.com');
      const again = await ok(laptop.as.post('/store/carts', {}), 200);
      expect(again.id).to.equal(phone.id);
      expect(again.lines[0].quantity).to.equal(2);
      const intruder = await c.store.client.get(`/store/carts/${phone.id}`);
      expect(intruder.status).to.equal(404);
    });

    it('merges a guest cart on sign-in: quantities summed and capped by stock, the guest cart marked merged', async () => {
      const buyer = await createAndLogin(c.store, 'merger@example.com', 'customer');
      const shared = await productWithVariant(c, 'Merge cup');
      const guestOnly = await productWithVariant(c, 'Merge saucer');
      await stock(shared.variantId, 5);
      const own = await ok(buyer.as.post('/store/carts', {}), 201);
      await ok(buyer.as.post(`/store/carts/${own.id}/items`, { variantId: shared.variantId, quantity: 3 }));
      const { cart, as } = await guest({ email: 'merger@example.com' });
      await ok(as.post(`/store/carts/${cart.id}/items`, { variantId: shared.variantId, quantity: 4 }));
      await ok(as.post(`/store/carts/${cart.id}/items`, { variantId: guestOnly.variantId, quantity: 1 }));

      const signIn = await c.store.client.post('/auth/login', { email: 'merger@example.com', password: STRONG_PASSWORD }, { headers: { 'x-cart-token': cart.token } });
      expect(signIn.status, signIn.text).to.equal(200);
      const mine = await ok(c.store.client.with({ authorization: `Bearer ${signIn.body.accessToken}` }).get(`/store/carts/${own.id}`));
      const quantities = Object.fromEntries(mine.lines.map((l: any) => [l.variantId, l.quantity]));
      expect(quantities).to.deep.equal({ [shared.variantId]: 5, [guestOnly.variantId]: 1 });
      expect(mine.email).to.equal('merger@example.com');
      const old = await ok(as.get(`/store/carts/${cart.id}`));
      expect(old).to.include({ status: 'merged', mergedInto: own.id });
      const write = await as.post(`/store/carts/${cart.id}/items`, { variantId: shared.variantId, quantity: 1 });
      expect(write.status).to.equal(409);
      expect(write.body).to.include({ code: 'CART_NOT_ACTIVE', cartStatus: 'merged', mergedInto: own.id });
    });

    it('takes a guest cart over when the customer has none, and merges through POST /store/carts after social sign-in', async () => {
      const buyer = await createAndLogin(c.store, 'takeover@example.com', 'customer');
      const { variantId } = await productWithVariant(c, 'Takeover tray');
      const { cart, as } = await guest();
      await ok(as.post(`/store/carts/${cart.id}/items`, { variantId, quantity: 2 }));
      const taken = await ok(buyer.as.with({ 'x-cart-token': cart.token }).post('/store/carts', {}), 200);
      expect(taken).to.include({ id: cart.id, customerId: buyer.id });
      // the token no longer opens it: it is the customer's now
      expect((await as.get(`/store/carts/${cart.id}`)).status).to.equal(404);
      const second = await guest();
      await ok(second.as.post(`/store/carts/${second.cart.id}/items`, { variantId, quantity: 1 }));
      const merged = await ok(buyer.as.with({ 'x-cart-token': second.cart.token }).post('/store/carts', {}), 200);
      expect(merged.id).to.equal(cart.id);
      expect(merged.lines[0].quantity).to.equal(3);
    });
  });

  describe('wishlist to cart', () => {
    it('moves a variant from the wishlist into the cart in one change, and not at all when the add is refused', async () => {
      const buyer = await createAndLogin(c.store, 'wisher@example.com', 'customer');
      const wanted = await productWithVariant(c, 'Wished rug');
      const scarce = await productWithVariant(c, 'Wished lamp');
      await stock(scarce.variantId, 1);
      for (const v of [wanted, scarce]) await ok(buyer.as.post('/store/wishlist', { variantId: v.variantId }), 201);
      const cart = await ok(buyer.as.post('/store/carts', {}), 201);
      const moved = await ok(buyer.as.post(`/store/carts/${cart.id}/items`, { variantId: wanted.variantId, quantity: 1, fromWishlist: true }));
      expect(moved.lines.map((l: any) => l.variantId)).to.deep.equal([wanted.variantId]);
      const refused = await buyer.as.post(`/store/carts/${cart.id}/items`, { variantId: scarce.variantId, quantity: 2, fromWishlist: true });
      expect(refused.status).to.equal(409);
      const wishlist = await ok(buyer.as.get('/store/wishlist'));
      expect(wishlist.items.map((i: any) => i.variantId)).to.deep.equal([scarce.variantId]);

      const { cart: guestCart, as } = await guest();
      const guestMove = await as.post(`/store/carts/${guestCart.id}/items`, { variantId: wanted.variantId, quantity: 1, fromWishlist: true });
      expect(guestMove.status).to.equal(401);
    });
  });

  describe('reservations and expiry', () => {
    it('holds no stock for a cart: its lines stay available to it, and only an order’s reservation makes them short', async () => {
      const { variantId } = await productWithVariant(c, 'Reserved clock');
      await stock(variantId, 4);
      const { cart, as } = await guest();
      await ok(as.post(`/store/carts/${cart.id}/items`, { variantId, quantity: 3 }));
      const read = await ok(as.get(`/store/carts/${cart.id}`));
      expect(read.lines[0]).to.include({ availability: 'available', availableQuantity: 4 });
      expect((await ok(c.admin.as.get('/admin/inventory/levels', { query: { variantId } }))).items[0]).to.include({ reserved: 0, available: 4 });
      // what checkout does: hold the lines under the order's id, in the transaction that closes the cart
      const held = await c.store.commerce.withScope((s) => s.cradle.reservationService.reserve(s.cradle.em, { reference: 'ord_elsewhere', lines: [{ variantId, quantity: 2 }] }));
      expect(held).to.deep.equal({ ok: true });
      const short = await ok(as.get(`/store/carts/${cart.id}`));
      expect(short.lines[0]).to.include({ availability: 'insufficient', availableQuantity: 2 });
      expect(short.purchasable).to.equal(false);
    });

    it('expires an abandoned guest cart after carts.guestTtlDays, once, with one cart.expired, and keeps a customer’s', async () => {
      const { variantId } = await productWithVariant(c, 'Abandoned clock');
      await stock(variantId, 4);
      const { cart, as } = await guest();
      await ok(as.post(`/store/carts/${cart.id}/items`, { variantId, quantity: 3 }));
      const customerCart = await ok(customer.as.post('/store/carts', {}), 201);
      const inAMonth = new Date(Date.now() + 31 * 86_400_000);
      const { expired } = await c.store.commerce.withScope((s) => s.cradle.cartService.expireAbandoned(inAMonth));
      expect(expired).to.include(cart.id);
      expect(expired).to.not.include(customerCart.id); // customers' carts keep 120 days
      expect((await ok(c.admin.as.get('/admin/inventory/levels', { query: { variantId } }))).items[0]).to.include({ reserved: 0, available: 4 });
      expect((await ok(as.get(`/store/carts/${cart.id}`))).status).to.equal('expired');
      const events = await query(c, `select payload from cw_outbox_event where name = 'cart.expired' and payload->>'cartId' = ?`, [cart.id]);
      expect(events).to.have.length(1);
      for (const row of await ledgerVersusLevels(c)) expect([row.on_hand, row.reserved]).to.deep.equal([row.sum_on_hand, row.sum_reserved]);
      const again = await c.store.commerce.withScope((s) => s.cradle.cartService.expireAbandoned(inAMonth));
      expect(again.expired).to.not.include(cart.id);
    });

    it('expires abandoned carts hourly through the carts.expire-abandoned job', async () => {
      const job = c.store.commerce.jobs.definitions().find((d) => d.name === 'carts.expire-abandoned');
      expect(job).to.include({ owner: '@cartwright/core/carts' });
      expect(job!.options).to.include({ every: '1 hour' });
      const { cart, as } = await guest();
      const fresh = await guest();
      await query(c, `update cw_cart set updated_at = now() - interval '31 days' where id = ?`, [cart.id]);
      await c.store.commerce.withScope(async (scope) => {
        await job!.handler(undefined, { em: scope.cradle.em, cradle: scope.cradle, logger: scope.cradle.logger, jobId: 'test' });
      });
      expect((await ok(as.get(`/store/carts/${cart.id}`))).status).to.equal('expired');
      expect((await ok(fresh.as.get(`/store/carts/${fresh.cart.id}`))).status).to.equal('active');
    });
  });
});
