import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { rows, run } from '../../kernel/db/sql.ts';
import type { OptionView, ShippingRate, ZoneView } from './shipping.schemas.ts';
import { zoneOf, type Destination, type ZoneArea } from './zone-matching.ts';

interface AreaRow {
  zone_id: string;
  country_code: string;
  region: string;
  postal_pattern: string;
}

interface OptionRow {
  id: string;
  zone_id: string;
  name: string;
  rate: ShippingRate | string;
  free_above: Record<string, number> | string | null;
  cod_allowed: boolean;
  min_days: number | null;
  max_days: number | null;
  active: boolean;
  position: number;
  created_at: Date | string;
  updated_at: Date | string;
}

/** A carrier's price for one cart and option, valid for one destination, weight and currency until it expires. */
export interface QuoteRecord {
  destinationKey: string;
  weightGrams: number;
  currencyCode: string;
  amount: number;
  minDays: number | null;
  maxDays: number | null;
  expiresAt: Date;
}

interface QuoteRow {
  destination_key: string;
  weight_grams: number;
  currency_code: string;
  amount: number;
  min_days: number | null;
  max_days: number | null;
  expires_at: Date | string;
}

const iso = (value: Date | string) => new Date(value).toISOString();
const json = <T>(value: T | string): T => (typeof value === 'string' ? JSON.parse(value) : value);

/** '' in the table means "any" (see the migration); null in code. */
const areaFromRow = (row: AreaRow): ZoneArea => ({
  zoneId: row.zone_id,
  countryCode: row.country_code,
  region: row.region || null,
  postalCodePattern: row.postal_pattern || null,
});

function optionView(row: OptionRow): OptionView {
  return {
    id: row.id,
    zoneId: row.zone_id,
    source: 'admin',
    name: row.name,
    rate: json(row.rate),
    freeAbove: row.free_above === null ? null : json(row.free_above),
    codAllowed: Boolean(row.cod_allowed),
    minDays: row.min_days,
    maxDays: row.max_days,
    active: Boolean(row.active),
    position: Number(row.position),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

const quoteRecord = (row: QuoteRow): QuoteRecord => ({
  destinationKey: row.destination_key,
  weightGrams: Number(row.weight_grams),
  currencyCode: row.currency_code,
  amount: Number(row.amount),
  minDays: row.min_days,
  maxDays: row.max_days,
  expiresAt: new Date(row.expires_at),
});

const OPTION_COLUMNS = sql`id, zone_id, name, rate, free_above, cod_allowed, min_days, max_days, active, position, created_at, updated_at`;
const AREAS_IN = (countryCode: string) =>
  sql`(select coalesce(json_agg(json_build_object('zone_id', a.zone_id, 'country_code', a.country_code, 'region', a.region, 'postal_pattern', a.postal_pattern)), '[]')
    from cw_shipping_zone_area a where a.country_code = ${countryCode})`;
const REST_OF_WORLD = sql`(select id from cw_shipping_zone where rest_of_world)`;

/** The zone an address belongs to (one query). */
export async function destinationZone(em: EntityManager, destination: Destination): Promise<string | null> {
  const [row] = await rows<{ areas: AreaRow[] | string; rest_of_world: string | null }>(
    em,
    sql`select ${AREAS_IN(destination.countryCode)} as areas, ${REST_OF_WORLD} as rest_of_world`,
  );
  return zoneOf(json(row!.areas).map(areaFromRow), destination, row!.rest_of_world);
}

/**
 * What pricing a cart's chosen option needs, in one query (the cart read path): the option, the
 * zone the address belongs to, and the cart's carrier quote for it.
 */
export async function chosenOption(
  em: EntityManager,
  input: { optionId: string; cartId: string; destination: Destination },
): Promise<{ option: OptionView; destinationZoneId: string | null; quote: QuoteRecord | null } | null> {
  const [row] = await rows<{ option: OptionRow | string | null; areas: AreaRow[] | string; rest_of_world: string | null; quote: QuoteRow | string | null }>(
    em,
    sql`select (select row_to_json(o) from (select ${OPTION_COLUMNS} from cw_shipping_option where id = ${input.optionId}) o) as option,
      ${AREAS_IN(input.destination.countryCode)} as areas, ${REST_OF_WORLD} as rest_of_world,
      (select row_to_json(q) from (select destination_key, weight_grams, currency_code, amount, min_days, max_days, expires_at
        from cw_shipping_quote where cart_id = ${input.cartId} and option_id = ${input.optionId}) q) as quote`,
  );
  if (!row?.option) return null;
  return {
    option: optionView(json(row.option)),
    destinationZoneId: zoneOf(json(row.areas).map(areaFromRow), input.destination, row.rest_of_world),
    quote: row.quote ? quoteRecord(json(row.quote)) : null,
  };
}

export async function zoneOptions(em: EntityManager, zoneId: string): Promise<OptionView[]> {
  const found = await rows<OptionRow>(em, sql`select ${OPTION_COLUMNS} from cw_shipping_option where zone_id = ${zoneId} order by position, created_at, id`);
  return found.map(optionView);
}

export async function findOption(em: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<OptionView | undefined> {
  const [row] = await rows<OptionRow>(em, sql`select ${OPTION_COLUMNS} from cw_shipping_option where id = ${id} ${options.lock ? sql`for update` : sql``}`);
  return row ? optionView(row) : undefined;
}

export async function listOptions(em: EntityManager, zoneId?: string): Promise<OptionView[]> {
  const found = await rows<OptionRow>(
    em,
    sql`select ${OPTION_COLUMNS} from cw_shipping_option ${zoneId ? sql`where zone_id = ${zoneId}` : sql``} order by zone_id, position, created_at, id`,
  );
  return found.map(optionView);
}

/** Writes an option's columns; a carrier rate's carrier and service also go to columns of their own (fulfillment reads them). */
export async function putOption(em: EntityManager, option: Omit<OptionView, 'source' | 'createdAt' | 'updatedAt'> & { zoneId: string }, isNew: boolean): Promise<void> {
  const now = new Date();
  const carrier = option.rate.type === 'carrier' ? option.rate : null;
  const values = {
    name: option.name,
    rate: JSON.stringify(option.rate),
    freeAbove: option.freeAbove === null ? null : JSON.stringify(option.freeAbove),
  };
  if (isNew) {
    await run(
      em,
      sql`insert into cw_shipping_option (id, zone_id, name, rate_type, rate, carrier_id, carrier_service, free_above, cod_allowed, min_days, max_days, active, position, created_at, updated_at)
        values (${option.id}, ${option.zoneId}, ${values.name}, ${option.rate.type}, ${values.rate}::jsonb, ${carrier?.carrierId ?? null}, ${carrier?.service ?? null},
          ${values.freeAbove}::jsonb, ${option.codAllowed}, ${option.minDays}, ${option.maxDays}, ${option.active}, ${option.position}, ${now}, ${now})`,
    );
    return;
  }
  await run(
    em,
    sql`update cw_shipping_option set name = ${values.name}, rate_type = ${option.rate.type}, rate = ${values.rate}::jsonb, carrier_id = ${carrier?.carrierId ?? null},
      carrier_service = ${carrier?.service ?? null}, free_above = ${values.freeAbove}::jsonb, cod_allowed = ${option.codAllowed}, min_days = ${option.minDays},
      max_days = ${option.maxDays}, active = ${option.active}, position = ${option.position}, updated_at = ${now} where id = ${option.id}`,
  );
}

export async function putQuote(em: EntityManager, cartId: string, optionId: string, quote: QuoteRecord): Promise<void> {
  await run(
    em,
    sql`insert into cw_shipping_quote (cart_id, option_id, destination_key, weight_grams, currency_code, amount, min_days, max_days, expires_at)
      values (${cartId}, ${optionId}, ${quote.destinationKey}, ${quote.weightGrams}, ${quote.currencyCode}, ${quote.amount}, ${quote.minDays}, ${quote.maxDays}, ${quote.expiresAt})
      on conflict (cart_id, option_id) do update set destination_key = excluded.destination_key, weight_grams = excluded.weight_grams,
        currency_code = excluded.currency_code, amount = excluded.amount, min_days = excluded.min_days, max_days = excluded.max_days, expires_at = excluded.expires_at`,
  );
}

export async function cartQuotes(em: EntityManager, cartId: string): Promise<Map<string, QuoteRecord>> {
  const found = await rows<QuoteRow & { option_id: string }>(
    em,
    sql`select option_id, destination_key, weight_grams, currency_code, amount, min_days, max_days, expires_at from cw_shipping_quote where cart_id = ${cartId}`,
  );
  return new Map(found.map((row) => [row.option_id, quoteRecord(row)]));
}

/** Zones with their areas and options; every zone when `ids` is absent, by name. */
export async function loadZones(em: EntityManager, ids?: readonly string[]): Promise<ZoneView[]> {
  const zones = await rows<{ id: string; name: string; rest_of_world: boolean; created_at: Date | string; updated_at: Date | string }>(
    em,
    sql`select id, name, rest_of_world, created_at, updated_at from cw_shipping_zone ${ids ? sql`where id = any(${ids})` : sql``} order by name, id`,
  );
  if (zones.length === 0) return [];
  const zoneIds = zones.map((z) => z.id);
  const areas = await rows<AreaRow>(em, sql`select zone_id, country_code, region, postal_pattern from cw_shipping_zone_area where zone_id = any(${zoneIds}) order by zone_id, position`);
  const options = await rows<OptionRow>(em, sql`select ${OPTION_COLUMNS} from cw_shipping_option where zone_id = any(${zoneIds}) order by position, created_at, id`);
  return zones.map((zone) => ({
    id: zone.id,
    name: zone.name,
    restOfWorld: Boolean(zone.rest_of_world),
    areas: areas
      .filter((a) => a.zone_id === zone.id)
      .map(areaFromRow)
      .map(({ countryCode, region, postalCodePattern }) => ({ countryCode, region, postalCodePattern })),
    options: options.filter((o) => o.zone_id === zone.id).map(optionView),
    createdAt: iso(zone.created_at),
    updatedAt: iso(zone.updated_at),
  }));
}
