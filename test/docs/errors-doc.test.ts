import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { registeredErrorCodes } from '@cartwright/core';
// plugins that declare error codes register them when loaded
import '@cartwright/plugin-gpay';
import '@cartwright/plugin-easypost';
import '@cartwright/plugin-elasticsearch';
import '@cartwright/plugin-smtp';
import '@cartwright/plugin-twilio';
import '@cartwright/plugin-webpush';

// Codes that tests declare for themselves start with TEST_; everything else must be documented.
const documentedRows = () => {
  const text = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const rows = new Map<string, { status: number; title: string }>();
  for (const match of text.matchAll(/^\| `([A-Z0-9_]+)` \| (\d{3}) \| (.+?) \|$/gm)) {
    rows.set(match[1]!, { status: Number(match[2]), title: match[3]!.trim() });
  }
  return rows;
};

describe('docs/errors.md', () => {
  it('lists every registered error code with its status and title', () => {
    const documented = documentedRows();
    for (const [code, def] of registeredErrorCodes()) {
      if (code.startsWith('TEST_')) continue;
      expect(documented.get(code), `${code} is missing from docs/errors.md`).to.deep.equal({ status: def.status, title: def.title });
    }
  });

  it('lists no code that the source does not declare', () => {
    const registered = registeredErrorCodes();
    const stale = [...documentedRows().keys()].filter((code) => !registered.has(code));
    expect(stale).to.deep.equal([]);
  });
});
