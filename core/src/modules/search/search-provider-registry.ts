import type { Cradle } from '../../kernel/container.ts';
import { ContributedRegistry } from '../../kernel/contributed-registry.ts';
import type { SearchProvider } from './search-provider.ts';

/** The installed search providers: core's PostgreSQL one and those plugins add through the `search.providers` filter. */
export class SearchProviderRegistry extends ContributedRegistry<SearchProvider> {
  readonly #configured: string;

  constructor(cradle: Cradle, builtIn: readonly SearchProvider[]) {
    super(cradle, 'search.providers', 'search provider', builtIn);
    this.#configured = cradle.config.search.provider;
  }

  /** The provider `search.provider` names; a name no installed provider has stops the store at start, naming the ones there are. */
  async active(): Promise<SearchProvider> {
    const provider = await this.find(this.#configured);
    if (provider) return provider;
    const installed = (await this.list()).map((p) => `"${p.id}"`).join(', ');
    throw new Error(`search.provider is "${this.#configured}", but the installed search providers are ${installed}: install its plugin or name one of these`);
  }
}
