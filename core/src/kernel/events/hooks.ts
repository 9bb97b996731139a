import { AppError, KernelErrors, registeredErrorCodes } from '../errors.ts';

/**
 * Filter hooks run inside an operation, in priority order, and may transform its value or veto it.
 * Their names and types are declared once by interface merging:
 *
 * ```ts
 * declare module '@cartwright/core' {
 *   interface HookMap { 'cart.beforeAddItem': { value: { variantId: string; quantity: number }; context: { cartId: string } } }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface HookMap {}

type HookSpec<N extends string> = N extends keyof HookMap
  ? HookMap[N] extends { value: infer V; context: infer C }
    ? { value: V; context: C }
    : { value: unknown; context: unknown }
  : { value: unknown; context: unknown };

export type HookValue<N extends string> = HookSpec<N>['value'];
export type HookContext<N extends string> = HookSpec<N>['context'];
export type HookName = Extract<keyof HookMap, string> | (string & {});

/** A filter returns the (possibly changed) value, or throws `veto(...)` to stop the operation. */
export type HookFilter<N extends string> = (
  value: HookValue<N>,
  context: HookContext<N>,
) => HookValue<N> | Promise<HookValue<N>>;

interface Tap {
  owner: string;
  priority: number;
  order: number;
  filter: HookFilter<any>;
}

export class HookRegistry {
  readonly #taps = new Map<string, Tap[]>();
  #order = 0;

  /** Lower priority runs first; equal priorities run in registration (config) order. */
  tap<N extends HookName>(name: N, filter: HookFilter<N>, options: { owner: string; priority?: number }): void {
    const taps = this.#taps.get(name) ?? [];
    taps.push({ owner: options.owner, priority: options.priority ?? 100, order: this.#order++, filter });
    taps.sort((a, b) => a.priority - b.priority || a.order - b.order);
    this.#taps.set(name, taps);
  }

  async run<N extends HookName>(name: N, value: HookValue<N>, context: HookContext<N>): Promise<HookValue<N>> {
    let current = value;
    for (const tap of this.#taps.get(name) ?? []) current = await tap.filter(current, context);
    return current;
  }

  names(): string[] {
    return [...this.#taps.keys()];
  }
}

/**
 * Refuses the operation a filter runs in. The client gets a 422 problem (or the status given) whose
 * `code` is `HOOK_VETOED` unless the plugin names its own registered code.
 */
export function veto(message: string, options: { code?: string; status?: number; extensions?: Record<string, unknown> } = {}): never {
  if (options.code || options.status) {
    throw new AppError({
      status: options.status ?? (options.code ? registeredErrorCodes().get(options.code)?.status : undefined) ?? 422,
      code: options.code ?? 'HOOK_VETOED',
      message,
      extensions: options.extensions,
    });
  }
  throw KernelErrors.HOOK_VETOED(message, { extensions: options.extensions });
}
