import type { PaymentProvider } from '@cartwright/core';
import type { TestStore } from '@cartwright/core/testing';
import type { CodProvider } from '@cartwright/plugin-cod';

/** The COD provider as core's payments module finds it: through the `payments.providers` filter. */
export async function codProviderOf(store: TestStore): Promise<CodProvider> {
  const { cradle } = store.commerce.container;
  const providers = (await cradle.hooks.run('payments.providers', [], { cradle })) as PaymentProvider[];
  const found = providers.find((provider) => provider.id === 'cod');
  if (!found) throw new Error(`no provider "cod" among ${providers.map((p) => p.id).join(', ') || 'none'}`);
  return found as CodProvider;
}
