import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** What a running postmaster records in `<cluster>/postmaster.pid` (PostgreSQL's own lock file). */
export interface PostmasterRecord {
  readonly pid: number;
  readonly port: number;
  /** `starting`, `ready`, `stopping` or `standby`. */
  readonly status: string;
}

export function readPostmasterPid(clusterDir: string): PostmasterRecord | undefined {
  let lines: string[];
  try {
    lines = readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, port: Number(lines[3]), status: (lines[7] ?? '').trim() };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when `pid` is a postgres process serving `clusterDir`: a pid from a stale postmaster.pid
 * may by now belong to another program, which must never be signalled.
 */
export function isPostmasterOf(pid: number, clusterDir: string): boolean {
  const command = commandLineOf(pid);
  return command !== undefined && command.includes('postgres') && command.includes(clusterDir);
}

function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    // No /proc (macOS): ask ps.
  }
  try {
    return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
  } catch {
    return undefined;
  }
}
