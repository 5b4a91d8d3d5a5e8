import type { ErrorObject, ValidateFunction } from 'ajv';
import { compileSchema } from './ajv';
import { parseInteger, parseUuid } from './fastapi-compat';
import { decodeUtf8, type DecodedBody } from './request-body';
import type { Location, ValidationDetail } from './request-validation-error';

export type JsonSchema = Record<string, unknown>;
export interface ObjectSchema extends JsonSchema {
  type: 'object';
  properties: Record<string, JsonSchema>;
  required?: readonly string[];
}

/**
 * How FastAPI reads a route's body, which decides the shape of its 422s:
 * - `model`: one model parameter (a pydantic model, or a dataclass when `dataclass` names it);
 *   a non-object body is one error at `["body"]`, a missing field's `input` is the whole body.
 * - `fields`: several `Body()` parameters; anything but an object means every field is missing,
 *   and a field sent as null counts as missing.
 * - `string`: one `str` parameter, so the body is the bare JSON string.
 */
export type BodySpec<T> =
  | { kind: 'model'; schema: ObjectSchema; validate: ValidateFunction<T>; dataclass?: string }
  | { kind: 'fields'; schema: ObjectSchema; validate: ValidateFunction<T> }
  | { kind: 'string'; schema: JsonSchema };

export interface ParametersSpec<T> {
  in: 'query' | 'path';
  schema: ObjectSchema;
  validate: ValidateFunction<T>;
}

export interface Validated<T> {
  value: T;
  errors: ValidationDetail[];
}

export function modelBody<T>(schema: ObjectSchema, options: { dataclass?: string } = {}): BodySpec<T> {
  return { kind: 'model', schema, validate: compileSchema<T>(schema), ...options };
}

export function fieldsBody<T>(schema: ObjectSchema): BodySpec<T> {
  return { kind: 'fields', schema, validate: compileSchema<T>(schema) };
}

export function stringBody(schema: JsonSchema = { type: 'string' }): BodySpec<string> {
  return { kind: 'string', schema };
}

export function parameters<T>(location: 'query' | 'path', schema: ObjectSchema): ParametersSpec<T> {
  return { in: location, schema, validate: compileSchema<T>(schema) };
}

const missing = (loc: Location, input: unknown): ValidationDetail => ({ type: 'missing', loc, msg: 'Field required', input });

export function validateBody<T>(spec: BodySpec<T>, body: DecodedBody): Validated<T | undefined> {
  const fail = (...errors: ValidationDetail[]): Validated<undefined> => ({ value: undefined, errors });
  switch (spec.kind) {
    case 'string': {
      if (body.kind === 'absent') return fail(missing(['body'], null));
      if (body.kind === 'bytes') {
        const text = decodeUtf8(body.bytes);
        return text === undefined
          ? fail({ type: 'string_unicode', loc: ['body'], msg: 'Input should be a valid string, unable to parse raw data as a unicode string', input: body.bytes.toString('latin1') })
          : { value: text as T, errors: [] };
      }
      return typeof body.value === 'string'
        ? { value: body.value as T, errors: [] }
        : fail({ type: 'string_type', loc: ['body'], msg: 'Input should be a valid string', input: body.value });
    }
    case 'fields': {
      const source = body.kind === 'json' && isPlainObject(body.value) ? body.value : {};
      const data = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== null));
      return check(spec.validate, data, ['body'], spec.schema, () => null, (_field, value) => value);
    }
    case 'model': {
      if (body.kind === 'absent') return fail(missing(['body'], null));
      const input = body.kind === 'bytes' ? body.bytes.toString('utf8') : body.value;
      if (body.kind === 'bytes' || !isPlainObject(body.value)) return fail(notAnObject(spec.dataclass, input));
      const original = body.value;
      return check(spec.validate, { ...original }, ['body'], spec.schema, () => original, (_field, value) => value);
    }
  }
}

/**
 * Query and path values arrive as strings: integers are parsed the way pydantic does before
 * the schema sees them, and errors echo the raw string as `input`.
 */
export function validateParameters<T>(spec: ParametersSpec<T>, raw: Record<string, unknown>): Validated<T> {
  const strings: Record<string, string> = {};
  for (const name of Object.keys(spec.schema.properties)) {
    const value = raw[name];
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (typeof last === 'string') strings[name] = last;
  }
  const data: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(strings)) {
    const schema = spec.schema.properties[name];
    const asInteger = schema?.['type'] === 'integer' ? parseInteger(text) : undefined;
    data[name] = asInteger ?? text;
  }
  const result = check(spec.validate, data, [spec.in], spec.schema, () => null, (field) => strings[field]);
  if (spec.in === 'path') {
    for (const [name, schema] of Object.entries(spec.schema.properties)) {
      const value = data[name];
      if (schema['format'] === 'uuid' && typeof value === 'string') {
        const parsed = parseUuid(value);
        if (parsed.ok) data[name] = parsed.value;
      }
    }
  }
  return result as Validated<T>;
}

function check<T>(
  validate: ValidateFunction<T>,
  data: Record<string, unknown>,
  base: Location,
  schema: ObjectSchema,
  missingInput: (parent: unknown) => unknown,
  inputOf: (field: string, value: unknown) => unknown,
): Validated<T> {
  if (validate(data)) return { value: data as T, errors: [] };
  return { value: data as T, errors: toDetails(validate.errors ?? [], base, schema, missingInput, inputOf) };
}

const PRIORITY = ['required', 'enum', 'format', 'type', 'minimum', 'maximum'];

function toDetails(
  errors: readonly ErrorObject[],
  base: Location,
  schema: ObjectSchema,
  missingInput: (parent: unknown) => unknown,
  inputOf: (field: string, value: unknown) => unknown,
): ValidationDetail[] {
  const byField = new Map<string, ErrorObject>();
  for (const error of errors) {
    const field = fieldOf(error);
    const current = byField.get(field);
    if (!current || rank(error) < rank(current)) byField.set(field, error);
  }
  const order = Object.keys(schema.properties);
  return [...byField.entries()]
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .map(([field, error]) => {
      const loc = [...base, field];
      if (error.keyword === 'required') return missing(loc, missingInput(error.data));
      return describe(error, loc, inputOf(field, error.data), schema.properties[field] ?? {});
    });
}

function rank(error: ErrorObject): number {
  const index = PRIORITY.indexOf(error.keyword);
  return index === -1 ? PRIORITY.length : index;
}

function fieldOf(error: ErrorObject): string {
  if (error.keyword === 'required') return String((error.params as { missingProperty: string }).missingProperty);
  return (error.instancePath.split('/')[1] ?? '').replace(/~1/g, '/').replace(/~0/g, '~');
}

function describe(error: ErrorObject, loc: Location, input: unknown, schema: JsonSchema): ValidationDetail {
  switch (error.keyword) {
    case 'enum': {
      const values = (schema['enum'] as unknown[]).map((value) => `'${String(value)}'`);
      const expected = values.length > 1 ? `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}` : String(values[0]);
      return { type: 'enum', loc, msg: `Input should be ${expected}`, input, ctx: { expected } };
    }
    case 'format': {
      const parsed = parseUuid(String(input));
      const reason = parsed.ok ? 'failed to parse a UUID' : parsed.error;
      return { type: 'uuid_parsing', loc, msg: `Input should be a valid UUID, ${reason}`, input, ctx: { error: reason } };
    }
    case 'minimum': {
      const ge = (error.params as { limit: number }).limit;
      return { type: 'greater_than_equal', loc, msg: `Input should be greater than or equal to ${ge}`, input, ctx: { ge } };
    }
    case 'maximum': {
      const le = (error.params as { limit: number }).limit;
      return { type: 'less_than_equal', loc, msg: `Input should be less than or equal to ${le}`, input, ctx: { le } };
    }
    case 'type':
      return typeError(String((error.params as { type: string }).type), loc, input);
    case 'pattern': {
      const pattern = (error.params as { pattern: string }).pattern;
      return { type: 'string_pattern_mismatch', loc, msg: `String should match pattern '${pattern}'`, input, ctx: { pattern } };
    }
    default:
      return { type: error.keyword, loc, msg: error.message ?? 'Invalid value', input };
  }
}

function typeError(expected: string, loc: Location, input: unknown): ValidationDetail {
  switch (expected) {
    case 'string':
      return { type: 'string_type', loc, msg: 'Input should be a valid string', input };
    case 'integer':
      return { type: 'int_parsing', loc, msg: 'Input should be a valid integer, unable to parse string as an integer', input };
    case 'boolean':
      return { type: 'bool_parsing', loc, msg: 'Input should be a valid boolean, unable to interpret input', input };
    default:
      return { type: `${expected}_type`, loc, msg: `Input should be a valid ${expected}`, input };
  }
}

function notAnObject(dataclass: string | undefined, input: unknown): ValidationDetail {
  return dataclass
    ? { type: 'dataclass_type', loc: ['body'], msg: `Input should be a dictionary or an instance of ${dataclass}`, input, ctx: { class_name: dataclass } }
    : { type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
