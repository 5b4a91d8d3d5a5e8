/** The logger port: handlers and adapters log through pino's interface, injected under LOGGER. */
export type { Logger } from 'pino';

export const LOGGER = Symbol('Logger');
