import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import type { CommerceConfigInput } from '@cartwright/core';
import { createAndLogin, type SignedIn } from '../admin/admin-helpers.ts';

export interface CatalogStore {
  store: TestStore;
  admin: SignedIn;
}

/** A store selling in USD (default), EUR (own prices or converted) and JPY (converted only), with an admin signed in. */
export async function createCatalogStore(overrides: CommerceConfigInput = {}): Promise<CatalogStore> {
  const store = await createTestStore({
    auth: { rateLimits: { loginPerIp: { points: 10_000 } } },
    catalog: { defaultCurrency: 'USD', currencies: ['USD', 'EUR', 'JPY', 'GBP'], exchangeRates: { EUR: '0.9215', JPY: '151.37' } },
    media: { directory: mkdtempSync(join(tmpdir(), 'cw-media-')) },
    ...overrides,
  });
  const admin = await createAndLogin(store, 'admin@example.com', 'admin');
  return { store, admin };
}

/** Posts and insists on the expected status, so a fixture that fails says why. */
export async function created(as: SignedIn['as'], path: string, body: unknown, status = 201): Promise<any> {
  const response = await as.post(path, body);
  if (response.status !== status) throw new Error(`POST ${path}: ${response.status} ${response.text}`);
  return response.body;
}

let skuCounter = 0;
export function sku(prefix = 'SKU'): string {
  skuCounter += 1;
  return `${prefix}-${skuCounter}`;
}

/** A one-variant product body, published, priced in USD. */
export function simpleProduct(title: string, usd: number, extra: Record<string, unknown> = {}, variant: Record<string, unknown> = {}) {
  return { title, status: 'published', ...extra, variants: [{ sku: sku(), prices: [{ currencyCode: 'USD', amount: usd }], ...variant }] };
}
