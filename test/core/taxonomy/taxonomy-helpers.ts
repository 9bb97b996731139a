import { expect } from 'chai';
import { newId } from '@cartwright/core';
import type { TestStore } from '@cartwright/core/testing';

export { createAdminTestStore, createAndLogin, auditEntries, type SignedIn } from '../admin/admin-helpers.ts';

/** A product row written with SQL: the taxonomy only refers to products by id. */
export async function insertProduct(store: TestStore, options: { status?: 'draft' | 'published' | 'archived'; deleted?: boolean } = {}): Promise<string> {
  const id = newId('prod');
  await store.commerce.withScope((scope) =>
    scope.cradle.em.execute(`insert into cw_product (id, title, slug, status, created_at, updated_at, deleted_at) values (?, ?, ?, ?, now(), now(), ?)`, [
      id,
      `Product ${id}`,
      id.replace('_', '-'),
      options.status ?? 'published',
      options.deleted ? new Date() : null,
    ]),
  );
  return id;
}

/** Asserts a problem+json answer with `status` and `code`, and returns its body. */
export function expectProblem(res: { status: number; headers: Headers; body: any; text: string }, status: number, code: string): Record<string, any> {
  expect(res.status, res.text).to.equal(status);
  expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
  expect(res.body.code, res.text).to.equal(code);
  return res.body as Record<string, any>;
}

/** Asserts a problem whose `errors` name the field at `pointer`. */
export function expectFieldProblem(res: { status: number; headers: Headers; body: any; text: string }, status: number, code: string, pointer: string) {
  const body = expectProblem(res, status, code);
  const issue = (body.errors as Array<Record<string, string>> | undefined)?.find((e) => e.pointer === pointer);
  expect(issue, res.text).to.not.equal(undefined);
  return body;
}

export async function outboxEvents(store: TestStore, prefix: string) {
  return store.commerce.withScope(async (scope) => {
    const rows = await scope.cradle.em.execute<Array<{ name: string; payload: string | Record<string, any> }>>(
      `select name, payload from cw_outbox_event where name like ? order by occurred_at, id`,
      [`${prefix}%`],
    );
    return rows.map((r) => ({ name: r.name, payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload }));
  });
}

/** A media row written with SQL (a brand logo needs only an id that exists). */
export async function insertMedia(store: TestStore): Promise<string> {
  const id = newId('med');
  await store.commerce.withScope((scope) =>
    scope.cradle.em.execute(
      `insert into cw_media (id, purpose, mime_type, original_filename, byte_size, width, height, storage, storage_key, created_at)
       values (?, 'brand', 'image/png', 'logo.png', 10, 1, 1, 'local', ?, now())`,
      [id, `test/${id}.png`],
    ),
  );
  return id;
}
