import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// resolved through the package's own exports map, so it works from src/ and from dist/
const pkg = require('@cartwright/core/package.json') as { version: string };

/** The version of @cartwright/core, as published. */
export const CORE_VERSION: string = pkg.version;
