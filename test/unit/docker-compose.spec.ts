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

/** A value as compose interpolates it with none of the variables set: `${X:-default}` is its default. */
function interpolated(value: string): string {
  return value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
}

/** A `ports` entry's host side: `127.0.0.1:2113:2113` → 127.0.0.1; `8000:8000` → every interface. */
function publishedOn(port: string): string {
  const parts = port.split(':');
  return parts.length === 3 ? (parts[0] as string) : '0.0.0.0';
}

interface Service {
  profiles?: string[];
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

  const byDefault = Object.fromEntries(Object.entries(services).filter(([, service]) => service.profiles === undefined));

  it('runs EventStoreDB (insecure single node, data on a volume), PostgreSQL, the API and a projector, each with a health check', () => {
    expect(Object.keys(byDefault).sort()).to.deep.equal(['api', 'eventstoredb', 'postgres', 'projector']);
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
      const esdb = new URL(interpolated(env.EVENTSTORE_CONNECTION_STRING as string));
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

  it('publishes the insecure EventStoreDB and every other store on the loopback only, the API alone on every interface', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const port of service.ports ?? []) expect(publishedOn(port), `${name} ${port}`).to.equal(name === 'api' ? '0.0.0.0' : '127.0.0.1');
    }
    expect((services.eventstoredb as Service).ports).to.deep.equal(['127.0.0.1:2113:2113']);
  });

  it('has the Node services listen on every interface of their container, with secure cookies unless told otherwise', () => {
    for (const name of ['api', 'projector']) expect((services[name] as Service).environment, name).to.include({ HOST: '0.0.0.0' });
    expect(interpolated((services.api as Service).environment?.COOKIES_SECURE as string)).to.equal('true');
  });

  it('describes a secure EventStoreDB node as the `secure` profile: certificates on a volume, a password that must be given', () => {
    const secure = services['eventstoredb-secure'] as Service;
    const certificates = services.certificates as Service;
    expect(secure.profiles).to.deep.equal(['secure']);
    expect(certificates.profiles).to.deep.equal(['secure']);
    expect(secure.environment).to.not.have.property('EVENTSTORE_INSECURE');
    expect(secure.environment).to.include({
      EVENTSTORE_CERTIFICATE_FILE: '/certs/node/node.crt',
      EVENTSTORE_CERTIFICATE_PRIVATE_KEY_FILE: '/certs/node/node.key',
      EVENTSTORE_TRUSTED_ROOT_CERTIFICATES_PATH: '/certs/ca',
    });
    // `:?` makes compose refuse to start without it: no default password on a secure node.
    expect(secure.environment?.EVENTSTORE_DEFAULT_ADMIN_PASSWORD).to.match(/^\$\{EVENTSTORE_ADMIN_PASSWORD:\?/);
    expect(secure.depends_on).to.deep.equal({ certificates: { condition: 'service_completed_successfully' } });
    expect(certificates.volumes).to.include('eventstoredb-certs:/certs');
    expect(secure.volumes).to.include('eventstoredb-certs:/certs:ro');
    // The Node services read the CA from the same volume; the connection string names the file.
    for (const name of ['api', 'projector']) expect((services[name] as Service).volumes, name).to.include('eventstoredb-certs:/certs:ro');
    const documented = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
    expect(documented).to.include('esdb://admin:<password>@eventstoredb-secure:2113?tls=true&tlsCAFile=/certs/ca/ca.crt');
  });

  it('runs the projector apart from the API, and health-checks each on the port it serves', () => {
    const api = services.api as Service;
    const projector = services.projector as Service;
    expect(api.environment).to.include({ PROJECTIONS_IN_PROCESS: 'false', PORT: '8000' });
    expect(api.healthcheck?.test.join(' ')).to.include('127.0.0.1:8000/api/v1/ready');
    expect(projector.command).to.deep.equal(['node', 'dist/src/projector-main.js']);
    expect(projector.healthcheck?.test.join(' ')).to.include(`127.0.0.1:${projector.environment?.PROJECTOR_HEALTH_PORT}/health`);
  });
});
