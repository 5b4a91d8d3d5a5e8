import { inject, injectable } from 'tsyringe';
import { foldRecorded } from '../../../shared/decider';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../../shared/event-store/event-store';
import { redactEventData } from './audit-redaction';
import { userDecider } from '../domain/decide';
import { NotAuthorizedError, UserNotFoundError } from '../domain/errors';
import { canManageSubordinate, type Actor } from '../domain/roles';
import { userStreamName } from '../domain/user-events';

export type AuditActor = { readonly id: string; readonly username: string | null } | { readonly system: string };

export interface AuditEvent {
  readonly type: string;
  readonly revision: string;
  readonly position: string;
  readonly recorded_at: string;
  readonly actor: AuditActor;
  readonly correlation_id: string;
  readonly causation_id: string;
  readonly data: Record<string, unknown>;
}

export interface UserHistoryPage {
  readonly events: AuditEvent[];
  readonly total: number;
  readonly nextCursor: string | null;
}

export interface UserHistoryQuery {
  readonly actor: Actor;
  readonly userId: string;
  readonly limit: number;
  readonly offset: number;
  /** The revision to continue after (the previous page's `next_cursor`); the offset is then ignored. */
  readonly cursor?: bigint;
}

const SYSTEM_PREFIX = 'system:';

/**
 * Who may read whose history: the super admin anyone's, an admin their subordinates' and
 * their own, a user only their own. A user asking for another's is refused before the
 * lookup, so that the answer tells them nothing about which ids exist.
 */
export function assertMayReadHistory(actor: Actor, target: { readonly userId: string; readonly role: Actor['role'] } | undefined, userId: string): void {
  const own = actor.userId === userId;
  if (actor.role === 'user' && !own) throw new NotAuthorizedError();
  if (target === undefined) throw UserNotFoundError.byId(userId);
  if (own || actor.role === 'super_admin') return;
  if (!canManageSubordinate(actor, target)) throw new NotAuthorizedError();
}

/**
 * Names the actors of audit events: by their user stream's UserCreated (usernames never change),
 * cached for one reader. A reader of the whole log bounds the cache (least recently used first
 * out) and tells it the names it passes, so that it holds constant memory and reads few streams.
 */
export class ActorNames {
  private readonly names = new Map<string, Promise<string | null>>();

  constructor(
    private readonly store: EventStore,
    private readonly capacity = Number.POSITIVE_INFINITY,
  ) {}

  actorOf(actorId: string): Promise<AuditActor> {
    if (actorId.startsWith(SYSTEM_PREFIX)) return Promise.resolve({ system: actorId.slice(SYSTEM_PREFIX.length) });
    return this.usernameOf(actorId).then((username) => ({ id: actorId, username }));
  }

  /** A username learnt from a UserCreated the reader passed. */
  remember(userId: string, username: string): void {
    this.keep(userId, Promise.resolve(username));
  }

  private usernameOf(userId: string): Promise<string | null> {
    const known = this.names.get(userId);
    if (known !== undefined) {
      this.keep(userId, known);
      return known;
    }
    const name = this.store.readStream(userStreamName(userId), { maxCount: 1 }).then(([first]) => {
      const data = first?.type === 'UserCreated' ? (first.data as { username?: unknown }) : undefined;
      return typeof data?.username === 'string' ? data.username : null;
    });
    this.keep(userId, name);
    return name;
  }

  private keep(userId: string, name: Promise<string | null>): void {
    this.names.delete(userId);
    this.names.set(userId, name);
    if (this.names.size > this.capacity) this.names.delete(this.names.keys().next().value as string);
  }
}

/** An event as an audit reader sees it: its place in the log, who did it and why, and its data redacted. */
export async function toAuditEvent(event: RecordedEvent, names: ActorNames): Promise<AuditEvent> {
  return {
    type: event.type,
    revision: event.revision.toString(),
    position: event.position.toString(),
    recorded_at: event.recordedAt.toISOString(),
    actor: await names.actorOf(event.metadata.actorId),
    correlation_id: event.metadata.correlationId,
    causation_id: event.metadata.causationId,
    data: redactEventData(event.type, event.data),
  };
}

/** A user's events, in stream order, read from the user stream itself (never a projection). */
@injectable()
export class UserHistoryHandler {
  constructor(@inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(query: UserHistoryQuery): Promise<UserHistoryPage> {
    const { actor, limit, offset, cursor } = query;
    const userId = query.userId.toLowerCase();
    if (actor.role === 'user' && actor.userId !== userId) throw new NotAuthorizedError();
    const recorded = await this.store.readStream(userStreamName(userId));
    const { state } = foldRecorded(userDecider, recorded);
    assertMayReadHistory(actor, state.status === 'existing' ? state : undefined, userId);
    const start = cursor === undefined ? offset : recorded.findIndex((event) => event.revision > cursor);
    const page = start < 0 ? [] : recorded.slice(start, start + limit);
    const last = page.at(-1);
    const more = last !== undefined && last !== recorded.at(-1);
    const names = new ActorNames(this.store);
    const events = await Promise.all(page.map((event) => toAuditEvent(event, names)));
    return { events, total: recorded.length, nextCursor: more ? last.revision.toString() : null };
  }
}
