/**
 * Which zone an address belongs to. An area is a country, optionally narrowed to a region and/or a
 * postal-code pattern. The most specific area containing the address wins:
 *
 * 1. an area with a postal-code pattern, before one without: an exact code, then a prefix (the
 *    longer first), then a range (the narrower first);
 * 2. then an area naming the region, before one covering the whole country;
 * 3. no area at all: the "rest of world" zone, when the store has one.
 *
 * Areas still equal after that (two overlapping ranges of one width) go to the zone created first
 * (ids are time-ordered), so the answer never depends on the order rows come back in.
 */

export interface ZoneArea {
  zoneId: string;
  countryCode: string;
  /** Normalised with `normaliseRegion`; null: the whole country. */
  region: string | null;
  /** Normalised with `parsePostalPattern`; null: every postal code. */
  postalCodePattern: string | null;
}

export interface Destination {
  countryCode: string;
  region?: string | null | undefined;
  postalCode?: string | null | undefined;
}

export const normaliseRegion = (region: string): string => region.trim().toUpperCase();

/** `sw1a 1aa` and `SW1A1AA`, `100-0001` and `1000001` are one code to a pattern. */
export const normalisePostalCode = (code: string): string => code.replace(/[\s-]/g, '').toUpperCase();

export type PostalPattern =
  | { kind: 'exact'; code: string }
  | { kind: 'prefix'; prefix: string }
  | { kind: 'range'; from: string; to: string };

/**
 * Reads a pattern as staff write it: `10000-19999` (digits, bounds of one length, low to high) is a
 * range; a trailing `*` makes a prefix; anything else is one code. Null when it is none of these.
 */
export function parsePostalPattern(pattern: string): PostalPattern | null {
  const range = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(pattern);
  if (range && range[1]!.length === range[2]!.length) return range[1]! <= range[2]! ? { kind: 'range', from: range[1]!, to: range[2]! } : null;
  const prefix = pattern.trim().endsWith('*');
  const code = normalisePostalCode(prefix ? pattern.trim().slice(0, -1) : pattern);
  if (!/^[A-Z0-9]{1,20}$/.test(code)) return null;
  return prefix ? { kind: 'prefix', prefix: code } : { kind: 'exact', code };
}

/** The one spelling a pattern is stored and compared in. */
export function formatPostalPattern(pattern: PostalPattern): string {
  if (pattern.kind === 'range') return `${pattern.from}-${pattern.to}`;
  return pattern.kind === 'prefix' ? `${pattern.prefix}*` : pattern.code;
}

/** How specific a postal pattern is for a code: [kind, closeness], or null when the code is outside it. */
function postalRank(pattern: PostalPattern, code: string): [number, number] | null {
  switch (pattern.kind) {
    case 'exact':
      return code === pattern.code ? [3, 0] : null;
    case 'prefix':
      return code.startsWith(pattern.prefix) ? [2, pattern.prefix.length] : null;
    case 'range':
      return /^\d+$/.test(code) && code.length === pattern.from.length && code >= pattern.from && code <= pattern.to
        ? [1, -(Number(pattern.to) - Number(pattern.from))]
        : null;
  }
}

/** The area's rank for an address, highest most specific, or null when the address is outside it. */
export function areaRank(area: ZoneArea, destination: Destination): number[] | null {
  if (area.countryCode !== destination.countryCode) return null;
  if (area.region !== null && (!destination.region || normaliseRegion(destination.region) !== area.region)) return null;
  let postal: [number, number] = [0, 0];
  if (area.postalCodePattern !== null) {
    const pattern = parsePostalPattern(area.postalCodePattern);
    const found = pattern && destination.postalCode ? postalRank(pattern, normalisePostalCode(destination.postalCode)) : null;
    if (!found) return null;
    postal = found;
  }
  return [...postal, area.region === null ? 0 : 1];
}

const compareRanks = (a: readonly number[], b: readonly number[]) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
};

/** The id of the zone the address belongs to: the zone of the most specific area containing it, else the rest-of-world zone (or null). */
export function zoneOf(areas: readonly ZoneArea[], destination: Destination, restOfWorld: string | null): string | null {
  let best: { zoneId: string; rank: number[] } | null = null;
  for (const area of areas) {
    const rank = areaRank(area, destination);
    if (!rank) continue;
    const versus = best ? compareRanks(rank, best.rank) : 1;
    if (versus > 0 || (versus === 0 && area.zoneId < best!.zoneId)) best = { zoneId: area.zoneId, rank };
  }
  return best?.zoneId ?? restOfWorld;
}
