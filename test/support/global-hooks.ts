import { closeTestDatabase } from './test-database';

/** Mocha root hooks: the shared test database is closed (and, on a server, dropped) once. */
export const mochaHooks = {};

export async function mochaGlobalTeardown(): Promise<void> {
  await closeTestDatabase();
}
