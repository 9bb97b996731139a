import type { CoreConfig } from '../../kernel/config/config.schema.ts';
import { exclusiveTax, inclusiveTaxes, percentFraction, type Fraction } from './rounding.ts';

/** Where the goods go: tax follows the destination. */
export interface TaxAddress {
  /** ISO 3166-1 alpha-2 (`DE`, `US`). */
  countryCode: string;
  /** Subdivision within the country (`CA` for California, `MH` for Maharashtra); optional. */
  region?: string | undefined;
}

/** One amount to tax: a cart line after its discounts, or a shipping charge. */
export interface TaxableItem {
  /** The line's or the shipping charge's id; the result is keyed by it. */
  id: string;
  kind: 'line' | 'shipping';
  /** The product's tax class; `null`: the store's default class (always for shipping unless a charge names one). */
  taxClass: string | null;
  /**
   * The amount tax is calculated on, in minor units: net of tax in a tax-exclusive store, tax
   * included in a tax-inclusive one. Already net of discounts. Never negative.
   */
  amount: number;
}

export interface TaxRequest {
  /** ISO 4217; amounts in the request and the result are in its minor unit. */
  currencyCode: string;
  address: TaxAddress;
  items: readonly TaxableItem[];
}

/** One tax on one item, or (summed) on the order. */
export interface TaxAmount {
  rateId: string;
  /** What receipts print (`MwSt. 19 %`). */
  name: string;
  /** Percent as a decimal string (`'19'`, `'7.25'`). */
  rate: string;
  /** Minor units, already rounded. */
  amount: number;
}

/** The taxes of one item; an item no tax applies to has an empty list. */
export interface TaxedItem {
  id: string;
  taxes: TaxAmount[];
}

/**
 * Calculates the tax of a cart: the seam a tax plugin (a tax service, a jurisdiction database)
 * replaces. The totals engine hands it every line, already net of discounts, and every shipping
 * charge; it answers with the taxes of each item, rounded to whole minor units.
 *
 * Rules every implementation keeps (`computeTotals` refuses a result that breaks one):
 * - one `TaxedItem` per requested item, same ids, any order;
 * - every amount a non-negative safe integer of minor units: the calculator rounds, and how it
 *   rounds is its documented rule (the default rounds each item's tax half up, decision 0014);
 * - when `pricesIncludeTax` is true the taxes of an item are the part of its amount that is tax,
 *   so they never exceed it; when false they come on top of it.
 *
 * Implementations are synchronous and pure: anything they need from outside (a rate table, a
 * remote quote) is loaded before totals are computed.
 *
 * @example
 * ```ts
 * const flatTen: TaxCalculator = {
 *   pricesIncludeTax: false,
 *   calculate: ({ items }) =>
 *     items.map((item) => ({
 *       id: item.id,
 *       taxes: [{ rateId: 'flat', name: 'Flat tax', rate: '10', amount: Math.floor((item.amount + 5) / 10) }],
 *     })),
 * };
 * ```
 */
export interface TaxCalculator {
  /** Whether the amounts it is given already contain tax (VAT/GST style) or tax comes on top (US style). */
  readonly pricesIncludeTax: boolean;
  calculate(request: TaxRequest): TaxedItem[];
}

type TaxConfig = CoreConfig['tax'];
type TaxRateRule = TaxConfig['rates'][number];

interface CompiledRule {
  rule: TaxRateRule;
  fraction: Fraction;
}

/**
 * The default calculator: a table of rates from config (`tax.rates`). For each item, the rules of its
 * tax class for the destination country and region win over the class's rules for the whole country;
 * with neither, no tax. Usually one rule matches; rules marked `stack: true` for the same country,
 * region and class all apply together (IN CGST + SGST, CA GST + PST), each reported as its own rate.
 * Each tax of an item is rounded once, half up, on the exact rational result (`amount × r`, or
 * `amount × r / (1 + Σr)` when prices include tax). Shipping is taxed at the destination's rates for
 * the default tax class.
 */
export class RuleBasedTaxCalculator implements TaxCalculator {
  readonly pricesIncludeTax: boolean;
  readonly defaultTaxClass: string;
  /** `country|region|class` and `country||class` → the rules, in config order. */
  readonly #rules = new Map<string, CompiledRule[]>();

  constructor(config: TaxConfig) {
    this.pricesIncludeTax = config.pricesIncludeTax;
    this.defaultTaxClass = config.defaultTaxClass;
    const ids = new Set<string>();
    for (const rule of config.rates) {
      if (ids.has(rule.id)) throw new Error(`tax.rates: the id ${rule.id} is used twice`);
      ids.add(rule.id);
      const key = ruleKey(rule.countryCode, rule.region, rule.taxClass ?? config.defaultTaxClass);
      const same = this.#rules.get(key) ?? [];
      const clash = same.find((other) => !other.rule.stack || !rule.stack);
      if (clash) {
        throw new Error(
          `tax.rates: ${clash.rule.id} and ${rule.id} both apply to the same country, region and tax class; mark both \`stack: true\` if they are meant to apply together`,
        );
      }
      this.#rules.set(key, [...same, { rule, fraction: percentFraction(rule.rate) }]);
    }
  }

  /** The rule that applies to `taxClass` at `address`, if any (the first, when several stack). */
  ruleFor(address: TaxAddress, taxClass: string): TaxRateRule | undefined {
    return this.rulesFor(address, taxClass)[0];
  }

  /** Every rule that applies to `taxClass` at `address`: none, one, or several that stack. */
  rulesFor(address: TaxAddress, taxClass: string): TaxRateRule[] {
    return this.#compiledRulesFor(address, taxClass).map((compiled) => compiled.rule);
  }

  calculate(request: TaxRequest): TaxedItem[] {
    return request.items.map((item) => {
      const matches = this.#compiledRulesFor(request.address, item.taxClass ?? this.defaultTaxClass);
      if (matches.length === 0) return { id: item.id, taxes: [] };
      const amounts = this.pricesIncludeTax
        ? inclusiveTaxes(item.amount, matches.map((match) => match.fraction))
        : matches.map((match) => exclusiveTax(item.amount, match.fraction));
      return {
        id: item.id,
        taxes: matches.map((match, i) => ({ rateId: match.rule.id, name: match.rule.name, rate: match.rule.rate, amount: amounts[i]! })),
      };
    });
  }

  #compiledRulesFor(address: TaxAddress, taxClass: string): CompiledRule[] {
    const country = address.countryCode.toUpperCase();
    const regional = address.region ? this.#rules.get(ruleKey(country, address.region, taxClass)) : undefined;
    return regional ?? this.#rules.get(ruleKey(country, undefined, taxClass)) ?? [];
  }
}

function ruleKey(countryCode: string, region: string | undefined, taxClass: string): string {
  return `${countryCode.toUpperCase()}|${region?.toUpperCase() ?? ''}|${taxClass}`;
}
