import { expect } from 'chai';
import { createAndLogin } from '../orders/order-helpers.ts';
import { complaintEvents, createComplaintWorld, expectStatus, query, uploadImage, type ComplaintWorld, type PlacedOrder } from './complaint-helpers.ts';

describe('complaints: staff and vendors', () => {
  let w: ComplaintWorld;
  before(async () => {
    w = await createComplaintWorld();
  });
  after(() => w.c.store.stop());

  const open = async (order: PlacedOrder, subject: string, lineIds: string[] = [], category = 'damaged_item') =>
    (await expectStatus(w.buyer.as.post(`/store/orders/${order.id}/complaints`, { subject, category, message: `${subject}.`, lineIds }), 201)).id as string;

  describe('vendor scope', () => {
    let order: PlacedOrder;
    const ids: Record<string, string> = {};
    before(async () => {
      order = await w.order();
      ids.vase = await open(order, 'Vase chipped', [order.lines.vase]);
      ids.lamp = await open(order, 'Lamp flickers', [order.lines.lamp], 'quality');
      ids.mixed = await open(order, 'Vase and lamp wrong', [order.lines.vase, order.lines.lamp], 'wrong_item');
      ids.house = await open(order, 'Mug missing', [order.lines.mug], 'missing_item');
      ids.none = await open(order, 'Parcel late', [], 'late_delivery');
    });

    it('gives a complaint whose lines are all one vendor’s to that vendor, and any other to staff only', async () => {
      const owners = await query<{ id: string; vendor_id: string | null }>(w.c, 'select id, vendor_id from cw_complaint where order_id = ?', [order.id]);
      const ownerOf = Object.fromEntries(owners.map((o) => [o.id, o.vendor_id]));
      expect(ownerOf).to.deep.equal({ [ids.vase!]: w.vendor.id, [ids.lamp!]: w.rival.id, [ids.mixed!]: null, [ids.house!]: null, [ids.none!]: null });
      const opened = await complaintEvents(w.c, ids.vase!);
      expect(opened[0]!.payload).to.include({ vendorId: w.vendor.id, subject: 'Vase chipped' });
    });

    it('shows a vendor only its own complaints and answers 404 on every other', async () => {
      const listed = await expectStatus(w.vendor.as.get('/admin/complaints', { query: { orderId: order.id } }), 200);
      expect(listed.items.map((c: any) => c.id)).to.deep.equal([ids.vase]);
      expect(listed.count).to.equal(1);
      const rivalList = await expectStatus(w.rival.as.get('/admin/complaints', { query: { orderId: order.id } }), 200);
      expect(rivalList.items.map((c: any) => c.id)).to.deep.equal([ids.lamp]);
      const all = await expectStatus(w.c.admin.as.get('/admin/complaints', { query: { orderId: order.id } }), 200);
      expect(all.count).to.equal(5);
      for (const other of [ids.lamp!, ids.mixed!, ids.house!, ids.none!]) {
        for (const response of [
          await w.vendor.as.get(`/admin/complaints/${other}`),
          await w.vendor.as.post(`/admin/complaints/${other}/messages`, { message: 'Not mine' }),
          await w.vendor.as.post(`/admin/complaints/${other}/resolve`, {}),
          await w.vendor.as.post(`/admin/complaints/${other}/reopen`, {}),
        ]) {
          expect(response.status, `${other}: ${response.text}`).to.equal(404);
          expect(response.body.code).to.equal('COMPLAINT_NOT_FOUND');
        }
      }
      const untouched = await query<{ n: number }>(w.c, `select count(*)::int as n from cw_complaint_message where body = 'Not mine'`);
      expect(untouched[0]!.n).to.equal(0);
      expect((await query(w.c, `select status from cw_complaint where id in (?, ?, ?, ?)`, [ids.lamp, ids.mixed, ids.house, ids.none])).map((r: any) => r.status)).to.deep.equal([
        'open',
        'open',
        'open',
        'open',
      ]);
    });

    it('lets the vendor answer its own complaint with an image, note internally and resolve it', async () => {
      const picture = await uploadImage(w.vendor.as, `/admin/orders/${order.id}/attachments`);
      const replied = await expectStatus(w.vendor.as.post(`/admin/complaints/${ids.vase}/messages`, { message: 'We will send a new vase.', imageIds: [picture] }), 201);
      expect(replied).to.deep.include({ status: 'awaiting_customer', vendorId: w.vendor.id });
      expect(replied.firstResponseAt).to.equal(replied.messages.at(-1).createdAt);
      expect(replied.messages.at(-1)).to.deep.include({ author: { kind: 'vendor', id: w.vendor.id }, internal: false });
      expect(replied.messages.at(-1).images.map((i: any) => i.id)).to.deep.equal([picture]);
      const noted = await expectStatus(w.vendor.as.post(`/admin/complaints/${ids.vase}/messages`, { message: 'Courier broke it, claim filed', internal: true }), 201);
      expect(noted.status).to.equal('awaiting_customer');

      const customerSees = await expectStatus(w.buyer.as.get(`/store/orders/${order.id}/complaints/${ids.vase}`), 200);
      expect(customerSees.messages.map((m: any) => [m.author.kind, m.message])).to.deep.equal([
        ['customer', 'Vase chipped.'],
        ['vendor', 'We will send a new vase.'],
      ]);
      expect((await w.c.admin.as.get(`/admin/complaints/${ids.vase}`)).body.messages.map((m: any) => m.message)).to.include('Courier broke it, claim filed');

      const resolved = await expectStatus(w.vendor.as.post(`/admin/complaints/${ids.vase}/resolve`, {}), 200);
      expect(resolved).to.deep.include({ status: 'resolved', resolvedBy: 'vendor' });
      const events = await complaintEvents(w.c, ids.vase!);
      expect(events.map((e) => e.name)).to.deep.equal(['complaint.opened', 'complaint.replied', 'complaint.resolved']);
      expect(events[1]!.payload).to.include({ authorKind: 'vendor', vendorId: w.vendor.id, status: 'awaiting_customer' });
      expect(events[2]!.payload).to.include({ resolvedBy: 'vendor', note: null });
    });

    it('lets staff answer every complaint, and refuses writes to staff who may only read', async () => {
      const mixed = await expectStatus(w.c.admin.as.post(`/admin/complaints/${ids.mixed}/messages`, { message: 'Looking into both.' }), 201);
      expect(mixed.status).to.equal('awaiting_customer');
      const reader = await createAndLogin(w.c.store, 'reader@example.com', 'staff');
      await expectStatus(w.c.admin.as.post('/admin/roles', { name: 'complaint-reader', permissions: ['orders:read'] }), 201);
      await expectStatus(w.c.admin.as.patch(`/admin/users/${reader.id}`, { role: 'complaint-reader' }), 200);
      expect((await expectStatus(reader.as.get(`/admin/complaints/${ids.lamp}`), 200)).vendorId).to.equal(w.rival.id);
      const refused = await reader.as.post(`/admin/complaints/${ids.lamp}/messages`, { message: 'Hi' });
      expect(refused.status).to.equal(403);
      expect((await reader.as.post(`/admin/complaints/${ids.lamp}/resolve`, {})).status).to.equal(403);
    });
  });

  it('filters the list and puts the customer who has waited longest first', async () => {
    const order = await w.order({ email: 'filters@example.com' });
    const a = await open(order, 'A', [], 'quality');
    const b = await open(order, 'B', [order.lines.vase], 'other');
    const c = await open(order, 'C', [], 'quality');
    const d = await open(order, 'D', [], 'quality');
    await expectStatus(w.c.admin.as.post(`/admin/complaints/${d}/messages`, { message: 'Answered.' }), 201);
    // waiting since: B the longest, then C, then A; D is answered, so nobody waits on it
    const set = (id: string, at: string) => query(w.c, 'update cw_complaint set waiting_since = ? where id = ?', [new Date(at), id]);
    await set(a, '2026-03-03T00:00:00Z');
    await set(b, '2026-03-01T00:00:00Z');
    await set(c, '2026-03-02T00:00:00Z');
    const list = async (q: Record<string, string | number>) =>
      (await expectStatus(w.c.admin.as.get('/admin/complaints', { query: { orderId: order.id, ...q } }), 200)) as { items: any[]; count: number };
    expect((await list({ sort: 'waiting' })).items.map((x) => x.id)).to.deep.equal([b, c, a, d]);
    expect((await list({ sort: 'waiting', status: 'open' })).items.map((x) => x.id)).to.deep.equal([b, c, a]);
    expect((await list({ status: 'awaiting_customer' })).items.map((x) => x.id)).to.deep.equal([d]);
    expect((await list({ sort: 'oldest' })).items.map((x) => x.id)).to.deep.equal([a, b, c, d]);
    expect((await list({})).items.map((x) => x.id)).to.deep.equal([d, c, b, a]);
    expect((await list({ category: 'quality', sort: 'oldest' })).items.map((x) => x.id)).to.deep.equal([a, c, d]);
    expect((await list({ vendorId: w.vendor.id })).items.map((x) => x.id)).to.deep.equal([b]);
    expect((await list({ customerId: w.buyer.id })).count).to.equal(4);
    const page = await list({ sort: 'oldest', limit: 2, offset: 2 });
    expect(page.items.map((x) => x.id)).to.deep.equal([c, d]);
    expect(page.count).to.equal(4);
    expect(page.items[0]).to.include({ email: 'filters@example.com', orderNumber: order.number });
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await list({ from: future })).count).to.equal(0);
    const bad = await w.c.admin.as.get('/admin/complaints', { query: { status: 'lost' } });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors[0]).to.include({ pointer: '/status' });
  });

  it('reports counts and first-response and resolution times exactly over a date range', async () => {
    const order = await w.order();
    const at = (iso: string) => new Date(iso);
    const plus = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000);
    // each complaint's timestamps set directly: [opened, first response after s, resolved after s, status, vendor line]
    const plan: Array<{ opened: string; firstResponse: number | null; resolved: number | null; status: string; vendor?: boolean }> = [
      { opened: '2025-01-10T00:00:00Z', firstResponse: 600, resolved: 3600, status: 'resolved' },
      { opened: '2025-01-11T00:00:00Z', firstResponse: 1200, resolved: null, status: 'awaiting_customer' },
      { opened: '2025-01-12T00:00:00Z', firstResponse: 3000, resolved: 7200, status: 'resolved' },
      { opened: '2025-01-13T00:00:00Z', firstResponse: null, resolved: null, status: 'open' },
      { opened: '2025-01-14T00:00:00Z', firstResponse: 300, resolved: null, status: 'awaiting_customer', vendor: true },
      // outside the range: opened before it, and exactly at its (exclusive) end
      { opened: '2024-12-31T23:59:59Z', firstResponse: 10, resolved: 20, status: 'resolved' },
      { opened: '2025-02-01T00:00:00Z', firstResponse: 10, resolved: null, status: 'awaiting_customer' },
    ];
    for (const [index, p] of plan.entries()) {
      const id = await open(order, `Stats ${index}`, p.vendor ? [order.lines.vase] : []);
      await query(
        w.c,
        `update cw_complaint set opened_at = ?, first_response_at = ?, resolved_at = ?, resolved_by = ?, status = ?, last_customer_message_at = ?,
          waiting_since = ? where id = ?`,
        [
          at(p.opened),
          p.firstResponse === null ? null : plus(p.opened, p.firstResponse),
          p.resolved === null ? null : plus(p.opened, p.resolved),
          p.resolved === null ? null : 'staff',
          p.status,
          at(p.opened),
          p.status === 'open' ? at(p.opened) : null,
          id,
        ],
      );
    }
    const range = { from: '2025-01-01T00:00:00Z', to: '2025-02-01T00:00:00Z' };
    const stats = await expectStatus(w.c.admin.as.get('/admin/complaints/stats', { query: range }), 200);
    expect(stats).to.deep.equal({
      from: '2025-01-01T00:00:00.000Z',
      to: '2025-02-01T00:00:00.000Z',
      vendorId: null,
      counts: { total: 5, open: 1, awaitingCustomer: 2, resolved: 2, unanswered: 1 },
      // 300, 600, 1200, 3000: median between 600 and 1200; p90 at 2.7 of 3 steps, 1200 + 0.7 × 1800
      firstResponse: { count: 4, averageSeconds: 1275, medianSeconds: 900, p90Seconds: 2460 },
      // 3600, 7200
      resolution: { count: 2, averageSeconds: 5400, medianSeconds: 5400, p90Seconds: 6840 },
    });
    const vendorOnly = { counts: { total: 1, open: 0, awaitingCustomer: 1, resolved: 0, unanswered: 0 }, firstResponse: { count: 1, averageSeconds: 300, medianSeconds: 300, p90Seconds: 300 } };
    const vendorStats = await expectStatus(w.vendor.as.get('/admin/complaints/stats', { query: range }), 200);
    expect(vendorStats).to.deep.include({ ...vendorOnly, vendorId: w.vendor.id, resolution: { count: 0, averageSeconds: null, medianSeconds: null, p90Seconds: null } });
    // a vendor asking for another vendor's figures still gets its own scope: nothing of the rival's
    expect((await expectStatus(w.vendor.as.get('/admin/complaints/stats', { query: { ...range, vendorId: w.rival.id } }), 200)).counts.total).to.equal(0);
    expect(await expectStatus(w.c.admin.as.get('/admin/complaints/stats', { query: { ...range, vendorId: w.vendor.id } }), 200)).to.deep.include(vendorOnly);
    const reversed = await w.c.admin.as.get('/admin/complaints/stats', { query: { from: range.to, to: range.from } });
    expect(reversed.status).to.equal(422);
    expect(reversed.body.code).to.equal('COMPLAINT_RANGE_INVALID');
    expect(reversed.body.errors[0]).to.include({ in: 'query', pointer: '/to' });
    const badDate = await w.c.admin.as.get('/admin/complaints/stats', { query: { from: 'yesterday' } });
    expect(badDate.status).to.equal(400);
    expect(badDate.body.errors[0]).to.include({ pointer: '/from' });
    // the default range is the last 30 days: the 2025 complaints are not in it
    const recent = await expectStatus(w.c.admin.as.get('/admin/complaints/stats'), 200);
    expect(Date.parse(recent.to) - Date.parse(recent.from)).to.equal(30 * 24 * 60 * 60 * 1000);
    const inLast30Days = await query<{ n: number }>(w.c, `select count(*)::int as n from cw_complaint where opened_at >= ?`, [new Date(recent.from)]);
    expect(recent.counts.total).to.equal(inLast30Days[0]!.n);
    expect((await w.buyer.as.get('/admin/complaints/stats')).status).to.equal(403);
  });
});
