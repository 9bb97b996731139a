import { expect } from 'chai';
import { requireOrderAttachments } from '../../../core/src/modules/orders/index.ts';
import { PDF_BYTES, smallWebp } from '../media/media-fixtures.ts';
import { createAndLogin, createOrderStore, placeOrder, query, stockedVariant, type OrderStore } from './order-helpers.ts';

describe('order attachments (images for returns and complaints)', () => {
  let c: OrderStore;
  let line: Awaited<ReturnType<typeof stockedVariant>>;

  before(async () => {
    c = await createOrderStore();
    line = await stockedVariant(c, 'Glazed Mug', 50);
  });
  after(() => c.store.stop());

  const image = async () => ({ files: { file: { bytes: await smallWebp(120, 80), filename: 'broken.webp' } } });
  const attachmentsOf = (orderId: string) =>
    query<{ media_id: string; purpose: string; actor_kind: string }>(
      c,
      'select a.media_id, m.purpose, a.actor_kind from cw_order_attachment a join cw_media m on m.id = a.media_id where a.order_id = ? order by a.created_at',
      [orderId],
    );

  it('takes an image from the guest holding the order token, and from no one else', async () => {
    const order = await placeOrder(c, { lines: [{ ...line, quantity: 1, unitPrice: 1200 }] });
    const anonymous = await c.store.client.upload(`/store/orders/${order.id}/attachments`, await image());
    expect(anonymous.status, anonymous.text).to.equal(404);
    const wrongToken = await c.store.client.with({ 'x-order-token': 'not-the-token' }).upload(`/store/orders/${order.id}/attachments`, await image());
    expect(wrongToken.status).to.equal(404);
    expect(await attachmentsOf(order.id)).to.deep.equal([]);

    const uploaded = await c.store.client
      .with({ 'x-order-token': order.token! })
      .upload(`/store/orders/${order.id}/attachments`, { ...(await image()), fields: { purpose: 'return' } });
    expect(uploaded.status, uploaded.text).to.equal(201);
    expect(uploaded.body).to.include({ mimeType: 'image/webp', width: 120, height: 80 });
    expect(await attachmentsOf(order.id)).to.deep.equal([{ media_id: uploaded.body.id, purpose: 'return', actor_kind: 'anonymous' }]);
  });

  it('takes an image from the customer of the order, not from another customer', async () => {
    const owner = await createAndLogin(c.store, 'owner@example.com', 'customer');
    const stranger = await createAndLogin(c.store, 'stranger@example.com', 'customer');
    const order = await placeOrder(c, { customerId: owner.id, lines: [{ ...line, quantity: 1, unitPrice: 1200 }] });
    expect((await stranger.as.upload(`/store/orders/${order.id}/attachments`, await image())).status).to.equal(404);
    const mine = await owner.as.upload(`/store/orders/${order.id}/attachments`, await image());
    expect(mine.status, mine.text).to.equal(201);
    expect((await attachmentsOf(order.id)).map((a) => [a.media_id, a.purpose])).to.deep.equal([[mine.body.id, 'complaint']]);
  });

  it('refuses what is not an image, keeping nothing', async () => {
    const order = await placeOrder(c, { lines: [{ ...line, quantity: 1, unitPrice: 1200 }] });
    const refused = await c.store.client
      .with({ 'x-order-token': order.token! })
      .upload(`/store/orders/${order.id}/attachments`, { files: { file: { bytes: PDF_BYTES, filename: 'receipt.pdf', contentType: 'application/pdf' } } });
    expect(refused.status, refused.text).to.equal(415);
    expect(refused.body.code).to.equal('MEDIA_UNSUPPORTED_TYPE');
    expect(await attachmentsOf(order.id)).to.deep.equal([]);
  });

  it('takes an image from staff, and from a vendor only for an order holding its lines', async () => {
    const vendor = await createAndLogin(c.store, 'potter@example.com', 'vendor');
    await c.store.commerce.withScope((s) => s.cradle.em.execute(`update cw_user set status = 'active' where role = 'vendor'`));
    const house = await placeOrder(c, { lines: [{ ...line, quantity: 1, unitPrice: 1200 }] });
    const theirs = await placeOrder(c, { lines: [{ ...line, vendorId: vendor.id, quantity: 1, unitPrice: 1200 }] });
    expect((await vendor.as.upload(`/admin/orders/${house.id}/attachments`, await image())).status).to.equal(404);
    const byVendor = await vendor.as.upload(`/admin/orders/${theirs.id}/attachments`, await image());
    expect(byVendor.status, byVendor.text).to.equal(201);
    const byStaff = await c.admin.as.upload(`/admin/orders/${house.id}/attachments`, await image());
    expect(byStaff.status, byStaff.text).to.equal(201);
    expect((await attachmentsOf(house.id)).map((a) => [a.media_id, a.actor_kind])).to.deep.equal([[byStaff.body.id, 'user']]);
  });

  it('lets a return or a complaint use only images of its own order, each once', async () => {
    const first = await placeOrder(c, { lines: [{ ...line, quantity: 1, unitPrice: 1200 }] });
    const second = await placeOrder(c, { lines: [{ ...line, quantity: 1, unitPrice: 1200 }] });
    const upload = async (order: { id: string; token: string | null }) =>
      (await c.store.client.with({ 'x-order-token': order.token! }).upload(`/store/orders/${order.id}/attachments`, await image())).body.id as string;
    const own = await upload(first);
    const foreign = await upload(second);
    const check = (ids: string[]) =>
      c.store.commerce.withScope((s) => requireOrderAttachments(s.cradle.em, first.id, ids, '/imageIds')).then(
        () => null,
        (error: { code: string; errors: Array<{ pointer: string; rule: string }> }) => ({ code: error.code, errors: error.errors.map((e) => [e.pointer, e.rule]) }),
      );
    expect(await check([own])).to.equal(null);
    expect(await check([])).to.equal(null);
    expect(await check([own, foreign])).to.deep.equal({ code: 'ORDER_ATTACHMENT_INVALID', errors: [['/imageIds/1', 'orderAttachment']] });
    expect(await check([own, own])).to.deep.equal({ code: 'ORDER_ATTACHMENT_INVALID', errors: [['/imageIds/1', 'uniqueItems']] });
  });
});
