import { sql } from 'kysely';
import type { Cradle } from '../../kernel/container.ts';
import { newId } from '../../kernel/ids.ts';
import { rows } from '../../kernel/db/sql.ts';
import { CatalogErrors } from '../catalog/index.ts';
import { InventoryErrors } from './inventory.errors.ts';

type Deps = Pick<Cradle, 'em' | 'actor' | 'variantAvailability'>;

export interface StockSubscriptionView {
  id: string;
  productId: string;
  variantId: string;
  email: string;
  createdAt: string;
}

interface SubscriptionRow {
  id: string;
  product_id: string;
  variant_id: string;
  email: string;
  created_at: Date | string;
}

const bodyIssue = (pointer: string, rule: string, message: string) => ({ errors: [{ in: 'body', pointer, rule, message }] });

function view(row: SubscriptionRow): StockSubscriptionView {
  return { id: row.id, productId: row.product_id, variantId: row.variant_id, email: row.email, createdAt: new Date(row.created_at).toISOString() };
}

/**
 * "Tell me when it is back": a shopper (signed in or not) leaves an address for a variant that
 * cannot be bought now. Notifying them is `notifyBackInStock`'s work (back-in-stock.ts).
 */
export class StockSubscriptionService {
  readonly #deps: Deps;

  constructor(deps: Deps) {
    this.#deps = deps;
  }

  /** `created` is false when the address already waits for this variant (the existing subscription is answered). */
  async subscribe(productId: string, input: { variantId?: string; email?: string }): Promise<{ subscription: StockSubscriptionView; created: boolean }> {
    const { em, actor } = this.#deps;
    const [product] = await rows<{ id: string }>(em, sql`select id from cw_product where id = ${productId} and status = 'published' and deleted_at is null`);
    if (!product) throw CatalogErrors.PRODUCT_NOT_FOUND(`No product ${productId}`);
    const variantId = await this.#variantOf(productId, input.variantId);
    const userId = actor.kind === 'user' ? actor.userId : null;
    const email = input.email ?? (userId ? await this.#accountEmail(userId) : undefined);
    if (!email) throw InventoryErrors.STOCK_SUBSCRIPTION_EMAIL_REQUIRED('Give an email address, or sign in', bodyIssue('/email', 'required', 'Required for guests'));
    const availability = (await this.#deps.variantAvailability.availability(em, [variantId])).get(variantId);
    if (availability?.available) throw InventoryErrors.STOCK_ALREADY_AVAILABLE(`Variant ${variantId} is in stock`);
    // two tries: a pending subscription found by the insert may be notified before we read it
    for (let attempt = 0; attempt < 2; attempt++) {
      const [inserted] = await rows<SubscriptionRow>(
        em,
        sql`insert into cw_stock_subscription (id, product_id, variant_id, user_id, email, created_at)
          values (${newId('bis')}, ${productId}, ${variantId}, ${userId}, ${email}, ${new Date()})
          on conflict (variant_id, lower(email)) where notified_at is null do nothing
          returning id, product_id, variant_id, email, created_at`,
      );
      if (inserted) return { subscription: view(inserted), created: true };
      const [pending] = await rows<SubscriptionRow>(
        em,
        sql`select id, product_id, variant_id, email, created_at from cw_stock_subscription
          where variant_id = ${variantId} and lower(email) = lower(${email}) and notified_at is null`,
      );
      if (pending) return { subscription: view(pending), created: false };
    }
    throw new Error(`Could not record a back-in-stock subscription for ${variantId}`);
  }

  /** The named variant, which must be the product's; without one, the product's only variant. */
  async #variantOf(productId: string, variantId: string | undefined): Promise<string> {
    const variants = await rows<{ id: string }>(
      this.#deps.em,
      sql`select id from cw_product_variant where product_id = ${productId} and deleted_at is null order by id`,
    );
    if (variantId === undefined) {
      if (variants.length === 1) return variants[0]!.id;
      throw InventoryErrors.STOCK_SUBSCRIPTION_VARIANT_INVALID('This product has several variants: name one', bodyIssue('/variantId', 'required', 'Name a variant'));
    }
    if (!variants.some((v) => v.id === variantId)) {
      throw InventoryErrors.STOCK_SUBSCRIPTION_VARIANT_INVALID(`Variant ${variantId} is not one of this product's`, bodyIssue('/variantId', 'belongs', 'Not a variant of this product'));
    }
    return variantId;
  }

  async #accountEmail(userId: string): Promise<string | undefined> {
    const [user] = await rows<{ email: string }>(this.#deps.em, sql`select email from cw_user where id = ${userId}`);
    return user?.email;
  }
}
