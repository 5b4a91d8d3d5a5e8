import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { createClusterPassword, passwordFilePath, readClusterPassword } from './cluster-password';
import { removeEmbeddedInstance, writeEmbeddedInstance } from './instance-file';
import { lockDataDir } from './owner-lock';
import { postgresBinaries, type PostgresBinaries } from './postgres-binaries';
import { isAlive, isPostmasterOf, readPostmasterPid } from './postmaster-pid';
import { serverAccount, type ServerAccount } from './server-account';

export interface EmbeddedClusterOptions {
  /** The data folder (DATA_DIR); the cluster lives in its `postgres/` subfolder. */
  readonly dataDir: string;
  /** The TCP port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /** False only for throwaway clusters (tests): no fsync, no synchronous commit. */
  readonly durable?: boolean;
  readonly log?: (message: string) => void;
}

export interface EmbeddedConnection {
  /** The socket's folder where there is one, else 127.0.0.1. */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

export interface EmbeddedCluster {
  readonly port: number;
  readonly socketDir: string | undefined;
  readonly connection: EmbeddedConnection;
  /** Fast shutdown (SIGINT), then the data folder is free again. */
  stop(): Promise<void>;
}

export class EmbeddedPostgresStartError extends Error {
  override readonly name = 'EmbeddedPostgresStartError';
}

export const CLUSTER_DIR = 'postgres';
export const EMBEDDED_DATABASE = 'userledger';
export const EMBEDDED_USER = 'postgres';
const LOG_FILE = 'postgres.log';
const HOST = '127.0.0.1';
/** sun_path holds 104 bytes on macOS and 108 on Linux, the terminating NUL included. */
const MAX_SOCKET_PATH = 103;
const READY_TIMEOUT_MS = 60_000;
const SHUTDOWN_TIMEOUT_MS = 30_000;

/**
 * Starts a real PostgreSQL server on `dataDir`, initialising it the first time: a password kept
 * in a 0600 file, scram-sha-256 authentication, TCP on 127.0.0.1 only, and a Unix socket inside
 * the 0700 data folder. A server left running by a process that was killed is stopped first.
 * Exactly one process owns a data folder at a time; another gets EmbeddedDatabaseInUseError.
 */
export async function startEmbeddedCluster(options: EmbeddedClusterOptions): Promise<EmbeddedCluster> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.log ?? (() => undefined);
  const durable = options.durable ?? true;
  const binaries = postgresBinaries();
  const account = serverAccount();
  prepareDataDir(dataDir, account);
  const release = lockDataDir(dataDir);
  try {
    const clusterDir = path.join(dataDir, CLUSTER_DIR);
    await stopOrphanedServer(clusterDir, log);
    const password = await initialiseOnce(dataDir, clusterDir, binaries, account, durable, log);
    const server = await launch({ dataDir, clusterDir, binaries, account, durable, requestedPort: options.port, log });
    const connection: EmbeddedConnection = {
      host: server.socketDir ?? HOST,
      port: server.port,
      user: EMBEDDED_USER,
      password,
      database: EMBEDDED_DATABASE,
    };
    try {
      await createDatabaseOnce(connection);
    } catch (error) {
      await shutDown(server.child);
      throw error;
    }
    writeEmbeddedInstance(dataDir, {
      pid: process.pid,
      port: server.port,
      socketDir: server.socketDir ?? null,
      database: EMBEDDED_DATABASE,
      user: EMBEDDED_USER,
      startedAt: new Date().toISOString(),
    });
    // A process that exits without stop() (an uncaught error) still starts the server's shutdown.
    const onExit = (): void => {
      if (server.child.exitCode === null) server.child.kill('SIGINT');
    };
    process.on('exit', onExit);
    let stopping: Promise<void> | undefined;
    return {
      port: server.port,
      socketDir: server.socketDir,
      connection,
      stop: () => {
        stopping ??= (async () => {
          process.removeListener('exit', onExit);
          try {
            await shutDown(server.child);
          } finally {
            removeEmbeddedInstance(dataDir, process.pid);
            release();
          }
        })();
        return stopping;
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

function prepareDataDir(dataDir: string, account: ServerAccount): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  if (account.uid !== undefined && account.gid !== undefined) chownSync(dataDir, account.uid, account.gid);
}

/**
 * After a SIGKILL of the process that owned it, the server keeps running and keeps its port. It
 * is ours when postmaster.pid names a live postgres process on this cluster: stop it the way
 * `pg_ctl stop -m fast` does. A pid that now belongs to another program is left alone, and the
 * stale file removed so that PostgreSQL does not refuse to start.
 */
async function stopOrphanedServer(clusterDir: string, log: (message: string) => void): Promise<void> {
  const record = readPostmasterPid(clusterDir);
  if (record === undefined || !isAlive(record.pid)) return;
  if (!isPostmasterOf(record.pid, clusterDir)) {
    rmSync(path.join(clusterDir, 'postmaster.pid'), { force: true });
    return;
  }
  log(`stopping the embedded PostgreSQL (pid ${record.pid}) that a process which ended without stopping it left running`);
  process.kill(record.pid, 'SIGINT');
  if (await exitedWithin(record.pid, SHUTDOWN_TIMEOUT_MS)) return;
  process.kill(record.pid, 'SIGQUIT');
  if (!(await exitedWithin(record.pid, 5_000))) {
    throw new EmbeddedPostgresStartError(`The PostgreSQL server (pid ${record.pid}) left running on ${clusterDir} does not stop.`);
  }
}

async function exitedWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await pause(20);
  }
  return true;
}

/**
 * initdb runs into a scratch folder that is renamed into place once complete, so a crash during
 * the first start never leaves a half-made cluster. Answers the superuser's password.
 */
async function initialiseOnce(
  dataDir: string,
  clusterDir: string,
  binaries: PostgresBinaries,
  account: ServerAccount,
  durable: boolean,
  log: (message: string) => void,
): Promise<string> {
  if (existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    const password = readClusterPassword(dataDir);
    if (password === undefined) {
      throw new EmbeddedPostgresStartError(`The embedded database in ${clusterDir} has no password file (${passwordFilePath(dataDir)}).`);
    }
    return password;
  }
  const password = createClusterPassword(dataDir, account);
  const scratch = `${clusterDir}.init`;
  rmSync(scratch, { recursive: true, force: true });
  log(`initialising the embedded PostgreSQL in ${clusterDir}`);
  const args = [
    `--pgdata=${scratch}`,
    `--username=${EMBEDDED_USER}`,
    '--auth=scram-sha-256',
    `--pwfile=${passwordFilePath(dataDir)}`,
    '--encoding=UTF8',
    // Code-point order and messages in English on every platform, whatever locales it has.
    '--locale-provider=builtin',
    '--builtin-locale=C.UTF-8',
    '--locale=C',
    '--no-instructions',
    ...(durable ? [] : ['--no-sync']),
  ];
  const output = await run(binaries.initdb, args, account);
  if (output.code !== 0) throw new EmbeddedPostgresStartError(`initdb failed (exit ${output.code}): ${output.text.trim()}`);
  renameSync(scratch, clusterDir);
  return password;
}

interface LaunchOptions {
  readonly dataDir: string;
  readonly clusterDir: string;
  readonly binaries: PostgresBinaries;
  readonly account: ServerAccount;
  readonly durable: boolean;
  readonly requestedPort: number;
  readonly log: (message: string) => void;
}

interface LaunchedServer {
  readonly child: ChildProcess;
  readonly port: number;
  readonly socketDir: string | undefined;
}

/** Starts the postmaster; with port 0 a free port is picked, again if another program takes it first. */
async function launch(options: LaunchOptions): Promise<LaunchedServer> {
  for (let attempt = 1; ; attempt++) {
    const port = options.requestedPort === 0 ? await freePort() : options.requestedPort;
    const socketDir = socketDirFor(options.dataDir, port, options.log);
    const logPath = path.join(options.dataDir, LOG_FILE);
    const logStart = existsSync(logPath) ? statSync(logPath).size : 0;
    const child = spawnPostmaster(options, port, socketDir, logPath);
    const outcome = await readyOrExited(child, options.clusterDir);
    if (outcome === 'ready') return { child, port, socketDir };
    const said = tail(logPath, logStart);
    if (/address already in use/i.test(said)) {
      if (options.requestedPort === 0 && attempt < 5) continue;
      throw new EmbeddedPostgresStartError(
        `Port ${port} on ${HOST} is taken by another program: set EMBEDDED_DB_PORT to a free port (0 picks one).`,
      );
    }
    if (outcome === 'timeout') await shutDown(child);
    throw new EmbeddedPostgresStartError(`The embedded PostgreSQL did not start (${outcome}); its log ${logPath} says: ${said.trim() || '(nothing)'}`);
  }
}

function spawnPostmaster(options: LaunchOptions, port: number, socketDir: string | undefined, logPath: string): ChildProcess {
  const settings = [
    `listen_addresses=${HOST}`,
    `port=${port}`,
    `unix_socket_directories=${socketDir === undefined ? '' : `"${socketDir}"`}`,
    'unix_socket_permissions=0700',
    ...(options.durable ? [] : ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off']),
  ];
  const logFd = openSync(logPath, 'a', 0o600);
  try {
    const child = spawn(options.binaries.postgres, ['-D', options.clusterDir, ...settings.flatMap((setting) => ['-c', setting])], {
      ...options.account,
      // Its own process group: a Ctrl-C in the terminal reaches the service, which drains
      // its requests and only then stops the database.
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
    // The server's lifetime is managed by stop(), not by this process's event loop.
    child.unref();
    return child;
  } finally {
    closeSync(logFd);
  }
}

/** The socket goes inside the private data folder, where the path is short enough for one. */
function socketDirFor(dataDir: string, port: number, log: (message: string) => void): string | undefined {
  if (process.platform === 'win32') return undefined;
  if (Buffer.byteLength(path.join(dataDir, `.s.PGSQL.${port}`)) > MAX_SOCKET_PATH || /[",]/.test(dataDir)) {
    log(`the path of ${dataDir} is too long for a Unix socket; the embedded PostgreSQL is reached over TCP only`);
    return undefined;
  }
  return dataDir;
}

async function readyOrExited(child: ChildProcess, clusterDir: string): Promise<'ready' | 'timeout' | string> {
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exit ${code ?? signal ?? '?'}`));
  child.once('error', (error) => (exited = error.message));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited !== undefined) return exited;
    const record = readPostmasterPid(clusterDir);
    if (record !== undefined && record.pid === child.pid && record.status === 'ready') return 'ready';
    if (Date.now() > deadline) return 'timeout';
    await pause(15);
  }
}

/** SIGINT is PostgreSQL's fast shutdown: open sessions are rolled back, then a checkpoint. */
async function shutDown(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), SHUTDOWN_TIMEOUT_MS)));
  if ((await Promise.race([exited, timedOut])) === 'timeout') {
    child.kill('SIGQUIT');
    await exited;
  }
  clearTimeout(timer);
}

async function createDatabaseOnce(connection: EmbeddedConnection): Promise<void> {
  const client = new Client({ ...connection, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [connection.database]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(connection.database)}`);
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function run(command: string, args: readonly string[], account: ServerAccount): Promise<{ code: number; text: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...account, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    child.once('error', (error) => resolve({ code: -1, text: error.message }));
    child.once('close', (code) => resolve({ code: code ?? -1, text }));
  });
}

/** What the server wrote to its log since `from` (at most the last 4 KiB). */
function tail(file: string, from: number): string {
  try {
    const size = statSync(file).size;
    const start = Math.max(from, size - 4096);
    const buffer = Buffer.alloc(size - start);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, start);
    } finally {
      closeSync(fd);
    }
    return buffer.toString('utf8');
  } catch {
    return '';
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
