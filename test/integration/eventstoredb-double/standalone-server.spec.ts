import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { eventually } from '../../support/eventually';
import { aStreamName, readStreamEvents } from './harness';

const REPO = path.resolve(__dirname, '..', '..', '..');
const MAIN = 'test/support/eventstoredb-double/main.ts';

async function aFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function launch(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['-r', './scripts/register.js', MAIN, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

describe('EventStoreDB double: the standalone server (npm run eventstoredb:test-server)', () => {
  it('prints its connection string, serves the client, and exits 0 on SIGTERM', async () => {
    const port = await aFreePort();
    const server = launch(['--port', String(port), '--host', '127.0.0.1']);
    const connectionString = `esdb://127.0.0.1:${port}?tls=false`;
    try {
      await eventually('the connection string', () => {
        if (server.child.exitCode !== null) throw new Error(`exited ${server.child.exitCode} before printing its connection string; stderr: ${server.stderr()}`);
        return server.stdout().includes(connectionString);
      }, { detail: server.stderr });
      const client = EventStoreDBClient.connectionString(connectionString);
      try {
        const stream = aStreamName();
        await client.appendToStream(stream, jsonEvent({ type: 'Standalone', data: { ok: true } }));
        expect((await readStreamEvents(client, stream)).map((e) => e.event?.type)).to.deep.equal(['Standalone']);
      } finally {
        await client.dispose();
      }
      server.child.kill('SIGTERM');
      expect(await server.exit).to.equal(0);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  });

  for (const args of [['--port', 'not-a-number'], ['--port'], ['--colour', 'blue'], ['--users', 'admin']]) {
    it(`refuses ${args.join(' ')} with a usage message and exit code 2`, async () => {
      const server = launch(args);
      expect(await server.exit).to.equal(2);
      expect(server.stderr()).to.match(/usage: eventstoredb:test-server/);
      expect(server.stdout()).to.equal('');
    });
  }
});
