import type { EventSchemas } from '../../src/shared/event-schemas';

/**
 * A test-only event type whose shape changed twice, to exercise the upcasters: no production
 * event has changed shape yet. Version 1 held one `name`; version 2 split it in two; version 3
 * added the `displayName` that readers show.
 */
export const TEST_TYPE = 'SchemaTest.PersonNamed';

export interface PersonNamedV1 { readonly name: string }
export interface PersonNamedV2 { readonly givenName: string; readonly familyName: string }
export interface PersonNamed extends PersonNamedV2 { readonly displayName: string }

export function nameV1ToV2({ name }: PersonNamedV1): PersonNamedV2 {
  const space = name.indexOf(' ');
  return space === -1 ? { givenName: name, familyName: '' } : { givenName: name.slice(0, space), familyName: name.slice(space + 1) };
}

export const nameV2ToV3 = (data: PersonNamedV2): PersonNamed => ({ ...data, displayName: `${data.givenName} ${data.familyName}`.trim() });

export const testSchemas: EventSchemas = { [TEST_TYPE]: { version: 3, upcasters: { 1: nameV1ToV2, 2: nameV2ToV3 } } };
