import type { ErrorObject } from 'ajv';
import { ENVIRONMENT_OVERRIDES } from './environment-overrides';
import { settingsSchema } from './settings-schema';

/**
 * One line per problem, worded for whoever starts the service, never showing a secret's value
 * or a URL's credentials:
 *   PORT (server.port in config/local/config.toml): must be an integer from 0 to 65535; got 70000
 */

export type Source = { readonly file: string } | { readonly variable: string };

export interface Origins {
  /** Dotted key of every value read, to where it came from (the last one that set it). */
  readonly sources: ReadonlyMap<string, Source>;
  readonly configFile: string;
  readonly secretsFile: string;
}

interface SchemaNode {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly description?: string;
  readonly writeOnly?: boolean;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
}

const ROOT: SchemaNode = settingsSchema;
const VARIABLES = new Map(ENVIRONMENT_OVERRIDES.map(([variable, keyPath]) => [keyPath.join('.'), variable]));

function schemaAt(key: string): SchemaNode | undefined {
  let node: SchemaNode | undefined = ROOT;
  for (const part of key.split('.')) node = /^\d+$/.test(part) && node?.items !== undefined ? node.items : node?.properties?.[part];
  return node;
}

/** The keys the schema marks `writeOnly`: secrets, whose values are never shown. */
export const SECRET_KEYS: readonly string[] = (function secrets(node: SchemaNode, prefix: string): string[] {
  return Object.entries(node.properties ?? {}).flatMap(([name, child]) => {
    const key = `${prefix}${name}`;
    return child.writeOnly === true ? [key] : secrets(child, `${key}.`);
  });
})(ROOT, '');

export function valueAt(tree: unknown, key: string): unknown {
  let node = tree;
  for (const part of key.split('.')) node = Array.isArray(node) ? (node as unknown[])[Number(part)] : isTree(node) ? node[part] : undefined;
  return node;
}

function isTree(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** `PORT (server.port in config/local/config.toml)`, or `(server.port, from the environment)`. */
export function keyHead(key: string, origins: Origins): string {
  const source =
    origins.sources.get(key) ?? [...origins.sources].find(([known]) => known.startsWith(`${key}.`))?.[1];
  const where = source === undefined ? '' : 'variable' in source ? ', from the environment' : ` in ${source.file}`;
  const variable = VARIABLES.get(key);
  return variable === undefined ? `${key}${where}` : `${variable} (${key}${where})`;
}

/** `set JWT_SECRET or put jwt_secret under [security.auth] in config/prod/.secrets.toml` */
export function howToSet(key: string, origins: Origins): string {
  const file = SECRET_KEYS.includes(key) ? origins.secretsFile : origins.configFile;
  if (schemaAt(key)?.type === 'object') return `put a [${key}] section in ${file}`;
  const parts = key.split('.');
  const put = `put ${parts[parts.length - 1]} under [${parts.slice(0, -1).join('.')}] in ${file}`;
  const variable = VARIABLES.get(key);
  return variable === undefined ? put : `set ${variable} or ${put}`;
}

/** What the schema allows at a key, in words: `an integer from 0 to 65535`. */
function allowed(key: string, node: SchemaNode): string {
  if (node.description !== undefined) return node.description;
  if (node.enum !== undefined) return `one of ${node.enum.map(String).join(', ')}`;
  switch (node.type ?? '') {
    case 'integer':
      return `an integer${bounds(node)}`;
    case 'number':
      return `a number${bounds(node)}`;
    case 'string':
      if (node.minLength === undefined) return 'a string';
      return node.minLength === 1 ? 'a non-empty string' : `a string of at least ${node.minLength} characters`;
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return `a table ([${key}])`;
    default:
      return 'valid';
  }
}

function bounds({ minimum, maximum, exclusiveMinimum, exclusiveMaximum }: SchemaNode): string {
  if (minimum !== undefined && maximum !== undefined) return ` from ${minimum} to ${maximum}`;
  const parts = [
    minimum === undefined ? '' : `at least ${minimum}`,
    exclusiveMinimum === undefined ? '' : `greater than ${exclusiveMinimum}`,
    maximum === undefined ? '' : `at most ${maximum}`,
    exclusiveMaximum === undefined ? '' : `less than ${exclusiveMaximum}`,
  ].filter((part) => part !== '');
  if (parts.length === 0) return '';
  return minimum !== undefined && exclusiveMaximum === undefined ? ` of ${parts.join(' and ')}` : ` ${parts.join(' and ')}`;
}

/** The given value as a message may show it: a secret only by its length, a URL without its credentials. */
function shown(value: unknown, secret: boolean): string {
  if (typeof value === 'string') {
    if (secret) return value === '' ? 'an empty value' : `${value.length} characters`;
    // Everything between the scheme and the last `@` is credentials (user:password@ becomes ***@),
    // and so is a password in the query (PostgreSQL URLs take ?password=).
    const masked = value
      .replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, (_match, scheme: string | undefined) => `${scheme ?? ''}***@`)
      .replace(/([?&](?:password|passwd|pwd)=)[^&#]*/gi, '$1***');
    return `'${masked}'`;
  }
  if (value instanceof Date) return 'a date';
  if (Array.isArray(value)) return 'a list';
  if (isTree(value)) return 'a table';
  if (secret) return `a ${typeof value}`;
  return String(value);
}

/** One line per problem among ajv's errors (ajv reports several for one bad value of an `anyOf`). */
export function schemaProblems(errors: readonly ErrorObject[], raw: unknown, origins: Origins): string[] {
  const lines = errors.map((error) => {
    const at = error.instancePath
      .split('/')
      .slice(1)
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .join('.');
    const child = (name: unknown): string => (at === '' ? String(name) : `${at}.${String(name)}`);
    if (error.keyword === 'required') {
      const key = child(error.params.missingProperty);
      return `${key} is required: ${howToSet(key, origins)}`;
    }
    if (error.keyword === 'additionalProperties') {
      const key = child(error.params.additionalProperty);
      const known = Object.keys(schemaAt(at)?.properties ?? {}).join(', ');
      return `${keyHead(key, origins)}: is not a known key; [${at}] takes ${known}`;
    }
    const node = schemaAt(at) ?? {};
    // An item of a list is reported under the list's key: `ALLOWED_ORIGINS (security.csrf.allowed_origins, …)`.
    const head = keyHead(at.replace(/(\.\d+)+$/, ''), origins);
    return `${head}: must be ${allowed(at, node)}; got ${shown(valueAt(raw, at), node.writeOnly === true)}`;
  });
  return [...new Set(lines)];
}

/**
 * The development secrets this repository commits (config/local and config/test), known here
 * rather than read from those files: the Docker image leaves every `.secrets.toml` out.
 */
export const KNOWN_DEVELOPMENT_SECRETS: ReadonlySet<string> = new Set([
  'dev-only-jwt-secret-change-me-0123456789abcdef',
  'dev-only-pepper-change-me-0123456789abcdefghij',
]);

/** Words that mark a value as a placeholder someone forgot to replace. */
const PLACEHOLDER = /change-?me|dev-only|placeholder|example|secret-here|replace-?me/i;
/** About what 24 random characters of base64 carry; `openssl rand -hex 32` gives some 240. */
const MIN_ESTIMATED_BITS = 96;

/**
 * Why `prod` refuses this secret, or undefined when it does not. The estimate is the characters'
 * Shannon entropy times the length, which rates a repeated or one-letter value low; a value
 * built of few repeating pairs of characters (`abcdabcd…`) is refused too.
 */
export function weakSecretReason(value: string): string | undefined {
  if (KNOWN_DEVELOPMENT_SECRETS.has(value)) return 'a development secret this repository commits';
  if (PLACEHOLDER.test(value)) return 'a placeholder value';
  const bits = estimatedBits(value);
  if (bits < MIN_ESTIMATED_BITS) return `too predictable (about ${Math.floor(bits)} bits by its characters, at least ${MIN_ESTIMATED_BITS} needed)`;
  const pairs = new Set<string>();
  for (let i = 0; i + 1 < value.length; i++) pairs.add(value.slice(i, i + 2));
  if (pairs.size * 2 < value.length - 1) return 'too predictable (it repeats a short pattern)';
  return undefined;
}

function estimatedBits(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  const length = [...value].length;
  let perChar = 0;
  for (const count of counts.values()) perChar -= (count / length) * Math.log2(count / length);
  return perChar * length;
}
