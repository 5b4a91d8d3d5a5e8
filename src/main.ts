import 'reflect-metadata';
import { loadSettings } from './config/load-settings';
import { createLogger } from './create-logger';
import { runProcess, type RunningProcess } from './process-lifecycle';
import { startService } from './service';

async function main(): Promise<RunningProcess> {
  const { settings, warnings } = loadSettings();
  const logger = createLogger(settings.logs.level);
  for (const warning of warnings) logger.warn(warning);
  const service = await startService(settings, logger);
  return { logger, stoppingMessage: 'shutting down', stopFailedMessage: 'shutdown failed', stop: () => service.stop() };
}

runProcess('userledger', main);
