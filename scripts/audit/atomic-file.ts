import { once } from 'node:events';
import { close as closeFd, createWriteStream, fsync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { UsageError } from './audit-errors';

const WHY: Record<string, string> = {
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'its folder does not exist',
  EACCES: 'permission denied in its folder',
  EPERM: 'permission denied in its folder',
  EROFS: 'its folder is on a read-only file system',
  ENOSPC: 'no space left',
};

export interface AtomicFile {
  readonly stream: Writable;
  /** Flushes the file to disk and moves it into place under its name. */
  commit(): Promise<void>;
  /** Removes the partial file; the name keeps what it had. */
  discard(): Promise<void>;
}

/**
 * A file that appears under its name complete or not at all: written beside it under a
 * temporary name, then renamed (atomic within a directory). Opened first, so that an --out that
 * cannot be written is refused before any work. Readable by its owner only: it holds personal data.
 */
export async function createAtomically(target: string): Promise<AtomicFile> {
  const full = path.resolve(target);
  const scratch = path.join(path.dirname(full), `.${path.basename(full)}.${process.pid}.tmp`);
  const folder = path.dirname(full);
  if ((await stat(full).catch(() => undefined))?.isDirectory() === true) throw new UsageError(`Cannot write --out ${target}: it is a folder.`);
  // The descriptor stays open after the last write, to be flushed to disk before the rename.
  const stream = createWriteStream(scratch, { flags: 'wx', mode: 0o600, autoClose: false });
  try {
    await once(stream, 'open');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new UsageError(`Cannot write --out ${target}: ${WHY[code] ?? (error as Error).message} (${folder}).`);
  }
  const descriptor = (): number => (stream as unknown as { fd: number }).fd;
  let isOpen = true;
  const close = async (): Promise<void> => {
    if (!isOpen) return;
    isOpen = false;
    await promisify(closeFd)(descriptor());
  };
  return {
    stream,
    async commit() {
      await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
      await promisify(fsync)(descriptor());
      await close();
      await rename(scratch, full);
    },
    async discard() {
      stream.destroy();
      await close().catch(() => undefined);
      await rm(scratch, { force: true });
    },
  };
}
