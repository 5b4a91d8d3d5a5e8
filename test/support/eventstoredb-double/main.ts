import { parseServerArguments, USAGE } from './cli-arguments';
import { startEventStoreDbDouble } from './index';

/** Standalone double: prints its connection string, serves until SIGINT/SIGTERM, exits 0; bad arguments exit 2. */
async function main(): Promise<void> {
  const parsed = parseServerArguments(process.argv.slice(2));
  if ('error' in parsed) {
    process.stderr.write(`${parsed.error}\n${USAGE}\n`);
    process.exit(2);
  }
  const double = await startEventStoreDbDouble({ port: parsed.port, host: parsed.host, ...(parsed.users === undefined ? {} : { users: parsed.users }) });
  process.stdout.write(`EventStoreDB test double listening: ${double.connectionString}\n`);
  const shutdown = (): void => {
    double.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
