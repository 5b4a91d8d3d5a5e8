import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { ENVIRONMENT_OVERRIDES } from '../../src/config/environment-overrides';

interface Service {
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
  const compose = parse(readFileSync(path.resolve(__dirname, '..', '..', 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };
  const { services } = compose;
  const known = new Set([...ENVIRONMENT_OVERRIDES.map(([variable]) => variable), 'APP_ENV', 'PROJECTOR_HEALTH_PORT']);
  const packageScripts = (JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

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
        if (!source.startsWith('.')) expect(compose.volumes, volume).to.have.property(source);
      }
      const script = /npm (?:run )?(\w[\w:-]*)$/.exec((service.command ?? []).join(' '))?.[1];
      expect(script === 'start' || (script !== undefined && script in packageScripts), String(script)).to.equal(true);
    });
  }

  it('runs the projector apart from the API, and health-checks each on the port it serves', () => {
    const api = services.api as Service;
    const projector = services.projector as Service;
    expect(api.environment).to.include({ PROJECTIONS_IN_PROCESS: 'false', PORT: '8000' });
    expect(api.healthcheck?.test.join(' ')).to.include('127.0.0.1:8000/api/v1/ready');
    expect(projector.command?.join(' ')).to.match(/npm run projector$/);
    expect(projector.healthcheck?.test.join(' ')).to.include(`127.0.0.1:${projector.environment?.PROJECTOR_HEALTH_PORT}/health`);
  });
});
