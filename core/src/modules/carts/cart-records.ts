import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { rows, run } from '../../kernel/db/sql.ts';
import { newId } from '../../kernel/ids.ts';
import type { NormalisedAddress } from '../addresses/address-rules.ts';

export type CartStatus = 'active' | 'merged' | 'completed' | 'expired';

export interface CartRecord {
  id: string;
  tokenHash: string | null;
  customerId: string | null;
  status: CartStatus;
  currencyCode: string;
  email: string | null;
  shippingAddress: NormalisedAddress | null;
  billingAddress: NormalisedAddress | null;
  mergedInto: string | null;
  shippingOptionId: string | null;
  orderId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface CartLineRecord {
  id: string;
  variantId: string;
  quantity: number;
}

interface CartRow {
  id: string;
  token_hash: string | null;
  customer_id: string | null;
  status: CartStatus;
  currency_code: string;
  email: string | null;
  shipping_address: unknown;
  billing_address: unknown;
  merged_into: string | null;
  shipping_option_id: string | null;
  order_id: string | null;
  version: number;
  created: string;
  updated: string;
}

const CART_COLUMNS = sql`id, token_hash, customer_id, status, currency_code, email, shipping_address, billing_address, merged_into, shipping_option_id, order_id, version,
  to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created,
  to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as updated`;

function address(value: unknown): NormalisedAddress | null {
  if (value === null || value === undefined) return null;
  return (typeof value === 'string' ? JSON.parse(value) : value) as NormalisedAddress;
}

function toRecord(row: CartRow): CartRecord {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    customerId: row.customer_id,
    status: row.status,
    currencyCode: row.currency_code,
    email: row.email,
    shippingAddress: address(row.shipping_address),
    billingAddress: address(row.billing_address),
    mergedInto: row.merged_into,
    shippingOptionId: row.shipping_option_id,
    orderId: row.order_id,
    version: Number(row.version),
    createdAt: row.created,
    updatedAt: row.updated,
  };
}

/** The cart, optionally locked for the rest of the transaction so writers of one cart take turns. */
export async function findCart(em: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<CartRecord | undefined> {
  const [row] = await rows<CartRow>(em, sql`select ${CART_COLUMNS} from cw_cart where id = ${id} ${options.lock ? sql`for update` : sql``}`);
  return row && toRecord(row);
}

export async function findActiveCustomerCart(em: EntityManager, customerId: string, options: { lock?: boolean } = {}): Promise<CartRecord | undefined> {
  const [row] = await rows<CartRow>(
    em,
    sql`select ${CART_COLUMNS} from cw_cart where customer_id = ${customerId} and status = 'active' ${options.lock ? sql`for update` : sql``}`,
  );
  return row && toRecord(row);
}

export async function findCartByToken(em: EntityManager, tokenHash: string, options: { lock?: boolean } = {}): Promise<CartRecord | undefined> {
  const [row] = await rows<CartRow>(em, sql`select ${CART_COLUMNS} from cw_cart where token_hash = ${tokenHash} ${options.lock ? sql`for update` : sql``}`);
  return row && toRecord(row);
}

export async function insertCart(
  em: EntityManager,
  cart: { tokenHash: string | null; customerId: string | null; currencyCode: string; email: string | null },
): Promise<string> {
  const id = newId('cart');
  const now = new Date();
  await run(
    em,
    sql`insert into cw_cart (id, token_hash, customer_id, status, currency_code, email, version, created_at, updated_at)
      values (${id}, ${cart.tokenHash}, ${cart.customerId}, 'active', ${cart.currencyCode}, ${cart.email}, 1, ${now}, ${now})`,
  );
  return id;
}

export async function cartLines(em: EntityManager, cartId: string): Promise<CartLineRecord[]> {
  const found = await rows<{ id: string; variant_id: string; quantity: number }>(
    em,
    sql`select id, variant_id, quantity from cw_cart_line where cart_id = ${cartId} order by created_at, id`,
  );
  return found.map((row) => ({ id: row.id, variantId: row.variant_id, quantity: Number(row.quantity) }));
}

/** Sets the quantity of the cart's line for `variantId`, adding the line when there is none. */
export async function putLine(em: EntityManager, cartId: string, variantId: string, quantity: number): Promise<void> {
  const now = new Date();
  await run(
    em,
    sql`insert into cw_cart_line (id, cart_id, variant_id, quantity, created_at, updated_at)
      values (${newId('cli')}, ${cartId}, ${variantId}, ${quantity}, ${now}, ${now})
      on conflict (cart_id, variant_id) do update set quantity = excluded.quantity, updated_at = excluded.updated_at`,
  );
}

export async function deleteLines(em: EntityManager, cartId: string, lineId?: string): Promise<number> {
  return run(em, sql`delete from cw_cart_line where cart_id = ${cartId} ${lineId ? sql`and id = ${lineId}` : sql``}`);
}

export interface CartChanges {
  email?: string | null;
  currencyCode?: string;
  shippingAddress?: NormalisedAddress | null;
  billingAddress?: NormalisedAddress | null;
  customerId?: string;
  tokenHash?: null;
  status?: CartStatus;
  mergedInto?: string;
  shippingOptionId?: string | null;
  orderId?: string;
}

const COLUMN: Record<keyof CartChanges, string> = {
  email: 'email',
  currencyCode: 'currency_code',
  shippingAddress: 'shipping_address',
  billingAddress: 'billing_address',
  customerId: 'customer_id',
  tokenHash: 'token_hash',
  status: 'status',
  mergedInto: 'merged_into',
  shippingOptionId: 'shipping_option_id',
  orderId: 'order_id',
};

/** Applies the changes and moves the cart to its next version (every write does, even one that only touches lines). */
export async function touchCart(em: EntityManager, id: string, changes: CartChanges = {}): Promise<void> {
  const now = new Date();
  const sets = Object.entries(changes)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => {
      const column = sql.ref(COLUMN[key as keyof CartChanges]);
      const isJson = key === 'shippingAddress' || key === 'billingAddress';
      return isJson && value !== null ? sql`${column} = ${JSON.stringify(value)}::jsonb` : sql`${column} = ${value}`;
    });
  const closing = changes.status && changes.status !== 'active' ? [sql`closed_at = ${now}`] : [];
  await run(em, sql`update cw_cart set ${sql.join([...sets, ...closing, sql`version = version + 1`, sql`updated_at = ${now}`])} where id = ${id}`);
}
