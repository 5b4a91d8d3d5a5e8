import type { JsonSchema } from './request-validation';
import type { ResponseDoc, RouteDefinition } from './route-definition';

export interface ApiInfo {
  title: string;
  version: string;
  description?: string;
}

/** The probes `createApp` mounts only when they are configured, so that the document lists them only then. */
export interface OptionalRoutes {
  ready?: boolean;
  projectionStatus?: boolean;
}

export const COOKIE_SCHEME = 'APIKeyCookie';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  title: 'ErrorResponse',
  description: 'Every error the service itself answers: a message for people and a stable code for programs.',
  properties: {
    error: { type: 'string', description: "The original's message, e.g. `Not authenticated.`" },
    code: { type: 'string', description: 'Stable and dotted, e.g. `auth.not_authenticated`, `user.username_length`.' },
  },
  required: ['error', 'code'],
};

/** FastAPI's own replies: 404, 405, and 400 for a body that could not be read. */
const FRAMEWORK_ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  title: 'FrameworkError',
  properties: { detail: { type: 'string', description: 'e.g. `There was an error parsing the body`' } },
  required: ['detail'],
};

const VALIDATION_ERROR_ITEM: JsonSchema = {
  type: 'object',
  title: 'ValidationError',
  properties: {
    loc: {
      type: 'array',
      items: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
      description: 'Where: `["body", "username"]`, `["query", "limit"]`, `["path", "user_id"]`.',
    },
    msg: { type: 'string', description: "pydantic's message, e.g. `Field required`." },
    type: { type: 'string', description: "pydantic's error type, e.g. `missing`, `int_parsing`, `enum`." },
    input: { description: 'The value that was refused.' },
    ctx: { type: 'object', description: "The rule's parameters, e.g. `{\"le\": 1000}`." },
  },
  required: ['loc', 'msg', 'type'],
};

const VALIDATION_ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  title: 'HTTPValidationError',
  description: 'A request that does not fit the schema, as FastAPI answers it: one entry per refused field.',
  properties: { detail: { type: 'array', items: ref('ValidationError') } },
  required: ['detail'],
};

const READINESS_PROBLEMS_SCHEMA: JsonSchema = {
  type: 'object',
  title: 'NotReady',
  properties: {
    error: { type: 'string', const: 'Service temporarily unavailable. Please try again later.' },
    code: { type: 'string', const: 'service.unavailable' },
    problems: {
      type: 'array',
      items: { type: 'string' },
      description:
        'One line per reason: a store down, the event store serving another log, a projection stopped for a reason (a pause is not one). ' +
        'Absent when the probe itself failed.',
    },
  },
  required: ['error', 'code'],
};

const LAG_SCHEMA: JsonSchema = {
  type: 'object',
  title: 'Lag',
  description: 'How far behind the checkpoint is.',
  properties: {
    events: { type: 'integer', minimum: 0, description: 'Events of the log after the checkpoint, counted up to a bound.' },
    atLeast: { type: 'boolean', description: '`true` when the bound was reached: the true number is larger.' },
    seconds: { type: 'number', minimum: 0, description: 'Age of the oldest event not yet folded (0 when none).' },
  },
  required: ['events', 'atLeast', 'seconds'],
};

const nullableString = (description: string, format?: string): JsonSchema => ({
  type: ['string', 'null'],
  ...(format ? { format } : {}),
  description,
});

const LEASE_SCHEMA: JsonSchema = {
  type: 'object',
  title: 'Lease',
  properties: {
    owner: nullableString('The worker that holds, or last held, the lease.'),
    expiresAt: nullableString('When the lease runs out unless renewed.', 'date-time'),
    activeSince: nullableString('Since when the live holder has held it.', 'date-time'),
    held: { type: 'boolean', description: 'Held by a live worker: unexpired, and its database session connected.' },
  },
  required: ['owner', 'expiresAt', 'activeSince', 'held'],
};

const POSITION: JsonSchema = { type: 'string', pattern: '^[0-9]+$' };

const PROJECTION_STATUS_SCHEMA: JsonSchema = {
  type: 'object',
  title: 'ProjectionStatus',
  description: 'One projection or reaction, as `npm run projections -- status --json` prints it.',
  properties: {
    name: { type: 'string', description: 'e.g. `users`, `user_sessions`.' },
    kind: { type: 'string', enum: ['projection', 'reaction'] },
    version: { type: ['integer', 'null'], description: 'The live version (projections only).' },
    table: nullableString('The live version\'s table, e.g. `users_v1` (projections only).'),
    checkpoint: { ...POSITION, type: ['string', 'null'], description: 'The global log position folded so far; null before the first event.' },
    lag: ref('Lag'),
    lease: ref('Lease'),
    state: { type: 'string', enum: ['running', 'catching_up', 'rebuilding', 'stopped'] },
    reason: nullableString('Why it stopped, or why it is not running (no worker holds its lease); null otherwise.'),
    stoppedEvent: {
      description: 'The event it stopped at, when an event stopped it.',
      anyOf: [
        {
          type: 'object',
          properties: {
            position: POSITION,
            id: { type: 'string' },
            stream: { type: 'string' },
            type: { type: 'string' },
            revision: POSITION,
          },
          required: ['position', 'id', 'stream', 'type', 'revision'],
        },
        { type: 'null' },
      ],
    },
    rebuild: {
      description: 'A rebuild in progress beside the live version.',
      anyOf: [
        {
          type: 'object',
          properties: {
            version: { type: 'integer' },
            table: { type: 'string' },
            checkpoint: { ...POSITION, type: ['string', 'null'] },
            lag: ref('Lag'),
            lease: ref('Lease'),
          },
          required: ['version', 'table', 'checkpoint', 'lag', 'lease'],
        },
        { type: 'null' },
      ],
    },
  },
  required: ['name', 'kind', 'version', 'table', 'checkpoint', 'lag', 'lease', 'state', 'reason', 'stoppedEvent', 'rebuild'],
};

/** On every response, framework replies included. */
const REQUEST_ID_HEADER = {
  description: 'The id of this request: the client\'s own `X-Request-Id` when it sent a sane one (1–200 visible ASCII characters), else a new UUID.',
  schema: { type: 'string' },
};

const json = (schema: JsonSchema) => ({ 'application/json': { schema } });
const requestIdRef = { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' } };

const COOKIE_NOTE =
  'Needs the `access_token` cookie (HttpOnly, `Path=/`) that `POST /api/v1/account/login` sets. ' +
  'Any answer may carry a renewed cookie when the session slides, or a cleared one when the session is no longer allowed.';

const UNAVAILABLE_DOC = errorResponse(
  503,
  'Service temporarily unavailable: the database or the event store cannot be reached (`service.unavailable`), ' +
    'or a stored event has a schema version newer than this release knows (`event.schema_version_unsupported`)',
);
const INTERNAL_DOC = errorResponse(500, 'Unexpected failure (`internal`)');

/** The OpenAPI 3.1 document, built from the same route definitions and ajv schemas that validate requests. */
export function buildOpenApiDocument(
  routes: readonly RouteDefinition[],
  info: ApiInfo,
  optional: OptionalRoutes = {},
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {
    '/': {
      get: {
        tags: ['General'],
        summary: 'Redirect to the docs',
        operationId: 'redirect_to_docs',
        responses: {
          '307': {
            description: 'Redirect to `docs/` (Swagger UI; ReDoc is at `/redoc`, this document at `/openapi.json`)',
            headers: { ...requestIdRef, Location: { description: '`docs/`', schema: { type: 'string' } } },
          },
        },
      },
    },
    '/api/v1/health': {
      get: {
        tags: ['health'],
        summary: 'Liveness',
        description: 'Answers as long as the process serves HTTP; touches no store.',
        operationId: 'health',
        responses: {
          '200': {
            description: 'Alive',
            headers: requestIdRef,
            content: json({ type: 'object', properties: { status: { const: 'ok' } }, required: ['status'] }),
          },
        },
      },
    },
  };
  if (optional.ready) {
    paths['/api/v1/ready'] = {
      get: {
        tags: ['health'],
        summary: 'Readiness',
        description: 'Whether the service can serve now: both stores reachable, the event store serving the expected log, no projection stopped.',
        operationId: 'ready',
        responses: {
          '200': {
            description: 'Ready',
            headers: requestIdRef,
            content: json({ type: 'object', properties: { status: { const: 'ready' } }, required: ['status'] }),
          },
          '503': {
            description: 'Not ready, naming each problem (`service.unavailable`); without `problems` when the probe itself failed',
            headers: requestIdRef,
            content: json(ref('NotReady')),
          },
          ...responseObjects([INTERNAL_DOC]),
        },
      },
    };
  }
  if (optional.projectionStatus) {
    paths['/api/v1/health/projections'] = {
      get: {
        tags: ['health'],
        summary: 'Projection status',
        description: 'Every projection and reaction: version, checkpoint, lag, lease and state.',
        operationId: 'projection_status',
        responses: {
          '200': {
            description: 'The status document',
            headers: requestIdRef,
            content: json({
              type: 'object',
              properties: { projections: { type: 'array', items: ref('ProjectionStatus') } },
              required: ['projections'],
            }),
          },
          ...responseObjects([UNAVAILABLE_DOC, INTERNAL_DOC]),
        },
      },
    };
  }
  for (const route of routes) {
    const operations = (paths[route.path] ??= {});
    operations[route.method] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      schemas: {
        ErrorResponse: ERROR_SCHEMA,
        FrameworkError: FRAMEWORK_ERROR_SCHEMA,
        HTTPValidationError: VALIDATION_ERROR_SCHEMA,
        ValidationError: VALIDATION_ERROR_ITEM,
        NotReady: READINESS_PROBLEMS_SCHEMA,
        ProjectionStatus: PROJECTION_STATUS_SCHEMA,
        Lag: LAG_SCHEMA,
        Lease: LEASE_SCHEMA,
      },
      headers: { 'X-Request-Id': REQUEST_ID_HEADER },
      securitySchemes: { [COOKIE_SCHEME]: { type: 'apiKey', in: 'cookie', name: 'access_token' } },
    },
  };
}

function operation(route: RouteDefinition): Record<string, unknown> {
  const parameters: Array<Record<string, unknown>> = [route.params, route.query].flatMap((spec) =>
    spec
      ? Object.entries(spec.schema.properties).map(([name, schema]) => ({
          name,
          in: spec.in,
          required: spec.in === 'path' || (spec.schema.required ?? []).includes(name),
          ...(typeof schema['description'] === 'string' ? { description: schema['description'] } : {}),
          schema,
        }))
      : [],
  );
  for (const [name, header] of Object.entries(route.requestHeaders ?? {})) {
    parameters.push({ name, in: 'header', required: false, description: header.description, schema: header.schema });
  }
  const description = [route.description, route.auth === 'required' ? COOKIE_NOTE : undefined].filter(Boolean).join('\n\n');
  return {
    tags: route.tags,
    summary: route.summary,
    ...(description ? { description } : {}),
    operationId: route.operationId,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content: json(route.body.schema) } } : {}),
    responses: responseObjects(withCommonErrors(route, parameters.length > 0)),
    ...(route.auth === 'required' ? { security: [{ [COOKIE_SCHEME]: [] }] } : {}),
  };
}

/**
 * The route's own responses, then what authentication, the framework and the error mapping
 * answer on any route of its kind. A status the route documents keeps its text for 401 and 403
 * (the route knows its reasons best); for the others the extra cause is added to it.
 */
function withCommonErrors(route: RouteDefinition, hasParameters: boolean): ResponseDoc[] {
  const responses: ResponseDoc[] = [];
  const add = (extra: ResponseDoc, onlyIfAbsent = false): void => {
    const existing = responses.find((response) => response.status === extra.status);
    if (existing === undefined) {
      responses.push({ ...extra });
      return;
    }
    if (onlyIfAbsent) return;
    existing.description = `${existing.description}; or: ${extra.description}`;
    if (extra.schema && existing.schema && JSON.stringify(extra.schema) !== JSON.stringify(existing.schema)) {
      existing.schema = { oneOf: [existing.schema, extra.schema] };
    }
  };
  for (const response of route.responses) add(response);
  if (route.auth === 'required') {
    add(errorResponse(401, 'Not authenticated: no `access_token` cookie, or not a live session (`auth.not_authenticated`)'), true);
    add(errorResponse(403, "Not authorized: the session's user is inactive or gone, and the cookie is cleared (`auth.not_authorized`)"), true);
  } else {
    add(errorResponse(403, 'Already authenticated: the request carries a live session cookie (`auth.already_authenticated`)'), true);
  }
  if (route.body) {
    add({
      status: 400,
      description: 'the body could not be read (not UTF-8, or nested too deep): FastAPI\'s `{"detail": "There was an error parsing the body"}`',
      schema: { $ref: '#/components/schemas/FrameworkError' },
    });
    add(errorResponse(413, 'the body is over the size limit (`request.too_large`)'));
    add(errorResponse(415, 'Unsupported `Content-Encoding` (`request.unsupported_encoding`)'));
  }
  if (route.body || hasParameters) {
    add({
      status: 422,
      description: 'Validation Error: the request does not fit the schema (FastAPI\'s `{"detail": [...]}`)',
      schema: { $ref: '#/components/schemas/HTTPValidationError' },
    });
  }
  add(UNAVAILABLE_DOC);
  add(INTERNAL_DOC);
  return responses;
}

function responseObjects(responses: readonly ResponseDoc[]): Record<string, unknown> {
  const objects: Record<string, unknown> = {};
  for (const response of responses) {
    objects[String(response.status)] = {
      description: response.description,
      headers: { ...requestIdRef, ...(response.headers ?? {}) },
      ...(response.schema ? { content: json(response.schema) } : {}),
    };
  }
  return objects;
}

export function errorResponse(status: number, description: string): ResponseDoc {
  return { status, description, schema: { $ref: '#/components/schemas/ErrorResponse' } };
}

/** What a command that appends with retries can answer besides its own errors. */
export const commandErrors: readonly ResponseDoc[] = [
  errorResponse(409, 'A concurrent change won every retry (`concurrency.conflict`)'),
  errorResponse(413, "The events are over the event store's limit (`request.too_large`)"),
];
