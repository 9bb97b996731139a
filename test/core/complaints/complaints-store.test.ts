import { expect } from 'chai';
import { complaintEvents, createComplaintWorld, expectStatus, query, uploadImage, type ComplaintWorld, type PlacedOrder } from './complaint-helpers.ts';

const DAY = 24 * 60 * 60 * 1000;

describe('complaints: the customer’s side', () => {
  let w: ComplaintWorld;
  before(async () => {
    w = await createComplaintWorld();
  });
  after(() => w.c.store.stop());

  const open = (order: PlacedOrder, body: Record<string, unknown>, as = w.buyer.as, options = {}) => as.post(`/store/orders/${order.id}/complaints`, body, options);
  const complaintCount = async (orderId: string) =>
    Number((await query<{ n: number }>(w.c, 'select count(*)::int as n from cw_complaint where order_id = ?', [orderId]))[0]!.n);

  it('runs a thread: the customer complains with an image, staff reply, the customer answers, staff resolve, the customer reopens and closes it', async () => {
    const order = await w.order();
    const imageId = await uploadImage(w.buyer.as, `/store/orders/${order.id}/attachments`);
    const opened = await expectStatus(
      open(order, { subject: 'Cracked mug', category: 'damaged_item', message: 'It arrived in pieces.', lineIds: [order.lines.mug], imageIds: [imageId] }),
      201,
    );
    expect(opened).to.deep.include({ orderId: order.id, orderNumber: order.number, subject: 'Cracked mug', category: 'damaged_item', status: 'open', resolvedAt: null });
    expect(opened.lines.map((l: any) => l.id)).to.deep.equal([order.lines.mug]);
    expect(opened.messages).to.have.length(1);
    expect(opened.messages[0]).to.deep.include({ author: { kind: 'customer' }, message: 'It arrived in pieces.' });
    expect(opened.messages[0].images.map((i: any) => i.id)).to.deep.equal([imageId]);
    expect(opened.messages[0].images[0].url).to.be.a('string');
    // the store view leaves out staff-side fields
    expect(opened).to.not.have.any.keys('firstResponseAt', 'waitingSince', 'email', 'vendorId');
    const id = opened.id as string;

    // an internal note is no answer: the status and the first-response time stay
    const noted = await expectStatus(w.c.admin.as.post(`/admin/complaints/${id}/messages`, { message: 'Check the packer on shift', internal: true }), 201);
    expect(noted).to.deep.include({ status: 'open', firstResponseAt: null, lastStaffMessageAt: null, waitingSince: opened.openedAt });

    const replied = await expectStatus(w.c.admin.as.post(`/admin/complaints/${id}/messages`, { message: 'Sorry! Could you send a photo of the box?' }), 201);
    const reply = replied.messages.at(-1);
    expect(reply).to.deep.include({ author: { kind: 'staff', id: w.c.admin.id }, internal: false });
    expect(replied).to.deep.include({ status: 'awaiting_customer', firstResponseAt: reply.createdAt, lastStaffMessageAt: reply.createdAt, waitingSince: null });

    const again = await expectStatus(w.c.admin.as.post(`/admin/complaints/${id}/messages`, { message: 'And the label, please.' }), 201);
    expect(again.firstResponseAt).to.equal(reply.createdAt);
    expect(again.lastStaffMessageAt).to.equal(again.messages.at(-1).createdAt);

    const boxImage = await uploadImage(w.buyer.as, `/store/orders/${order.id}/attachments`);
    const answered = await expectStatus(w.buyer.as.post(`/store/orders/${order.id}/complaints/${id}/messages`, { message: 'Here it is.', imageIds: [boxImage] }), 201);
    expect(answered.status).to.equal('open');
    expect(answered.messages.map((m: any) => [m.author.kind, m.message])).to.deep.equal([
      ['customer', 'It arrived in pieces.'],
      ['staff', 'Sorry! Could you send a photo of the box?'],
      ['staff', 'And the label, please.'],
      ['customer', 'Here it is.'],
    ]);
    expect(answered.messages[1].author).to.deep.equal({ kind: 'staff' });
    expect(answered.messages[3].images.map((i: any) => i.id)).to.deep.equal([boxImage]);
    const staffSide = await expectStatus(w.c.admin.as.get(`/admin/complaints/${id}`), 200);
    expect(staffSide.messages.map((m: any) => m.internal)).to.deep.equal([false, true, false, false, false]);
    expect(staffSide).to.deep.include({ lastCustomerMessageAt: staffSide.messages[4].createdAt, waitingSince: staffSide.messages[4].createdAt });

    const resolved = await expectStatus(w.c.admin.as.post(`/admin/complaints/${id}/resolve`, { note: 'A replacement is on its way.' }), 200);
    expect(resolved).to.deep.include({ status: 'resolved', resolvedBy: 'staff', waitingSince: null });
    expect(resolved.messages.at(-1)).to.deep.include({ message: 'A replacement is on its way.' });
    expect(Date.parse(resolved.reopenableUntil) - Date.parse(resolved.resolvedAt)).to.equal(30 * DAY);

    const late = await w.buyer.as.post(`/store/orders/${order.id}/complaints/${id}/messages`, { message: 'One more thing' });
    expect(late.status).to.equal(409);
    expect(late.body.code).to.equal('COMPLAINT_TRANSITION_INVALID');
    expect((await w.c.admin.as.post(`/admin/complaints/${id}/resolve`, {})).body.code).to.equal('COMPLAINT_TRANSITION_INVALID');
    expect((await w.c.admin.as.post(`/admin/complaints/${id}/messages`, { message: 'Still open?' })).status).to.equal(409);

    const reopened = await expectStatus(w.buyer.as.post(`/store/orders/${order.id}/complaints/${id}/reopen`, { note: 'The replacement is cracked too.' }), 200);
    expect(reopened).to.deep.include({ status: 'open', resolvedAt: null, reopenableUntil: null });
    expect((await w.buyer.as.post(`/store/orders/${order.id}/complaints/${id}/reopen`, {})).status).to.equal(409);
    const closed = await expectStatus(w.buyer.as.post(`/store/orders/${order.id}/complaints/${id}/resolve`, {}), 200);
    expect(closed.status).to.equal('resolved');
    expect((await w.c.admin.as.get(`/admin/complaints/${id}`)).body).to.deep.include({ resolvedBy: 'customer', reopenCount: 1 });

    const events = await complaintEvents(w.c, id);
    expect(events.map((e) => [e.name, e.payload.authorKind ?? e.payload.resolvedBy ?? e.payload.reopenedBy])).to.deep.equal([
      ['complaint.opened', 'customer'],
      ['complaint.replied', 'staff'],
      ['complaint.replied', 'staff'],
      ['complaint.replied', 'customer'],
      ['complaint.resolved', 'staff'],
      ['complaint.reopened', 'customer'],
      ['complaint.resolved', 'customer'],
    ]);
    expect(events[0]!.payload).to.deep.equal({
      complaintId: id,
      orderId: order.id,
      orderNumber: order.number,
      customerId: w.buyer.id,
      email: w.buyer.email,
      vendorId: null,
      subject: 'Cracked mug',
      category: 'damaged_item',
      authorKind: 'customer',
    });
    expect(events[1]!.payload).to.include({ status: 'awaiting_customer', messageId: reply.id });
    expect(events[3]!.payload.status).to.equal('open');
    expect(events[4]!.payload.note).to.equal('A replacement is on its way.');

    // staff read opening, resolutions and reopening on the order's timeline; the customer has the thread
    const timeline = (await w.c.admin.as.get(`/admin/orders/${order.id}`)).body.timeline.filter((t: any) => t.kind.startsWith('complaint.'));
    expect(timeline.map((t: any) => [t.kind, t.data.complaintId, t.visibleToCustomer])).to.deep.equal([
      ['complaint.opened', id, false],
      ['complaint.resolved', id, false],
      ['complaint.reopened', id, false],
      ['complaint.resolved', id, false],
    ]);
    const storeTimeline = (await w.buyer.as.get(`/store/orders/${order.id}`)).body.timeline;
    expect(storeTimeline.filter((t: any) => t.kind.startsWith('complaint.'))).to.deep.equal([]);
    const listed = await expectStatus(w.buyer.as.get(`/store/orders/${order.id}/complaints`), 200);
    expect(listed).to.deep.include({ count: 1 });
    expect(listed.items[0]).to.include({ id, status: 'resolved' });
  });

  it('lets the customer reopen within 30 days of the resolution and staff at any time', async () => {
    const order = await w.order();
    const { id } = await expectStatus(open(order, { subject: 'Late', category: 'late_delivery', message: 'Two weeks late.' }), 201);
    await expectStatus(w.c.admin.as.post(`/admin/complaints/${id}/resolve`, {}), 200);
    await query(w.c, 'update cw_complaint set resolved_at = ? where id = ?', [new Date(Date.now() - 31 * DAY), id]);
    const refused = await w.buyer.as.post(`/store/orders/${order.id}/complaints/${id}/reopen`, {});
    expect(refused.status).to.equal(409);
    expect(refused.body.code).to.equal('COMPLAINT_REOPEN_WINDOW_CLOSED');
    expect((await w.buyer.as.get(`/store/orders/${order.id}/complaints/${id}`)).body.status).to.equal('resolved');
    const reopened = await expectStatus(w.c.admin.as.post(`/admin/complaints/${id}/reopen`, { note: 'Reopening to refund shipping.' }), 200);
    expect(reopened).to.deep.include({ status: 'open', reopenCount: 1, resolvedBy: null });
    // staff reopened it for themselves: the complaint waits on staff again, from the reopening
    expect(reopened.waitingSince).to.equal(reopened.updatedAt);
    expect(reopened.messages.at(-1)).to.deep.include({ author: { kind: 'staff', id: w.c.admin.id }, message: 'Reopening to refund shipping.' });
  });

  it('refuses images of another order, lines of another order and bad fields, naming them, and writes nothing', async () => {
    const order = await w.order();
    const other = await w.order({ guest: true });
    const foreignImage = await uploadImage(w.c.store.client.with({ 'x-order-token': other.token! }), `/store/orders/${other.id}/attachments`);
    const ownImage = await uploadImage(w.buyer.as, `/store/orders/${order.id}/attachments`);
    const base = { subject: 'Broken', category: 'damaged_item', message: 'Broken.' };

    const image = await open(order, { ...base, imageIds: [ownImage, foreignImage] });
    expect(image.status).to.equal(422);
    expect(image.body.code).to.equal('ORDER_ATTACHMENT_INVALID');
    expect(image.body.errors).to.deep.equal([{ in: 'body', pointer: '/imageIds/1', rule: 'orderAttachment', message: `${foreignImage} is not an image uploaded for this order` }]);

    const lines = await open(order, { ...base, lineIds: [order.lines.vase, other.lines.vase] });
    expect(lines.status).to.equal(422);
    expect(lines.body.code).to.equal('COMPLAINT_LINES_INVALID');
    expect(lines.body.errors.map((e: any) => [e.pointer, e.rule])).to.deep.equal([['/lineIds/1', 'orderLine']]);

    const invalid: Array<[Record<string, unknown>, string, string]> = [
      [{ category: 'damaged_item', message: 'x' }, '/subject', 'required'],
      [{ ...base, subject: '' }, '/subject', 'minLength'],
      [{ ...base, category: 'bored' }, '/category', 'enum'],
      [{ ...base, message: 'x'.repeat(5001) }, '/message', 'maxLength'],
      [{ ...base, imageIds: Array.from({ length: 7 }, () => ownImage) }, '/imageIds', 'maxItems'],
      [{ ...base, lineIds: [order.lines.mug, order.lines.mug] }, '/lineIds', 'uniqueItems'],
      [{ ...base, internal: true }, '/internal', 'additionalProperties'],
    ];
    for (const [body, pointer, rule] of invalid) {
      const response = await open(order, body);
      expect(response.status, `${pointer} ${rule}`).to.equal(400);
      expect(response.body.errors.map((e: any) => [e.pointer, e.rule]), response.text).to.deep.include([pointer, rule]);
    }
    expect(await complaintCount(order.id)).to.equal(0);

    const { id } = await expectStatus(open(order, base), 201);
    const staffImage = await uploadImage(w.c.admin.as, `/admin/orders/${other.id}/attachments`);
    const staffReply = await w.c.admin.as.post(`/admin/complaints/${id}/messages`, { message: 'See picture', imageIds: [staffImage] });
    expect(staffReply.status).to.equal(422);
    expect(staffReply.body.errors[0]).to.include({ pointer: '/imageIds/0' });
    const thread = await expectStatus(w.c.admin.as.get(`/admin/complaints/${id}`), 200);
    expect(thread).to.deep.include({ status: 'open', firstResponseAt: null });
    expect(thread.messages).to.have.length(1);
  });

  it('keeps messages as plain text exactly as written', async () => {
    const order = await w.order();
    const text = '<img src=x onerror="alert(1)"> & “quotes”\nsecond line';
    const created = await expectStatus(open(order, { subject: '<b>Wrong</b> item', category: 'wrong_item', message: text }), 201);
    expect(created.subject).to.equal('<b>Wrong</b> item');
    expect(created.messages[0].message).to.equal(text);
  });

  describe('BOLA', () => {
    let order: PlacedOrder;
    let guestOrder: PlacedOrder;
    let otherGuest: PlacedOrder;
    let mine: string;
    let guests: string;
    before(async () => {
      order = await w.order();
      guestOrder = await w.order({ guest: true });
      otherGuest = await w.order({ guest: true });
      mine = (await expectStatus(open(order, { subject: 'Mine', category: 'other', message: 'Mine.' }), 201)).id;
      const guest = w.c.store.client.with({ 'x-order-token': guestOrder.token! });
      guests = (await expectStatus(guest.post(`/store/orders/${guestOrder.id}/complaints`, { subject: 'Guest', category: 'other', message: 'Guest.' }), 201)).id;
    });

    /** Every store route of one complaint, as `as` with `options`, must answer 404 with `code`. */
    async function refusedEverywhere(orderId: string, complaintId: string, as: typeof w.buyer.as, code: string, options: { query?: Record<string, string> } = {}) {
      const base = `/store/orders/${orderId}/complaints`;
      const attempts = [
        as.get(base, options),
        as.post(base, { subject: 'Probe', category: 'other', message: 'Probe.' }, options),
        as.get(`${base}/${complaintId}`, options),
        as.post(`${base}/${complaintId}/messages`, { message: 'Probe.' }, options),
        as.post(`${base}/${complaintId}/resolve`, {}, options),
        as.post(`${base}/${complaintId}/reopen`, {}, options),
      ];
      for (const response of await Promise.all(attempts)) {
        expect(response.status, response.text).to.equal(404);
        expect(response.body.code).to.equal(code);
      }
    }

    it('answers 404 to another customer on every route of a customer’s complaint', async () => {
      await refusedEverywhere(order.id, mine, w.stranger.as, 'ORDER_NOT_FOUND');
      await refusedEverywhere(order.id, mine, w.c.store.client, 'ORDER_NOT_FOUND');
      expect(await complaintCount(order.id)).to.equal(1);
      const thread = await expectStatus(w.buyer.as.get(`/store/orders/${order.id}/complaints/${mine}`), 200);
      expect(thread.messages).to.have.length(1);
    });

    it('answers 404 without the guest order’s token, or with another order’s', async () => {
      await refusedEverywhere(guestOrder.id, guests, w.c.store.client, 'ORDER_NOT_FOUND');
      await refusedEverywhere(guestOrder.id, guests, w.c.store.client.with({ 'x-order-token': otherGuest.token! }), 'ORDER_NOT_FOUND');
      await refusedEverywhere(guestOrder.id, guests, w.buyer.as, 'ORDER_NOT_FOUND');
      expect(await complaintCount(guestOrder.id)).to.equal(1);
      // the token in the email link works as well as the header
      const viaLink = await expectStatus(w.c.store.client.get(`/store/orders/${guestOrder.id}/complaints/${guests}`, { query: { token: guestOrder.token! } }), 200);
      expect(viaLink.messages[0]).to.deep.include({ author: { kind: 'customer' }, message: 'Guest.' });
      const guestMessage = await query<{ author_id: string | null }>(w.c, 'select author_id from cw_complaint_message where complaint_id = ?', [guests]);
      expect(guestMessage).to.deep.equal([{ author_id: null }]);
    });

    it('answers 404 for a complaint of another order through an order the caller may see', async () => {
      const response = await w.buyer.as.get(`/store/orders/${order.id}/complaints/${guests}`);
      expect(response.status).to.equal(404);
      expect(response.body.code).to.equal('COMPLAINT_NOT_FOUND');
      const reply = await w.buyer.as.post(`/store/orders/${order.id}/complaints/${guests}/messages`, { message: 'Hijack' });
      expect(reply.status).to.equal(404);
      expect((await w.buyer.as.post(`/store/orders/${order.id}/complaints/${guests}/resolve`, {})).status).to.equal(404);
      expect((await query(w.c, 'select 1 from cw_complaint_message where complaint_id = ? and body = ?', [guests, 'Hijack'])).length).to.equal(0);
      expect((await w.buyer.as.get('/admin/complaints')).status).to.equal(403);
      expect((await w.buyer.as.get(`/admin/complaints/${mine}`)).status).to.equal(403);
    });
  });
});
