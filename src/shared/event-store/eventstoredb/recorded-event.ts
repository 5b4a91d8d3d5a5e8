import type { AllStreamResolvedEvent, Position, ResolvedEvent } from '@eventstore/db-client';
import type { EventMetadata, GlobalPosition, RecordedEvent } from '../event-store';

/**
 * EventStoreDB positions are {commit, prepare} pairs. For events written through gRPC both are
 * the event's own log position (semantics rule 3), so the port's opaque position is the commit
 * position, and a resume point is sent back as {commit: p, prepare: p}.
 */
export function toGlobalPosition(position: Position): GlobalPosition {
  return position.commit;
}

export function toEsdbPosition(position: GlobalPosition): Position {
  return { commit: position, prepare: position };
}

/** System events ($metadata, $settings, statistics...) belong to the store, not to the application's log. */
export function isSystemEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): boolean {
  const event = resolved.event;
  return event === undefined || event.type.startsWith('$') || event.streamId.startsWith('$');
}

export function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (event === undefined || event.position === undefined) return undefined;
  return {
    id: event.id,
    type: event.type,
    data: event.isJson ? (event.data as unknown) : Buffer.from(event.data as Uint8Array).toString('base64'),
    metadata: (event.metadata ?? {}) as EventMetadata,
    streamName: event.streamId,
    revision: event.revision,
    position: toGlobalPosition(event.position),
    recordedAt: event.created,
  };
}
