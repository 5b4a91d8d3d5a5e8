import { randomUUID } from 'node:crypto';
import type { EventLog } from './event-log';
import type { DoubleUser } from './security';
import { groupsOf } from './security';
import type { ProposedEvent } from './stored-event';
import { METADATA_EVENT_TYPE, metastreamOf } from './stored-event';

const json = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value), 'utf8');

function systemEvent(type: string, data: Uint8Array, contentType = 'application/json'): ProposedEvent {
  return { id: randomUUID(), type, contentType, data, customMetadata: new Uint8Array() };
}

/**
 * What `$all` holds before any client wrote to a fresh node, in the order the server writes it: the first epoch's
 * `$epoch-information`, and on a secure node each default user as its user management service creates it (the
 * `$user-<name>` stream's ACL, its `$UserCreated` event, and the name as a `$User` event in `$users`). Users the
 * double is given besides `admin` and `ops` are written the same way, as an administrator's creations would be.
 * Nothing here is a real password hash: the double keeps passwords in memory only.
 */
export function writeFreshNodeEvents(log: EventLog, users: readonly DoubleUser[] | undefined): void {
  log.append('$epoch-information', [systemEvent('$epoch-information', json({ epochNumber: 0, epochPosition: 0, epochId: randomUUID(), leaderInstanceId: randomUUID() }))]);
  for (const user of users ?? []) {
    const stream = `$user-${user.username}`;
    log.append(metastreamOf(stream), [systemEvent(METADATA_EVENT_TYPE, json({ $acl: { $w: '$admins', $d: '$admins', $mw: '$admins' } }))]);
    log.append(stream, [systemEvent('$UserCreated', json({ loginName: user.username, fullName: user.username, groups: groupsOf(user.username), disabled: false }))]);
    log.append('$users', [systemEvent('$User', Buffer.from(user.username, 'utf8'), 'application/octet-stream')]);
  }
}
