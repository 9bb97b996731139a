import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import { loadVariantsForSale } from '../catalog/index.ts';
import { computeTotals, type TaxAddress, type TaxCalculator, type TaxAmount, type Totals, type TotalsAdjuster, type TotalsLineInput } from '../totals/index.ts';
import { lineAvailability, purchasableQuantity } from './cart-availability.ts';
import type { CartLineRecord, CartRecord } from './cart-records.ts';
import type { CartLineView, CartView } from './cart.schemas.ts';

type Deps = Pick<Cradle, 'catalogPricing' | 'mediaService' | 'variantAvailability' | 'hooks' | 'taxCalculator' | 'ruleBasedTaxCalculator' | 'config'>;

/** The tax plugin's calculator when one is registered, else core's rule-based one. */
export function activeTaxCalculator(cradle: Pick<Cradle, 'taxCalculator' | 'ruleBasedTaxCalculator'>): TaxCalculator {
  // the cradle answers hasOwn for registered keys; resolving an unregistered one would throw
  return Object.hasOwn(cradle, 'taxCalculator') && cradle.taxCalculator ? cradle.taxCalculator : cradle.ruleBasedTaxCalculator;
}

/** What `cart.adjusters` filters are told about the cart they price: its buyable lines at catalog prices. */
export interface CartForTotals {
  id: string;
  customerId: string | null;
  email: string | null;
  currencyCode: string;
  taxAddress: TaxAddress | null;
  /** Where the goods go (the shipping address's country), when known. */
  countryCode: string | null;
  /** The shipping address as shipping zones match it, when known. */
  destination: { countryCode: string; region: string | null; postalCode: string } | null;
  /** What the buyable lines weigh, in grams (variants without a weight count as nothing): what weight-based shipping rates read. */
  weightGrams: number;
  shippingOptionId: string | null;
  lines: readonly TotalsLineInput[];
}

const money = (amount: number, currencyCode: string) => ({ amount, currencyCode });

/** Tax is not known before the shopper says where the goods go, unless the store configured where to estimate it. */
function taxAddressOf(deps: Deps, cart: CartRecord): { address: TaxAddress | null; basis: 'shipping_address' | 'estimate' | 'none' } {
  if (cart.shippingAddress) {
    return { address: { countryCode: cart.shippingAddress.countryCode, region: cart.shippingAddress.region ?? undefined }, basis: 'shipping_address' };
  }
  const { estimateCountryCode, estimateRegion } = deps.config.tax;
  if (estimateCountryCode) return { address: { countryCode: estimateCountryCode, region: estimateRegion }, basis: 'estimate' };
  return { address: null, basis: 'none' };
}

function noTax(pricesIncludeTax: boolean): TaxCalculator {
  return { pricesIncludeTax, calculate: ({ items }) => items.map((item) => ({ id: item.id, taxes: [] })) };
}

/**
 * A cart as the shopper sees it, worked out now: each line with the catalog's current price and
 * stock, and the totals of the lines that can be bought. Nothing here is stored, so a price or stock
 * change shows on the next read. Discounts and shipping come from `cart.adjusters` hook filters
 * (promotions, coupons, shipping rates), tax from the `taxCalculator` service.
 */
export async function priceCart(
  deps: Deps,
  em: EntityManager,
  cart: CartRecord,
  lines: readonly CartLineRecord[],
  options: { extraAdjusters?: readonly TotalsAdjuster[] } = {},
): Promise<CartView> {
  return (await cartPricer(deps, em, cart, lines))(options.extraAdjusters);
}

/**
 * `priceCart` in two steps: reads the catalog, the stock and the `cart.adjusters` filters once, then
 * answers a function that prices the cart with further adjusters (checkout prices it without and
 * then with a payment method's fee) without reading anything again.
 */
export async function cartPricer(
  deps: Deps,
  em: EntityManager,
  cart: CartRecord,
  lines: readonly CartLineRecord[],
): Promise<(extraAdjusters?: readonly TotalsAdjuster[]) => CartView> {
  const currency = cart.currencyCode;
  const ids = lines.map((line) => line.variantId);
  const [variants, stock] = await Promise.all([loadVariantsForSale(deps, em, ids, currency), deps.variantAvailability.availability(em, ids)]);

  const standing = lines.map((line) => {
    const variant = variants.get(line.variantId);
    const forSale = Boolean(variant?.onSale && variant.price);
    const limit = purchasableQuantity(stock.get(line.variantId));
    return { line, variant, limit, availability: lineAvailability(forSale, limit, line.quantity) };
  });
  const buyable: TotalsLineInput[] = standing
    .filter((s) => s.availability !== 'unavailable')
    .map((s) => ({ id: s.line.id, variantId: s.line.variantId, quantity: s.line.quantity, unitPrice: s.variant!.price!.amount, taxClass: s.variant!.taxClass }));

  const { address, basis } = taxAddressOf(deps, cart);
  const forTotals: CartForTotals = {
    id: cart.id,
    customerId: cart.customerId,
    email: cart.email,
    currencyCode: currency,
    taxAddress: address,
    countryCode: cart.shippingAddress?.countryCode ?? null,
    destination: cart.shippingAddress
      ? { countryCode: cart.shippingAddress.countryCode, region: cart.shippingAddress.region ?? null, postalCode: cart.shippingAddress.postalCode }
      : null,
    weightGrams: buyable.reduce((sum, line) => sum + (variants.get(line.variantId)?.weightGrams ?? 0) * line.quantity, 0),
    shippingOptionId: cart.shippingOptionId,
    lines: buyable,
  };
  const adjusters = (await deps.hooks.run('cart.adjusters', [], { em, cart: forTotals })) as TotalsAdjuster[];
  const calculator = activeTaxCalculator(deps);
  const taxView = (tax: TaxAmount) => ({ rateId: tax.rateId, name: tax.name, rate: tax.rate, amount: money(tax.amount, currency) });

  return (extraAdjusters = []) => {
    const totals = computeTotals(
      { currencyCode: currency, lines: buyable, shippingAddress: address ?? { countryCode: 'ZZ' } },
      { adjusters: [...adjusters, ...extraAdjusters], tax: address ? calculator : noTax(calculator.pricesIncludeTax) },
    );
    const lineTotals = new Map(totals.lines.map((line) => [line.id, line]));

    const lineViews = standing.map(({ line, variant, limit, availability }): CartLineView => {
      const priced = lineTotals.get(line.id);
      return {
        id: line.id,
        variantId: line.variantId,
        productId: variant?.productId ?? null,
        productTitle: variant?.productTitle ?? null,
        productSlug: variant?.productSlug ?? null,
        variantTitle: variant?.variantTitle ?? null,
        sku: variant?.sku ?? null,
        options: variant?.options ?? {},
        vendorId: variant?.vendorId ?? null,
        taxClass: variant?.taxClass ?? null,
        thumbnail: variant?.thumbnail ?? null,
        quantity: line.quantity,
        unitPrice: availability === 'unavailable' ? null : variant!.price,
        availability,
        availableQuantity: limit,
        subtotal: priced ? money(priced.subtotal, currency) : null,
        discount: priced ? money(priced.discount, currency) : null,
        discounts: priced ? priced.discounts.map((d) => ({ ...d, amount: money(d.amount, currency) })) : [],
        tax: priced ? money(priced.taxTotal, currency) : null,
        taxes: priced ? priced.taxes.map(taxView) : [],
        total: priced ? money(priced.total, currency) : null,
      };
    });

    return {
      id: cart.id,
      status: cart.status,
      version: cart.version,
      customerId: cart.customerId,
      mergedInto: cart.mergedInto,
      currencyCode: currency,
      email: cart.email,
      shippingAddress: cart.shippingAddress,
      billingAddress: cart.billingAddress,
      shippingOptionId: cart.shippingOptionId,
      orderId: cart.orderId,
      lines: lineViews,
      itemCount: lines.reduce((sum, line) => sum + line.quantity, 0),
      purchasable: lines.length > 0 && standing.every((s) => s.availability === 'available'),
      totals: totalsView(totals, basis, taxView),
      createdAt: cart.createdAt,
      updatedAt: cart.updatedAt,
    };
  };
}

function totalsView(totals: Totals, taxBasis: CartView['totals']['taxBasis'], taxView: (tax: TaxAmount) => CartView['totals']['taxes'][number]): CartView['totals'] {
  const currency = totals.currencyCode;
  return {
    currencyCode: currency,
    pricesIncludeTax: totals.pricesIncludeTax,
    taxBasis,
    subtotal: money(totals.subtotal, currency),
    discountTotal: money(totals.discountTotal, currency),
    shippingTotal: money(totals.shippingTotal, currency),
    taxTotal: money(totals.taxTotal, currency),
    total: money(totals.total, currency),
    taxes: totals.taxes.map(taxView),
    discounts: totals.discounts.map((d) => ({ ...d, amount: money(d.amount, currency) })),
    shipping: totals.shipping.map((s) => ({
      id: s.id,
      name: s.name,
      amount: money(s.amount, currency),
      tax: money(s.taxTotal, currency),
      taxes: s.taxes.map(taxView),
      total: money(s.total, currency),
    })),
  };
}
