// Compiles the TypeScript of src/, projections/ and scripts/ to dist/ with swc, decorator metadata
// included (tsyringe needs it), in about half a second and without type checking (`npm run
// typecheck` and `npm run build` check types). `npm start` and the other process scripts run
// the compiled JavaScript, which holds half the memory of a TypeScript runner in the process.
//
// Several processes may start at once (`npm start` twice, a projector beside it), so nothing is
// ever deleted or half-written under another process that is loading dist/: a file is written
// only when its content changes, through a rename, and only outputs whose source is gone are
// removed. swc's own CLI empties the folder first, which breaks exactly that.
'use strict';
const { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { transformFileSync } = require('@swc/core');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'dist');
const SOURCES = ['src', 'projections', 'scripts'];

/** The same output shape as tsconfig.json asks tsc for: ES2022, CommonJS, legacy decorators with metadata. */
const OPTIONS = {
  swcrc: false,
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs', strictMode: true },
  sourceMaps: false,
};

function sourcesIn(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourcesIn(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

function outputsIn(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? outputsIn(full) : entry.name.endsWith('.js') ? [full] : [];
  });
}

const outputOf = (source) => path.join(OUT, path.relative(ROOT, source)).replace(/\.ts$/, '.js');

function compile() {
  const sources = SOURCES.flatMap((dir) => sourcesIn(path.join(ROOT, dir)));
  let written = 0;
  for (const source of sources) {
    const { code } = transformFileSync(source, OPTIONS);
    const output = outputOf(source);
    if (existsSync(output) && readFileSync(output, 'utf8') === code) continue;
    mkdirSync(path.dirname(output), { recursive: true });
    const scratch = `${output}.${process.pid}.tmp`;
    writeFileSync(scratch, code);
    renameSync(scratch, output);
    written += 1;
  }
  const expected = new Set(sources.map(outputOf));
  for (const output of SOURCES.flatMap((dir) => outputsIn(path.join(OUT, dir)))) {
    if (!expected.has(output) && !output.endsWith('.tmp')) rmSync(output, { force: true });
  }
  return { files: sources.length, written };
}

if (require.main === module) {
  try {
    compile();
  } catch (error) {
    process.stderr.write(`compile failed: ${error && error.message ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

module.exports = { compile };
