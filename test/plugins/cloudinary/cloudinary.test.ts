import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import sharp from 'sharp';
import { createCommerce } from '@cartwright/core';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import cloudinary, { resolveCredentials, signParameters } from '@cartwright/plugin-cloudinary';
import { createAndLogin, type SignedIn } from '../../core/admin/admin-helpers.ts';
import { filesUnder, jpegWithExifAndGps, pngWithAlpha } from '../../core/media/media-fixtures.ts';
import { startCloudinaryStandIn } from './cloudinary-stand-in.ts';

const ACCOUNT = { cloudName: 'test-cloud', apiKey: '614335564976464', apiSecret: 'a-secret-only-the-store-and-cloudinary-know' };

async function mediaRows(store: TestStore) {
  return store.commerce.withScope((scope) => scope.cradle.em.getConnection().execute('select * from cw_media'));
}

describe('@cartwright/plugin-cloudinary', () => {
  let standIn: Awaited<ReturnType<typeof startCloudinaryStandIn>>;
  let directory: string;

  before(async () => {
    standIn = await startCloudinaryStandIn(ACCOUNT);
    directory = mkdtempSync(join(tmpdir(), 'cw-media-cloudinary-'));
  });
  after(async () => {
    await standIn?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('signs parameters as Cloudinary documents it', () => {
    // the example of Cloudinary's "Generating authentication signatures" page
    expect(signParameters({ eager: 'w_400,h_300,c_pad|w_260,h_200,c_crop', public_id: 'sample_image', timestamp: '1315060510' }, 'abcd')).to.equal(
      'bfd09f95f331f558cbd1320e67aa8d488770583e',
    );
  });

  it('reads credentials from a CLOUDINARY_URL', () => {
    expect(resolveCredentials({ url: 'cloudinary://123456:s3cr%2Ft@my-cloud' })).to.deep.equal({ cloudName: 'my-cloud', apiKey: '123456', apiSecret: 's3cr/t' });
    expect(() => resolveCredentials({ cloudName: 'x' })).to.throw('missing: apiKey, apiSecret');
  });

  it('refuses to start without credentials, naming the plugin', async () => {
    let failure: unknown;
    try {
      await createCommerce({ logging: { level: 'silent' }, database: { dataDir: 'memory://' }, plugins: [cloudinary({ cloudName: 'x' })] });
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).to.contain('@cartwright/plugin-cloudinary').and.contain('missing: apiKey, apiSecret');
  });

  describe('through POST /admin/media', () => {
    let store: TestStore;
    let admin: SignedIn;

    before(async () => {
      store = await createTestStore({
        media: { directory },
        plugins: [cloudinary({ ...ACCOUNT, folder: 'shop', apiBaseUrl: standIn.url })],
      });
      admin = await createAndLogin(store, 'admin@shop.example', 'admin');
    });
    after(() => store?.stop());

    it('uploads the sanitised original with a valid signature and answers Cloudinary delivery URLs', async () => {
      const response = await admin.as.upload('/admin/media', { files: { file: { bytes: await jpegWithExifAndGps(1200, 800), filename: 'photo.jpg' } }, fields: { alt: 'A mug' } });
      expect(response.status, response.text).to.equal(201);
      const media = response.body;
      const upload = standIn.calls.find((c) => c.action === 'upload' && c.params.public_id === `shop/${media.id}/original`);
      expect(upload).to.include({ signatureValid: true, status: 200 });
      expect(upload!.params.api_key).to.equal(ACCOUNT.apiKey);
      // only the original is uploaded: sizes are delivery transformations
      expect(standIn.calls.filter((c) => c.action === 'upload')).to.have.length(1);
      const asset = standIn.assets.get(`shop/${media.id}/original`)!;
      expect(asset).to.include({ format: 'jpg', width: 800, height: 1200 });
      expect((await sharp(asset.bytes).metadata()).exif, 'EXIF is removed before the file leaves the store').to.equal(undefined);

      const base = `https://res.cloudinary.com/${ACCOUNT.cloudName}/image/upload`;
      expect(media.url).to.equal(`${base}/v${asset.version}/shop/${media.id}/original.jpg`);
      expect(media).to.include({ width: 800, height: 1200, mimeType: 'image/jpeg', alt: 'A mug' });
      expect(media.sizes).to.deep.equal([
        { width: 160, height: 240, format: 'jpeg', url: `${base}/c_limit,w_160/v${asset.version}/shop/${media.id}/original.jpg` },
        { width: 160, height: 240, format: 'webp', url: `${base}/c_limit,w_160/v${asset.version}/shop/${media.id}/original.webp` },
        { width: 480, height: 720, format: 'jpeg', url: `${base}/c_limit,w_480/v${asset.version}/shop/${media.id}/original.jpg` },
        { width: 480, height: 720, format: 'webp', url: `${base}/c_limit,w_480/v${asset.version}/shop/${media.id}/original.webp` },
        { width: 800, height: 1200, format: 'jpeg', url: `${base}/c_limit,w_800/v${asset.version}/shop/${media.id}/original.jpg` },
        { width: 800, height: 1200, format: 'webp', url: `${base}/c_limit,w_800/v${asset.version}/shop/${media.id}/original.webp` },
      ]);
      const [row] = (await mediaRows(store)).filter((r: any) => r.id === media.id);
      expect(row).to.include({ storage: 'cloudinary', storage_key: `v${asset.version}/shop/${media.id}/original.jpg` });
      expect(filesUnder(directory), 'nothing is written to the local disk').to.deep.equal([]);
    });

    it('deletes the asset through the signed destroy call', async () => {
      const media = (await admin.as.upload('/admin/media', { files: { file: { bytes: await pngWithAlpha(300, 200), filename: 'logo.png' } } })).body;
      expect(standIn.assets.has(`shop/${media.id}/original`)).to.equal(true);
      expect((await admin.as.delete(`/admin/media/${media.id}`)).status).to.equal(204);
      const destroy = standIn.calls.find((c) => c.action === 'destroy' && c.params.public_id === `shop/${media.id}/original`);
      expect(destroy).to.include({ signatureValid: true, status: 200 });
      expect(destroy!.params.invalidate).to.equal('true');
      expect(standIn.assets.has(`shop/${media.id}/original`)).to.equal(false);
    });
  });

  describe('with bad credentials', () => {
    let store: TestStore;
    let admin: SignedIn;

    before(async () => {
      store = await createTestStore({
        media: { directory },
        plugins: [cloudinary({ ...ACCOUNT, apiSecret: 'not-the-secret', apiBaseUrl: standIn.url })],
      });
      admin = await createAndLogin(store, 'admin@shop.example', 'admin');
    });
    after(() => store?.stop());

    it('answers a 502 problem saying Cloudinary refused, and records nothing', async () => {
      const assetsBefore = standIn.assets.size;
      const response = await admin.as.upload('/admin/media', { files: { file: { bytes: await pngWithAlpha(300, 200), filename: 'logo.png' } } });
      expect(response.status).to.equal(502);
      expect(response.headers.get('content-type')).to.contain('application/problem+json');
      expect(response.body.code).to.equal('MEDIA_STORAGE_FAILED');
      expect(response.body.detail).to.match(/^The media storage "cloudinary" failed: Cloudinary refused the upload \(HTTP 401\): Invalid Signature .*check the plugin's API key and secret/);
      expect(response.body.detail).not.to.contain('not-the-secret');
      expect(standIn.calls.at(-1)).to.include({ action: 'upload', signatureValid: false, status: 401 });
      expect(standIn.assets.size).to.equal(assetsBefore);
      expect(await mediaRows(store)).to.deep.equal([]);
    });

    it('answers 502 when Cloudinary cannot be reached', async () => {
      const unreachable = await createTestStore({
        media: { directory },
        plugins: [cloudinary({ ...ACCOUNT, apiBaseUrl: 'http://127.0.0.1:9' })],
      });
      try {
        const uploader = await createAndLogin(unreachable, 'admin@shop.example', 'admin');
        const response = await uploader.as.upload('/admin/media', { files: { file: { bytes: await pngWithAlpha(300, 200), filename: 'logo.png' } } });
        expect(response.status).to.equal(502);
        expect(response.body.detail).to.match(/^The media storage "cloudinary" failed: Cloudinary could not be reached/);
        expect(await mediaRows(unreachable)).to.deep.equal([]);
      } finally {
        await unreachable.stop();
      }
    });
  });
});

describe('@cartwright/plugin-cloudinary live', () => {
  const url = process.env.CLOUDINARY_URL;
  if (!url) {
    it.skip('uploads to the real Cloudinary, serves the sizes and deletes (set CLOUDINARY_URL to run)');
    return;
  }
  let store: TestStore;
  let directory: string;
  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'cw-media-live-'));
    store = await createTestStore({ media: { directory }, plugins: [cloudinary({ url, folder: `cartwright-test-${Date.now()}` })] });
  });
  after(async () => {
    await store?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('uploads to the real Cloudinary, serves the sizes and deletes', async () => {
    const admin = await createAndLogin(store, 'admin@shop.example', 'admin');
    const response = await admin.as.upload('/admin/media', { files: { file: { bytes: await jpegWithExifAndGps(1200, 800), filename: 'live.jpg' } } });
    expect(response.status, response.text).to.equal(201);
    const original = await fetch(response.body.url);
    expect(original.status).to.equal(200);
    expect((await sharp(Buffer.from(await original.arrayBuffer())).metadata()).exif).to.equal(undefined);
    const webp480 = response.body.sizes.find((s: any) => s.width === 480 && s.format === 'webp');
    const rendition = await fetch(webp480.url);
    expect(rendition.status).to.equal(200);
    expect(await sharp(Buffer.from(await rendition.arrayBuffer())).metadata()).to.include({ format: 'webp', width: 480, height: 720 });
    expect((await admin.as.delete(`/admin/media/${response.body.id}`)).status).to.equal(204);
  });
});
