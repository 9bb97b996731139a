import type { SearchAttribute, SearchDocument } from '../modules/search/search-provider.ts';

/**
 * The search conformance kit's catalog: a small home-and-kitchen shop with a three-level category
 * tree, brands, tags, attributes, prices in EUR, USD and JPY (some missing), stock, ratings and
 * popularity. Ids sort in the order they are listed, so expected lists read top to bottom.
 */
export const CATEGORIES = {
  home: { id: 'cat_home', name: 'Home', path: [] },
  lighting: { id: 'cat_lighting', name: 'Lighting', path: ['cat_home'] },
  deskLamps: { id: 'cat_desk_lamps', name: 'Desk lamps', path: ['cat_home', 'cat_lighting'] },
  floorLamps: { id: 'cat_floor_lamps', name: 'Floor lamps', path: ['cat_home', 'cat_lighting'] },
  furniture: { id: 'cat_furniture', name: 'Furniture', path: ['cat_home'] },
  desks: { id: 'cat_desks', name: 'Desks', path: ['cat_home', 'cat_furniture'] },
  chairs: { id: 'cat_chairs', name: 'Chairs', path: ['cat_home', 'cat_furniture'] },
  textiles: { id: 'cat_textiles', name: 'Textiles', path: ['cat_home'] },
  kitchen: { id: 'cat_kitchen', name: 'Kitchen', path: [] },
  cookware: { id: 'cat_cookware', name: 'Cookware', path: ['cat_kitchen'] },
  pans: { id: 'cat_pans', name: 'Pans', path: ['cat_kitchen', 'cat_cookware'] },
  utensils: { id: 'cat_utensils', name: 'Utensils', path: ['cat_kitchen', 'cat_cookware'] },
  pantry: { id: 'cat_pantry', name: 'Pantry', path: ['cat_kitchen'] },
  desserts: { id: 'cat_desserts', name: 'Desserts', path: ['cat_kitchen', 'cat_pantry'] },
  garden: { id: 'cat_garden', name: 'Garden', path: [] },
  kestrel: { id: 'cat_kestrel', name: 'Kestrel', path: ['cat_garden'] },
} satisfies Record<string, { id: string; name: string; path: string[] }>;

export const BRANDS = {
  lumen: { id: 'brand_lumen', name: 'Lumen' },
  nordlys: { id: 'brand_nordlys', name: 'Nordlys' },
  oakline: { id: 'brand_oakline', name: 'Oakline' },
  ferro: { id: 'brand_ferro', name: 'Ferro' },
  maison: { id: 'brand_maison', name: 'Maison Dupont' },
  kestrel: { id: 'brand_kestrel', name: 'Kestrel' },
} satisfies Record<string, { id: string; name: string }>;

export const TAGS = {
  fresh: { id: 'tag_new', name: 'New in' },
  sale: { id: 'tag_sale', name: 'Sale' },
  eco: { id: 'tag_eco', name: 'Eco' },
  kestrel: { id: 'tag_kestrel', name: 'Kestrel' },
} satisfies Record<string, { id: string; name: string }>;

const color = (value: string): SearchAttribute => ({ code: 'color', name: 'Colour', type: 'enum', filterable: true, value });
const watts = (value: number): SearchAttribute => ({ code: 'wattage', name: 'Power', type: 'number', filterable: true, value, unit: 'W' });
const dimmable = (value: boolean): SearchAttribute => ({ code: 'dimmable', name: 'Dimmable', type: 'boolean', filterable: true, value });
const diameter = (value: number): SearchAttribute => ({ code: 'diameter', name: 'Diameter', type: 'number', filterable: true, value, unit: 'cm' });
/** Searchable but not filterable: never in a facet. */
const finish = (value: string): SearchAttribute => ({ code: 'finish', name: 'Finish', type: 'text', filterable: false, value });
/** Searchable but not filterable, like `finish`. */
const pattern = (value: string): SearchAttribute => ({ code: 'pattern', name: 'Pattern', type: 'text', filterable: false, value });

type Prices = SearchDocument['prices'];
const price = (eur: number | null, usd: number | null, jpy: number | null): Prices => {
  const prices: Prices = {};
  if (eur !== null) prices.EUR = { min: eur, max: eur };
  if (usd !== null) prices.USD = { min: usd, max: usd };
  if (jpy !== null) prices.JPY = { min: jpy, max: jpy };
  return prices;
};

interface Spec {
  n: number;
  title: string;
  description: string;
  brand?: { id: string; name: string };
  categories: Array<{ id: string; name: string; path: string[] }>;
  tags?: Array<{ id: string; name: string }>;
  attributes?: SearchAttribute[];
  skus?: string[];
  prices: Prices;
  inStock: boolean;
  featured?: boolean;
  popularity: number;
  rating?: [number, number];
  createdAt: string;
}

const doc = (s: Spec): SearchDocument => {
  const id = `prod_${String(s.n).padStart(2, '0')}`;
  return {
    id,
    slug: s.title.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, ''),
    title: s.title,
    description: s.description,
    brand: s.brand ?? null,
    categories: s.categories,
    tags: s.tags ?? [],
    attributes: s.attributes ?? [],
    skus: s.skus ?? [`SKU-${String(s.n).padStart(2, '0')}`],
    prices: s.prices,
    inStock: s.inStock,
    featured: s.featured ?? false,
    popularity: s.popularity,
    rating: s.rating?.[0] ?? null,
    ratingCount: s.rating?.[1] ?? 0,
    createdAt: s.createdAt,
  };
};

const C = CATEGORIES;
const B = BRANDS;
const T = TAGS;

/** What the garden products share: their boosts are equal, so only the text (or the one field a pair differs in) orders them. */
const kneeler = { description: 'A padded kneeler for weeding.', categories: [C.garden], prices: price(5500, 5900, 8900), inStock: true, popularity: 20 };

/** Forty products. Comments say what each one is there to test. */
export const SEARCH_FIXTURES: readonly SearchDocument[] = [
  doc({ n: 1, title: 'Arc Desk Lamp', description: 'An adjustable arm with a warm LED head for reading and late work.', brand: B.lumen, categories: [C.deskLamps], tags: [T.fresh], attributes: [color('black'), watts(8), dimmable(true)], skus: ['LUM-ARC-01'], prices: price(4900, 5400, 7900), inStock: true, popularity: 120, rating: [4.6, 12], createdAt: '2024-03-01T10:00:00.000Z' }),
  doc({ n: 2, title: 'Brass Desk Lamp', description: 'Hand-finished brass shade on a weighted base.', brand: B.nordlys, categories: [C.deskLamps], tags: [T.sale], attributes: [color('brass'), watts(6), dimmable(false), finish('polished')], skus: ['NOR-BRASS-02'], prices: price(8900, 9900, null), inStock: false, popularity: 40, rating: [4.1, 5], createdAt: '2024-01-15T10:00:00.000Z' }),
  doc({ n: 3, title: 'Tripod Floor Lamp', description: 'Three oak legs and a linen shade light up a whole living room corner.', brand: B.lumen, categories: [C.floorLamps], tags: [T.fresh], attributes: [color('black'), watts(12), dimmable(true)], skus: ['LUM-TRI-03'], prices: price(12900, 13900, 19900), inStock: true, featured: true, popularity: 300, rating: [4.8, 40], createdAt: '2024-04-10T10:00:00.000Z' }),
  doc({ n: 4, title: 'Paper Floor Lamp', description: 'Rice paper around a bamboo frame gives a soft glow.', categories: [C.floorLamps], tags: [T.eco], attributes: [color('white'), watts(10), dimmable(false)], prices: price(3900, 4200, 5900), inStock: true, popularity: 80, rating: [3.9, 8], createdAt: '2023-11-20T10:00:00.000Z' }),
  // a lamp in title, "desk" only in its description: `lamp desk` finds it, the phrase `"desk lamp"` does not
  doc({ n: 5, title: 'Clip-on Lamp', description: 'Clips onto a desk or shelf edge and runs on USB power.', categories: [C.lighting], tags: [T.sale], attributes: [color('white'), watts(4)], prices: price(1900, 2100, 2900), inStock: true, popularity: 60, createdAt: '2023-09-05T10:00:00.000Z' }),
  doc({ n: 6, title: 'Oak Writing Desk', description: 'A solid oak desk with two drawers and cable management.', brand: B.oakline, categories: [C.desks], tags: [T.eco], attributes: [color('oak'), finish('oiled')], skus: ['OAK-DESK-06'], prices: price(34900, 37900, 54900), inStock: true, featured: true, popularity: 150, rating: [4.5, 20], createdAt: '2024-02-12T10:00:00.000Z' }),
  doc({ n: 7, title: 'Standing Desk Frame', description: 'Electric height adjustment from 62 to 127 centimetres.', brand: B.oakline, categories: [C.desks], tags: [T.fresh], attributes: [color('black')], prices: price(44900, 47900, null), inStock: false, popularity: 90, rating: [4.0, 3], createdAt: '2024-05-01T10:00:00.000Z' }),
  doc({ n: 8, title: 'Compact Desk', description: 'Fits a small flat: white lacquered birch.', categories: [C.desks], tags: [T.sale], attributes: [color('white')], prices: price(12900, 13900, 19900), inStock: true, popularity: 30, createdAt: '2023-06-18T10:00:00.000Z' }),
  // twins but for colour and stock: equal text matches, so the in-stock one ranks first
  doc({ n: 9, title: 'Linen Cushion Cover Grey', description: 'Washed linen with a hidden zip.', categories: [C.textiles], prices: price(2500, 2900, 3900), inStock: false, popularity: 25, createdAt: '2023-03-03T10:00:00.000Z' }),
  doc({ n: 10, title: 'Linen Cushion Cover Sand', description: 'Washed linen with a hidden zip.', categories: [C.textiles], prices: price(2500, 2900, 3900), inStock: true, popularity: 25, createdAt: '2023-03-04T10:00:00.000Z' }),
  doc({ n: 11, title: 'Ergonomic Office Chair', description: 'Mesh back, adjustable lumbar support and armrests.', brand: B.ferro, categories: [C.chairs], tags: [T.fresh], attributes: [color('black')], prices: price(29900, 32900, 45900), inStock: true, popularity: 200, rating: [4.3, 30], createdAt: '2024-03-20T10:00:00.000Z' }),
  doc({ n: 12, title: 'Bentwood Café Chair', description: 'Steam-bent beech in the Viennese café style.', brand: B.maison, categories: [C.chairs], attributes: [color('oak')], prices: price(14900, 16900, 21900), inStock: true, popularity: 70, rating: [4.7, 9], createdAt: '2023-12-01T10:00:00.000Z' }),
  doc({ n: 13, title: 'Cast Iron Skillet', description: 'Pre-seasoned cast iron for searing, baking and campfire cooking.', brand: B.ferro, categories: [C.pans], tags: [T.eco], attributes: [color('black'), diameter(26)], skus: ['FER-SK-26'], prices: price(3900, 4500, 5500), inStock: true, featured: true, popularity: 400, rating: [4.9, 120], createdAt: '2023-10-10T10:00:00.000Z' }),
  doc({ n: 14, title: 'Carbon Steel Crêpe Pan', description: 'Thin, light and quick to heat: made for crêpes and galettes.', brand: B.maison, categories: [C.pans], attributes: [diameter(24)], prices: price(4500, 4900, 6500), inStock: true, popularity: 110, rating: [4.4, 14], createdAt: '2024-01-30T10:00:00.000Z' }),
  doc({ n: 15, title: 'Stainless Sauté Pan', description: 'Tri-ply stainless steel with a glass lid.', brand: B.ferro, categories: [C.pans], tags: [T.sale], attributes: [diameter(28)], prices: price(6900, 7900, null), inStock: false, popularity: 50, rating: [3.5, 6], createdAt: '2023-08-14T10:00:00.000Z' }),
  // accents both ways: the title has them, `creme brulee` must find it
  doc({ n: 16, title: 'Crème brûlée Set', description: 'Four ramekins and a kitchen torch for a caramelised top.', brand: B.maison, categories: [C.desserts], tags: [T.fresh], prices: price(2900, 3200, 4500), inStock: true, popularity: 95, rating: [4.2, 11], createdAt: '2024-02-28T10:00:00.000Z' }),
  // and the other way: the title has none, `crème` must find it
  doc({ n: 17, title: 'Creme Caramel Mix', description: 'Just add milk for a smooth caramel custard in ten minutes.', categories: [C.desserts], tags: [T.sale], prices: price(490, 550, 700), inStock: true, popularity: 20, rating: [3.2, 4], createdAt: '2023-07-07T10:00:00.000Z' }),
  doc({ n: 18, title: 'Vanilla Pods Madagascar', description: 'Three plump bourbon vanilla pods for custards and ice cream.', categories: [C.pantry], tags: [T.eco], prices: price(1290, 1390, 1900), inStock: true, popularity: 35, rating: [4.6, 7], createdAt: '2023-05-22T10:00:00.000Z' }),
  doc({ n: 19, title: 'Opal Pendant Light', description: 'An opal glass globe on a fabric cord.', brand: B.nordlys, categories: [C.lighting], tags: [T.fresh], attributes: [color('white'), watts(9)], prices: price(7900, 8900, 12900), inStock: true, popularity: 55, createdAt: '2024-04-22T10:00:00.000Z' }),
  // "lamp" only in its description
  doc({ n: 20, title: 'LED Bulb E27', description: 'A warm white bulb for any lamp in the house.', brand: B.lumen, categories: [C.lighting], tags: [T.eco], attributes: [watts(7), dimmable(true)], prices: price(490, 590, 800), inStock: true, popularity: 250, rating: [4.0, 50], createdAt: '2023-04-01T10:00:00.000Z' }),
  // "walnut" in the description here and in the title of the next one, everything else equal: the title match ranks first
  doc({ n: 21, title: 'Olive Wood Spoon Set', description: 'Carved spoons that pair well with walnut boards.', categories: [C.utensils], prices: price(1900, 2200, 2900), inStock: true, popularity: 10, createdAt: '2023-02-10T10:00:00.000Z' }),
  doc({ n: 22, title: 'Walnut Serving Board', description: 'Carved from one piece and finished with oil.', categories: [C.utensils], prices: price(1900, 2200, 2900), inStock: true, popularity: 10, createdAt: '2023-02-11T10:00:00.000Z' }),
  doc({ n: 23, title: 'Linen Table Runner', description: 'Stonewashed linen, 40 by 180 centimetres.', categories: [C.textiles], tags: [T.eco], attributes: [color('white')], prices: price(2400, 2700, 3500), inStock: true, popularity: 15, rating: [4.4, 6], createdAt: '2023-01-09T10:00:00.000Z' }),
  doc({ n: 24, title: 'Wool Throw Blanket', description: 'Merino wool in a herringbone weave.', brand: B.nordlys, categories: [C.textiles], tags: [T.fresh], attributes: [color('red')], prices: price(8900, 9900, 13900), inStock: true, popularity: 65, rating: [2.8, 5], createdAt: '2024-05-15T10:00:00.000Z' }),
  doc({ n: 25, title: 'Espresso Cup Set', description: 'Four porcelain cups with saucers.', brand: B.maison, categories: [C.kitchen], attributes: [color('white')], prices: price(3400, 3800, 4900), inStock: true, popularity: 45, rating: [1.5, 2], createdAt: '2023-09-30T10:00:00.000Z' }),
  doc({ n: 26, title: 'Desk Organiser Tray', description: 'Bamboo tray with five compartments for pens and cables.', brand: B.oakline, categories: [C.furniture], tags: [T.eco], prices: price(1500, 1700, 2300), inStock: true, popularity: 40, createdAt: '2023-10-25T10:00:00.000Z' }),
  // sold in no currency yet: price filters and bands leave it out
  doc({ n: 27, title: 'Rattan Lounge Chair', description: 'Hand-woven rattan on a powder-coated frame.', categories: [C.chairs], prices: {}, inStock: false, popularity: 0, createdAt: '2024-06-01T10:00:00.000Z' }),
  // in two categories of different branches
  doc({ n: 28, title: 'Kitchen Bench Seat', description: 'A pine bench for the breakfast table.', brand: B.oakline, categories: [C.chairs, C.kitchen], prices: price(19900, 21900, 29900), inStock: true, popularity: 35, rating: [3.8, 4], createdAt: '2023-11-02T10:00:00.000Z' }),
  doc({ n: 29, title: 'Enamel Milk Pan', description: 'A small pan for warming milk and sauces.', brand: B.ferro, categories: [C.pans], attributes: [color('red'), diameter(14)], prices: price(2900, 3300, 4200), inStock: true, popularity: 60, rating: [4.1, 9], createdAt: '2024-01-05T10:00:00.000Z' }),
  doc({ n: 30, title: 'Beeswax Candle Pair', description: 'Two hand-dipped candles that burn for ten hours.', categories: [C.home], tags: [T.eco], prices: price(1200, 1300, 1800), inStock: true, popularity: 5, rating: [5, 1], createdAt: '2022-12-12T10:00:00.000Z' }),
  // the field weights: six kneelers alike but for where the one word "kestrel" sits, in the description, an
  // attribute, a tag, a category, the brand and the title. Their ids run against the expected order.
  doc({ n: 31, title: 'Garden Kneeler', ...kneeler, description: 'A padded kneeler for weeding, printed with a kestrel.', createdAt: '2022-06-01T10:00:00.000Z' }),
  doc({ n: 32, title: 'Garden Kneeler', ...kneeler, attributes: [pattern('kestrel')], createdAt: '2022-06-02T10:00:00.000Z' }),
  doc({ n: 33, title: 'Garden Kneeler', ...kneeler, tags: [T.kestrel], createdAt: '2022-06-03T10:00:00.000Z' }),
  doc({ n: 34, title: 'Garden Kneeler', ...kneeler, categories: [C.kestrel], createdAt: '2022-06-04T10:00:00.000Z' }),
  doc({ n: 35, title: 'Garden Kneeler', ...kneeler, brand: B.kestrel, createdAt: '2022-06-05T10:00:00.000Z' }),
  doc({ n: 36, title: 'Kestrel Garden Kneeler', ...kneeler, createdAt: '2022-06-06T10:00:00.000Z' }),
  // twins but for `featured`, then twins but for popularity: the boost puts the second of each pair first
  doc({ n: 37, title: 'Galvanised Watering Can', description: 'Ten litres with a long spout.', categories: [C.garden], prices: price(5500, 5900, 8900), inStock: true, popularity: 20, createdAt: '2022-06-07T10:00:00.000Z' }),
  doc({ n: 38, title: 'Galvanised Watering Can', description: 'Ten litres with a long spout.', categories: [C.garden], prices: price(5500, 5900, 8900), inStock: true, featured: true, popularity: 20, createdAt: '2022-06-08T10:00:00.000Z' }),
  doc({ n: 39, title: 'Willow Log Basket', description: 'Woven willow with two rope handles.', categories: [C.garden], prices: price(5500, 5900, 8900), inStock: true, popularity: 5, createdAt: '2022-06-09T10:00:00.000Z' }),
  doc({ n: 40, title: 'Willow Log Basket', description: 'Woven willow with two rope handles.', categories: [C.garden], prices: price(5500, 5900, 8900), inStock: true, popularity: 300, createdAt: '2022-06-10T10:00:00.000Z' }),
];
