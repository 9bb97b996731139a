/**
 * The rules a postal address must meet, written once: the address book uses them, and carts and
 * checkout use them for shipping and billing addresses. Pure functions; a broken rule is a value
 * (a list of field issues), and `requireValidAddress` turns it into the 400 the HTTP edge answers.
 */
import type { FieldIssue } from '../../kernel/errors.ts';
import { AddressErrors } from './addresses.errors.ts';

/** ISO 3166-1 alpha-2: every officially assigned code (249), sorted. */
export const COUNTRY_CODES: readonly string[] = [
  'AD', 'AE', 'AF', 'AG', 'AI', 'AL', 'AM', 'AO', 'AQ', 'AR', 'AS', 'AT', 'AU', 'AW', 'AX', 'AZ',
  'BA', 'BB', 'BD', 'BE', 'BF', 'BG', 'BH', 'BI', 'BJ', 'BL', 'BM', 'BN', 'BO', 'BQ', 'BR', 'BS', 'BT', 'BV', 'BW', 'BY', 'BZ',
  'CA', 'CC', 'CD', 'CF', 'CG', 'CH', 'CI', 'CK', 'CL', 'CM', 'CN', 'CO', 'CR', 'CU', 'CV', 'CW', 'CX', 'CY', 'CZ',
  'DE', 'DJ', 'DK', 'DM', 'DO', 'DZ',
  'EC', 'EE', 'EG', 'EH', 'ER', 'ES', 'ET',
  'FI', 'FJ', 'FK', 'FM', 'FO', 'FR',
  'GA', 'GB', 'GD', 'GE', 'GF', 'GG', 'GH', 'GI', 'GL', 'GM', 'GN', 'GP', 'GQ', 'GR', 'GS', 'GT', 'GU', 'GW', 'GY',
  'HK', 'HM', 'HN', 'HR', 'HT', 'HU',
  'ID', 'IE', 'IL', 'IM', 'IN', 'IO', 'IQ', 'IR', 'IS', 'IT',
  'JE', 'JM', 'JO', 'JP',
  'KE', 'KG', 'KH', 'KI', 'KM', 'KN', 'KP', 'KR', 'KW', 'KY', 'KZ',
  'LA', 'LB', 'LC', 'LI', 'LK', 'LR', 'LS', 'LT', 'LU', 'LV', 'LY',
  'MA', 'MC', 'MD', 'ME', 'MF', 'MG', 'MH', 'MK', 'ML', 'MM', 'MN', 'MO', 'MP', 'MQ', 'MR', 'MS', 'MT', 'MU', 'MV', 'MW', 'MX', 'MY', 'MZ',
  'NA', 'NC', 'NE', 'NF', 'NG', 'NI', 'NL', 'NO', 'NP', 'NR', 'NU', 'NZ',
  'OM',
  'PA', 'PE', 'PF', 'PG', 'PH', 'PK', 'PL', 'PM', 'PN', 'PR', 'PS', 'PT', 'PW', 'PY',
  'QA',
  'RE', 'RO', 'RS', 'RU', 'RW',
  'SA', 'SB', 'SC', 'SD', 'SE', 'SG', 'SH', 'SI', 'SJ', 'SK', 'SL', 'SM', 'SN', 'SO', 'SR', 'SS', 'ST', 'SV', 'SX', 'SY', 'SZ',
  'TC', 'TD', 'TF', 'TG', 'TH', 'TJ', 'TK', 'TL', 'TM', 'TN', 'TO', 'TR', 'TT', 'TV', 'TW', 'TZ',
  'UA', 'UG', 'UM', 'US', 'UY', 'UZ',
  'VA', 'VC', 'VE', 'VG', 'VI', 'VN', 'VU',
  'WF', 'WS',
  'YE', 'YT',
  'ZA', 'ZM', 'ZW',
];

const COUNTRY_SET = new Set(COUNTRY_CODES);

export function isCountryCode(code: string): boolean {
  return COUNTRY_SET.has(code);
}

/** A country's postal code format: what it accepts (after trimming) and how an accepted code is written. */
export interface PostalCodeRule {
  pattern: RegExp;
  normalise(code: string): string;
}

const upperWithOneSpace = (inwardLength: number) => (code: string) => {
  const compact = code.replace(/\s+/g, '').toUpperCase();
  return `${compact.slice(0, -inwardLength)} ${compact.slice(-inwardLength)}`;
};
const digitsOnly = (code: string) => code.replace(/\D/g, '');

/** Countries with a known format. Others accept 1–16 letters, digits, spaces and hyphens (`GENERIC_POSTAL_CODE`). */
export const POSTAL_CODE_RULES: Readonly<Record<string, PostalCodeRule>> = {
  // PIN code: six digits, the first (the postal zone) never 0; often written "110 001"
  IN: { pattern: /^[1-9]\d{2} ?\d{3}$/, normalise: digitsOnly },
  // ZIP or ZIP+4
  US: { pattern: /^\d{5}(?:[- ]?\d{4})?$/, normalise: (c) => (c.length === 5 ? c : `${c.slice(0, 5)}-${c.replace(/\D/g, '').slice(5)}`) },
  // outward code (A9, A99, AA9, AA99, A9A, AA9A) and inward code (9AA), with the letters Royal Mail allows
  // in each position; GIR 0AA is the one historic exception
  GB: {
    pattern: /^(?:GIR ?0AA|[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRVWXY]) ?\d[ABD-HJLNP-UW-Z]{2})$/i,
    normalise: upperWithOneSpace(3),
  },
  DE: { pattern: /^\d{5}$/, normalise: (c) => c },
  FR: { pattern: /^\d{5}$/, normalise: (c) => c },
  AU: { pattern: /^\d{4}$/, normalise: (c) => c },
  // A9A 9A9; D, F, I, O, Q, U never appear, and W, Z never first
  CA: { pattern: /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$/i, normalise: upperWithOneSpace(3) },
};

export const GENERIC_POSTAL_CODE = /^[A-Za-z0-9][A-Za-z0-9 -]{0,15}$/;

/** The USPS two-letter codes: states, DC, territories, freely associated states and military (AA, AE, AP). */
export const US_STATE_CODES: readonly string[] = [
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY', 'LA', 'ME',
  'MD', 'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK', 'OR', 'PA', 'RI',
  'SC', 'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY',
  'AS', 'GU', 'MP', 'PR', 'VI', 'FM', 'MH', 'PW',
  'AA', 'AE', 'AP',
];

/**
 * India's 28 states and 8 union territories: ISO 3166-2:IN code → name. Indian addresses name the
 * state in full, so that is what is stored; the code is accepted too.
 */
export const IN_STATES: Readonly<Record<string, string>> = {
  AP: 'Andhra Pradesh',
  AR: 'Arunachal Pradesh',
  AS: 'Assam',
  BR: 'Bihar',
  CG: 'Chhattisgarh',
  GA: 'Goa',
  GJ: 'Gujarat',
  HR: 'Haryana',
  HP: 'Himachal Pradesh',
  JH: 'Jharkhand',
  KA: 'Karnataka',
  KL: 'Kerala',
  MP: 'Madhya Pradesh',
  MH: 'Maharashtra',
  MN: 'Manipur',
  ML: 'Meghalaya',
  MZ: 'Mizoram',
  NL: 'Nagaland',
  OD: 'Odisha',
  PB: 'Punjab',
  RJ: 'Rajasthan',
  SK: 'Sikkim',
  TN: 'Tamil Nadu',
  TS: 'Telangana',
  TR: 'Tripura',
  UP: 'Uttar Pradesh',
  UK: 'Uttarakhand',
  WB: 'West Bengal',
  AN: 'Andaman and Nicobar Islands',
  CH: 'Chandigarh',
  DH: 'Dadra and Nagar Haveli and Daman and Diu',
  DL: 'Delhi',
  JK: 'Jammu and Kashmir',
  LA: 'Ladakh',
  LD: 'Lakshadweep',
  PY: 'Puducherry',
};

/** Earlier ISO codes and names still written on addresses (ISO renamed CT, OR, TG, UT; the UTs DN and DD merged in 2020). */
const IN_STATE_ALIASES: Readonly<Record<string, string>> = {
  CT: 'CG',
  OR: 'OD',
  TG: 'TS',
  UT: 'UK',
  DN: 'DH',
  DD: 'DH',
  ORISSA: 'OD',
  PONDICHERRY: 'PY',
  UTTARANCHAL: 'UK',
  'NCT OF DELHI': 'DL',
  'NATIONAL CAPITAL TERRITORY OF DELHI': 'DL',
  'ANDAMAN AND NICOBAR': 'AN',
  'DADRA AND NAGAR HAVELI': 'DH',
  'DAMAN AND DIU': 'DH',
};

const regionKey = (region: string) => region.trim().replace(/\s*&\s*/g, ' and ').replace(/\s+/g, ' ').toUpperCase();

const IN_STATE_LOOKUP = new Map<string, string>([
  ...Object.entries(IN_STATES).flatMap(([code, name]) => [[code, name], [regionKey(name), name]] as Array<[string, string]>),
  ...Object.entries(IN_STATE_ALIASES).map(([alias, code]) => [alias, IN_STATES[code]!] as [string, string]),
]);

const US_STATE_SET = new Set(US_STATE_CODES);

/** A country whose addresses must name a region: how a region is checked and written. */
interface RegionRule {
  /** The normalised region, or undefined when it is not one of the country's. */
  resolve(region: string): string | undefined;
  describe: string;
}

export const REGION_RULES: Readonly<Record<string, RegionRule>> = {
  US: {
    resolve: (region) => (US_STATE_SET.has(region.trim().toUpperCase()) ? region.trim().toUpperCase() : undefined),
    describe: 'a two-letter USPS state code, e.g. CA',
  },
  IN: {
    resolve: (region) => IN_STATE_LOOKUP.get(regionKey(region)),
    describe: 'an Indian state or union territory, by name or ISO 3166-2 code (e.g. Karnataka or KA)',
  },
};

/** The postal address shape shared by the address book, carts and orders (API.md). */
export interface PostalAddress {
  firstName: string;
  lastName: string;
  company?: string | null | undefined;
  line1: string;
  line2?: string | null | undefined;
  city: string;
  region?: string | null | undefined;
  postalCode: string;
  countryCode: string;
  phone?: string | null | undefined;
}

/** The address as stored: trimmed, blank optional fields as null, codes in their canonical case. */
export interface NormalisedAddress {
  firstName: string;
  lastName: string;
  company: string | null;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  countryCode: string;
  phone: string | null;
}

export type AddressCheck = { ok: true; address: NormalisedAddress } | { ok: false; issues: FieldIssue[] };

export interface AddressCheckOptions {
  /** Where the address came from, for the issues' `in` (default `body`). */
  in?: string;
  /** JSON pointer of the address inside that part (`/shippingAddress` on a cart; `''` for the book). */
  pointer?: string;
}

const REQUIRED_TEXT = ['firstName', 'lastName', 'line1', 'city'] as const;
const OPTIONAL_TEXT = ['company', 'line2', 'phone'] as const;

/**
 * Checks a whole address against the country's rules (call it on the merged result of a partial
 * update) and returns it normalised, or every issue found. The request schema has already checked
 * types and lengths; this checks what depends on the country.
 */
export function checkAddress(input: PostalAddress, options: AddressCheckOptions = {}): AddressCheck {
  const where = options.in ?? 'body';
  const base = options.pointer ?? '';
  const issues: FieldIssue[] = [];
  const issue = (field: string, rule: string, message: string) => issues.push({ in: where, pointer: `${base}/${field}`, rule, message });

  const text = (value: string | null | undefined) => {
    const trimmed = value?.trim();
    return trimmed ? trimmed : null;
  };
  const required = {} as Record<(typeof REQUIRED_TEXT)[number], string>;
  for (const field of REQUIRED_TEXT) {
    const value = text(input[field]);
    if (value === null) issue(field, 'minLength', 'must not be blank');
    required[field] = value ?? '';
  }
  const optional = {} as Record<(typeof OPTIONAL_TEXT)[number], string | null>;
  for (const field of OPTIONAL_TEXT) optional[field] = text(input[field]);

  const countryCode = (input.countryCode ?? '').trim().toUpperCase();
  const countryKnown = isCountryCode(countryCode);
  if (!countryKnown) issue('countryCode', 'countryCode', 'is not an ISO 3166-1 alpha-2 country code');

  let postalCode = (input.postalCode ?? '').trim().replace(/\s+/g, ' ');
  let region = text(input.region);
  // a country's postal and region formats can only be checked once the country is known
  if (countryKnown) {
    const postalRule = POSTAL_CODE_RULES[countryCode];
    if (postalRule ? !postalRule.pattern.test(postalCode) : !GENERIC_POSTAL_CODE.test(postalCode)) {
      issue('postalCode', 'postalCode', `is not a valid postal code for ${countryCode}`);
    } else if (postalRule) {
      postalCode = postalRule.normalise(postalCode);
    }
    const regionRule = REGION_RULES[countryCode];
    if (regionRule) {
      const resolved = region === null ? undefined : regionRule.resolve(region);
      if (region === null) issue('region', 'required', `is required for ${countryCode} addresses`);
      else if (resolved === undefined) issue('region', 'region', `is not ${regionRule.describe}`);
      else region = resolved;
    }
  }

  if (issues.length) return { ok: false, issues };
  return { ok: true, address: { ...required, company: optional.company, line2: optional.line2, region, postalCode, countryCode, phone: optional.phone } };
}

/** `checkAddress`, throwing `ADDRESS_INVALID` (400, one issue per bad field) when the address breaks a rule. */
export function requireValidAddress(input: PostalAddress, options: AddressCheckOptions = {}): NormalisedAddress {
  const result = checkAddress(input, options);
  if (result.ok) return result.address;
  const [first] = result.issues;
  const more = result.issues.length > 1 ? ` (and ${result.issues.length - 1} more)` : '';
  throw AddressErrors.ADDRESS_INVALID(`${first!.in}${first!.pointer} ${first!.message}${more}`, { errors: result.issues });
}
