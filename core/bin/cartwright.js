#!/usr/bin/env node
// Resolved through the package's exports map: compiled JS when installed from npm, the TypeScript
// sources inside the monorepo (where scripts run node with --conditions=cartwright-source).
const { main } = await import('@cartwright/core/cli');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// The command has finished and closed the store, but agenda 6.2 leaves the lock check of a job that
// ran pending (a timer of half the job's lock lifetime, minutes). Do not wait for it: an unref'd
// timer only fires when something else still holds the process open.
setTimeout(() => process.exit(code), 2000).unref();
