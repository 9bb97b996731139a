import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { INTERNAL_EVENT_TYPES, WEBHOOK_EVENT_TYPES } from '../../../core/src/modules/webhooks/webhook-event-types.ts';

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : Promise.resolve(e.name.endsWith('.ts') ? [join(dir, e.name)] : []))));
  return nested.flat();
}

describe('outgoing webhooks: event types', () => {
  it('lists every event core modules declare in the EventMap, except the internal ones', async () => {
    const modules = new URL('../../../core/src/modules', import.meta.url).pathname;
    const declared = new Set<string>();
    for (const file of await sourceFiles(modules)) {
      const text = await readFile(file, 'utf8');
      for (const block of text.matchAll(/interface EventMap \{([\s\S]*?)\n  \}/g)) {
        for (const name of block[1]!.matchAll(/^\s+'([a-z_]+\.[a-z_.]+)'\??:/gm)) declared.add(name[1]!);
      }
    }
    expect(declared.size).to.be.greaterThan(30);
    expect(new Set(WEBHOOK_EVENT_TYPES).size, 'no duplicates').to.equal(WEBHOOK_EVENT_TYPES.length);
    const offered = new Set<string>([...WEBHOOK_EVENT_TYPES, ...INTERNAL_EVENT_TYPES]);
    expect([...declared].filter((n) => !offered.has(n)), 'declared but not offered').to.deep.equal([]);
    expect([...WEBHOOK_EVENT_TYPES].filter((n) => !declared.has(n)), 'offered but not declared').to.deep.equal([]);
  });
});
