import type { TestStore } from '@cartwright/core/testing';

export const STRONG_PASSWORD = 'correct horse battery staple';

/** The messages queued on the notification seam for an address, newest last. */
export async function notificationsTo(store: TestStore, email: string): Promise<Array<{ template: string; data: { token: string; url: string } }>> {
  return store.commerce.withScope(async (scope) => {
    const rows = await scope.cradle.em.execute<Array<{ payload: string | Record<string, unknown> }>>(
      `select payload from cw_outbox_event where name = 'notification.requested' and payload->'recipient'->>'email' = ? order by occurred_at, id`,
      [email],
    );
    return rows.map((r) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload));
  });
}

export async function registerAndLogin(store: TestStore, email: string, password = STRONG_PASSWORD) {
  const registered = await store.client.post('/auth/register', { email, password, name: 'Test Shopper' });
  if (registered.status !== 201) throw new Error(`register failed: ${registered.text}`);
  const login = await store.client.post('/auth/login', { email, password });
  if (login.status !== 200) throw new Error(`login failed: ${login.text}`);
  return { user: registered.body.user, tokens: login.body as { accessToken: string; refreshToken: string }, as: store.client.with({ authorization: `Bearer ${login.body.accessToken}` }) };
}
