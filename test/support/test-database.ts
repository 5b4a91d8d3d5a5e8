/** Filled in with the database layer; closing is a no-op until a database was opened. */
export async function closeTestDatabase(): Promise<void> {}
