import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import sharp from 'sharp';
import { definePlugin, type MediaStorage } from '@cartwright/core';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { createAndLogin, login, STRONG_PASSWORD, type SignedIn } from '../admin/admin-helpers.ts';
import { filesUnder, jpegWithExifAndGps, PDF_BYTES, pngClaiming, pngWithAlpha, smallWebp } from './media-fixtures.ts';

const PROBLEM = 'application/problem+json';

async function mediaRows(store: TestStore): Promise<Array<Record<string, unknown>>> {
  return store.commerce.withScope((scope) => scope.cradle.em.getConnection().execute('select * from cw_media order by created_at'));
}

/** GET a stored file by the URL a MediaView gave (relative to the store for the local storage). */
async function fetchFile(store: TestStore, url: string, headers: Record<string, string> = {}) {
  const response = await fetch(new URL(url, store.url), { headers });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

/**
 * A raw HTTP GET: the path reaches the server exactly as written (fetch would normalise dot
 * segments), and conditional headers go alone (fetch adds Cache-Control: no-cache to them).
 */
function rawGet(store: TestStore, path: string, headers: Record<string, string> = {}): Promise<number> {
  const { hostname, port } = new URL(store.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method: 'GET', headers }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('media', function () {
  let store: TestStore;
  let directory: string;
  let admin: SignedIn;

  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'cw-media-'));
    store = await createTestStore({ media: { directory, maxUploadBytes: 2 * 1024 * 1024 } });
    admin = await createAndLogin(store, 'admin@shop.example', 'admin');
  });

  after(async () => {
    await store?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  describe('upload', () => {
    it('stores a JPEG upright without its EXIF or GPS data, with WebP and JPEG sizes of the right dimensions', async () => {
      const photo = await jpegWithExifAndGps(1200, 800);
      const before = await sharp(photo).metadata();
      expect(before.exif?.includes('AcmeCam'), 'the fixture carries EXIF').to.equal(true);
      expect(before.exif?.includes(Buffer.from([0x88, 0x25])) || before.exif?.includes(Buffer.from([0x25, 0x88])), 'the fixture carries a GPS IFD').to.equal(true);
      expect(before.orientation).to.equal(6);

      const response = await admin.as.upload('/admin/media', {
        files: { file: { bytes: photo, filename: 'holiday.jpg', contentType: 'image/jpeg' } },
        fields: { alt: 'A red sweater' },
      });
      expect(response.status, response.text).to.equal(201);
      const media = response.body;
      expect(media.id).to.match(/^med_/);
      expect(response.headers.get('location')).to.equal(`/admin/media/${media.id}`);
      // orientation 6 is a quarter turn: the upright image is 800 wide and 1200 high
      expect(media).to.include({ mimeType: 'image/jpeg', width: 800, height: 1200, alt: 'A red sweater', purpose: 'product', ownerId: admin.id, originalFilename: 'holiday.jpg' });
      expect(media.sizes.map((s: any) => [s.width, s.height, s.format])).to.deep.equal([
        [160, 240, 'jpeg'],
        [160, 240, 'webp'],
        [480, 720, 'jpeg'],
        [480, 720, 'webp'],
        [800, 1200, 'jpeg'],
        [800, 1200, 'webp'],
      ]);

      const original = await fetchFile(store, media.url);
      expect(original.response.status).to.equal(200);
      expect(original.response.headers.get('content-type')).to.equal('image/jpeg');
      expect(original.bytes.length).to.equal(media.byteSize);
      const originalMeta = await sharp(original.bytes).metadata();
      expect(originalMeta).to.include({ format: 'jpeg', width: 800, height: 1200 });
      expect(originalMeta.exif, 'the original keeps no EXIF').to.equal(undefined);
      expect(originalMeta.orientation).to.equal(undefined);
      expect(original.bytes.includes('AcmeCam')).to.equal(false);

      for (const size of media.sizes) {
        const { response: file, bytes } = await fetchFile(store, size.url);
        expect(file.status, size.url).to.equal(200);
        expect(file.headers.get('content-type')).to.equal(`image/${size.format}`);
        const meta = await sharp(bytes).metadata();
        expect(meta, size.url).to.include({ format: size.format, width: size.width, height: size.height });
        expect(meta.exif, `${size.url} keeps no EXIF`).to.equal(undefined);
        expect(meta.xmp).to.equal(undefined);
      }
      const [row] = (await mediaRows(store)).filter((r) => r.id === media.id);
      expect(row).to.include({ storage: 'local', width: 800, height: 1200, mime_type: 'image/jpeg', purpose: 'product', owner_id: admin.id });
      expect(filesUnder(join(directory, media.id))).to.have.length(7);
    });

    it('stores a PNG with its transparency, in WebP and PNG sizes capped at its own width', async () => {
      const response = await admin.as.upload('/admin/media', { files: { file: { bytes: await pngWithAlpha(640, 480), filename: 'logo.png' } }, fields: { purpose: 'brand' } });
      expect(response.status, response.text).to.equal(201);
      expect(response.body).to.include({ mimeType: 'image/png', width: 640, height: 480, purpose: 'brand', alt: '' });
      expect(response.body.sizes.map((s: any) => [s.width, s.height, s.format])).to.deep.equal([
        [160, 120, 'png'],
        [160, 120, 'webp'],
        [480, 360, 'png'],
        [480, 360, 'webp'],
        [640, 480, 'png'],
        [640, 480, 'webp'],
      ]);
      for (const url of [response.body.url, ...response.body.sizes.map((s: any) => s.url)]) {
        const meta = await sharp((await fetchFile(store, url)).bytes).metadata();
        expect(meta.hasAlpha, url).to.equal(true);
        expect(meta.exif, url).to.equal(undefined);
      }
    });

    it('never upscales: an image narrower than every configured width gets one size, its own', async () => {
      const response = await admin.as.upload('/admin/media', { files: { file: { bytes: await smallWebp(100, 60), filename: 'tiny.webp' } } });
      expect(response.status, response.text).to.equal(201);
      expect(response.body.sizes.map((s: any) => [s.width, s.height, s.format])).to.deep.equal([
        [100, 60, 'jpeg'],
        [100, 60, 'webp'],
      ]);
    });

    it('goes by the bytes, not the name: a PNG called photo.jpg is stored as a PNG', async () => {
      const response = await admin.as.upload('/admin/media', { files: { file: { bytes: await pngWithAlpha(200, 100), filename: 'photo.jpg', contentType: 'image/jpeg' } } });
      expect(response.status, response.text).to.equal(201);
      expect(response.body.mimeType).to.equal('image/png');
      expect(response.body.url).to.match(/\/original\.png$/);
    });
  });

  describe('refused uploads', () => {
    let before: { rows: number; files: string[] };
    beforeEach(async () => {
      before = { rows: (await mediaRows(store)).length, files: filesUnder(directory) };
    });
    afterEach(async () => {
      // nothing is written when an upload fails: no row, no file left behind
      expect((await mediaRows(store)).length).to.equal(before.rows);
      expect(filesUnder(directory)).to.deep.equal(before.files);
    });

    const refuse = async (bytes: Buffer, filename: string) => {
      const response = await admin.as.upload('/admin/media', { files: { file: { bytes, filename, contentType: 'image/jpeg' } } });
      expect(response.headers.get('content-type')).to.contain(PROBLEM);
      return response;
    };

    it('refuses a text file named photo.jpg with 415, saying what the bytes are and what the name claims', async () => {
      const response = await refuse(Buffer.from('just some words, not a picture\n'), 'photo.jpg');
      expect(response.status).to.equal(415);
      expect(response.body).to.include({ code: 'MEDIA_UNSUPPORTED_TYPE', detected: 'text', claimed: 'a JPEG image' });
      expect(response.body.detail).to.equal('"photo.jpg" is named as a JPEG image, but its bytes are text; the store accepts JPEG, PNG, WebP, GIF or AVIF images');
    });

    it('refuses a PDF named photo.jpg', async () => {
      const response = await refuse(PDF_BYTES, 'photo.jpg');
      expect(response.status).to.equal(415);
      expect(response.body.code).to.equal('MEDIA_UNSUPPORTED_TYPE');
      expect(response.body.detail).to.contain('its bytes are a PDF document');
    });

    it('refuses SVG, which can carry scripts', async () => {
      const svg = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
      const response = await refuse(svg, 'logo.svg');
      expect(response.status).to.equal(415);
      expect(response.body.detail).to.contain('SVG can carry scripts');
    });

    it('refuses a file that starts like a JPEG but does not decode, with 422', async () => {
      const response = await refuse(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7)]), 'broken.jpg');
      expect(response.status).to.equal(422);
      expect(response.body.code).to.equal('MEDIA_UNREADABLE');
      expect(response.body.detail).to.match(/^The file starts like a JPEG image but cannot be decoded/);
    });

    it('refuses an image whose header claims more pixels than the limit, before decoding it', async () => {
      const response = await refuse(pngClaiming(20_000, 20_000), 'bomb.png');
      expect(response.status).to.equal(422);
      expect(response.body).to.include({ code: 'MEDIA_DIMENSIONS_TOO_LARGE', width: 20_000, height: 20_000 });
      expect(response.body.detail).to.equal('The image is 20000×20000 pixels (400 megapixels); the limit is 100 megapixels');
    });

    it('refuses a request without a file part, and a JSON body', async () => {
      const noFile = await admin.as.upload('/admin/media', { files: {}, fields: { alt: 'nothing' } });
      expect(noFile.status).to.equal(400);
      expect(noFile.body.errors).to.deep.equal([{ in: 'body', pointer: '/file', rule: 'required', message: 'is required (a file part of the multipart/form-data body)' }]);
      const json = await admin.as.post('/admin/media', { file: 'aGVsbG8=' });
      expect(json.status).to.equal(415);
      expect(json.headers.get('accept-post')).to.equal('multipart/form-data');
    });

    it('refuses an unknown text field and an alt text over 300 characters', async () => {
      const bytes = await smallWebp();
      const unknown = await admin.as.upload('/admin/media', { files: { file: { bytes, filename: 'a.webp' } }, fields: { caption: 'x' } });
      expect(unknown.status).to.equal(400);
      expect(unknown.body.errors[0]).to.include({ pointer: '/caption', rule: 'additionalProperties' });
      const long = await admin.as.upload('/admin/media', { files: { file: { bytes, filename: 'a.webp' } }, fields: { alt: 'x'.repeat(301) } });
      expect(long.status).to.equal(400);
      expect(long.body.errors[0]).to.include({ pointer: '/alt', rule: 'maxLength' });
    });

    it('refuses a customer (403) and an anonymous caller (401)', async () => {
      const customer = await createAndLogin(store, 'shopper@example.com', 'customer');
      const bytes = await smallWebp();
      expect((await customer.as.upload('/admin/media', { files: { file: { bytes, filename: 'a.webp' } } })).status).to.equal(403);
      expect((await store.client.upload('/admin/media', { files: { file: { bytes, filename: 'a.webp' } } })).status).to.equal(401);
    });
  });

  describe('size limit', () => {
    let small: TestStore;
    let smallDirectory: string;
    let uploader: SignedIn;
    const LIMIT = 64 * 1024;

    before(async () => {
      smallDirectory = mkdtempSync(join(tmpdir(), 'cw-media-small-'));
      small = await createTestStore({ media: { directory: smallDirectory, maxUploadBytes: LIMIT } });
      uploader = await createAndLogin(small, 'admin@small.example', 'admin');
    });
    after(async () => {
      await small?.stop();
      rmSync(smallDirectory, { recursive: true, force: true });
    });

    const expectNothingWritten = async () => {
      expect(await mediaRows(small)).to.deep.equal([]);
      expect(filesUnder(smallDirectory)).to.deep.equal([]);
    };

    it('refuses a file over media.maxUploadBytes with 413 naming the limit, as soon as the stream passes it', async () => {
      const photo = await jpegWithExifAndGps(900, 900);
      expect(photo.length).to.be.greaterThan(LIMIT);
      const response = await uploader.as.upload('/admin/media', { files: { file: { bytes: photo, filename: 'big.jpg' } } });
      expect(response.status).to.equal(413);
      expect(response.headers.get('content-type')).to.contain(PROBLEM);
      expect(response.body).to.include({ code: 'MEDIA_TOO_LARGE', limit: LIMIT, detail: 'The file is larger than the limit of 64 KB' });
      await expectNothingWritten();
    });

    it('refuses from the Content-Length alone when the request is far over the limit, without reading it', async () => {
      const huge = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(3 * 1024 * 1024, 1)]);
      const response = await uploader.as.upload('/admin/media', { files: { file: { bytes: huge, filename: 'huge.jpg' } } });
      expect(response.status).to.equal(413);
      expect(response.body.code).to.equal('MEDIA_TOO_LARGE');
      expect(response.body.detail).to.match(/^The upload is 3(\.0)? MB; the limit is 64 KB per file$/);
      await expectNothingWritten();
    });

    it('accepts a file under the limit', async () => {
      const response = await uploader.as.upload('/admin/media', { files: { file: { bytes: await smallWebp(), filename: 'ok.webp' } } });
      expect(response.status, response.text).to.equal(201);
    });
  });

  describe('all or nothing', () => {
    it('removes the files already stored when the storage fails halfway, and answers 502', async () => {
      const failingDir = mkdtempSync(join(tmpdir(), 'cw-media-failing-'));
      const { LocalDiskStorage } = await import('../../../core/src/modules/media/index.ts');
      const disk = new LocalDiskStorage({ directory: failingDir, publicUrl: '/media' });
      let puts = 0;
      const flaky: MediaStorage = {
        name: 'flaky',
        put: async (file) => {
          if (++puts === 4) throw new Error('disk full');
          return disk.put(file);
        },
        delete: (keys) => disk.delete(keys),
        url: (key) => disk.url(key),
      };
      const failing = await createTestStore({
        media: { directory: failingDir },
        plugins: [definePlugin({ name: 'test-flaky-storage', version: '0.0.0', register: (api) => api.value('mediaStorage', flaky) })()],
      });
      try {
        const uploader = await createAndLogin(failing, 'admin@flaky.example', 'admin');
        const response = await uploader.as.upload('/admin/media', { files: { file: { bytes: await jpegWithExifAndGps(600, 400), filename: 'a.jpg' } } });
        expect(response.status).to.equal(502);
        expect(response.body).to.include({ code: 'MEDIA_STORAGE_FAILED', detail: 'The media storage "flaky" failed; the upload was not kept' });
        expect(puts).to.equal(4);
        expect(filesUnder(failingDir)).to.deep.equal([]);
        expect(await mediaRows(failing)).to.deep.equal([]);
      } finally {
        await failing.stop();
        rmSync(failingDir, { recursive: true, force: true });
      }
    });

    it('removes the stored files when the row cannot be inserted', async () => {
      const filesBefore = filesUnder(directory);
      const rowsBefore = (await mediaRows(store)).length;
      const bytes = await smallWebp();
      let failure: unknown;
      try {
        await store.commerce.withScope((scope) =>
          scope.cradle.mediaService.upload({ bytes, filename: 'a.webp', purpose: 'not-a-purpose' as never, ownerId: null }),
        );
      } catch (error) {
        failure = error;
      }
      expect(String(failure)).to.match(/check constraint|cw_media_purpose_check/);
      expect(filesUnder(directory)).to.deep.equal(filesBefore);
      expect((await mediaRows(store)).length).to.equal(rowsBefore);
    });
  });

  describe('administration', () => {
    let vendorA: SignedIn;
    let vendorB: SignedIn;
    let ofA: any;

    /** An approved vendor (a pending one holds no permissions yet). */
    const approvedVendor = async (email: string) => {
      await store.commerce.withScope((s) => s.cradle.userService.create({ email, role: 'vendor', status: 'active', password: STRONG_PASSWORD }));
      return login(store, email);
    };

    before(async () => {
      vendorA = await approvedVendor('a@vendors.example');
      vendorB = await approvedVendor('b@vendors.example');
      const response = await vendorA.as.upload('/admin/media', { files: { file: { bytes: await smallWebp(), filename: 'a.webp' } }, fields: { alt: 'Vendor A' } });
      expect(response.status, response.text).to.equal(201);
      ofA = response.body;
    });

    it('records the uploading vendor as the owner; staff see everything, a vendor only its own', async () => {
      expect(ofA.ownerId).to.equal(vendorA.id);
      const all = await admin.as.get('/admin/media', { query: { limit: 100 } });
      expect(all.status).to.equal(200);
      expect(all.body.items.map((m: any) => m.id)).to.include(ofA.id);
      expect(all.body.count).to.equal(all.body.items.length);
      const mine = await vendorA.as.get('/admin/media');
      expect(mine.body).to.deep.include({ count: 1 });
      expect(mine.body.items.map((m: any) => m.id)).to.deep.equal([ofA.id]);
      const theirs = await vendorB.as.get('/admin/media');
      expect(theirs.body).to.deep.equal({ items: [], count: 0 });
      expect((await vendorB.as.get(`/admin/media/${ofA.id}`)).status).to.equal(404);
      expect((await vendorB.as.patch(`/admin/media/${ofA.id}`, { alt: 'mine now' })).status).to.equal(404);
      expect((await vendorB.as.delete(`/admin/media/${ofA.id}`)).status).to.equal(404);
      expect((await vendorA.as.get(`/admin/media/${ofA.id}`)).body).to.include({ id: ofA.id, alt: 'Vendor A' });
    });

    it('paginates the list with limit and offset, newest first', async () => {
      const first = await admin.as.get('/admin/media', { query: { limit: 2, offset: 0 } });
      const second = await admin.as.get('/admin/media', { query: { limit: 2, offset: 2 } });
      expect(first.body.items).to.have.length(2);
      expect(first.body.count).to.be.greaterThan(2);
      expect(second.body.count).to.equal(first.body.count);
      const ids = [...first.body.items, ...second.body.items].map((m: any) => m.id);
      expect(new Set(ids).size).to.equal(ids.length);
      const times = first.body.items.map((m: any) => Date.parse(m.createdAt));
      expect(times[0]).to.be.at.least(times[1]);
    });

    it('changes the alt text', async () => {
      const response = await vendorA.as.patch(`/admin/media/${ofA.id}`, { alt: '  A blue mug  ' });
      expect(response.status).to.equal(200);
      expect(response.body.alt).to.equal('A blue mug');
      expect((await admin.as.get(`/admin/media/${ofA.id}`)).body.alt).to.equal('A blue mug');
    });

    it('refuses to delete media still referenced elsewhere (409), then deletes it and its files', async () => {
      const upload = await admin.as.upload('/admin/media', { files: { file: { bytes: await smallWebp(), filename: 'used.webp' } } });
      const id = upload.body.id as string;
      await store.commerce.withScope(async (scope) => {
        const connection = scope.cradle.em.getConnection();
        await connection.execute('create table test_media_use (media_id varchar(64) not null references cw_media (id) on delete restrict)');
        await connection.execute('insert into test_media_use (media_id) values (?)', [id]);
      });
      const refused = await admin.as.delete(`/admin/media/${id}`);
      expect(refused.status).to.equal(409);
      expect(refused.body.code).to.equal('MEDIA_IN_USE');
      expect(refused.body.detail).to.contain(id);
      expect(filesUnder(join(directory, id))).to.have.length(3);

      await store.commerce.withScope((scope) => scope.cradle.em.getConnection().execute('delete from test_media_use'));
      expect((await admin.as.delete(`/admin/media/${id}`)).status).to.equal(204);
      expect(filesUnder(join(directory, id))).to.deep.equal([]);
      expect((await admin.as.get(`/admin/media/${id}`)).status).to.equal(404);
      expect((await fetchFile(store, upload.body.url)).response.status).to.equal(404);
    });

    it('lets a vendor delete its own media', async () => {
      expect((await vendorA.as.delete(`/admin/media/${ofA.id}`)).status).to.equal(204);
      expect((await admin.as.get(`/admin/media/${ofA.id}`)).status).to.equal(404);
    });
  });

  describe('the service other modules use', () => {
    it('checks ids exist in one call, naming the missing ones, and builds views without the database', async () => {
      const upload = await admin.as.upload('/admin/media', { files: { file: { bytes: await smallWebp(), filename: 'x.webp' } }, fields: { alt: 'x' } });
      const id = upload.body.id as string;
      await store.commerce.withScope(async (scope) => {
        const { mediaService } = scope.cradle;
        await mediaService.requireExisting([id, id]);
        let error: any;
        try {
          await mediaService.requireExisting([id, 'med_missing1', 'med_missing2']);
        } catch (e) {
          error = e;
        }
        expect(error).to.include({ code: 'MEDIA_NOT_FOUND', status: 404, message: 'No media med_missing1, med_missing2' });
        const views = await mediaService.views([id, 'med_missing1']);
        expect([...views.keys()]).to.deep.equal([id]);
        const { alt, sizes, url, width, height, mimeType, byteSize } = upload.body;
        expect(views.get(id)).to.deep.equal({ id, url, mimeType, width, height, byteSize, alt, sizes });
        const [row] = (await scope.cradle.em.getConnection().execute('select * from cw_media where id = ?', [id])) as Array<Record<string, any>>;
        if (!row) throw new Error(`no row for ${id}`);
        const fromRow = mediaService.viewOf({
          id: row.id,
          mimeType: row.mime_type,
          width: row.width,
          height: row.height,
          byteSize: row.byte_size,
          storage: row.storage,
          storageKey: row.storage_key,
          renditions: row.renditions,
          alt: row.alt,
        });
        expect(fromRow).to.deep.equal(views.get(id));
      });
    });
  });

  describe('serving local files', () => {
    let media: any;
    before(async () => {
      media = (await admin.as.upload('/admin/media', { files: { file: { bytes: await pngWithAlpha(300, 200), filename: 'serve.png' } } })).body;
    });

    it('serves files with immutable cache headers, an ETag and Last-Modified, and 304 on If-None-Match', async () => {
      const { response } = await fetchFile(store, media.sizes[0].url);
      expect(response.status).to.equal(200);
      expect(response.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
      expect(response.headers.get('content-type')).to.equal('image/png');
      expect(response.headers.get('cross-origin-resource-policy')).to.equal('cross-origin');
      const etag = response.headers.get('etag');
      expect(etag).to.match(/^"[0-9a-f]+-[0-9a-f]+"$/);
      expect(Date.parse(response.headers.get('last-modified')!)).to.be.a('number').and.not.NaN;
      expect(await rawGet(store, media.sizes[0].url, { 'if-none-match': etag! })).to.equal(304);
      expect(await rawGet(store, media.sizes[0].url, { 'if-none-match': '"something-else"' })).to.equal(200);
      expect(await rawGet(store, media.sizes[0].url, { 'if-modified-since': response.headers.get('last-modified')! })).to.equal(304);
    });

    it('answers 404 for unknown keys and for any path that tries to leave the media directory', async () => {
      expect((await fetchFile(store, `/media/${media.id}/9999.webp`)).response.status).to.equal(404);
      expect((await fetchFile(store, '/media/med_00000000000000000000000000/original.png')).response.status).to.equal(404);
      for (const path of [
        '/media/..%2F..%2Fpackage.json/x',
        `/media/${media.id}/..%2F..%2F..%2Fpackage.json`,
        '/media/%2e%2e/%2e%2e',
        '/media/../../../etc/passwd',
        `/media/${media.id}/original.png%00.txt`,
        `/media/${media.id}/%2e%2e%2f${media.id}%2foriginal.png`,
      ]) {
        expect(await rawGet(store, path), path).to.equal(404);
      }
    });
  });

  it('documents the upload as multipart/form-data in OpenAPI', async () => {
    const document = (await store.client.get('/openapi.json')).body;
    const upload = document.paths['/admin/media'].post;
    const schema = upload.requestBody.content['multipart/form-data'].schema;
    expect(schema.properties.file).to.include({ type: 'string', format: 'binary' });
    expect(schema.required).to.include('file');
    expect(Object.keys(schema.properties)).to.have.members(['file', 'alt', 'purpose']);
    expect(upload['x-permission']).to.deep.equal(['products:write', 'vendor:portal']);
  });
});
