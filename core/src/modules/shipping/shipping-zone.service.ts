import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import { rows, run, uniqueViolation } from '../../kernel/db/sql.ts';
import type { FieldIssue } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { rateIssues } from './shipping-rates.ts';
import { findOption, listOptions, loadZones, putOption } from './shipping-zone-records.ts';
import type { CreateOptionInput, CreateZoneInput, OptionView, UpdateOptionInput, UpdateZoneInput, ZoneAreaInput, ZoneView } from './shipping.schemas.ts';
import { ShippingErrors } from './shipping.errors.ts';
import { formatPostalPattern, normaliseRegion, parsePostalPattern } from './zone-matching.ts';

type Deps = Pick<Cradle, 'em' | 'config' | 'auditLog' | 'flatRateShipping' | 'shippingCarriers'>;

interface StoredArea {
  countryCode: string;
  region: string;
  postalPattern: string;
}

const areaKey = (a: StoredArea) => `${a.countryCode}|${a.region}|${a.postalPattern}`;
const describeArea = (a: StoredArea) => [a.countryCode, a.region, a.postalPattern && `postal codes ${a.postalPattern}`].filter(Boolean).join(' ');
const issuesMessage = (issues: FieldIssue[]) => issues.map((i) => `${i.pointer} ${i.message}`).join('; ');

/**
 * Shipping zones and their options as staff manage them (`/admin/shipping`). Each write is one
 * transaction with its audit entry; a zone's areas are replaced as a whole, no area belongs to two
 * zones, and the options from config `shipping.flatRates` are listed but read-only.
 */
export class ShippingZoneService {
  readonly #deps: Deps;

  constructor(deps: Deps) {
    this.#deps = deps;
  }

  list(): Promise<ZoneView[]> {
    return loadZones(this.#deps.em);
  }

  async zone(id: string): Promise<ZoneView> {
    const [zone] = await loadZones(this.#deps.em, [id]);
    if (!zone) throw ShippingErrors.SHIPPING_ZONE_NOT_FOUND(`No shipping zone ${id}`);
    return zone;
  }

  async createZone(input: CreateZoneInput): Promise<ZoneView> {
    const areas = checkedAreas(input.areas);
    const id = newId('shz');
    await restOfWorldRace(this.#deps.em.transactional(async (tx) => {
      const now = new Date();
      await this.#claimRestOfWorld(tx, id, areas);
      await run(tx, sql`insert into cw_shipping_zone (id, name, rest_of_world, created_at, updated_at) values (${id}, ${input.name}, ${areas.length === 0}, ${now}, ${now})`);
      await putAreas(tx, id, areas);
      this.#deps.auditLog.record(tx, { action: 'shipping_zone.created', target: { type: 'shipping_zone', id }, before: null, after: { name: input.name, areas: input.areas } });
    }));
    return this.zone(id);
  }

  async updateZone(id: string, input: UpdateZoneInput): Promise<ZoneView> {
    const areas = input.areas ? checkedAreas(input.areas) : undefined;
    await restOfWorldRace(this.#deps.em.transactional(async (tx) => {
      const [current] = await rows<{ name: string }>(tx, sql`select name from cw_shipping_zone where id = ${id} for update`);
      if (!current) throw ShippingErrors.SHIPPING_ZONE_NOT_FOUND(`No shipping zone ${id}`);
      if (areas) {
        await this.#claimRestOfWorld(tx, id, areas);
        await run(tx, sql`delete from cw_shipping_zone_area where zone_id = ${id}`);
        await putAreas(tx, id, areas);
      }
      await run(
        tx,
        sql`update cw_shipping_zone set name = ${input.name ?? current.name}, rest_of_world = ${areas ? areas.length === 0 : sql`rest_of_world`}, updated_at = ${new Date()} where id = ${id}`,
      );
      this.#deps.auditLog.record(tx, { action: 'shipping_zone.updated', target: { type: 'shipping_zone', id }, before: { name: current.name }, after: { ...input } });
    }));
    return this.zone(id);
  }

  /** Deletes the zone and its options; a cart that had chosen one of them is no longer charged for it and must choose again. */
  async deleteZone(id: string): Promise<void> {
    await this.#deps.em.transactional(async (tx) => {
      const [deleted] = await rows<{ name: string }>(tx, sql`delete from cw_shipping_zone where id = ${id} returning name`);
      if (!deleted) throw ShippingErrors.SHIPPING_ZONE_NOT_FOUND(`No shipping zone ${id}`);
      this.#deps.auditLog.record(tx, { action: 'shipping_zone.deleted', target: { type: 'shipping_zone', id }, before: { name: deleted.name }, after: null });
    });
  }

  /** The admin's options (of one zone, or all) and then the read-only options from config. */
  async listOptions(zoneId?: string): Promise<OptionView[]> {
    const stored = await listOptions(this.#deps.em, zoneId);
    return zoneId ? stored : [...stored, ...this.#deps.flatRateShipping.all().map(({ countries: _, ...option }) => option)];
  }

  async option(id: string): Promise<OptionView> {
    const configured = this.#deps.flatRateShipping.find(id);
    if (configured) {
      const { countries: _, ...option } = configured;
      return option;
    }
    const option = await findOption(this.#deps.em, id);
    if (!option) throw ShippingErrors.SHIPPING_OPTION_NOT_FOUND(`No shipping option ${id}`);
    return option;
  }

  async createOption(input: CreateOptionInput): Promise<OptionView> {
    const option = {
      id: newId('shpo'),
      zoneId: input.zoneId,
      name: input.name,
      rate: input.rate,
      freeAbove: input.freeAbove ?? null,
      codAllowed: input.codAllowed ?? true,
      minDays: input.minDays ?? null,
      maxDays: input.maxDays ?? null,
      active: input.active ?? true,
      position: input.position ?? 0,
    };
    await this.#checkOption(option);
    await this.#deps.em.transactional(async (tx) => {
      const [zone] = await rows(tx, sql`select id from cw_shipping_zone where id = ${input.zoneId} for update`);
      if (!zone) {
        throw ShippingErrors.SHIPPING_ZONE_NOT_FOUND(`No shipping zone ${input.zoneId}`, {
          errors: [{ in: 'body', pointer: '/zoneId', rule: 'exists', message: 'names no shipping zone' }],
        });
      }
      await putOption(tx, option, true);
      this.#deps.auditLog.record(tx, { action: 'shipping_option.created', target: { type: 'shipping_option', id: option.id }, before: null, after: { ...input } });
    });
    return (await findOption(this.#deps.em, option.id))!;
  }

  async updateOption(id: string, input: UpdateOptionInput): Promise<OptionView> {
    this.#refuseConfig(id);
    await this.#deps.em.transactional(async (tx) => {
      const current = await findOption(tx, id, { lock: true });
      if (!current) throw ShippingErrors.SHIPPING_OPTION_NOT_FOUND(`No shipping option ${id}`);
      const next = {
        id,
        zoneId: current.zoneId!,
        name: input.name ?? current.name,
        rate: input.rate ?? current.rate,
        freeAbove: input.freeAbove === undefined ? current.freeAbove : input.freeAbove,
        codAllowed: input.codAllowed ?? current.codAllowed,
        minDays: input.minDays === undefined ? current.minDays : input.minDays,
        maxDays: input.maxDays === undefined ? current.maxDays : input.maxDays,
        active: input.active ?? current.active,
        position: input.position ?? current.position,
      };
      await this.#checkOption(next);
      await putOption(tx, next, false);
      this.#deps.auditLog.record(tx, { action: 'shipping_option.updated', target: { type: 'shipping_option', id }, before: null, after: { fields: Object.keys(input) } });
    });
    return (await findOption(this.#deps.em, id))!;
  }

  async deleteOption(id: string): Promise<void> {
    this.#refuseConfig(id);
    await this.#deps.em.transactional(async (tx) => {
      const [deleted] = await rows<{ name: string }>(tx, sql`delete from cw_shipping_option where id = ${id} returning name`);
      if (!deleted) throw ShippingErrors.SHIPPING_OPTION_NOT_FOUND(`No shipping option ${id}`);
      this.#deps.auditLog.record(tx, { action: 'shipping_option.deleted', target: { type: 'shipping_option', id }, before: { name: deleted.name }, after: null });
    });
  }

  #refuseConfig(id: string): void {
    if (this.#deps.flatRateShipping.find(id)) {
      throw ShippingErrors.SHIPPING_OPTION_READ_ONLY(`Shipping option ${id} comes from config shipping.flatRates: change it there`);
    }
  }

  async #checkOption(option: Pick<OptionView, 'rate' | 'freeAbove' | 'minDays' | 'maxDays'>): Promise<void> {
    const issues = rateIssues(option, this.#deps.config.catalog.currencies);
    if (option.rate.type === 'carrier') {
      const carrier = await this.#deps.shippingCarriers.find(option.rate.carrierId);
      if (!carrier) {
        const installed = (await this.#deps.shippingCarriers.list()).map((c) => c.id);
        issues.push({ in: 'body', pointer: '/rate/carrierId', rule: 'carrier', message: `no carrier ${option.rate.carrierId} is installed (${installed.join(', ') || 'none'})` });
      } else if (!carrier.capabilities.rates || !carrier.rates) {
        issues.push({ in: 'body', pointer: '/rate/carrierId', rule: 'carrier', message: `${carrier.name} does not quote live rates` });
      }
    }
    if (issues.length) throw ShippingErrors.SHIPPING_RATE_INVALID(issuesMessage(issues), { errors: issues });
    if (option.minDays != null && option.maxDays != null && option.minDays > option.maxDays) {
      throw ShippingErrors.SHIPPING_OPTION_INVALID(`minDays ${option.minDays} is after maxDays ${option.maxDays}`, {
        errors: [{ in: 'body', pointer: '/maxDays', rule: 'order', message: 'is before minDays' }],
      });
    }
  }

  /** A zone with no areas is the rest-of-world zone; the store has at most one. */
  async #claimRestOfWorld(tx: EntityManager, zoneId: string, areas: readonly StoredArea[]): Promise<void> {
    if (areas.length > 0) return;
    const [other] = await rows<{ id: string; name: string }>(tx, sql`select id, name from cw_shipping_zone where rest_of_world and id <> ${zoneId} for update`);
    if (other) {
      throw ShippingErrors.SHIPPING_ZONE_AREA_TAKEN(`The zone ${other.name} is already the rest of the world`, {
        errors: [{ in: 'body', pointer: '/areas', rule: 'unique', message: `no areas makes a rest-of-world zone, and ${other.name} (${other.id}) is one` }],
        extensions: { zoneId: other.id },
      });
    }
  }
}

/** Two zones made the rest of the world at the same time: the second is refused as if it had seen the first. */
async function restOfWorldRace<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (uniqueViolation(error) !== 'cw_shipping_zone_rest_of_world') throw error;
    throw ShippingErrors.SHIPPING_ZONE_AREA_TAKEN('Another zone became the rest of the world at the same time', {
      errors: [{ in: 'body', pointer: '/areas', rule: 'unique', message: 'the store already has a rest-of-world zone' }],
    });
  }
}

/** Normalised areas, or 422 naming each bad pattern and each area given twice. */
function checkedAreas(input: readonly ZoneAreaInput[]): StoredArea[] {
  const seen = new Map<string, number>();
  const issues: FieldIssue[] = [];
  const areas = input.map((area, i) => {
    const region = area.region === undefined ? '' : normaliseRegion(area.region);
    if (area.region !== undefined && region === '') issues.push({ in: 'body', pointer: `/areas/${i}/region`, rule: 'minLength', message: 'is blank' });
    let postalPattern = '';
    if (area.postalCodePattern !== undefined) {
      const pattern = parsePostalPattern(area.postalCodePattern);
      if (pattern) postalPattern = formatPostalPattern(pattern);
      else {
        issues.push({
          in: 'body',
          pointer: `/areas/${i}/postalCodePattern`,
          rule: 'pattern',
          message: 'is not a postal code (94103), a prefix (SW1*) or a range of equal-length numbers, low to high (10000-19999)',
        });
      }
    }
    const stored = { countryCode: area.countryCode, region, postalPattern };
    const twin = seen.get(areaKey(stored));
    if (twin !== undefined) issues.push({ in: 'body', pointer: `/areas/${i}`, rule: 'unique', message: `is the same area as /areas/${twin}` });
    else seen.set(areaKey(stored), i);
    return stored;
  });
  if (issues.length) throw ShippingErrors.SHIPPING_ZONE_INVALID(issuesMessage(issues), { errors: issues });
  return areas;
}

/** Writes a zone's areas; an area another zone holds answers 409 naming it and that zone. */
async function putAreas(tx: EntityManager, zoneId: string, areas: readonly StoredArea[]): Promise<void> {
  if (areas.length === 0) return;
  const taken = await rows<{ zone_id: string; name: string; country_code: string; region: string; postal_pattern: string }>(
    tx,
    sql`select a.zone_id, z.name, a.country_code, a.region, a.postal_pattern from cw_shipping_zone_area a join cw_shipping_zone z on z.id = a.zone_id
      where a.zone_id <> ${zoneId} and (a.country_code || '|' || a.region || '|' || a.postal_pattern) = any(${areas.map(areaKey)})`,
  );
  const clash = taken[0];
  if (clash) {
    const index = areas.findIndex((a) => areaKey(a) === areaKey({ countryCode: clash.country_code, region: clash.region, postalPattern: clash.postal_pattern }));
    throw ShippingErrors.SHIPPING_ZONE_AREA_TAKEN(`${describeArea(areas[index]!)} already belongs to the zone ${clash.name}`, {
      errors: [{ in: 'body', pointer: `/areas/${index}`, rule: 'unique', message: `belongs to the zone ${clash.name} (${clash.zone_id})` }],
      extensions: { zoneId: clash.zone_id },
    });
  }
  try {
    await run(
      tx,
      sql`insert into cw_shipping_zone_area (zone_id, position, country_code, region, postal_pattern)
        select ${zoneId}, t.position, t.country_code, t.region, t.postal_pattern
        from unnest(${areas.map((_, i) => i)}::int[], ${areas.map((a) => a.countryCode)}::text[], ${areas.map((a) => a.region)}::text[], ${areas.map((a) => a.postalPattern)}::text[])
          as t(position, country_code, region, postal_pattern)`,
    );
  } catch (error) {
    // another zone took one of these areas between the check and the insert
    if (uniqueViolation(error) !== 'cw_shipping_zone_area_unique') throw error;
    throw ShippingErrors.SHIPPING_ZONE_AREA_TAKEN('Another shipping zone took one of these areas at the same time', {
      errors: [{ in: 'body', pointer: '/areas', rule: 'unique', message: 'an area belongs to another zone' }],
    });
  }
}
