import { createTestStore, type TestClient, type TestStore } from '@cartwright/core/testing';
import { STRONG_PASSWORD } from '../auth/auth-helpers.ts';

export { STRONG_PASSWORD };

/** A store whose login rate limit does not get in the way of a suite that signs in many times. */
export function createAdminTestStore(): Promise<TestStore> {
  return createTestStore({ auth: { rateLimits: { loginPerIp: { points: 10_000 } } } });
}

export interface SignedIn {
  id: string;
  email: string;
  token: string;
  as: TestClient;
}

export async function login(store: TestStore, email: string, password = STRONG_PASSWORD): Promise<SignedIn> {
  const response = await store.client.post('/auth/login', { email, password });
  if (response.status !== 200) throw new Error(`login of ${email} failed: ${response.status} ${response.text}`);
  const token = response.body.accessToken as string;
  return { id: response.body.user.id, email, token, as: store.client.with({ authorization: `Bearer ${token}` }) };
}

/** Creates an account with a built-in role (as `cartwright user:create` does) and signs it in. */
export async function createAndLogin(store: TestStore, email: string, role: 'admin' | 'staff' | 'customer' | 'vendor', name = ''): Promise<SignedIn> {
  await store.commerce.withScope((s) => s.cradle.userService.create({ email, role, password: STRONG_PASSWORD, name }));
  return login(store, email);
}

export async function auditEntries(admin: SignedIn, query: Record<string, string | number> = {}) {
  const response = await admin.as.get('/admin/audit-log', { query });
  if (response.status !== 200) throw new Error(`audit log: ${response.status} ${response.text}`);
  return response.body as { items: Array<Record<string, any>>; count: number };
}
