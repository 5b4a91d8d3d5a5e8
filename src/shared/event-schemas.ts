import type { EventData, EventMetadata, RecordedEvent } from './event-store/event-store';

/**
 * Event schema versions. Every event's metadata names the version of its data's shape under
 * `schemaVersion` (absent on events written before versions existed: version 1). Each feature
 * declares its event types' current versions and the upcasters between them; the store
 * decorator stamps on append and upcasts on read, so every reader sees only current shapes.
 */
export const SCHEMA_VERSION_KEY = 'schemaVersion';

/**
 * Turns one version's data into the next version's. It receives the data as stored (plain
 * JSON), typed by the feature as that version's shape, and the event's metadata.
 */
// `never` lets a feature write `(data: UserCreatedV1) => UserCreatedV2` and still register it.
export type Upcaster = (data: never, metadata: EventMetadata) => unknown;

export interface EventSchema {
  /** The version writers stamp: 1 until the shape first changes. */
  readonly version: number;
  /** `upcasters[n]` turns version n into n + 1, for every n from 1 below `version`. */
  readonly upcasters?: Readonly<Record<number, Upcaster>>;
}

/** One feature's event types and their schemas. */
export type EventSchemas = Readonly<Record<string, EventSchema>>;

/** What a stored event is, for an error or a log line: never its data. */
export interface EventCoordinates {
  readonly id: string;
  readonly type: string;
  readonly streamName: string;
  readonly revision: bigint;
  readonly position: bigint;
}

/**
 * A stored event's schema version is newer than this code knows (a newer release wrote it), or
 * not a version at all. Reading it as if it were current would fold a shape nobody wrote.
 */
export class EventSchemaVersionError extends Error {
  override readonly name = 'EventSchemaVersionError';
  readonly event: EventCoordinates;
  /** What is wrong with the version, without where: the message says both. */
  readonly problem: string;
  constructor(event: RecordedEvent, readonly storedVersion: unknown, readonly knownVersion: number) {
    const problem = isVersion(storedVersion)
      ? `schema version ${storedVersion} is newer than this release knows (${knownVersion}); deploy a release that knows it`
      : `schema version ${JSON.stringify(storedVersion)} is not a version (a positive integer)`;
    super(`${event.type} at position ${event.position} (stream ${event.streamName}, revision ${event.revision}): ${problem}`);
    this.problem = problem;
    this.event = { id: event.id, type: event.type, streamName: event.streamName, revision: event.revision, position: event.position };
  }
}

interface Chain {
  readonly version: number;
  /** `steps[n - 1]` turns version n into n + 1. */
  readonly steps: readonly ((data: unknown, metadata: EventMetadata) => unknown)[];
}

/** The versions of every event type the features declared, checked once when it is built. */
export class EventSchemaRegistry {
  private readonly chains = new Map<string, Chain>();

  constructor(declarations: readonly EventSchemas[]) {
    for (const schemas of declarations) {
      for (const [type, schema] of Object.entries(schemas)) {
        if (this.chains.has(type)) throw new Error(`Event type ${type} has two schema declarations.`);
        this.chains.set(type, chainOf(type, schema));
      }
    }
  }

  /** The version writers stamp for `type`; 1 for a type no feature declares. */
  currentVersion(type: string): number {
    return this.chains.get(type)?.version ?? 1;
  }

  /** The event as it is to be stored: stamped with its type's current version. */
  stamp<E extends EventData>(event: E): E {
    const version = this.currentVersion(event.type);
    const given = event.metadata[SCHEMA_VERSION_KEY];
    if (given === version) return event;
    if (given !== undefined) {
      throw new Error(`${event.type} is written at schema version ${version}; the writer stamped ${JSON.stringify(given)}.`);
    }
    return { ...event, metadata: { ...event.metadata, [SCHEMA_VERSION_KEY]: version } };
  }

  /**
   * The event in its type's current shape. A type no feature declares is handed on as stored:
   * nothing here folds it (a newer release's type), and readers pass over types they do not know.
   */
  upcast(event: RecordedEvent): RecordedEvent {
    const chain = this.chains.get(event.type);
    if (chain === undefined) return event;
    const given = event.metadata[SCHEMA_VERSION_KEY];
    const stored = given === undefined ? 1 : given;
    if (stored === chain.version) return event;
    if (!isVersion(stored) || stored > chain.version) throw new EventSchemaVersionError(event, stored, chain.version);
    let data = event.data;
    for (let version = stored; version < chain.version; version++) data = (chain.steps[version - 1] as Chain['steps'][number])(data, event.metadata);
    return { ...event, data, metadata: { ...event.metadata, [SCHEMA_VERSION_KEY]: chain.version } };
  }
}

function isVersion(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

/** A declaration must chain every version to the next, and nothing else, or the service does not start. */
function chainOf(type: string, schema: EventSchema): Chain {
  if (!isVersion(schema.version)) throw new Error(`Event type ${type}: schema version ${String(schema.version)} is not a positive integer.`);
  const upcasters = schema.upcasters ?? {};
  const steps: Chain['steps'][number][] = [];
  for (let from = 1; from < schema.version; from++) {
    const step = upcasters[from];
    if (step === undefined) throw new Error(`Event type ${type} is at version ${schema.version} but has no upcaster from version ${from}.`);
    steps.push(step as Chain['steps'][number]);
  }
  const extra = Object.keys(upcasters).filter((key) => !(Number(key) >= 1 && Number(key) < schema.version && Number.isInteger(Number(key))));
  if (extra.length > 0) throw new Error(`Event type ${type} is at version ${schema.version}; upcasters from ${extra.join(', ')} lead past it.`);
  return { version: schema.version, steps };
}
