#!/usr/bin/env node
// Resolved through the package's exports map: compiled JS when installed from npm, the TypeScript
// sources inside the monorepo (where scripts run node with --conditions=cartwright-source).
const { main } = await import('@cartwright/core/cli');
process.exitCode = await main(process.argv.slice(2));
