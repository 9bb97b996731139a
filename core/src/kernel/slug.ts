/** Longest slug any module stores (the column width of every `slug` column). */
export const MAX_SLUG_LENGTH = 200;

/** What a hand-written slug must look like: lower-case ASCII words joined by single hyphens. */
export const SLUG_PATTERN = '^[a-z0-9]+(?:-[a-z0-9]+)*$';

const SLUG_REGEXP = new RegExp(SLUG_PATTERN);

export function isSlug(value: string): boolean {
  return value.length <= MAX_SLUG_LENGTH && SLUG_REGEXP.test(value);
}

/**
 * A URL slug from a title: accents folded (`Crème brûlée` → `creme-brulee`), anything else that is
 * not a letter or digit becomes a hyphen. Titles with nothing left (`€€€`, Chinese) fall back to
 * `fallback`, because an empty slug cannot be a URL.
 */
export function slugify(title: string, fallback = 'item'): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/æ/gi, 'ae')
    .replace(/ø/gi, 'o')
    .replace(/&/g, ' and ')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH - 12)
    .replace(/-+$/g, '');
  return slug || fallback;
}

/**
 * The first of `base`, `base-2`, `base-3`… that `isTaken` says is free: generated slugs never
 * collide, where a slug the user typed that is taken is refused instead.
 */
export async function uniqueSlug(base: string, isTaken: (candidate: string) => Promise<boolean>): Promise<string> {
  if (!(await isTaken(base))) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!(await isTaken(candidate))) return candidate;
  }
}
