import type { CoreConfig } from '../../kernel/config/config.schema.ts';
import type { OptionView } from './shipping.schemas.ts';

/** An option from config `shipping.flatRates`, with the countries it serves (null: every country). */
export interface ConfigOption extends OptionView {
  countries: readonly string[] | null;
}

/**
 * The options of config `shipping.flatRates`, as options of the same model as the admin's zones (a
 * flat rate with an optional free-shipping threshold), so one engine prices both. They form a zone
 * of their own, matched by their `countries`, offered next to the options of the address's zone,
 * and are read-only in the admin.
 */
export class FlatRateShipping {
  readonly #options: readonly ConfigOption[];

  constructor(config: CoreConfig['shipping']) {
    const ids = new Set<string>();
    for (const rate of config.flatRates) {
      if (ids.has(rate.id)) throw new Error(`shipping.flatRates: the id ${rate.id} is used twice`);
      ids.add(rate.id);
    }
    this.#options = config.flatRates.map((rate, position) => ({
      id: rate.id,
      zoneId: null,
      source: 'config',
      name: rate.name,
      rate: { type: 'flat', amounts: rate.amounts },
      freeAbove: rate.freeAbove ?? null,
      codAllowed: true,
      minDays: rate.minDays ?? null,
      maxDays: rate.maxDays ?? null,
      active: true,
      position,
      createdAt: null,
      updatedAt: null,
      countries: rate.countries ?? null,
    }));
  }

  all(): readonly ConfigOption[] {
    return this.#options;
  }

  find(id: string): ConfigOption | undefined {
    return this.#options.find((option) => option.id === id);
  }

  /** Whether the option serves a country; before an address is known (null), every option could. */
  serves(option: ConfigOption, countryCode: string | null): boolean {
    return !countryCode || !option.countries || option.countries.includes(countryCode);
  }
}
