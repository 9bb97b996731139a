import type { Cradle } from './container.ts';

/**
 * The implementations plugins contribute through one filter hook (carriers, notification
 * channels), by id. They are collected once, on first use (every plugin has registered by then),
 * and two with the same id stop the store with a message naming it rather than one silently hiding
 * the other.
 */
export class ContributedRegistry<T extends { readonly id: string }> {
  readonly #cradle: Pick<Cradle, 'hooks'> & { readonly self: Cradle };
  readonly #hook: string;
  readonly #what: string;
  readonly #builtIn: readonly T[];
  #loaded: Promise<Map<string, T>> | undefined;

  /** `hook` is a filter whose value is `T[]` and whose context is `{ cradle }`; `what` names one item in errors (`shipping carrier`). */
  constructor(cradle: Cradle, hook: string, what: string, builtIn: readonly T[] = []) {
    this.#cradle = { hooks: cradle.hooks, self: cradle };
    this.#hook = hook;
    this.#what = what;
    this.#builtIn = builtIn;
  }

  async list(): Promise<T[]> {
    return [...(await this.#items()).values()];
  }

  async find(id: string): Promise<T | undefined> {
    return (await this.#items()).get(id);
  }

  #items(): Promise<Map<string, T>> {
    this.#loaded ??= this.#collect();
    return this.#loaded;
  }

  async #collect(): Promise<Map<string, T>> {
    const contributed = (await this.#cradle.hooks.run(this.#hook, [] as never, { cradle: this.#cradle.self } as never)) as unknown as T[];
    const byId = new Map<string, T>();
    for (const item of [...this.#builtIn, ...contributed]) {
      if (byId.has(item.id)) throw new Error(`Two ${this.#what}s have the id "${item.id}": give each plugin instance its own id`);
      byId.set(item.id, item);
    }
    return byId;
  }
}
