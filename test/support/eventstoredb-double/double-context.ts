import type { EventLog } from './event-log';
import type { OpenCalls } from './open-calls';
import type { NodeSecurity } from './security';

/** The settings the handlers obey, fixed when the double starts. */
export interface DoubleSettings {
  readonly maxAppendSizeBytes: number;
  readonly checkpointIntervalEvents: number;
}

/** What every handler works with: the log (outlives the gRPC server), settings and the registry of open calls. */
export interface DoubleContext {
  readonly log: EventLog;
  readonly settings: DoubleSettings;
  readonly openCalls: OpenCalls;
  /** A secure node's credential and ACL checks; an insecure node (undefined) checks nothing, as `--insecure` does. */
  readonly security: NodeSecurity | undefined;
}
