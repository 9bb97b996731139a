/**
 * The word lists the demo catalog is drawn from (see demo-catalog.ts). Data only: changing a list
 * changes the demo store, and the demo seed test's expectations with it.
 */

export interface DemoColour {
  name: string;
  /** Two tones for a product photo's backdrop gradient. */
  light: string;
  dark: string;
}

export const DEMO_COLOURS: readonly DemoColour[] = [
  { name: 'Black', light: '#5b5f66', dark: '#16181c' },
  { name: 'White', light: '#fbfaf7', dark: '#d9d6cf' },
  { name: 'Navy', light: '#3d5a8a', dark: '#14213d' },
  { name: 'Grey', light: '#b9bec6', dark: '#6b717a' },
  { name: 'Olive', light: '#9aa35a', dark: '#4d5226' },
  { name: 'Sand', light: '#eadbbd', dark: '#bfa57a' },
  { name: 'Rust', light: '#d9824b', dark: '#8a3b16' },
  { name: 'Sky', light: '#a9d4f5', dark: '#4a8fc7' },
  { name: 'Forest', light: '#5f9e76', dark: '#1f4a30' },
  { name: 'Burgundy', light: '#a34a5d', dark: '#4f1422' },
  { name: 'Mustard', light: '#f2c14e', dark: '#b3861b' },
  { name: 'Blush', light: '#f6c9c4', dark: '#cf8a83' },
];

/** The outline drawn on a product photo. */
export type DemoSilhouette = 'tshirt' | 'dress' | 'trousers' | 'mug' | 'lamp' | 'headphones' | 'sneaker' | 'backpack' | 'bottle' | 'cushion';

/** SVG path data of each silhouette on a 640 × 640 canvas, drawn in white over the gradient. */
export const DEMO_SILHOUETTES: Readonly<Record<DemoSilhouette, string>> = {
  tshirt: 'M232 150 L284 128 Q320 168 356 128 L408 150 L492 226 L446 282 L410 252 L410 500 L230 500 L230 252 L194 282 L148 226 Z',
  dress: 'M272 130 L300 130 Q320 150 340 130 L368 130 L376 220 L352 250 L470 510 L170 510 L288 250 L264 220 Z',
  trousers: 'M226 130 L414 130 L436 512 L350 512 L322 250 L318 250 L290 512 L204 512 Z',
  mug: 'M196 200 L396 200 L386 480 Q380 500 360 500 L232 500 Q212 500 206 480 Z M396 250 Q470 250 468 330 Q466 410 390 410 L392 380 Q436 378 436 330 Q436 282 394 282 Z',
  lamp: 'M246 150 L394 150 L446 300 L194 300 Z M312 300 L328 300 L328 470 L312 470 Z M240 470 L400 470 Q410 500 400 504 L240 504 Q230 500 240 470 Z',
  headphones:
    'M170 380 Q160 170 320 160 Q480 170 470 380 L440 380 Q446 200 320 194 Q194 200 200 380 Z M160 350 L230 350 Q246 350 246 366 L246 470 Q246 486 230 486 L176 486 Q160 486 160 470 Z M410 350 L480 350 L480 470 Q480 486 464 486 L410 486 Q394 486 394 470 L394 366 Q394 350 410 350 Z',
  sneaker: 'M130 420 Q140 300 220 300 L290 300 Q330 360 400 370 Q500 380 520 430 L520 470 L130 470 Z',
  backpack:
    'M230 190 Q230 140 320 140 Q410 140 410 190 L440 210 Q460 230 460 260 L460 490 Q460 510 440 510 L200 510 Q180 510 180 490 L180 260 Q180 230 200 210 Z M270 150 Q320 100 370 150 L355 160 Q320 128 285 160 Z',
  bottle: 'M296 120 L344 120 L344 170 Q400 210 400 270 L400 490 Q400 512 378 512 L262 512 Q240 512 240 490 L240 270 Q240 210 296 170 Z',
  cushion: 'M170 190 Q320 230 470 190 Q430 340 470 490 Q320 450 170 490 Q210 340 170 190 Z',
};

export interface DemoAttributeDefinition {
  code: string;
  name: string;
  type: 'text' | 'number' | 'boolean' | 'enum';
  enumValues?: string[];
  unit?: string;
  filterable: boolean;
}

export const DEMO_MATERIALS = [
  'Cotton',
  'Organic cotton',
  'Merino wool',
  'Linen',
  'Denim',
  'Recycled polyester',
  'Leather',
  'Stoneware',
  'Porcelain',
  'Stainless steel',
  'Glass',
  'Aluminium',
  'Oak',
  'Bamboo',
  'Recycled plastic',
] as const;
export type DemoMaterial = (typeof DEMO_MATERIALS)[number];

export const DEMO_ATTRIBUTES: readonly DemoAttributeDefinition[] = [
  { code: 'material', name: 'Material', type: 'enum', enumValues: [...DEMO_MATERIALS], filterable: true },
  { code: 'colour', name: 'Main colour', type: 'enum', enumValues: DEMO_COLOURS.map((c) => c.name), filterable: true },
  { code: 'capacity_ml', name: 'Capacity', type: 'number', unit: 'ml', filterable: true },
  { code: 'battery_hours', name: 'Battery life', type: 'number', unit: 'h', filterable: true },
  { code: 'organic', name: 'Organic', type: 'boolean', filterable: true },
  { code: 'care', name: 'Care', type: 'text', filterable: false },
];

export const DEMO_BRANDS: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'Northwind', description: 'Everyday basics cut from honest fabrics.' },
  { name: 'Solstice Apparel', description: 'Bright, breezy clothing for long days outside.' },
  { name: 'Fjordline', description: 'Knitwear and outer layers from the cold coast.' },
  { name: 'Acorn Kids', description: 'Hard-wearing clothes for small people who climb things.' },
  { name: 'Kettle & Co', description: 'Kitchenware you will hand down.' },
  { name: 'Driftwood Home', description: 'Calm things for the rooms you live in.' },
  { name: 'Lumen Works', description: 'Lighting designed and assembled in small batches.' },
  { name: 'Halcyon Audio', description: 'Sound that gets out of the way of the music.' },
  { name: 'Voltline', description: 'Chargers, cables and the bits that keep devices going.' },
  { name: 'Peakform', description: 'Running and training gear tested on real trails.' },
  { name: 'Tidewater', description: 'Bottles and packs for getting outside.' },
  { name: 'Ember & Oak', description: 'Slow-made goods in wood, wool and leather.' },
];

export const DEMO_TAGS = [
  'New',
  'Bestseller',
  'Sale',
  'Eco-friendly',
  'Gift idea',
  'Limited edition',
  'Handmade',
  'Vegan',
  'Travel',
  'Summer',
  'Winter',
  'Staff pick',
  'Online exclusive',
  'Back in stock',
  'Made in Europe',
] as const;

/** How a kind of product varies: the options its variants combine. */
export type DemoOptionSet =
  | { kind: 'size-colour'; sizes: readonly string[]; pickSizes: number; pickColours: number }
  | { kind: 'colour'; pickColours: number }
  | { kind: 'capacity-colour'; capacities: readonly number[]; pickColours: number }
  | { kind: 'single' };

const APPAREL_SIZES = ['XS', 'S', 'M', 'L', 'XL', 'XXL'] as const;
const KIDS_SIZES = ['2-3Y', '4-5Y', '6-7Y', '8-9Y', '10-11Y'] as const;
const SHOE_SIZES = ['38', '39', '40', '41', '42', '43', '44', '45', '46'] as const;

/** One leaf category and the products in it. */
export interface DemoProductKind {
  /** Department › section › leaf, by name; slugs come from the names unless `slug` says otherwise. */
  path: readonly [string, string, string];
  slug?: string;
  count: number;
  nouns: readonly string[];
  adjectives: readonly string[];
  /** The range of base prices, in US dollars (converted to the store's currency). */
  priceUsd: readonly [number, number];
  options: DemoOptionSet;
  silhouette: DemoSilhouette;
  materials: readonly DemoMaterial[];
  brands: readonly string[];
  /** Sentences the description is built from. */
  features: readonly string[];
  care?: string;
  capacityMl?: readonly number[];
  batteryHours?: readonly number[];
  /** Tags this kind of product is likely to carry. */
  tags: readonly (typeof DEMO_TAGS)[number][];
}

export const DEMO_DEPARTMENT_DESCRIPTIONS: Readonly<Record<string, string>> = {
  Clothing: 'Everyday clothing for everyone.',
  Home: 'Kitchen, living room and everything between.',
  Electronics: 'Audio, power and the accessories that go with them.',
  'Sports & Outdoors': 'Gear for running, hiking and getting out.',
};

export const DEMO_PRODUCT_KINDS: readonly DemoProductKind[] = [
  {
    path: ['Clothing', 'Men', 'T-shirts'],
    slug: 'mens-t-shirts',
    count: 26,
    nouns: ['Crew Tee', 'Pocket Tee', 'V-neck Tee', 'Heavyweight Tee', 'Henley', 'Raglan Tee'],
    adjectives: ['Classic', 'Everyday', 'Organic', 'Relaxed', 'Slim', 'Vintage', 'Essential', 'Garment-dyed'],
    priceUsd: [18, 42],
    options: { kind: 'size-colour', sizes: APPAREL_SIZES, pickSizes: 4, pickColours: 3 },
    silhouette: 'tshirt',
    materials: ['Cotton', 'Organic cotton', 'Linen', 'Recycled polyester'],
    brands: ['Northwind', 'Solstice Apparel', 'Ember & Oak'],
    features: ['Cut from a soft, mid-weight jersey that keeps its shape.', 'Taped shoulder seams and a ribbed collar.', 'A regular fit that sits just below the belt.', 'Pre-shrunk, so the size you buy is the size you keep.'],
    care: 'Machine wash at 30 °C, inside out.',
    tags: ['Bestseller', 'Eco-friendly', 'Summer', 'Sale'],
  },
  {
    path: ['Clothing', 'Men', 'Hoodies & Sweatshirts'],
    slug: 'mens-hoodies',
    count: 16,
    nouns: ['Hoodie', 'Zip Hoodie', 'Crewneck Sweatshirt', 'Half-zip Pullover'],
    adjectives: ['Loopback', 'Fleece', 'Heavyweight', 'Brushed', 'Washed', 'Trail'],
    priceUsd: [45, 95],
    options: { kind: 'size-colour', sizes: APPAREL_SIZES, pickSizes: 4, pickColours: 3 },
    silhouette: 'tshirt',
    materials: ['Cotton', 'Organic cotton', 'Recycled polyester'],
    brands: ['Northwind', 'Fjordline', 'Peakform'],
    features: ['Brushed inside for warmth without bulk.', 'Ribbed cuffs and hem that hold their stretch.', 'A roomy kangaroo pocket.', 'Double-layer hood with flat drawcords.'],
    care: 'Machine wash at 30 °C; do not tumble dry.',
    tags: ['Winter', 'Bestseller', 'Eco-friendly'],
  },
  {
    path: ['Clothing', 'Men', 'Trousers & Jeans'],
    slug: 'mens-trousers',
    count: 14,
    nouns: ['Slim Jeans', 'Straight Jeans', 'Chinos', 'Cargo Trousers', 'Carpenter Pants'],
    adjectives: ['Rigid', 'Stretch', 'Selvedge', 'Washed', 'Utility', 'Tapered'],
    priceUsd: [55, 140],
    options: { kind: 'size-colour', sizes: ['28', '30', '32', '34', '36', '38'], pickSizes: 5, pickColours: 2 },
    silhouette: 'trousers',
    materials: ['Denim', 'Cotton', 'Organic cotton'],
    brands: ['Northwind', 'Ember & Oak'],
    features: ['Reinforced pockets and bar-tacked stress points.', 'A mid rise that sits at the waist.', 'YKK zip and a copper shank button.', 'Cut long so you can hem or cuff them.'],
    care: 'Wash rarely, cold, inside out.',
    tags: ['Made in Europe', 'Bestseller', 'Staff pick'],
  },
  {
    path: ['Clothing', 'Women', 'Dresses'],
    slug: 'womens-dresses',
    count: 20,
    nouns: ['Midi Dress', 'Wrap Dress', 'Shirt Dress', 'Slip Dress', 'Maxi Dress', 'Sundress'],
    adjectives: ['Linen', 'Floral', 'Tiered', 'Belted', 'Pleated', 'Summer', 'Smocked'],
    priceUsd: [49, 160],
    options: { kind: 'size-colour', sizes: APPAREL_SIZES, pickSizes: 4, pickColours: 2 },
    silhouette: 'dress',
    materials: ['Linen', 'Cotton', 'Organic cotton', 'Recycled polyester'],
    brands: ['Solstice Apparel', 'Northwind'],
    features: ['Lined to the hip, light below.', 'Side-seam pockets deep enough for a phone.', 'An adjustable tie waist.', 'Falls to mid-calf on most heights.'],
    care: 'Hand wash or machine wash cold; line dry.',
    tags: ['Summer', 'New', 'Limited edition', 'Gift idea'],
  },
  {
    path: ['Clothing', 'Women', 'Tops & T-shirts'],
    slug: 'womens-tops',
    count: 22,
    nouns: ['Boxy Tee', 'Rib Tank', 'Linen Shirt', 'Cropped Tee', 'Long-sleeve Top', 'Blouse'],
    adjectives: ['Essential', 'Organic', 'Relaxed', 'Fitted', 'Breezy', 'Everyday'],
    priceUsd: [16, 65],
    options: { kind: 'size-colour', sizes: APPAREL_SIZES, pickSizes: 4, pickColours: 3 },
    silhouette: 'tshirt',
    materials: ['Cotton', 'Organic cotton', 'Linen'],
    brands: ['Solstice Apparel', 'Northwind', 'Fjordline'],
    features: ['A soft hand and a clean drape.', 'Double-stitched hems.', 'Cut slightly boxy to tuck or wear loose.', 'Dyed with low-impact dyes.'],
    care: 'Machine wash at 30 °C.',
    tags: ['Bestseller', 'Eco-friendly', 'Summer', 'Sale'],
  },
  {
    path: ['Clothing', 'Women', 'Knitwear'],
    slug: 'womens-knitwear',
    count: 14,
    nouns: ['Cardigan', 'Crewneck Jumper', 'Roll-neck Sweater', 'Knit Vest'],
    adjectives: ['Merino', 'Chunky', 'Cable-knit', 'Fisherman', 'Fine-gauge', 'Ribbed'],
    priceUsd: [69, 180],
    options: { kind: 'size-colour', sizes: APPAREL_SIZES, pickSizes: 4, pickColours: 3 },
    silhouette: 'tshirt',
    materials: ['Merino wool', 'Cotton'],
    brands: ['Fjordline', 'Ember & Oak'],
    features: ['Knitted from responsibly farmed wool.', 'Warm without itch.', 'Fully fashioned shoulders for a neat fit.', 'Pills less the more it is worn.'],
    care: 'Hand wash cold; dry flat.',
    tags: ['Winter', 'Made in Europe', 'Handmade', 'Gift idea'],
  },
  {
    path: ['Clothing', 'Kids', 'Kids’ Clothing'],
    slug: 'kids-clothing',
    count: 18,
    nouns: ['Dungarees', 'Play Tee', 'Hoodie', 'Leggings', 'Rain Jacket', 'Sweatshirt'],
    adjectives: ['Rough-and-tumble', 'Organic', 'Striped', 'Puddle-proof', 'Cosy', 'Bright'],
    priceUsd: [14, 55],
    options: { kind: 'size-colour', sizes: KIDS_SIZES, pickSizes: 4, pickColours: 2 },
    silhouette: 'tshirt',
    materials: ['Organic cotton', 'Cotton', 'Recycled polyester'],
    brands: ['Acorn Kids'],
    features: ['Reinforced knees for crawling and climbing.', 'Nickel-free poppers.', 'Room to grow into.', 'Soft seams that do not scratch.'],
    care: 'Machine wash at 40 °C.',
    tags: ['Eco-friendly', 'Gift idea', 'Bestseller', 'Back in stock'],
  },
  {
    path: ['Home', 'Kitchen', 'Mugs & Cups'],
    slug: 'mugs-and-cups',
    count: 20,
    nouns: ['Mug', 'Espresso Cup', 'Latte Bowl', 'Camp Mug', 'Travel Cup'],
    adjectives: ['Speckled', 'Glazed', 'Stacking', 'Hand-thrown', 'Diner', 'Tall'],
    priceUsd: [12, 38],
    options: { kind: 'capacity-colour', capacities: [250, 350, 450], pickColours: 2 },
    silhouette: 'mug',
    materials: ['Stoneware', 'Porcelain', 'Glass', 'Stainless steel'],
    brands: ['Kettle & Co', 'Driftwood Home', 'Ember & Oak'],
    features: ['Dishwasher and microwave safe.', 'A thick wall keeps coffee hot.', 'A handle that fits four fingers.', 'Each glaze varies a little from piece to piece.'],
    care: 'Dishwasher safe.',
    capacityMl: [250, 350, 450],
    tags: ['Gift idea', 'Handmade', 'Bestseller', 'Staff pick'],
  },
  {
    path: ['Home', 'Kitchen', 'Bottles & Flasks'],
    slug: 'kitchen-flasks',
    count: 10,
    nouns: ['Vacuum Flask', 'Carafe', 'Cold Brew Bottle', 'Oil Cruet'],
    adjectives: ['Insulated', 'Borosilicate', 'Brushed', 'Matte'],
    priceUsd: [18, 49],
    options: { kind: 'colour', pickColours: 3 },
    silhouette: 'bottle',
    materials: ['Stainless steel', 'Glass'],
    brands: ['Kettle & Co', 'Tidewater'],
    features: ['Keeps drinks cold for 24 hours and hot for 12.', 'A leak-proof lid.', 'Fits most cup holders.', 'No metallic taste.'],
    care: 'Hand wash.',
    capacityMl: [500, 750, 1000],
    tags: ['Eco-friendly', 'Travel', 'Gift idea'],
  },
  {
    path: ['Home', 'Living Room', 'Lamps & Lighting'],
    slug: 'lamps',
    count: 16,
    nouns: ['Table Lamp', 'Floor Lamp', 'Desk Lamp', 'Pendant', 'Wall Light'],
    adjectives: ['Arc', 'Dome', 'Mushroom', 'Adjustable', 'Opal', 'Pleated'],
    priceUsd: [39, 240],
    options: { kind: 'colour', pickColours: 3 },
    silhouette: 'lamp',
    materials: ['Aluminium', 'Glass', 'Oak', 'Bamboo'],
    brands: ['Lumen Works', 'Driftwood Home'],
    features: ['Takes an E27 bulb up to 60 W (LED recommended).', 'A braided fabric cable, 2 m long.', 'Dimmable with a compatible switch.', 'Weighted base that does not tip.'],
    care: 'Dust with a dry cloth.',
    tags: ['Staff pick', 'New', 'Limited edition', 'Made in Europe'],
  },
  {
    path: ['Home', 'Living Room', 'Cushions & Throws'],
    slug: 'cushions-and-throws',
    count: 14,
    nouns: ['Cushion Cover', 'Throw', 'Floor Cushion', 'Bolster'],
    adjectives: ['Waffle', 'Boucle', 'Linen', 'Herringbone', 'Chunky-knit'],
    priceUsd: [24, 110],
    options: { kind: 'colour', pickColours: 4 },
    silhouette: 'cushion',
    materials: ['Linen', 'Cotton', 'Merino wool'],
    brands: ['Driftwood Home', 'Fjordline'],
    features: ['A hidden zip.', 'Woven on traditional looms.', 'Softens with every wash.', 'Pairs with the rest of the range.'],
    care: 'Machine wash at 30 °C.',
    tags: ['Winter', 'Gift idea', 'Handmade', 'Sale'],
  },
  {
    path: ['Home', 'Bath', 'Towels & Bath Mats'],
    slug: 'towels',
    count: 12,
    nouns: ['Bath Towel', 'Hand Towel', 'Bath Sheet', 'Bath Mat', 'Hammam Towel'],
    adjectives: ['Organic', 'Waffle', 'Plush', 'Quick-dry', 'Striped'],
    priceUsd: [15, 65],
    options: { kind: 'colour', pickColours: 4 },
    silhouette: 'cushion',
    materials: ['Organic cotton', 'Cotton', 'Linen'],
    brands: ['Driftwood Home'],
    features: ['Heavy 600 gsm pile.', 'Dries fast between uses.', 'Hanging loop on every towel.', 'Gets softer wash after wash.'],
    care: 'Machine wash at 60 °C.',
    tags: ['Eco-friendly', 'Bestseller', 'Back in stock'],
  },
  {
    path: ['Electronics', 'Audio', 'Headphones'],
    slug: 'headphones',
    count: 16,
    nouns: ['Wireless Headphones', 'Earbuds', 'Studio Headphones', 'Sport Earbuds'],
    adjectives: ['Noise-cancelling', 'Open-back', 'Compact', 'Over-ear', 'Wireless', 'Pro'],
    priceUsd: [49, 349],
    options: { kind: 'colour', pickColours: 3 },
    silhouette: 'headphones',
    materials: ['Aluminium', 'Recycled plastic', 'Leather'],
    brands: ['Halcyon Audio'],
    features: ['Active noise cancellation with a transparency mode.', 'Bluetooth 5.3 with multipoint pairing.', 'Fast charging: 10 minutes for 5 hours.', 'Folds flat into the included case.'],
    batteryHours: [20, 30, 40, 60],
    tags: ['Bestseller', 'Travel', 'Gift idea', 'Online exclusive'],
  },
  {
    path: ['Electronics', 'Audio', 'Speakers'],
    slug: 'speakers',
    count: 12,
    nouns: ['Bluetooth Speaker', 'Bookshelf Speakers', 'Smart Speaker', 'Party Speaker'],
    adjectives: ['Portable', 'Waterproof', 'Compact', 'Room-filling', 'Mini'],
    priceUsd: [39, 299],
    options: { kind: 'colour', pickColours: 3 },
    silhouette: 'bottle',
    materials: ['Aluminium', 'Recycled plastic', 'Oak'],
    brands: ['Halcyon Audio', 'Voltline'],
    features: ['IP67 waterproof and dustproof.', 'Pairs with a second speaker for stereo.', '360° sound.', 'USB-C charging.'],
    batteryHours: [10, 12, 18, 24],
    tags: ['Summer', 'Travel', 'New', 'Sale'],
  },
  {
    path: ['Electronics', 'Accessories', 'Chargers & Cables'],
    slug: 'chargers-and-cables',
    count: 18,
    nouns: ['USB-C Charger', 'Braided Cable', 'Power Bank', 'Wireless Charging Pad', 'Travel Adapter'],
    adjectives: ['65 W', '30 W', 'Compact', 'Fast', 'Dual-port', 'Slim'],
    priceUsd: [12, 89],
    options: { kind: 'colour', pickColours: 2 },
    silhouette: 'bottle',
    materials: ['Aluminium', 'Recycled plastic'],
    brands: ['Voltline'],
    features: ['GaN inside: a third smaller than older chargers.', 'Over-current and over-heat protection.', 'Works with laptops, tablets and phones.', 'Two-year warranty.'],
    tags: ['Travel', 'Bestseller', 'Online exclusive', 'Back in stock'],
  },
  {
    path: ['Electronics', 'Accessories', 'Bags & Cases'],
    slug: 'tech-bags',
    count: 12,
    nouns: ['Laptop Sleeve', 'Tech Pouch', 'Camera Bag', 'Cable Organiser'],
    adjectives: ['Padded', 'Water-resistant', 'Slim', 'Modular'],
    priceUsd: [19, 99],
    options: { kind: 'colour', pickColours: 3 },
    silhouette: 'backpack',
    materials: ['Recycled polyester', 'Leather'],
    brands: ['Voltline', 'Tidewater', 'Ember & Oak'],
    features: ['Padded walls and a soft lining.', 'Water-resistant zips.', 'Fits 13" and 14" laptops.', 'Elastic loops for cables and chargers.'],
    tags: ['Travel', 'Gift idea', 'Vegan'],
  },
  {
    path: ['Sports & Outdoors', 'Running', 'Running Shoes'],
    slug: 'running-shoes',
    count: 16,
    nouns: ['Road Runner', 'Trail Shoe', 'Racer', 'Daily Trainer'],
    adjectives: ['Cushioned', 'Lightweight', 'Grippy', 'Carbon', 'Stable', 'Responsive'],
    priceUsd: [79, 220],
    options: { kind: 'size-colour', sizes: SHOE_SIZES, pickSizes: 5, pickColours: 2 },
    silhouette: 'sneaker',
    materials: ['Recycled polyester', 'Leather'],
    brands: ['Peakform'],
    features: ['A foam midsole that springs back mile after mile.', 'An 8 mm drop.', 'A breathable engineered-mesh upper.', 'Rubber outsole with multi-directional lugs.'],
    tags: ['Bestseller', 'New', 'Vegan', 'Sale'],
  },
  {
    path: ['Sports & Outdoors', 'Running', 'Running Apparel'],
    slug: 'running-apparel',
    count: 14,
    nouns: ['Running Tee', 'Running Shorts', 'Running Tights', 'Wind Jacket', 'Running Vest'],
    adjectives: ['Featherweight', 'Reflective', 'Seamless', 'Quick-dry', 'Thermal'],
    priceUsd: [25, 120],
    options: { kind: 'size-colour', sizes: APPAREL_SIZES, pickSizes: 4, pickColours: 2 },
    silhouette: 'tshirt',
    materials: ['Recycled polyester', 'Merino wool'],
    brands: ['Peakform', 'Solstice Apparel'],
    features: ['Wicks sweat and dries fast.', 'Reflective details for early starts.', 'A zipped pocket for keys.', 'Flatlock seams that do not chafe.'],
    care: 'Machine wash cold; no fabric softener.',
    tags: ['Summer', 'Eco-friendly', 'New'],
  },
  {
    path: ['Sports & Outdoors', 'Camping & Hiking', 'Backpacks'],
    slug: 'backpacks',
    count: 14,
    nouns: ['Daypack', 'Hiking Pack', 'Rolltop Backpack', 'Travel Pack'],
    adjectives: ['20 L', '28 L', '35 L', 'Ultralight', 'Weatherproof', 'Everyday'],
    priceUsd: [45, 199],
    options: { kind: 'colour', pickColours: 3 },
    silhouette: 'backpack',
    materials: ['Recycled polyester', 'Leather'],
    brands: ['Tidewater', 'Peakform'],
    features: ['A padded laptop sleeve.', 'Ventilated back panel.', 'Hip belt with stash pockets.', 'Made from recycled bottles.'],
    tags: ['Travel', 'Eco-friendly', 'Bestseller', 'Staff pick'],
  },
  {
    path: ['Sports & Outdoors', 'Camping & Hiking', 'Water Bottles'],
    slug: 'water-bottles',
    count: 16,
    nouns: ['Water Bottle', 'Sports Bottle', 'Insulated Bottle', 'Filter Bottle'],
    adjectives: ['Insulated', 'Collapsible', 'Wide-mouth', 'Leakproof', 'Trail'],
    priceUsd: [14, 45],
    options: { kind: 'capacity-colour', capacities: [500, 750, 1000], pickColours: 2 },
    silhouette: 'bottle',
    materials: ['Stainless steel', 'Recycled plastic', 'Glass'],
    brands: ['Tidewater', 'Kettle & Co'],
    features: ['BPA-free and dishwasher safe.', 'Keeps water cold all day.', 'A carry loop that clips to a pack.', 'Wide enough for ice cubes.'],
    care: 'Hand wash the lid; the bottle is dishwasher safe.',
    capacityMl: [500, 750, 1000],
    tags: ['Eco-friendly', 'Travel', 'Summer', 'Gift idea'],
  },
];
