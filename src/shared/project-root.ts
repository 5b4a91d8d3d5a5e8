import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The folder that holds package.json and `config/`, where the default data folder lives too.
 * Found by walking up from this file, so the answer is the same from the TypeScript sources and
 * from the compiled `dist/` (which has a copy of package.json, but no config).
 */
export function findProjectRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'config'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No folder with package.json and config/ above ${from}.`);
  }
}

export const PROJECT_ROOT = findProjectRoot();
