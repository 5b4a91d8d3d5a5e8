import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parse as parseToml } from 'smol-toml';
import ts from 'typescript';
import { ENVIRONMENT_OVERRIDES } from '../../src/config/environment-overrides';

const ROOT = path.resolve(__dirname, '..', '..');

interface Instruction {
  /** Upper-cased: FROM, RUN, COPY... */
  readonly keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  readonly args: string;
  readonly line: number;
}

interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

/**
 * The instructions of a Dockerfile as the builder reads them: comment lines dropped (also inside
 * a continuation), a line ending in a backslash continued on the next, keywords in any case.
 */
function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    // Comment and empty lines are skipped, within a continuation too, as the builder does.
    if (trimmed.startsWith('#') || trimmed === '') return;
    const continued = /\\\s*$/.test(raw);
    const part = continued ? raw.replace(/\\\s*$/, '') : raw;
    pending = pending === undefined ? { text: part, line: index + 1 } : { text: `${pending.text.trimEnd()} ${part.trim()}`, line: pending.line };
    if (continued) return;
    const match = /^\s*(\S+)\s*(.*)$/s.exec(pending.text);
    if (match !== null) instructions.push({ keyword: (match[1] as string).toUpperCase(), args: (match[2] as string).trim(), line: pending.line });
    pending = undefined;
  });
  if (pending !== undefined) throw new Error(`line ${pending.line}: the Dockerfile ends inside a continuation`);
  return instructions;
}

function stagesOf(instructions: readonly Instruction[]): Stage[] {
  const stages: Array<{ image: string; name: string | undefined; instructions: Instruction[] }> = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      stages.push({ image: image as string, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (stage === undefined) throw new Error(`line ${instruction.line}: ${instruction.keyword} before the first FROM`);
      stage.instructions.push(instruction);
    }
  }
  return stages;
}

/** `--flag=value` options at the front of an instruction, and what follows them. */
function splitFlags(args: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {};
  let rest = args;
  for (let match = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest); match !== null; match = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest)) {
    flags[match[1] as string] = match[2] ?? 'true';
    rest = rest.slice(match[0].length);
  }
  return { flags, rest };
}

/** The exec form (a JSON array) of CMD/HEALTHCHECK CMD, or undefined for the shell form. */
function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(args);
  return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : undefined;
}

/** `ENV A=1 B=2` (and the old `ENV A 1`) as a record. */
function envOf(args: string): Record<string, string> {
  if (!args.includes('=')) {
    const [key, ...value] = args.split(/\s+/);
    return { [key as string]: value.join(' ') };
  }
  return Object.fromEntries(
    [...args.matchAll(/([\w.-]+)=("(?:[^"\\]|\\.)*"|\S*)/g)].map((match) => [match[1] as string, (match[2] as string).replace(/^"(.*)"$/, '$1')]),
  );
}

/** The build's tsconfig as tsc reads it: the compiler options and the files it compiles. */
function buildConfig(): ts.ParsedCommandLine {
  const file = path.join(ROOT, 'tsconfig.build.json');
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(config, ts.sys, ROOT, undefined, file);
}

/** The TypeScript source that `npm run build` compiles to `compiled` (relative to the root), if it compiles one. */
function sourceCompiledTo(compiled: string): string | undefined {
  const build = buildConfig();
  const { outDir, rootDir } = build.options as { outDir: string; rootDir: string };
  const source = path.join(rootDir, path.relative(outDir, path.resolve(ROOT, compiled))).replace(/\.js$/, '.ts');
  return build.fileNames.map((name) => path.resolve(name)).includes(source) && existsSync(source) ? path.relative(ROOT, source) : undefined;
}

/** Whether the build context leaves `file` out, by .dockerignore's rules (last match wins, `!` re-includes). */
function dockerIgnores(patterns: readonly string[], file: string): boolean {
  const toRegExp = (pattern: string): RegExp =>
    new RegExp(
      `^${pattern
        .replace(/^\/+|\/+$/g, '')
        .split('/')
        .map((segment) =>
          segment === '**' ? '.*' : segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'),
        )
        .join('/')
        .replace(/\.\*\//g, '(?:.*/)?')}(?:/.*)?$`,
    );
  let ignored = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (toRegExp(negated ? pattern.slice(1) : pattern).test(file)) ignored = !negated;
  }
  return ignored;
}

/**
 * No Docker engine runs here, so the Dockerfile is kept right by reading it: its stages, what the
 * runtime stage installs and copies, who it runs as, its health check and its command, checked
 * against what `npm run build` produces and what the service reads.
 */
describe('Dockerfile', () => {
  const instructions = parseDockerfile(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
  const stages = stagesOf(instructions);
  const runtime = stages.at(-1) as Stage;
  const build = stages.find((stage) => stage.instructions.some((i) => i.keyword === 'RUN' && /\bnpm run build\b/.test(i.args)));
  const all = (stage: Stage, keyword: string) => stage.instructions.filter((instruction) => instruction.keyword === keyword);
  const last = (stage: Stage, keyword: string) => all(stage, keyword).at(-1);
  const workdir = (stage: Stage) => last(stage, 'WORKDIR')?.args ?? '/';
  const ignorePatterns = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  it('parses continuations, comments inside them, and keywords in any case', () => {
    const parsed = parseDockerfile('from node AS b\n# note\nrun a \\\n  # skipped\n\n  && b\nCMD ["x"]\n');
    expect(parsed.map(({ keyword, args }) => [keyword, args])).to.deep.equal([
      ['FROM', 'node AS b'],
      ['RUN', 'a && b'],
      ['CMD', '["x"]'],
    ]);
    expect(() => parseDockerfile('RUN a \\\n')).to.throw('continuation');
  });

  it('has a named build stage that compiles with npm run build, and a named runtime stage after it', () => {
    expect(stages.length).to.be.at.least(2);
    for (const stage of stages) expect(stage.name, stage.image).to.be.a('string').that.is.not.empty;
    expect(new Set(stages.map((stage) => stage.name)).size).to.equal(stages.length);
    expect(build, 'a stage that runs npm run build').to.not.equal(undefined);
    expect(build).to.not.equal(runtime);
    expect(all(build as Stage, 'RUN').map((run) => run.args).join('\n')).to.match(/\bnpm ci\b/);
    for (const stage of stages) expect(stage.image).to.match(/^node:20-/);
  });

  it('installs only production dependencies in the runtime stage, without the optional embedded PostgreSQL', () => {
    const installs = all(runtime, 'RUN').filter((run) => /\bnpm (ci|install)\b/.test(run.args));
    expect(installs).to.have.lengthOf(1);
    const install = (installs[0] as Instruction).args;
    expect(install).to.match(/\bnpm ci\b/).and.include('--omit=dev').and.include('--omit=optional');
  });

  it('copies the compiled dist/ from the build stage into the runtime stage, and the settings', () => {
    const { outDir, rootDir, declaration } = buildConfig().options;
    expect(declaration ?? false, 'declarations would land in the migration folders').to.equal(false);
    const builtDist = path.posix.join(workdir(build as Stage), path.relative(rootDir as string, outDir as string));
    const copies = all(runtime, 'COPY').map((copy) => splitFlags(copy.args));
    const dist = copies.find(({ flags }) => flags.from === build?.name);
    expect(dist, `COPY --from=${build?.name}`).to.not.equal(undefined);
    const [source, destination] = (dist as { rest: string }).rest.split(/\s+/);
    expect(path.posix.normalize(source as string)).to.equal(builtDist);
    expect(path.posix.resolve(workdir(runtime), destination as string)).to.equal(path.posix.join(workdir(runtime), 'dist'));
    expect(copies.some(({ flags, rest }) => flags.from === undefined && /^config\/?\s/.test(rest))).to.equal(true);
  });

  it('runs as a user other than root', () => {
    const user = last(runtime, 'USER')?.args;
    expect(user).to.be.a('string');
    expect(['root', '0', '0:0']).to.not.include(user);
    // USER comes after the last RUN, so nothing installed later runs as root at run time.
    expect((last(runtime, 'USER') as Instruction).line).to.be.greaterThan(last(runtime, 'RUN')?.line ?? 0);
  });

  it('sets production settings, each a variable the service reads', () => {
    const env = Object.assign({}, ...all(runtime, 'ENV').map((instruction) => envOf(instruction.args))) as Record<string, string>;
    expect(env).to.include({ APP_ENV: 'prod', NODE_ENV: 'production' });
    // The service listens on the loopback unless told: inside a container that is the container's own.
    expect(env).to.include({ HOST: '0.0.0.0' });
    const known = new Set([...ENVIRONMENT_OVERRIDES.map(([variable]) => variable), 'APP_ENV', 'NODE_ENV']);
    for (const variable of Object.keys(env)) expect(known.has(variable), variable).to.equal(true);
  });

  it('exposes the port production listens on, and health-checks /api/v1/ready there with node (no curl in slim images)', () => {
    const prod = parseToml(readFileSync(path.join(ROOT, 'config', 'prod', 'config.toml'), 'utf8')) as { server: { port: number } };
    expect(last(runtime, 'EXPOSE')?.args).to.equal(String(prod.server.port));
    const { rest } = splitFlags((last(runtime, 'HEALTHCHECK') as Instruction).args);
    expect(rest).to.match(/^CMD\s/);
    const probe = execForm(rest.replace(/^CMD\s+/, ''));
    expect(probe?.[0]).to.equal('node');
    // On the port the service listens on: PORT when set, else production's.
    expect(probe?.join(' ')).to.include('127.0.0.1:').and.include('/api/v1/ready').and.include('process.env.PORT').and.include(String(prod.server.port));
  });

  it('starts node on the compiled src/main.ts in exec form, never through npm', () => {
    const command = execForm((last(runtime, 'CMD') as Instruction).args);
    expect(command).to.deep.equal(['node', 'dist/src/main.js']);
    expect(last(runtime, 'ENTRYPOINT')).to.equal(undefined);
    expect(sourceCompiledTo(path.posix.relative('.', (command as string[])[1] as string))).to.equal('src/main.ts');
  });

  it('builds the projector and the super-admin script into the image too', () => {
    expect(sourceCompiledTo('dist/src/projector-main.js')).to.equal('src/projector-main.ts');
    expect(sourceCompiledTo('dist/scripts/create-super-admin.js')).to.equal('scripts/create-super-admin.ts');
    expect(buildConfig().fileNames.filter((name) => path.relative(ROOT, name).startsWith(`test${path.sep}`))).to.deep.equal([]);
  });

  it('has a .dockerignore that leaves out installed and built files, data, and every secrets file, but not what it copies', () => {
    for (const file of ['node_modules/pg/package.json', 'dist/src/main.js', 'var/embedded-db.json', '.git/HEAD', 'npm-debug.log']) {
      expect(dockerIgnores(ignorePatterns, file), file).to.equal(true);
    }
    for (const environment of ['local', 'test', 'dev', 'prod']) {
      expect(dockerIgnores(ignorePatterns, `config/${environment}/.secrets.toml`), environment).to.equal(true);
    }
    const copied = stages
      .flatMap((stage) => all(stage, 'COPY'))
      .map((copy) => splitFlags(copy.args))
      .filter(({ flags }) => flags.from === undefined)
      .flatMap(({ rest }) => rest.split(/\s+/).slice(0, -1));
    expect(copied).to.include.members(['package.json', 'package-lock.json', 'tsconfig.build.json', 'src', 'config']);
    for (const source of copied) {
      expect(existsSync(path.join(ROOT, source)), source).to.equal(true);
      expect(dockerIgnores(ignorePatterns, source), source).to.equal(false);
    }
    expect(dockerIgnores(ignorePatterns, 'config/prod/config.toml')).to.equal(false);
  });
});
