import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The folder that holds package.json, where `config/` and the default data folder live. Found by
 * walking up from this file, so the answer is the same from the TypeScript sources and from the
 * compiled `dist/`.
 */
export function findProjectRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${from}.`);
  }
}

export const PROJECT_ROOT = findProjectRoot();
