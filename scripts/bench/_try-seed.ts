import 'reflect-metadata';
import { Cleanup } from './cleanup';
import { openScratchDatabase } from './scratch-database';
import { seedUsers } from './seed';
async function main() {
  const cleanup = new Cleanup();
  try {
    const s = await openScratchDatabase(cleanup, process.env.DATABASE_URL, 20);
    const r = await seedUsers({ kind: 'postgres', db: s.db }, { users: Number(process.argv[2] ?? 20000), passwordHash: '$2b$11$' + 'x'.repeat(53), onProgress: (w, t, sec) => { if (w % 5000 === 0) process.stderr.write(`${w}/${t} ${(w / sec).toFixed(0)}/s\n`); } });
    console.log(r.users, r.seconds, r.lastPosition, r.sample.slice(0, 2));
  } finally { await cleanup.runAll(); }
}
void main();
