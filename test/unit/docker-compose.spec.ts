import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';
import { parse } from 'yaml';
import { ENVIRONMENT_OVERRIDES } from '../../src/config/environment-overrides';

const ROOT = path.resolve(__dirname, '..', '..');

/** The TypeScript source that `npm run build` compiles to `compiled` (relative to the root), if it compiles one. */
function sourceCompiledTo(compiled: string): string | undefined {
  const file = path.join(ROOT, 'tsconfig.build.json');
  const build = ts.parseJsonConfigFileContent(ts.readConfigFile(file, ts.sys.readFile).config, ts.sys, ROOT, undefined, file);
  const { outDir, rootDir } = build.options as { outDir: string; rootDir: string };
  const source = path.join(rootDir, path.relative(outDir, path.resolve(ROOT, compiled))).replace(/\.js$/, '.ts');
  return build.fileNames.map((name) => path.resolve(name)).includes(source) && existsSync(source) ? path.relative(ROOT, source) : undefined;
}

interface Service {
  build?: string;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
}

/**
 * No Docker engine runs here, so docker-compose.yml is kept right by reading it: every variable
 * the Node services get is one the service reads, every name it points at exists.
 */
describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };
  const { services } = compose;
  const known = new Set([...ENVIRONMENT_OVERRIDES.map(([variable]) => variable), 'APP_ENV', 'PROJECTOR_HEALTH_PORT']);

  it('runs EventStoreDB (insecure single node, data on a volume), PostgreSQL, the API and a projector, each with a health check', () => {
    expect(Object.keys(services).sort()).to.deep.equal(['api', 'eventstoredb', 'postgres', 'projector']);
    for (const [name, service] of Object.entries(services)) expect(service.healthcheck?.test, name).to.be.an('array').that.is.not.empty;
    const esdb = services.eventstoredb as Service;
    expect(esdb.environment).to.include({ EVENTSTORE_CLUSTER_SIZE: '1', EVENTSTORE_INSECURE: 'true' });
    expect(esdb.volumes).to.include('eventstoredb-data:/var/lib/eventstore');
  });

  for (const name of ['api', 'projector']) {
    it(`gives the ${name} only variables the service reads, pointing at services that exist`, () => {
      const service = services[name] as Service;
      const env = service.environment ?? {};
      for (const variable of Object.keys(env)) expect(known.has(variable), variable).to.equal(true);
      expect(env).to.include({ APP_ENV: 'prod', EVENT_STORE: 'eventstoredb' });
      const esdb = new URL(env.EVENTSTORE_CONNECTION_STRING as string);
      expect([esdb.protocol, esdb.hostname, esdb.port, esdb.searchParams.get('tls')]).to.deep.equal(['esdb:', 'eventstoredb', '2113', 'false']);
      expect(new URL(env.DATABASE_URL as string).hostname).to.equal('postgres');
      for (const dependency of Object.keys(service.depends_on ?? {})) expect(services, dependency).to.have.property(dependency);
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] as string;
        expect(compose.volumes, volume).to.have.property(source);
      }
    });

    it(`runs the ${name} from the image the Dockerfile builds, on a file the build produces, with no source tree mounted`, () => {
      const service = services[name] as Service;
      expect(service.build).to.equal('.');
      expect(existsSync(path.join(ROOT, 'Dockerfile'))).to.equal(true);
      expect(service.image).to.equal('userledger:local');
      // Named volumes only: a bind mount (./ or /) would put sources over the image's /app.
      for (const volume of service.volumes ?? []) expect(volume, volume).to.not.match(/^[./~]/);
      const [program, entry, ...rest] = service.command ?? [];
      expect([program, rest]).to.deep.equal(['node', []]);
      expect(sourceCompiledTo(entry as string), entry).to.equal(name === 'api' ? 'src/main.ts' : 'src/projector-main.ts');
    });
  }

  it('runs the projector apart from the API, and health-checks each on the port it serves', () => {
    const api = services.api as Service;
    const projector = services.projector as Service;
    expect(api.environment).to.include({ PROJECTIONS_IN_PROCESS: 'false', PORT: '8000' });
    expect(api.healthcheck?.test.join(' ')).to.include('127.0.0.1:8000/api/v1/ready');
    expect(projector.command).to.deep.equal(['node', 'dist/src/projector-main.js']);
    expect(projector.healthcheck?.test.join(' ')).to.include(`127.0.0.1:${projector.environment?.PROJECTOR_HEALTH_PORT}/health`);
  });
});
