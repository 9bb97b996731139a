import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import sharp from 'sharp';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { registerAndLogin } from '../auth/auth-helpers.ts';

const png = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#3a6ea5' } }).png().toBuffer();
const jpeg = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#a5563a' } }).jpeg().toBuffer();

describe('profile avatars', () => {
  let store: TestStore;
  let directory: string;
  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'cw-avatar-'));
    store = await createTestStore({ media: { directory, maxUploadBytes: 64 * 1024 } });
  });
  after(async () => {
    await store.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  const mediaRow = (id: string) =>
    store.commerce.withScope(async (s) => (await s.cradle.em.execute<Array<{ owner_id: string; purpose: string }>>('select owner_id, purpose from cw_media where id = ?', [id]))[0]);

  it('uploads an image as the avatar, shows it with its URLs, and replaces and removes it', async () => {
    const { as, user } = await registerAndLogin(store, 'face@example.com');
    expect((await as.get('/store/me')).body).to.include({ avatarImageId: null, avatar: null });

    const uploaded = await as.upload('/store/me/avatar', { files: { file: { bytes: await png(64, 48), filename: 'me.png', contentType: 'image/png' } } }, { method: 'PUT' });
    expect(uploaded.status, uploaded.text).to.equal(200);
    const first = uploaded.body.avatarImageId as string;
    expect(first).to.match(/^med_/);
    expect(uploaded.body.avatar).to.include({ id: first, mimeType: 'image/png', width: 64, height: 48 });
    expect(await mediaRow(first)).to.deep.equal({ owner_id: user.id, purpose: 'avatar' });

    const me = await as.get('/store/me');
    expect(me.body.avatar.id).to.equal(first);
    const file = await fetch(new URL(me.body.avatar.url, store.client.baseUrl));
    expect(file.status).to.equal(200);
    expect(file.headers.get('content-type')).to.equal('image/png');

    const replaced = await as.upload('/store/me/avatar', { files: { file: { bytes: await jpeg(32, 32), filename: 'me.jpg' } } }, { method: 'PUT' });
    expect(replaced.status, replaced.text).to.equal(200);
    expect(replaced.body.avatar).to.include({ mimeType: 'image/jpeg', width: 32 });
    // the replaced avatar upload is deleted with its files
    expect(await mediaRow(first)).to.equal(undefined);

    const removed = await as.delete('/store/me/avatar');
    expect(removed.status).to.equal(204);
    expect((await as.get('/store/me')).body).to.include({ avatarImageId: null, avatar: null });
    expect(await mediaRow(replaced.body.avatarImageId)).to.equal(undefined);
  });

  it('sets an image the account uploaded through PATCH, and refuses someone else’s or an unknown id naming the field', async () => {
    const owner = await registerAndLogin(store, 'owner@example.com');
    const other = await registerAndLogin(store, 'other@example.com');
    const mine = await owner.as.upload('/store/me/avatar', { files: { file: { bytes: await png(20, 20), filename: 'a.png' } } }, { method: 'PUT' });
    const theirs = await other.as.upload('/store/me/avatar', { files: { file: { bytes: await png(24, 24), filename: 'b.png' } } }, { method: 'PUT' });
    const theirId = theirs.body.avatarImageId as string;

    for (const id of [theirId, 'med_doesnotexist0000']) {
      const refused = await owner.as.patch('/store/me', { name: 'Changed', avatarImageId: id });
      expect(refused.status, refused.text).to.equal(422);
      expect(refused.body.code).to.equal('USER_AVATAR_INVALID');
      expect(refused.body.errors[0]).to.include({ pointer: '/avatarImageId', rule: 'ownUpload' });
    }
    const malformed = await owner.as.patch('/store/me', { avatarImageId: 'img_123' });
    expect(malformed.status).to.equal(400);
    expect(malformed.body.errors[0].pointer).to.equal('/avatarImageId');
    // nothing changed by the refusals: not the name, not the avatar, and the other account keeps its image
    const after = await owner.as.get('/store/me');
    expect(after.body).to.include({ name: 'Test Shopper', avatarImageId: mine.body.avatarImageId });
    expect((await other.as.get('/store/me')).body.avatarImageId).to.equal(theirId);

    // an image the account uploaded for something else (as a vendor does in its portal) may become the avatar by id,
    // and stays when the avatar is cleared, while the replaced avatar upload goes
    const portalUpload = await store.commerce.withScope(async (s) =>
      s.cradle.mediaService.upload({ bytes: await png(30, 30), filename: 'shop.png', purpose: 'other', ownerId: owner.user.id }),
    );
    const set = await owner.as.patch('/store/me', { avatarImageId: portalUpload.id });
    expect(set.status, set.text).to.equal(200);
    expect(set.body.avatar).to.include({ id: portalUpload.id, width: 30 });
    expect(await mediaRow(mine.body.avatarImageId)).to.equal(undefined);
    expect((await owner.as.patch('/store/me', { avatarImageId: null })).body.avatar).to.equal(null);
    expect(await mediaRow(portalUpload.id)).to.deep.equal({ owner_id: owner.user.id, purpose: 'other' });
  });

  it('refuses a file that is not an image, one over the size limit, and anonymous callers', async () => {
    const { as } = await registerAndLogin(store, 'wrongtype@example.com');
    const text = await as.upload('/store/me/avatar', { files: { file: { bytes: Buffer.from('just some text, not a picture'), filename: 'me.png', contentType: 'image/png' } } }, { method: 'PUT' });
    expect(text.status).to.equal(415);
    expect(text.body.code).to.equal('MEDIA_UNSUPPORTED_TYPE');
    const big = await as.upload('/store/me/avatar', { files: { file: { bytes: Buffer.alloc(80 * 1024, 1), filename: 'big.png' } } }, { method: 'PUT' });
    expect(big.status).to.equal(413);
    expect((await as.get('/store/me')).body.avatar).to.equal(null);
    const count = await store.commerce.withScope((s) => s.cradle.em.execute<Array<{ n: number }>>(`select count(*)::int as n from cw_media m join cw_user u on u.id = m.owner_id where u.email = 'wrongtype@example.com'`));
    expect(Number(count[0]!.n)).to.equal(0);
    const anonymous = await store.client.upload('/store/me/avatar', { files: { file: { bytes: await png(8, 8), filename: 'x.png' } } }, { method: 'PUT' });
    expect(anonymous.status).to.equal(401);
  });
});
