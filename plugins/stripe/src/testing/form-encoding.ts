/** A value of Stripe's form encoding once its bracket keys are unfolded. */
export type FormValue = string | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

/**
 * Unfolds Stripe's `application/x-www-form-urlencoded` wire format, where nesting is spelled with
 * brackets (`metadata[order]=…`, `expand[0]=latest_charge`, `expand[]=…`), into plain objects.
 * Arrays come out as objects keyed by index; `listOf` reads them back.
 */
export function parseStripeForm(encoded: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(encoded)) {
    const path = key.split('[').map((part, index) => (index === 0 ? part : part.replace(/]$/, '')));
    let node = root;
    for (const [index, part] of path.entries()) {
      const name = part === '' ? String(Object.keys(node).length) : part;
      if (index === path.length - 1) {
        node[name] = value;
      } else {
        const next = node[name];
        node = typeof next === 'object' ? next : (node[name] = {});
      }
    }
  }
  return root;
}

/** The values of an array field (`expand[0]=a&expand[1]=b`, or a single value). */
export function listOf(value: FormValue | undefined): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  return Object.values(value).filter((v): v is string => typeof v === 'string');
}
