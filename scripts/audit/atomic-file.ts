import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
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
  const handle = await open(scratch, 'wx', 0o600).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`Cannot write --out ${target}: ${WHY[error.code ?? ''] ?? error.message} (${folder}).`);
  });
  const stream = handle.createWriteStream({ autoClose: false });
  let isOpen = true;
  const close = async (): Promise<void> => {
    if (!isOpen) return;
    isOpen = false;
    await handle.close();
  };
  return {
    stream,
    async commit() {
      stream.end();
      await finished(stream);
      await handle.sync();
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
