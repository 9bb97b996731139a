import { sql } from 'kysely';
import type { Cradle } from '../../kernel/container.ts';
import type { SeedContext } from '../../kernel/plugin.ts';
import { slugify } from '../../kernel/slug.ts';
import { currencyExponent } from '../money/index.ts';
import { rows, run } from './catalog-sql.ts';
import {
  DEMO_ATTRIBUTES,
  DEMO_BRANDS,
  DEMO_COLOURS,
  DEMO_DEPARTMENT_DESCRIPTIONS,
  DEMO_PRODUCT_KINDS,
  DEMO_SILHOUETTES,
  DEMO_TAGS,
  type DemoColour,
  type DemoProductKind,
  type DemoSilhouette,
} from './demo-catalog.data.ts';
import type { CreateProductBody, PriceInput } from './product.schemas.ts';

/**
 * The demo catalog `cartwright seed demo` loads: about 320 products with 2,000-odd variants in a
 * three-level category tree, with brands, tags, attributes, collections and generated photos.
 *
 * It is deterministic: everything is drawn from a seeded PRNG, so two fresh stores get the same
 * titles, slugs, SKUs, prices and categories (only ids and timestamps differ). It goes through the
 * services, so every product passes the same rules an admin's does. It does nothing when the store
 * already has products, so it can run on every start.
 */

const SEED = 0xc0ffee;
/** How many tones each silhouette is drawn in: silhouettes × tones distinct photos, shared by all products. */
const PHOTO_TONES = 4;
const PHOTO_SIZE = 640;

/** mulberry32: a tiny, well-mixed 32-bit PRNG; the same seed gives the same sequence everywhere. */
export function demoRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const shuffle = <T>(items: readonly T[]): T[] => {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  };
  return { next, int, pick, shuffle, chance: (p: number) => next() < p };
}

/** Rough units per US dollar, to give demo prices believable magnitudes in other currencies. */
const APPROXIMATE_PER_USD: Readonly<Record<string, number>> = {
  USD: 1, EUR: 0.92, GBP: 0.79, CHF: 0.88, CAD: 1.36, AUD: 1.52, NZD: 1.64, JPY: 150, SEK: 10.5, NOK: 10.7, DKK: 6.9, PLN: 4,
  CZK: 23, INR: 83, BRL: 5, MXN: 17, ZAR: 18.5, SGD: 1.35, HKD: 7.8, CNY: 7.2, KRW: 1350,
};

/** A shop price in minor units: `x.99` for currencies with cents, round tens without. */
function charmPrice(major: number, currency: string): number {
  const exponent = currencyExponent(currency);
  if (exponent === 0) return Math.max(10, Math.round(major / 10) * 10);
  return Math.max(1, Math.round(major)) * 10 ** exponent - 1;
}

export interface DemoPlanOptions {
  defaultCurrency: string;
  /** Every currency the store sells in; each non-default one with a known rate gets prices of its own. */
  currencies: readonly string[];
  exchangeRates: Readonly<Record<string, string>>;
}

export interface DemoCategory {
  name: string;
  slug: string;
  description: string | null;
  /** The parent's slug; null for a department. */
  parent: string | null;
}

export interface DemoProduct {
  body: CreateProductBody & { slug: string; status: 'draft' | 'published' };
  photos: Array<{ key: string; alt: string }>;
  popularity: number;
  collections: string[];
}

export interface DemoPlan {
  categories: DemoCategory[];
  products: DemoProduct[];
  photos: Map<string, { silhouette: DemoSilhouette; colour: DemoColour }>;
}

/** The whole demo catalog as data, before anything is written: pure and deterministic. */
export function planDemoCatalog(options: DemoPlanOptions): DemoPlan {
  const random = demoRandom(SEED);
  const categories: DemoCategory[] = [];
  const seenCategories = new Set<string>();
  const addCategory = (name: string, slug: string, parent: string | null, description: string | null) => {
    if (seenCategories.has(slug)) return;
    seenCategories.add(slug);
    categories.push({ name, slug, parent, description });
  };
  for (const kind of DEMO_PRODUCT_KINDS) {
    const [department, section, leaf] = kind.path;
    addCategory(department, slugify(department), null, DEMO_DEPARTMENT_DESCRIPTIONS[department] ?? null);
    addCategory(section, sectionSlug(kind), slugify(department), null);
    addCategory(leaf, leafSlug(kind), sectionSlug(kind), null);
  }

  const usedSlugs = new Set<string>();
  const photos = new Map<string, { silhouette: DemoSilhouette; colour: DemoColour }>();
  const tones = DEMO_COLOURS.slice(0, PHOTO_TONES);
  const products: DemoProduct[] = [];
  let serial = 0;
  for (const kind of DEMO_PRODUCT_KINDS) {
    const combinations = random.shuffle(kind.adjectives.flatMap((adjective) => kind.nouns.map((noun) => `${adjective} ${noun}`)));
    for (let i = 0; i < kind.count; i++) {
      serial += 1;
      const brand = random.pick(kind.brands);
      let title = combinations[i % combinations.length]!;
      if (usedSlugs.has(slugify(title))) title = `${brand} ${title}`;
      for (let n = 2; usedSlugs.has(slugify(title)); n++) title = `${title.replace(/ \d+$/, '')} ${n}`;
      const slug = slugify(title);
      usedSlugs.add(slug);

      const priceUsd = random.int(kind.priceUsd[0], kind.priceUsd[1]);
      const onSale = random.chance(0.2);
      const colours = random.shuffle(DEMO_COLOURS).slice(0, 'pickColours' in kind.options ? random.int(1, kind.options.pickColours) : 1);
      const material = random.pick(kind.materials);
      const status = serial % 23 === 0 ? 'draft' : 'published';
      const featured = status === 'published' && random.chance(0.08);
      const tags = random.shuffle(kind.tags).slice(0, random.int(0, 2));
      if (onSale && !tags.includes('Sale')) tags.push('Sale');
      const sku = `${brandCode(brand)}-${String(serial).padStart(4, '0')}`;

      const prices = (usdAmount: number): PriceInput[] =>
        priceList(usdAmount, onSale ? Math.round(usdAmount * 1.25) : null, options);
      const variants = variantsFor(kind, colours, sku, priceUsd, prices, random);
      const attributes: CreateProductBody['attributes'] = { material, colour: colours[0]!.name };
      if (material.startsWith('Organic') || (kind.tags.includes('Eco-friendly') && random.chance(0.3))) attributes.organic = material.startsWith('Organic');
      if (kind.capacityMl && kind.options.kind !== 'capacity-colour') attributes.capacity_ml = random.pick(kind.capacityMl);
      if (kind.batteryHours) attributes.battery_hours = random.pick(kind.batteryHours);
      if (kind.care) attributes.care = kind.care;

      const tone = random.int(0, tones.length - 1);
      const photoFor = (colour: DemoColour) => {
        const key = `${kind.silhouette}-${slugify(colour.name)}`;
        photos.set(key, { silhouette: kind.silhouette, colour });
        return key;
      };
      const productPhotos = [
        { key: photoFor(tones[tone]!), alt: title },
        { key: photoFor(tones[(tone + 2) % tones.length]!), alt: `${title}, another view` },
      ];

      const features = random.shuffle(kind.features).slice(0, 3);
      const descriptionMarkdown = [
        `The ${title.toLowerCase()} from ${brand}, in ${material.toLowerCase()}. ${features[0]}`,
        '',
        ...features.slice(1).map((f) => `- ${f}`),
        ...(kind.care ? ['', `**Care:** ${kind.care}`] : []),
      ].join('\n');

      const collections: string[] = [];
      if (featured) collections.push('featured');
      products.push({
        body: {
          title,
          slug,
          status,
          descriptionMarkdown,
          brandId: brand,
          categoryIds: [leafSlug(kind)],
          tagIds: tags,
          attributes,
          featured,
          metaTitle: `${title} | ${brand}`,
          metaDescription: `${title} by ${brand}. ${features[0]}`,
          options: optionsFor(variants),
          variants,
        },
        photos: productPhotos,
        popularity: random.int(0, 500),
        collections,
      });
    }
  }
  // the newest two dozen published products: the last ones created
  products.filter((p) => p.body.status === 'published').slice(-24).forEach((p) => p.collections.push('new-arrivals'));
  return { categories, products, photos };
}

function sectionSlug(kind: DemoProductKind): string {
  return slugify(kind.path[1]);
}

function leafSlug(kind: DemoProductKind): string {
  return kind.slug ?? slugify(kind.path[2]);
}

function brandCode(brand: string): string {
  return brand.replace(/[^A-Za-z]/g, '').slice(0, 3).toUpperCase();
}

function priceList(usd: number, compareAtUsd: number | null, options: DemoPlanOptions): PriceInput[] {
  const perUsd = (currency: string) => APPROXIMATE_PER_USD[currency];
  const baseRate = perUsd(options.defaultCurrency) ?? 1;
  const inCurrency = (amountUsd: number, currency: string): number | undefined => {
    if (currency === options.defaultCurrency) return amountUsd * baseRate;
    const configured = options.exchangeRates[currency];
    if (configured) return amountUsd * baseRate * Number(configured);
    const rate = perUsd(currency);
    return rate === undefined ? undefined : amountUsd * rate;
  };
  const currencies = [options.defaultCurrency, ...options.currencies.filter((c) => c !== options.defaultCurrency)];
  return currencies.flatMap((currencyCode) => {
    const major = inCurrency(usd, currencyCode);
    if (major === undefined) return [];
    const compareMajor = compareAtUsd === null ? undefined : inCurrency(compareAtUsd, currencyCode);
    return [{ currencyCode, amount: charmPrice(major, currencyCode), compareAtAmount: compareMajor === undefined ? null : charmPrice(compareMajor, currencyCode) }];
  });
}

/** The product's options, in the order its variants name them, with the values its variants use. */
function optionsFor(variants: CreateProductBody['variants']): NonNullable<CreateProductBody['options']> {
  const options = new Map<string, string[]>();
  for (const variant of variants) {
    for (const [name, value] of Object.entries(variant.options ?? {})) {
      const values = options.get(name) ?? [];
      if (!values.includes(value)) values.push(value);
      options.set(name, values);
    }
  }
  return [...options].map(([name, values]) => ({ name, values }));
}

function variantsFor(
  kind: DemoProductKind,
  colours: readonly DemoColour[],
  sku: string,
  priceUsd: number,
  prices: (usd: number) => PriceInput[],
  random: ReturnType<typeof demoRandom>,
): CreateProductBody['variants'] {
  const option = kind.options;
  const weight = random.int(80, 900);
  const code = (text: string) => text.replace(/[^A-Za-z0-9]/g, '').toUpperCase().slice(0, 4);
  switch (option.kind) {
    case 'size-colour': {
      const first = random.int(0, option.sizes.length - option.pickSizes);
      const sizes = option.sizes.slice(first, first + option.pickSizes);
      return sizes.flatMap((size, s) =>
        colours.map((colour) => ({
          sku: `${sku}-${code(colour.name)}-${code(size)}`,
          options: { Size: size, Colour: colour.name },
          weightGrams: weight + s * 20,
          // the largest sizes cost a little more, as they do in many shops
          prices: prices(s >= sizes.length - 1 && sizes.length > 4 ? priceUsd + 2 : priceUsd),
        })),
      );
    }
    case 'capacity-colour':
      return option.capacities.flatMap((capacity, c) =>
        colours.map((colour) => ({
          sku: `${sku}-${code(colour.name)}-${capacity}`,
          options: { Capacity: `${capacity} ml`, Colour: colour.name },
          weightGrams: weight + c * 60,
          prices: prices(priceUsd + c * 4),
        })),
      );
    case 'colour':
      return colours.map((colour) => ({ sku: `${sku}-${code(colour.name)}`, options: { Colour: colour.name }, weightGrams: weight, prices: prices(priceUsd) }));
    case 'single':
      return [{ sku, weightGrams: weight, prices: prices(priceUsd) }];
  }
}

/** A product photo: the silhouette in white over a diagonal gradient of the colour, with a soft shadow. */
export function demoPhotoSvg(silhouette: DemoSilhouette, colour: DemoColour): string {
  const light = colour.name === 'White' ? '#9aa0a8' : '#ffffff';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${PHOTO_SIZE}" height="${PHOTO_SIZE}" viewBox="0 0 640 640">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${colour.light}"/><stop offset="1" stop-color="${colour.dark}"/></linearGradient>
    <radialGradient id="spot" cx="0.5" cy="0.45" r="0.5"><stop offset="0" stop-color="#ffffff" stop-opacity="0.35"/><stop offset="1" stop-color="#ffffff" stop-opacity="0"/></radialGradient>
  </defs>
  <rect width="640" height="640" fill="url(#bg)"/>
  <rect width="640" height="640" fill="url(#spot)"/>
  <ellipse cx="320" cy="540" rx="210" ry="22" fill="#000000" fill-opacity="0.18"/>
  <path d="${DEMO_SILHOUETTES[silhouette]}" fill="${light}" fill-opacity="0.92" fill-rule="evenodd"/>
</svg>`;
}

/** Renders the plan's photos with sharp and uploads each through the media service (so each gets its renditions). */
async function uploadPhotos(cradle: Cradle, photos: DemoPlan['photos']): Promise<Map<string, string>> {
  const { default: sharp } = await import('sharp');
  const queue = [...photos].sort(([a], [b]) => a.localeCompare(b));
  const mediaIds = new Map<string, string>();
  // a few at a time: sharp encodes on libuv's threads, so the renditions of several photos overlap
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [key, { silhouette, colour }] = next;
      const bytes = await sharp(Buffer.from(demoPhotoSvg(silhouette, colour))).jpeg({ quality: 88 }).toBuffer();
      const media = await cradle.mediaService.upload({ bytes, filename: `demo-${key}.jpg`, purpose: 'product', ownerId: null, alt: `${colour.name} ${silhouette}` });
      mediaIds.set(key, media.id);
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  return mediaIds;
}

/** Ids of rows that already have these slugs (or codes): a store with its own taxonomy keeps it. */
async function existingBySlug(cradle: Cradle, table: 'cw_brand' | 'cw_tag' | 'cw_category' | 'cw_collection', slugs: string[]): Promise<Map<string, string>> {
  const found = await rows<{ id: string; slug: string }>(cradle.em, sql`select id, slug from ${sql.table(table)} where slug = any(${slugs})`);
  return new Map(found.map((r) => [r.slug, r.id]));
}

/** `api.demoSeed('catalog', seedDemoCatalog)`: fills an empty catalog; leaves one with products alone. */
export async function seedDemoCatalog({ cradle, logger }: SeedContext): Promise<void> {
  const started = performance.now();
  const [existing] = await rows<{ found: boolean }>(cradle.em, sql`select exists (select 1 from cw_product) as found`);
  if (existing?.found) {
    logger.info('the catalog already has products: demo catalog not seeded');
    return;
  }
  const { defaultCurrency, currencies, exchangeRates } = cradle.config.catalog;
  const plan = planDemoCatalog({ defaultCurrency, currencies, exchangeRates });

  const attributes = await cradle.attributeService.byCodes(DEMO_ATTRIBUTES.map((a) => a.code));
  for (const attribute of DEMO_ATTRIBUTES) {
    if (!attributes.has(attribute.code)) await cradle.attributeService.create(attribute);
  }

  const brandIds = await existingBySlug(cradle, 'cw_brand', DEMO_BRANDS.map((b) => slugify(b.name)));
  for (const brand of DEMO_BRANDS) {
    const slug = slugify(brand.name);
    if (!brandIds.has(slug)) brandIds.set(slug, (await cradle.brandService.create({ name: brand.name, slug, description: brand.description })).id);
  }
  const tagIds = await existingBySlug(cradle, 'cw_tag', DEMO_TAGS.map((t) => slugify(t)));
  for (const tag of DEMO_TAGS) {
    const slug = slugify(tag);
    if (!tagIds.has(slug)) tagIds.set(slug, (await cradle.tagService.create({ name: tag, slug })).id);
  }
  const categoryIds = await existingBySlug(cradle, 'cw_category', plan.categories.map((c) => c.slug));
  for (const category of plan.categories) {
    if (categoryIds.has(category.slug)) continue;
    const parentId = category.parent ? categoryIds.get(category.parent)! : null;
    const created = await cradle.categoryService.create({ name: category.name, slug: category.slug, description: category.description, parentId });
    categoryIds.set(category.slug, created.id);
  }

  const mediaIds = await uploadPhotos(cradle, plan.photos);
  cradle.em.clear();

  const scope = { kind: 'all' } as const;
  const productIds = new Map<DemoProduct, string>();
  let variantCount = 0;
  for (const product of plan.products) {
    const { body } = product;
    const id = await cradle.productService.create(scope, {
      ...body,
      brandId: brandIds.get(slugify(body.brandId!))!,
      categoryIds: body.categoryIds!.map((slug) => categoryIds.get(slug)!),
      tagIds: body.tagIds!.map((tag) => tagIds.get(slugify(tag))!),
    });
    await cradle.productService.setImages(scope, id, product.photos.map((photo) => ({ mediaId: mediaIds.get(photo.key)!, alt: photo.alt })));
    productIds.set(product, id);
    variantCount += body.variants.length;
    // each write merges its outbox and audit rows into this unit of work: without a clear, every
    // flush would walk an identity map that grows with each product
    cradle.em.clear();
  }
  // popularity is what the store's "popular" sort reads; orders would move it in a live store
  const ids = [...productIds.values()];
  await run(
    cradle.em,
    sql`update cw_product p set popularity = v.popularity from unnest(${ids}::text[], ${plan.products.map((p) => p.popularity)}::int[]) as v(id, popularity) where p.id = v.id`,
  );

  const collections = [
    { slug: 'featured', title: 'Featured', description: 'Hand-picked by the team this season.' },
    { slug: 'new-arrivals', title: 'New arrivals', description: 'Just landed.' },
  ];
  const collectionIds = await existingBySlug(cradle, 'cw_collection', collections.map((c) => c.slug));
  for (const collection of collections) {
    const id = collectionIds.get(collection.slug) ?? (await cradle.collectionService.create(collection)).id;
    await cradle.collectionService.setProducts(id, plan.products.filter((p) => p.collections.includes(collection.slug)).map((p) => productIds.get(p)!));
  }
  logger.info(
    { products: plan.products.length, variants: variantCount, categories: plan.categories.length, photos: mediaIds.size, ms: Math.round(performance.now() - started) },
    'seeded the demo catalog',
  );
}
