import { expect } from 'chai';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { createNotesPlugin, newControls } from '../../support/notes-plugin.ts';

describe('HTTP edge', () => {
  let store: TestStore;

  before(async () => {
    store = await createTestStore({ plugins: [createNotesPlugin(newControls())({ prefix: '/fixtures', maxLength: 200 })], http: { bodyLimit: 2048 } });
  });
  after(() => store.stop());

  function expectProblem(res: { status: number; headers: Headers; body: any }, status: number, code: string) {
    expect(res.status).to.equal(status);
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(res.body).to.include({ status, code, type: `urn:cartwright:problem:${code.toLowerCase().replaceAll('_', '-')}` });
    expect(res.body.title).to.be.a('string').and.not.empty;
    expect(res.body.requestId).to.equal(res.headers.get('x-request-id'));
  }

  it('answers an unknown route with a 404 problem', async () => {
    const res = await store.client.get('/no/such/route');
    expectProblem(res, 404, 'ROUTE_NOT_FOUND');
    expect(res.body.instance).to.equal('/no/such/route');
  });

  it('answers a known path with the wrong method with 405 and an Allow header', async () => {
    const res = await store.client.request('PUT', '/fixtures/notes');
    expectProblem(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.get('allow')).to.include('POST');
  });

  it('rejects malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await store.client.post('/fixtures/notes', undefined, { rawBody: '{"text": "a",', headers: { 'content-type': 'application/json' } });
    expectProblem(res, 400, 'MALFORMED_JSON');
    expect(res.body.errors[0]).to.include({ in: 'body', pointer: '', rule: 'json' });
  });

  it('rejects a body that is not JSON with 415', async () => {
    const res = await store.client.post('/fixtures/notes', undefined, { rawBody: 'text=hello', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('rejects a body over the configured limit with 413, without writing anything', async () => {
    const before = (await store.client.get('/fixtures/notes')).body.count;
    const res = await store.client.post('/fixtures/notes', { text: 'x'.repeat(100), tags: Array.from({ length: 400 }, (_, i) => `tag-${i}`) });
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
    expect(res.body.limit).to.equal(2048);
    expect((await store.client.get('/fixtures/notes')).body.count).to.equal(before);
  });

  it('rejects a body streamed without Content-Length once it passes the limit', async () => {
    const chunks = [Buffer.from('{"text":"'), Buffer.from('y'.repeat(4096)), Buffer.from('"}')];
    const body = new ReadableStream({
      start(controller) {
        for (const c of chunks) controller.enqueue(c);
        controller.close();
      },
    });
    const res = await fetch(`${store.url}/fixtures/notes`, { method: 'POST', body, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
    expect(res.status).to.equal(413);
    expect(((await res.json()) as { code: string }).code).to.equal('PAYLOAD_TOO_LARGE');
  });

  it('rejects an unknown body key, naming it by JSON pointer', async () => {
    const res = await store.client.post('/fixtures/notes', { text: 'hello', colour: 'red' });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors).to.deep.include({ in: 'body', pointer: '/colour', rule: 'additionalProperties', message: 'is not an allowed field' });
  });

  it('lists every invalid field with its pointer and rule', async () => {
    const res = await store.client.post('/fixtures/notes', { tags: ['ok', 7] });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    const pointers = res.body.errors.map((e: { pointer: string; rule: string }) => `${e.pointer}:${e.rule}`);
    expect(pointers).to.include.members(['/text:required', '/tags/1:type']);
  });

  it('enforces limits that come from plugin options', async () => {
    const res = await store.client.post('/fixtures/notes', { text: 'z'.repeat(201) });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors[0]).to.include({ pointer: '/text', rule: 'maxLength' });
  });

  it('rejects a query parameter of the wrong type with a pointer into the query', async () => {
    const res = await store.client.get('/fixtures/notes', { query: { limit: 'lots' } });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors[0]).to.include({ in: 'query', pointer: '/limit', rule: 'type' });
  });

  it('rejects an unknown query parameter', async () => {
    const res = await store.client.get('/fixtures/notes', { query: { limt: 5 } });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors[0]).to.include({ in: 'query', pointer: '/limt' });
  });

  it('coerces query strings to the declared types, single values to arrays', async () => {
    const res = await store.client.get('/fixtures/notes', { query: { limit: '7', tag: 'sale' } });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ limit: 7 });
    expect(res.body.tags).to.deep.equal(['sale']);
  });

  it('validates path parameters', async () => {
    const res = await store.client.get('/fixtures/notes/not-a-note-id');
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors[0]).to.include({ in: 'params', pointer: '/id', rule: 'pattern' });
  });

  it('drops fields a response schema does not declare', async () => {
    const created = await store.client.post('/fixtures/notes', { text: 'keep it short' });
    expect(created.status).to.equal(201);
    expect(created.headers.get('location')).to.equal(`/fixtures/notes/${created.body.id}`);
    const res = await store.client.get(`/fixtures/notes/${created.body.id}`);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ id: created.body.id, text: 'keep it short' });
  });

  it('turns an unexpected error into an opaque 500 without leaking its message', async () => {
    const res = await store.client.post('/fixtures/notes?fail=true', { text: 'boom' });
    expectProblem(res, 500, 'INTERNAL');
    expect(res.text).not.to.include('failed after writing');
  });

  it('keeps a well-formed incoming X-Request-Id and replaces a malformed one', async () => {
    const kept = await store.client.get('/health', { headers: { 'x-request-id': 'trace-abc-12345' } });
    expect(kept.headers.get('x-request-id')).to.equal('trace-abc-12345');
    const replaced = await store.client.get('/health', { headers: { 'x-request-id': 'bad id <script>' } });
    expect(replaced.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers on every response, errors included', async () => {
    for (const res of [await store.client.get('/health'), await store.client.get('/missing')]) {
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(res.headers.get('x-frame-options')).to.equal('DENY');
      expect(res.headers.get('content-security-policy')).to.include("default-src 'none'");
      expect(res.headers.get('referrer-policy')).to.equal('no-referrer');
    }
  });
});

describe('CORS', () => {
  let store: TestStore;
  before(async () => {
    store = await createTestStore({ http: { cors: { origins: ['https://shop.example'], credentials: true } } });
  });
  after(() => store.stop());

  it('allows a configured origin, including preflight', async () => {
    const res = await store.client.request('OPTIONS', '/health', {
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'GET' },
    });
    expect(res.status).to.equal(204);
    expect(res.headers.get('access-control-allow-origin')).to.equal('https://shop.example');
    expect(res.headers.get('access-control-allow-credentials')).to.equal('true');
  });

  it('does not allow another origin', async () => {
    const res = await store.client.get('/health', { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).to.equal(null);
  });
});
