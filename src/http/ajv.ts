import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import { parseUuid } from './fastapi-compat';

/**
 * The one Ajv instance. Schemas are compiled when the schema modules load, never per request.
 * No type coercion: a number sent for a string field is a 422, as in the original (query
 * strings are converted to numbers beforehand, see request-validation.ts).
 */
export const ajv = new Ajv2020({ allErrors: true, useDefaults: true, coerceTypes: false, verbose: true, strict: true });

// pydantic's UUID rules (any version; simple, braced and URN forms too) instead of the RFC regex.
ajv.addFormat('uuid', { type: 'string', validate: (value: string) => parseUuid(value).ok });

export function compileSchema<T>(schema: object): ValidateFunction<T> {
  return ajv.compile<T>(schema);
}
