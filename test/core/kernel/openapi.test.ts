import { expect } from 'chai';
import { compileErrors, validate } from '@readme/openapi-parser';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { createNotesPlugin, newControls } from '../../support/notes-plugin.ts';

describe('OpenAPI document and reference page', () => {
  let store: TestStore;
  before(async () => {
    store = await createTestStore({ plugins: [createNotesPlugin(newControls())({ prefix: '/fixtures', maxLength: 200 })] });
  });
  after(() => store.stop());

  it('serves a valid OpenAPI 3.1 document (checked by @readme/openapi-parser)', async () => {
    const res = await store.client.get('/openapi.json');
    expect(res.status).to.equal(200);
    expect(res.body.openapi).to.equal('3.1.0');
    const result = await validate(structuredClone(res.body));
    expect(result.valid, result.valid ? '' : compileErrors(result)).to.equal(true);
  });

  it('tags the document with an ETag and answers 304 when the client has it', async () => {
    const first = await store.client.get('/openapi.json');
    const etag = first.headers.get('etag');
    expect(etag).to.match(/^"[A-Za-z0-9_-]+"$/);
    const again = await store.client.get('/openapi.json', { headers: { 'if-none-match': etag! } });
    expect(again.status).to.equal(304);
    expect(again.text).to.equal('');
    const stale = await store.client.get('/openapi.json', { headers: { 'if-none-match': '"something-else"' } });
    expect(stale.status).to.equal(200);
    expect(stale.body).to.deep.equal(first.body);
  });

  it('describes plugin routes from the same schemas that validate requests', async () => {
    const { body: doc } = await store.client.get('/openapi.json');
    const create = doc.paths['/fixtures/notes'].post;
    expect(create.tags).to.deep.equal(['@fixtures/plugin-notes']);
    expect(create.requestBody.content['application/json'].schema.properties.text).to.deep.equal({ type: 'string', minLength: 1, maxLength: 200 });
    expect(create.requestBody.content['application/json'].schema.additionalProperties).to.equal(false);
    expect(create.responses['201'].content['application/json'].schema.required).to.deep.equal(['id', 'text']);
    expect(create.responses['4XX']).to.deep.equal({ $ref: '#/components/responses/Problem' });
    const read = doc.paths['/fixtures/notes/{id}'].get;
    expect(read.parameters).to.deep.include({ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^note_' } });
    const list = doc.paths['/fixtures/notes'].get;
    expect(list.parameters.map((p: { name: string; required: boolean }) => [p.name, p.required])).to.deep.equal([
      ['limit', false],
      ['tag', false],
    ]);
  });

  it('gives every operation a unique operationId', async () => {
    const { body: doc } = await store.client.get('/openapi.json');
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('serves a reference page with no external scripts or assets', async () => {
    const res = await store.client.get('/docs');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/html/);
    expect(res.text).to.include('/fixtures/notes/{id}');
    expect(res.text).to.include('Create a note');
    expect(res.text).not.to.match(/<script|<link|src="http|href="http/);
    expect(res.headers.get('content-security-policy')).to.equal("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  });
});
