import { expect } from 'chai';
import type { TestClient } from '@cartwright/core/testing';
import { smallWebp } from '../media/media-fixtures.ts';
import { createAndLogin, createOrderStore, placeOrder, query, stockedVariant, type OrderStore } from '../orders/order-helpers.ts';

export { query };

type SignedIn = Awaited<ReturnType<typeof createAndLogin>>;

export interface PlacedOrder {
  id: string;
  number: string;
  token: string | null;
  /** Line ids by what they sell: the house's mug, the vendor's vase, the rival's lamp (as placed). */
  lines: { mug: string; vase: string; lamp: string };
}

/**
 * A store with a signed-in admin, a customer (`buyer`), another customer (`stranger`), two vendors
 * (active), and products of the house and of each vendor in stock.
 */
export interface ComplaintWorld {
  c: OrderStore;
  buyer: SignedIn;
  stranger: SignedIn;
  vendor: SignedIn;
  rival: SignedIn;
  /** An order of `buyer` holding one line of the house, one of `vendor`, one of `rival`. */
  order(options?: { guest?: boolean; email?: string }): Promise<PlacedOrder>;
}

let worldCount = 0;

export async function createComplaintWorld(): Promise<ComplaintWorld> {
  worldCount += 1;
  const c = await createOrderStore();
  const buyer = await createAndLogin(c.store, `buyer${worldCount}@example.com`, 'customer');
  const stranger = await createAndLogin(c.store, `stranger${worldCount}@example.com`, 'customer');
  const vendor = await createAndLogin(c.store, `vendor${worldCount}@example.com`, 'vendor');
  const rival = await createAndLogin(c.store, `rival${worldCount}@example.com`, 'vendor');
  // vendors start pending approval
  await c.store.commerce.withScope((s) => s.cradle.em.execute(`update cw_user set status = 'active' where role = 'vendor'`));
  const mug = await stockedVariant(c, 'House Mug', 1000);
  const vase = await stockedVariant(c, 'Vendor Vase', 1000, vendor.as);
  const lamp = await stockedVariant(c, 'Rival Lamp', 1000, rival.as);
  const order = async (options: { guest?: boolean; email?: string } = {}): Promise<PlacedOrder> => {
    const placed = await placeOrder(c, {
      customerId: options.guest ? null : buyer.id,
      email: options.email ?? (options.guest ? 'guest@example.com' : buyer.email),
      lines: [
        { ...mug, quantity: 1, unitPrice: 1000 },
        { ...vase, vendorId: vendor.id, quantity: 1, unitPrice: 3000 },
        { ...lamp, vendorId: rival.id, quantity: 2, unitPrice: 2000 },
      ],
    });
    const lineRows = await query<{ id: string; sku: string }>(c, 'select id, sku from cw_order_line where order_id = ? order by position', [placed.id]);
    const [mugLine, vaseLine, lampLine] = lineRows.map((l) => l.id);
    return { ...placed, lines: { mug: mugLine!, vase: vaseLine!, lamp: lampLine! } };
  };
  return { c, buyer, stranger, vendor, rival, order };
}

/** Uploads a small image to `path` (an order's attachments route) and answers its media id. */
export async function uploadImage(as: TestClient, path: string): Promise<string> {
  const response = await as.upload(path, { files: { file: { bytes: await smallWebp(40, 30), filename: 'parcel.webp' } } });
  expect(response.status, response.text).to.equal(201);
  return response.body.id as string;
}

/** The complaint's events in the outbox, in the order they were recorded. */
export async function complaintEvents(c: OrderStore, complaintId: string): Promise<Array<{ name: string; payload: Record<string, any> }>> {
  const found = await query<{ name: string; payload: Record<string, any> | string }>(
    c,
    `select name, payload from cw_outbox_event where name like 'complaint.%' and payload->>'complaintId' = ? order by occurred_at, id`,
    [complaintId],
  );
  return found.map((e) => ({ name: e.name, payload: typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload }));
}

/** Posts and insists on the expected status, so a fixture that fails says why. */
export async function expectStatus(response: Promise<{ status: number; text: string; body: any }>, status: number): Promise<any> {
  const answered = await response;
  expect(answered.status, answered.text).to.equal(status);
  return answered.body;
}
