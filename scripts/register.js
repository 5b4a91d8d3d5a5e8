// Runs TypeScript sources directly. ts-node (transpile-only) is used rather than tsx because
// esbuild emits no decorator metadata, which tsyringe needs for constructor injection.
process.env.TS_NODE_TRANSPILE_ONLY = 'true';
process.env.TS_NODE_PROJECT = process.env.TS_NODE_PROJECT || require('node:path').join(__dirname, '..', 'tsconfig.json');
require('ts-node/register');
require('reflect-metadata');
