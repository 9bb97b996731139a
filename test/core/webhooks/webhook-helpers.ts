import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { WEBHOOK_DELIVERY_JOB } from '../../../core/src/modules/webhooks/index.ts';
import { createAndLogin, type SignedIn } from '../admin/admin-helpers.ts';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP endpoint on 127.0.0.1: records every request; `status[path]` sets the answer (200 by default). */
export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  status: Record<string, number>;
  to(path: string): ReceivedRequest[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const status: Record<string, number> = {};
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      requests.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = status[path] ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    status,
    to: (path) => requests.filter((r) => r.path === path),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export type VerifyRecipe = (
  rawBody: string | Buffer,
  headers: IncomingHttpHeaders,
  secret: string,
  options?: { toleranceSeconds?: number; now?: number },
) => boolean;

/** The verification code block of docs/integrations/webhooks.md, imported as it is written there. */
export async function documentedRecipe(): Promise<VerifyRecipe> {
  const doc = await readFile(new URL('../../../docs/integrations/webhooks.md', import.meta.url), 'utf8');
  const block = /<!-- verification-recipe -->\n```js\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!block) throw new Error('docs/integrations/webhooks.md has no verification-recipe block');
  const dir = await mkdtemp(join(tmpdir(), 'cw-webhook-recipe-'));
  try {
    const file = join(dir, 'verify.mjs');
    await writeFile(file, block);
    const module = (await import(pathToFileURL(file).href)) as { verifyCartwrightWebhook: VerifyRecipe };
    return module.verifyCartwrightWebhook;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface WebhookWorld {
  store: TestStore;
  admin: SignedIn;
  receiver: Receiver;
  verify: VerifyRecipe;
  /** Runs the `webhooks.deliver` job as the job queue would, at `now`. */
  deliver(now?: Date): Promise<void>;
  /** Creates a tag through the admin API: one `tag.created` event. */
  tagCreated(name: string): Promise<string>;
  subscribe(body: Record<string, unknown>): Promise<{ id: string; secret: string; [key: string]: unknown }>;
  sql(query: string, params?: unknown[]): Promise<any[]>;
  close(): Promise<void>;
}

export async function createWebhookWorld(webhooks: Record<string, unknown> = { allowLoopback: true }): Promise<WebhookWorld> {
  const store = await createTestStore({ webhooks });
  const admin = await createAndLogin(store, 'webhooks-admin@example.com', 'admin');
  const receiver = await startReceiver();
  const verify = await documentedRecipe();
  const job = store.commerce.jobs.definitions().find((d) => d.name === WEBHOOK_DELIVERY_JOB);
  if (!job) throw new Error(`job ${WEBHOOK_DELIVERY_JOB} is not defined`);
  return {
    store,
    admin,
    receiver,
    verify,
    deliver: (now = new Date()) =>
      store.commerce.withScope(async (scope) => {
        await job.handler({ now: now.toISOString() }, { em: scope.cradle.em, cradle: scope.cradle, logger: scope.cradle.logger, jobId: 'test' });
      }),
    tagCreated: async (name) => {
      const response = await admin.as.post('/admin/tags', { name });
      if (response.status !== 201) throw new Error(`tag: ${response.status} ${response.text}`);
      await store.deliverEvents();
      return response.body.id as string;
    },
    subscribe: async (body) => {
      const response = await admin.as.post('/admin/webhooks', body);
      if (response.status !== 201) throw new Error(`subscribe: ${response.status} ${response.text}`);
      return response.body;
    },
    sql: (query, params = []) => store.commerce.withScope((scope) => scope.cradle.em.getConnection().execute(query, params)),
    close: async () => {
      await receiver.close();
      await store.stop();
    },
  };
}
