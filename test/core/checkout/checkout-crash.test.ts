import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import cod from '@cartwright/plugin-cod';
import { createTestDatabase, createTestStore, type TestStore } from '@cartwright/core/testing';
import type { InventoryStore } from '../inventory/inventory-helpers.ts';
import { createCheckoutStore, readyCart, stockedVariant } from './checkout-helpers.ts';

const childScript = fileURLToPath(new URL('../../support/checkout-crash-child.ts', import.meta.url));
const SHIPPING = { flatRates: [{ id: 'standard', name: 'Standard', amounts: { USD: 500 } }] };

/** Runs the child until its checkout transaction is open, then kills it with SIGKILL. */
async function killInsideCheckout(env: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, ['--conditions=cartwright-source', '--disable-warning=ExperimentalWarning', childScript], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('inside the checkout transaction')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before its checkout transaction opened: ${stderr}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('checkout crash', function () {
  // three starts of an on-disk embedded database, one in a child process: bounds a hang on a
  // contended CI runner, it does not measure speed
  this.timeout(300_000);

  it('leaves no order, no reservation and an active cart when the process dies mid-transaction; the checkout then succeeds', async () => {
    const database = await createTestDatabase();
    const tmp = fileURLToPath(new URL('../../.tmp/', import.meta.url));
    mkdirSync(tmp, { recursive: true });
    const dataDir = mkdtempSync(join(tmp, 'checkout-crash-'));
    const storage = database.config.url ? { url: database.config.url } : { dataDir };
    const open = () => createCheckoutStore({ database: storage, shipping: SHIPPING });
    let c: InventoryStore | undefined;
    let reopened: TestStore | undefined;
    try {
      c = await open();
      const variantId = await stockedVariant(c, 'Crash kettle', 3);
      const cart = await readyCart(c, [{ variantId, quantity: 2 }]);
      await c.store.stop();
      c = undefined;

      await killInsideCheckout({
        ...(database.config.url ? { CRASH_DATABASE_URL: database.config.url } : { CRASH_DATA_DIR: dataDir }),
        CRASH_SHIPPING: JSON.stringify(SHIPPING),
        CRASH_CART_ID: cart.id,
        CRASH_CART_TOKEN: cart.token!,
      });

      reopened = await createTestStore({ database: storage, shipping: SHIPPING, plugins: [cod({ countries: ['US'] })] });
      const sql = <T>(text: string, params: unknown[]) => reopened!.commerce.withScope((s) => s.cradle.em.execute(text, params as any[])) as Promise<T[]>;
      expect(await sql('select id from cw_order where cart_id = ?', [cart.id])).to.deep.equal([]);
      expect(await sql(`select id from cw_stock_movement where variant_id = ? and reason = 'reservation'`, [variantId])).to.deep.equal([]);
      const [level] = await sql<{ on_hand: number; reserved: number }>('select on_hand, reserved from cw_stock_level where variant_id = ?', [variantId]);
      expect(level).to.include({ on_hand: 3, reserved: 0 });
      const guest = reopened.client.with({ 'x-cart-token': cart.token! });
      expect((await guest.get(`/store/carts/${cart.id}`)).body.status).to.equal('active');
      const retried = await guest.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' });
      expect(retried.status, retried.text).to.equal(201);
    } finally {
      await c?.store.stop();
      await reopened?.stop();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
