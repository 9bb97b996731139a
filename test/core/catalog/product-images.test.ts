import { expect } from 'chai';
import { jpegWithExifAndGps, smallWebp } from '../media/media-fixtures.ts';
import { createCatalogStore, created, simpleProduct, sku, type CatalogStore } from './catalog-helpers.ts';

describe('product images', () => {
  let c: CatalogStore;
  before(async () => {
    c = await createCatalogStore();
  });
  after(() => c.store.stop());

  const upload = async (bytes: Buffer, filename: string) => {
    const response = await c.admin.as.upload('/admin/media', { files: { file: { bytes, filename, contentType: 'image/jpeg' } } });
    if (response.status !== 201) throw new Error(`upload: ${response.status} ${response.text}`);
    return response.body as { id: string };
  };

  it('attaches uploaded images to a product and its variants, in order with alt text, and shows every size', async () => {
    const photo = await upload(await jpegWithExifAndGps(1200, 800), 'front.jpg');
    const detailShot = await upload(await smallWebp(300, 200), 'detail.webp');
    const product = await created(c.admin.as, '/admin/products', {
      title: 'Framed Print',
      status: 'published',
      options: [{ name: 'Frame', values: ['Oak', 'Black'] }],
      variants: [
        { sku: sku(), options: { Frame: 'Oak' }, prices: [{ currencyCode: 'USD', amount: 4900 }] },
        { sku: sku(), options: { Frame: 'Black' }, prices: [{ currencyCode: 'USD', amount: 4900 }] },
      ],
    });
    const black = product.variants[1].id;
    const set = await c.admin.as.put(`/admin/products/${product.id}/images`, {
      images: [
        { mediaId: detailShot.id, alt: 'Corner detail', variantIds: [black] },
        { mediaId: photo.id, alt: 'The print on a wall' },
      ],
    });
    expect(set.status).to.equal(200);
    expect(set.body.images.map((i: any) => [i.mediaId, i.alt, i.position, i.variantIds])).to.deep.equal([
      [detailShot.id, 'Corner detail', 0, [black]],
      [photo.id, 'The print on a wall', 1, []],
    ]);

    const detail = await c.store.client.get(`/store/products/${product.slug}`);
    const wall = detail.body.images[1];
    // the photo was stored sideways (EXIF orientation 6): upright it is 800 × 1200
    expect([wall.width, wall.height]).to.deep.equal([800, 1200]);
    expect(wall.sizes.filter((s: any) => s.format === 'webp').map((s: any) => [s.width, s.height])).to.deep.equal([
      [160, 240],
      [480, 720],
      [800, 1200],
    ]);
    const served = await c.store.client.get(new URL(wall.sizes[0].url, c.store.client.baseUrl).pathname);
    expect(served.status).to.equal(200);

    const list = await c.store.client.get('/store/products', { query: { q: 'Framed Print' } });
    expect(list.body.items[0].thumbnail).to.include({ mediaId: detailShot.id, alt: 'Corner detail' });
  });

  it('refuses media that does not exist and variants of another product, changing nothing', async () => {
    const photo = await upload(await smallWebp(), 'x.webp');
    const product = await created(c.admin.as, '/admin/products', simpleProduct('Poster', 1000));
    const other = await created(c.admin.as, '/admin/products', simpleProduct('Other poster', 1000));
    await c.admin.as.put(`/admin/products/${product.id}/images`, { images: [{ mediaId: photo.id }] });
    const missing = await c.admin.as.put(`/admin/products/${product.id}/images`, { images: [{ mediaId: 'med_nope' }] });
    expect(missing.status).to.equal(404);
    expect(missing.body.code).to.equal('MEDIA_NOT_FOUND');
    const foreign = await c.admin.as.put(`/admin/products/${product.id}/images`, { images: [{ mediaId: photo.id, variantIds: [other.variants[0].id] }] });
    expect(foreign.status).to.equal(422);
    expect(foreign.body.errors[0].pointer).to.equal('/images/0/variantIds/0');
    const unchanged = await c.admin.as.get(`/admin/products/${product.id}`);
    expect(unchanged.body.images.map((i: any) => i.mediaId)).to.deep.equal([photo.id]);
    // media a product shows cannot be deleted from under it
    const remove = await c.admin.as.delete(`/admin/media/${photo.id}`);
    expect(remove.status).to.equal(409);
  });

  it('forgets a deleted variant in the images that showed it', async () => {
    const photo = await upload(await smallWebp(), 'y.webp');
    const product = await created(c.admin.as, '/admin/products', {
      title: 'Pillow',
      options: [{ name: 'Colour', values: ['Red', 'Blue'] }],
      variants: [
        { sku: sku(), options: { Colour: 'Red' } },
        { sku: sku(), options: { Colour: 'Blue' } },
      ],
    });
    const [red, blue] = product.variants.map((v: any) => v.id);
    await c.admin.as.put(`/admin/products/${product.id}/images`, { images: [{ mediaId: photo.id, variantIds: [red, blue] }] });
    expect((await c.admin.as.delete(`/admin/products/${product.id}/variants/${red}`)).status).to.equal(204);
    const after = await c.admin.as.get(`/admin/products/${product.id}`);
    expect(after.body.images[0].variantIds).to.deep.equal([blue]);
  });
});
