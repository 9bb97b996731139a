import { expect } from 'chai';
import { CliWorkspace, jsonConfig } from '../cli/fixtures/cli-harness.ts';

// A seed script (`cartwright seed <file>`) that makes six published products and a draft.
const CATALOG_SEED = `export default async function ({ commerce }) {
  for (let i = 0; i < 7; i++) {
    await commerce.withScope((s) => s.cradle.productService.create({ kind: 'all' }, {
      title: 'Paper lantern ' + i,
      status: i < 6 ? 'published' : 'draft',
      variants: [{ sku: 'LANTERN-' + i, prices: [{ currencyCode: 'USD', amount: 1000 + i }] }],
    }));
  }
}
`;

// Asks the active provider, as /store/search does, how many products match "lantern".
const COUNT_SEED = `export default async function ({ commerce }) {
  const result = await commerce.withScope(async (s) => (await s.cradle.searchProviders.active())
    .query({ q: 'lantern', filters: {}, currency: 'USD', sort: 'relevance', facets: [], limit: 1, offset: 0 }));
  console.log('lanterns found: ' + result.total);
}
`;

describe('cartwright search:reindex', function () {
  this.timeout(180_000);

  let workspace: CliWorkspace;
  afterEach(async () => {
    await workspace?.dispose();
  });

  it('rebuilds the index from the catalog, printing progress and the totals', async () => {
    workspace = await CliWorkspace.create({ files: { 'cartwright.config.json': jsonConfig(), 'catalog.seed.mjs': CATALOG_SEED, 'count.seed.mjs': COUNT_SEED } });
    const seeded = await workspace.run(['seed', 'catalog.seed.mjs']);
    expect(seeded.code, seeded.stderr).to.equal(0);
    // the seed's events were never delivered: the index knows nothing yet
    expect((await workspace.run(['seed', 'count.seed.mjs'])).stdout).to.contain('lanterns found: 0\n');

    const reindexed = await workspace.run(['search:reindex']);
    expect(reindexed.code, reindexed.stderr).to.equal(0);
    expect(reindexed.stdout).to.contain('Reindexing with PostgreSQL full-text search (search.provider postgres)\n');
    expect(reindexed.stdout).to.contain('Indexed 6 products\n');
    expect(reindexed.stdout).to.contain('Reindexed 6 products; removed 0 that are no longer published\n');
    expect((await workspace.run(['seed', 'count.seed.mjs'])).stdout).to.contain('lanterns found: 6\n');

    const again = await workspace.run(['search:reindex']);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.contain('Reindexed 6 products; removed 0');
  });

  it('exits non-zero with a clear message when it cannot reindex', async () => {
    workspace = await CliWorkspace.create({ files: { 'cartwright.config.json': jsonConfig({ search: { provider: 'solr' } }) } });
    const failed = await workspace.run(['search:reindex']);
    expect(failed.code).to.equal(1);
    expect(failed.stdout).to.not.contain('Reindexed');
    expect(failed.stderr).to.equal('The reindex failed: search.provider is "solr", but the installed search providers are "postgres": install its plugin or name one of these\n');
  });
});
