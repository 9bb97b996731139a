import { convertAmount } from '../money/index.ts';
import type { CoreConfig } from '../../kernel/config/config.schema.ts';
import { CatalogErrors } from './catalog.errors.ts';

export interface StoredPrice {
  currencyCode: string;
  amount: number;
  compareAtAmount: number | null;
}

export interface ShownPrice extends StoredPrice {
  converted: boolean;
}

/**
 * Which price a shopper sees in a currency: the variant's own price there, or else its price in the
 * store's default currency converted at the configured rate (rounded half up to the minor unit, see
 * `convertAmount`), or else none. The one place this rule lives; the listing SQL mirrors it in
 * `effectivePriceSql` and a test keeps the two in step.
 */
export class CatalogPricing {
  readonly defaultCurrency: string;
  readonly currencies: readonly string[];
  readonly #rates: Readonly<Record<string, string>>;

  constructor(config: CoreConfig['catalog']) {
    if (!config.currencies.includes(config.defaultCurrency)) {
      throw new Error(`catalog.defaultCurrency ${config.defaultCurrency} must be one of catalog.currencies (${config.currencies.join(', ')})`);
    }
    this.defaultCurrency = config.defaultCurrency;
    this.currencies = config.currencies;
    this.#rates = config.exchangeRates;
  }

  /** The requested currency, or the default; refuses one the store does not sell in. */
  currencyFor(requested: string | undefined): string {
    const currency = requested ?? this.defaultCurrency;
    if (!this.currencies.includes(currency)) {
      throw CatalogErrors.CURRENCY_NOT_SUPPORTED(`This store sells in ${this.currencies.join(', ')}, not ${currency}`, {
        extensions: { currencies: this.currencies },
      });
    }
    return currency;
  }

  /** The rate from the default currency to `currency`, when one is configured. */
  rateTo(currency: string): string | undefined {
    return currency === this.defaultCurrency ? undefined : this.#rates[currency];
  }

  shownPrice(prices: readonly StoredPrice[], currency: string): ShownPrice | null {
    const own = prices.find((p) => p.currencyCode === currency);
    if (own) return { ...own, converted: false };
    const rate = this.rateTo(currency);
    const base = rate ? prices.find((p) => p.currencyCode === this.defaultCurrency) : undefined;
    if (!base || !rate) return null;
    return {
      currencyCode: currency,
      amount: convertAmount(base.amount, this.defaultCurrency, currency, rate),
      compareAtAmount: base.compareAtAmount === null ? null : convertAmount(base.compareAtAmount, this.defaultCurrency, currency, rate),
      converted: true,
    };
  }

  /** Refuses prices in currencies the store does not sell in. */
  checkCurrencies(prices: readonly { currencyCode: string }[], pointer: string): void {
    prices.forEach((price, index) => {
      if (!this.currencies.includes(price.currencyCode)) {
        throw CatalogErrors.CURRENCY_NOT_SUPPORTED(`This store sells in ${this.currencies.join(', ')}, not ${price.currencyCode}`, {
          errors: [{ in: 'body', pointer: `${pointer}/${index}/currencyCode`, rule: 'currency', message: `must be one of ${this.currencies.join(', ')}` }],
        });
      }
    });
  }
}
