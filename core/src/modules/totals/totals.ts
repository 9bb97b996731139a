import { isCurrencyCode } from '../money/index.ts';
import { allocateLargestRemainder } from './rounding.ts';
import type { TaxAddress, TaxAmount, TaxCalculator, TaxableItem } from './tax-calculator.ts';

/** A cart line as the totals engine needs it. Amounts in the cart currency's minor unit. */
export interface TotalsLineInput {
  id: string;
  variantId: string;
  /** A positive whole number. */
  quantity: number;
  /** Price of one unit, as the store entered it (with tax in a tax-inclusive store). */
  unitPrice: number;
  /** The product's tax class; `null`/absent: the store's default class. */
  taxClass?: string | null | undefined;
}

export interface TotalsInput {
  /** ISO 4217. */
  currencyCode: string;
  lines: readonly TotalsLineInput[];
  shippingAddress: TaxAddress;
  /** Codes the shopper entered; read by discount adjusters. */
  discountCodes?: readonly string[] | undefined;
  /** The shipping option the shopper chose; read by shipping adjusters. */
  shippingOptionId?: string | undefined;
}

/** A line's totals so far, as adjusters see them. */
export interface RunningLine {
  readonly id: string;
  readonly variantId: string;
  readonly quantity: number;
  readonly unitPrice: number;
  /** `quantity × unitPrice`. */
  readonly subtotal: number;
  /** Discounts on it so far. */
  readonly discount: number;
}

/** What the adjusters before this one have done: the input, line amounts so far, shipping so far. */
export interface TotalsState {
  readonly input: TotalsInput;
  readonly lines: readonly RunningLine[];
  readonly shipping: readonly ShippingCharge[];
}

/** A discount on one line. `amount` is capped at what is left of the line. */
export interface LineDiscount {
  lineId: string;
  amount: number;
  /** Shown to the shopper (`SUMMER10`, `3 for 2`). */
  label: string;
}

/**
 * A discount on the whole order, spread over the lines in proportion to what is left of each
 * (largest remainder, so the parts add up to the amount exactly). Capped at what is left of the order.
 */
export interface OrderDiscount {
  amount: number;
  label: string;
}

export interface ShippingCharge {
  id: string;
  /** Shown to the shopper (`DHL Paket`). */
  name: string;
  /** Minor units; with tax in a tax-inclusive store. */
  amount: number;
  /** Tax class of the charge; absent: the store's default class (the destination's standard rate). */
  taxClass?: string | null | undefined;
}

/** What one adjuster adds. Every part is optional. */
export interface TotalsAdjustment {
  lineDiscounts?: readonly LineDiscount[];
  orderDiscounts?: readonly OrderDiscount[];
  shipping?: readonly ShippingCharge[];
}

/**
 * One step of the totals pipeline before tax: promotions, coupons, shipping rates. Each adjuster sees
 * the state the ones before it left (so "10 % off after other discounts" can be written) and returns
 * what it adds. Adjusters are synchronous and pure: whatever they need from outside (a promotion
 * table, a carrier's quote) is loaded before totals are computed.
 *
 * @example
 * ```ts
 * const flatShipping: TotalsAdjuster = {
 *   name: 'flat-shipping',
 *   adjust: () => ({ shipping: [{ id: 'flat', name: 'Standard', amount: 495 }] }),
 * };
 * ```
 */
export interface TotalsAdjuster {
  /** Names the source of its discounts in the totals (`discounts[].source`). */
  readonly name: string;
  adjust(state: TotalsState): TotalsAdjustment;
}

/** The adjusters, in order, then tax. */
export interface TotalsPipeline {
  adjusters: readonly TotalsAdjuster[];
  tax: TaxCalculator;
}

/** One discount's share of one line. */
export interface AppliedDiscount {
  /** The adjuster it came from. */
  source: string;
  label: string;
  amount: number;
}

export interface LineTotals {
  id: string;
  variantId: string;
  quantity: number;
  unitPrice: number;
  taxClass: string | null;
  /** `quantity × unitPrice`. */
  subtotal: number;
  discount: number;
  discounts: AppliedDiscount[];
  /** `subtotal − discount`: what tax is calculated on (tax included in a tax-inclusive store). */
  taxableAmount: number;
  taxes: TaxAmount[];
  taxTotal: number;
  /** What the shopper pays for the line: `taxableAmount + taxTotal` (exclusive) or `taxableAmount` (inclusive). */
  total: number;
}

export interface ShippingTotals {
  id: string;
  name: string;
  taxClass: string | null;
  amount: number;
  taxes: TaxAmount[];
  taxTotal: number;
  total: number;
}

export interface Totals {
  currencyCode: string;
  pricesIncludeTax: boolean;
  lines: LineTotals[];
  shipping: ShippingTotals[];
  /** Sum of line subtotals. */
  subtotal: number;
  /** Sum of line discounts. */
  discountTotal: number;
  /** Sum of shipping charges (with tax in a tax-inclusive store). */
  shippingTotal: number;
  /** All tax: added on top (exclusive) or contained in the amounts (inclusive). */
  taxTotal: number;
  /** `subtotal − discountTotal + shippingTotal (+ taxTotal when exclusive)`. */
  total: number;
  /** The tax grouped per rate, each the sum of that rate's line and shipping amounts. */
  taxes: TaxAmount[];
  /** The discounts grouped per source and label, each the sum of its line shares. */
  discounts: AppliedDiscount[];
}

interface WorkingLine {
  input: TotalsLineInput;
  subtotal: number;
  discounts: AppliedDiscount[];
  discount: number;
}

function assertAmount(amount: number, what: string): void {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new Error(`${what} must be a non-negative integer of minor units, got ${amount}`);
}

function addDiscount(line: WorkingLine, source: string, label: string, amount: number): void {
  if (amount === 0) return;
  line.discount += amount;
  const same = line.discounts.find((d) => d.source === source && d.label === label);
  if (same) same.amount += amount;
  else line.discounts.push({ source, label, amount });
}

/**
 * From a cart to its totals, in integer minor units of the cart's currency. Pure: the same input
 * and pipeline give the same totals.
 *
 * 1. Each line's subtotal is `quantity × unitPrice` (exact).
 * 2. The adjusters run in order. A line discount is capped at what is left of its line; an order
 *    discount is capped at what is left of the order and spread over the lines in proportion to
 *    what is left of each, by largest remainder, so its parts add up to it exactly.
 * 3. The tax calculator taxes each line's `subtotal − discount` and each shipping charge; how tax is
 *    rounded is the calculator's rule (the default: per item, half up, decision 0014).
 * 4. Order amounts are sums of line and shipping amounts, so they always add up.
 */
export function computeTotals(input: TotalsInput, pipeline: TotalsPipeline): Totals {
  if (!isCurrencyCode(input.currencyCode)) throw new Error(`not a currency code: ${input.currencyCode}`);
  const ids = new Set<string>();
  const lines: WorkingLine[] = input.lines.map((line) => {
    if (ids.has(line.id)) throw new Error(`line ${line.id} appears twice`);
    ids.add(line.id);
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) throw new Error(`line ${line.id}: quantity must be a positive integer`);
    assertAmount(line.unitPrice, `line ${line.id}: unitPrice`);
    const subtotal = line.quantity * line.unitPrice;
    assertAmount(subtotal, `line ${line.id}: subtotal`);
    return { input: line, subtotal, discounts: [], discount: 0 };
  });
  const shipping: ShippingCharge[] = [];

  for (const adjuster of pipeline.adjusters) {
    const state: TotalsState = {
      input,
      lines: lines.map((l) => ({
        id: l.input.id,
        variantId: l.input.variantId,
        quantity: l.input.quantity,
        unitPrice: l.input.unitPrice,
        subtotal: l.subtotal,
        discount: l.discount,
      })),
      shipping: shipping.map((s) => ({ ...s })),
    };
    const adjustment = adjuster.adjust(state);
    for (const discount of adjustment.lineDiscounts ?? []) {
      assertAmount(discount.amount, `${adjuster.name}: line discount`);
      const line = lines.find((l) => l.input.id === discount.lineId);
      if (!line) throw new Error(`${adjuster.name}: no line ${discount.lineId}`);
      addDiscount(line, adjuster.name, discount.label, Math.min(discount.amount, line.subtotal - line.discount));
    }
    for (const discount of adjustment.orderDiscounts ?? []) {
      assertAmount(discount.amount, `${adjuster.name}: order discount`);
      const remaining = lines.map((l) => l.subtotal - l.discount);
      const capped = Math.min(discount.amount, remaining.reduce((sum, r) => sum + r, 0));
      const shares = allocateLargestRemainder(capped, remaining);
      lines.forEach((line, index) => addDiscount(line, adjuster.name, discount.label, shares[index]!));
    }
    for (const charge of adjustment.shipping ?? []) {
      assertAmount(charge.amount, `${adjuster.name}: shipping ${charge.id}`);
      if (ids.has(charge.id)) throw new Error(`${adjuster.name}: shipping id ${charge.id} is already used`);
      ids.add(charge.id);
      shipping.push({ ...charge });
    }
  }

  const items: TaxableItem[] = [
    ...lines.map((l): TaxableItem => ({ id: l.input.id, kind: 'line', taxClass: l.input.taxClass ?? null, amount: l.subtotal - l.discount })),
    ...shipping.map((s): TaxableItem => ({ id: s.id, kind: 'shipping', taxClass: s.taxClass ?? null, amount: s.amount })),
  ];
  const inclusive = pipeline.tax.pricesIncludeTax;
  const taxesById = checkedTaxes(pipeline.tax.calculate({ currencyCode: input.currencyCode, address: input.shippingAddress, items }), items, inclusive);

  const lineTotals = lines.map((l): LineTotals => {
    const taxableAmount = l.subtotal - l.discount;
    const taxes = taxesById.get(l.input.id)!;
    const taxTotal = sum(taxes.map((t) => t.amount));
    return {
      id: l.input.id,
      variantId: l.input.variantId,
      quantity: l.input.quantity,
      unitPrice: l.input.unitPrice,
      taxClass: l.input.taxClass ?? null,
      subtotal: l.subtotal,
      discount: l.discount,
      discounts: l.discounts,
      taxableAmount,
      taxes,
      taxTotal,
      total: inclusive ? taxableAmount : taxableAmount + taxTotal,
    };
  });
  const shippingTotals = shipping.map((s): ShippingTotals => {
    const taxes = taxesById.get(s.id)!;
    const taxTotal = sum(taxes.map((t) => t.amount));
    return { id: s.id, name: s.name, taxClass: s.taxClass ?? null, amount: s.amount, taxes, taxTotal, total: inclusive ? s.amount : s.amount + taxTotal };
  });

  const allTaxes = [...lineTotals.flatMap((l) => l.taxes), ...shippingTotals.flatMap((s) => s.taxes)];
  const totals: Totals = {
    currencyCode: input.currencyCode,
    pricesIncludeTax: inclusive,
    lines: lineTotals,
    shipping: shippingTotals,
    subtotal: sum(lineTotals.map((l) => l.subtotal)),
    discountTotal: sum(lineTotals.map((l) => l.discount)),
    shippingTotal: sum(shippingTotals.map((s) => s.amount)),
    taxTotal: sum(allTaxes.map((t) => t.amount)),
    total: sum([...lineTotals.map((l) => l.total), ...shippingTotals.map((s) => s.total)]),
    taxes: groupTaxes(allTaxes),
    discounts: groupDiscounts(lineTotals.flatMap((l) => l.discounts)),
  };
  assertAmount(totals.total, 'total');
  return totals;
}

function sum(amounts: readonly number[]): number {
  return amounts.reduce((total, amount) => total + amount, 0);
}

/** The calculator's answer by item id, refusing one that breaks the `TaxCalculator` contract. */
function checkedTaxes(result: readonly { id: string; taxes: readonly TaxAmount[] }[], items: readonly TaxableItem[], inclusive: boolean): Map<string, TaxAmount[]> {
  const byId = new Map<string, TaxAmount[]>();
  for (const taxed of result) {
    if (byId.has(taxed.id)) throw new Error(`tax calculator answered twice for ${taxed.id}`);
    for (const tax of taxed.taxes) assertAmount(tax.amount, `tax ${tax.rateId} on ${taxed.id}`);
    byId.set(taxed.id, taxed.taxes.map((t) => ({ rateId: t.rateId, name: t.name, rate: t.rate, amount: t.amount })));
  }
  for (const item of items) {
    const taxes = byId.get(item.id);
    if (!taxes) throw new Error(`tax calculator did not answer for ${item.id}`);
    if (inclusive && sum(taxes.map((t) => t.amount)) > item.amount) throw new Error(`tax calculator: included tax on ${item.id} exceeds its amount`);
  }
  if (byId.size !== items.length) throw new Error('tax calculator answered for items it was not asked about');
  return byId;
}

function groupTaxes(taxes: readonly TaxAmount[]): TaxAmount[] {
  const byRate = new Map<string, TaxAmount>();
  for (const tax of taxes) {
    const group = byRate.get(tax.rateId);
    if (group) group.amount += tax.amount;
    else byRate.set(tax.rateId, { ...tax });
  }
  return [...byRate.values()];
}

function groupDiscounts(discounts: readonly AppliedDiscount[]): AppliedDiscount[] {
  const groups = new Map<string, AppliedDiscount>();
  for (const discount of discounts) {
    const key = `${discount.source}\u0000${discount.label}`;
    const group = groups.get(key);
    if (group) group.amount += discount.amount;
    else groups.set(key, { ...discount });
  }
  return [...groups.values()];
}
