import type { Cradle } from '../../kernel/container.ts';
import type { PaymentProvider } from './payment-provider.ts';
import { PaymentErrors } from './payments.errors.ts';

/**
 * The installed payment providers. Plugins add theirs through the `payments.providers` filter;
 * they are collected once, on first use (every plugin has registered by then), and two with the
 * same id stop the store with a message naming it rather than one silently hiding the other.
 */
export class PaymentProviderRegistry {
  readonly #cradle: Pick<Cradle, 'hooks'> & { readonly self: Cradle };
  #loaded: Promise<Map<string, PaymentProvider>> | undefined;

  constructor(cradle: Cradle) {
    this.#cradle = { hooks: cradle.hooks, self: cradle };
  }

  async list(): Promise<PaymentProvider[]> {
    return [...(await this.#providers()).values()];
  }

  async find(id: string): Promise<PaymentProvider | undefined> {
    return (await this.#providers()).get(id);
  }

  /** The provider with this id, or 422 `PAYMENT_METHOD_UNKNOWN` naming the request field it came from. */
  async get(id: string, field: { in: string; pointer: string } = { in: 'body', pointer: '/method' }): Promise<PaymentProvider> {
    const provider = await this.find(id);
    if (provider) return provider;
    const known = [...(await this.#providers()).keys()];
    throw PaymentErrors.PAYMENT_METHOD_UNKNOWN(`No payment method "${id}"; installed: ${known.join(', ') || 'none'}`, {
      errors: [{ ...field, rule: 'paymentMethod', message: `must be one of: ${known.join(', ') || '(no payment method is installed)'}` }],
      extensions: { methods: known },
    });
  }

  #providers(): Promise<Map<string, PaymentProvider>> {
    this.#loaded ??= this.#collect();
    return this.#loaded;
  }

  async #collect(): Promise<Map<string, PaymentProvider>> {
    const providers = await this.#cradle.hooks.run('payments.providers', [], { cradle: this.#cradle.self });
    const byId = new Map<string, PaymentProvider>();
    for (const provider of providers) {
      if (byId.has(provider.id)) {
        throw new Error(`Two payment providers have the id "${provider.id}": give each plugin instance its own id`);
      }
      byId.set(provider.id, provider);
    }
    return byId;
  }
}
