/**
 * What `units` returned units of an order line are worth, when `before` units of that line were
 * returned earlier (decision 0017): the line's total T (after discounts, tax as charged) spread over
 * its Q units by floor(T·(r+k)/Q) − floor(T·r/Q). Returning every unit, in any number of returns,
 * gives back exactly T; no return is worth a cent more than its share.
 */
export function returnedUnitsValue(line: { total: number; quantity: number }, before: number, units: number): number {
  if (units === 0) return 0;
  if (!Number.isSafeInteger(line.total) || line.total < 0 || !Number.isSafeInteger(line.quantity) || line.quantity <= 0) {
    throw new Error(`not a valid order line: total ${line.total}, quantity ${line.quantity}`);
  }
  if (before < 0 || units < 0 || before + units > line.quantity) throw new Error(`cannot return ${units} after ${before} of ${line.quantity} units`);
  // bigint: T·(r+k) may pass 2^53 for a large line
  const share = (n: number) => (BigInt(line.total) * BigInt(n)) / BigInt(line.quantity);
  return Number(share(before + units) - share(before));
}
