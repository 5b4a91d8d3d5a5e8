import type { Metadata, ServiceError } from '@grpc/grpc-js';
import type { EventLog } from './event-log';
import { accessDenied, notAuthenticated } from './rpc-errors';
import { streamMetadataOf } from './stream-metadata';

/** A user of a secure node: `admin` is in `$admins` and `ops` in `$ops`, as on a fresh node; others are in no group. */
export interface DoubleUser {
  readonly username: string;
  readonly password: string;
}

export type StreamOperation = 'read' | 'write' | 'delete';

type Principal = { readonly kind: 'anonymous' } | { readonly kind: 'user'; readonly username: string; readonly groups: readonly string[] };

const ADMINS = '$admins';
const ACL_KEY: Record<StreamOperation, string> = { read: '$r', write: '$w', delete: '$d' };
const META_ACL_KEY: Partial<Record<StreamOperation, string>> = { read: '$mr', write: '$mw' };

export const groupsOf = (username: string): readonly string[] => (username === 'admin' ? [ADMINS] : username === 'ops' ? ['$ops'] : []);

/**
 * What a secure node checks before an operation runs: the call's basic credentials (wrong ones fail every call, with
 * UNAUTHENTICATED), then the stream's access: anonymous callers are refused everywhere (EventStoreDB 23.10 and later
 * disable anonymous stream access by default), `$admins` pass every ACL, and the stream's `$acl` metadata names the
 * users and groups allowed for each operation (`$all` = every authenticated user). Without an `$acl` entry, system
 * streams (`$…`, `$all` included) are for `$admins` and user streams for every authenticated user. The metastream
 * `$$s` is checked with `s`'s `$mr`/`$mw`.
 */
export class NodeSecurity {
  private readonly passwords: Map<string, string>;

  constructor(users: readonly DoubleUser[]) {
    this.passwords = new Map(users.map((user) => [user.username, user.password]));
  }

  /** An operator's password reset: the old password fails from the next call on. */
  changePassword(username: string, password: string): void {
    if (!this.passwords.has(username)) throw new Error(`The double has no user '${username}'.`);
    this.passwords.set(username, password);
  }

  /** The first error the call gets, or undefined when it may go on. */
  check(log: EventLog, metadata: Metadata, operation: StreamOperation, streamName: string): ServiceError | undefined {
    const principal = this.authenticate(metadata);
    if (principal === undefined) return notAuthenticated();
    return this.allows(log, principal, operation, streamName) ? undefined : accessDenied();
  }

  private authenticate(metadata: Metadata): Principal | undefined {
    const header = metadata.get('authorization')[0];
    if (header === undefined) return { kind: 'anonymous' };
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(String(header));
    if (!match) return undefined;
    const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    if (this.passwords.get(username) !== password) return undefined;
    return { kind: 'user', username, groups: groupsOf(username) };
  }

  private allows(log: EventLog, principal: Principal, operation: StreamOperation, streamName: string): boolean {
    if (principal.kind === 'anonymous') return false;
    if (principal.groups.includes(ADMINS)) return true;
    const isMetastream = streamName.startsWith('$$');
    const target = isMetastream ? streamName.slice(2) : streamName;
    const key = isMetastream ? META_ACL_KEY[operation] : ACL_KEY[operation];
    const acl = streamMetadataOf(log, target)?.raw.$acl;
    const entry = key !== undefined && typeof acl === 'object' && acl !== null ? (acl as Record<string, unknown>)[key] : undefined;
    if (entry === undefined) return !target.startsWith('$');
    const roles = (Array.isArray(entry) ? entry : [entry]).filter((role): role is string => typeof role === 'string');
    return roles.some((role) => role === '$all' || role === principal.username || principal.groups.includes(role));
  }
}
