import type { JsonSchema } from './request-validation';
import type { RouteDefinition } from './route-definition';

export interface ApiInfo {
  title: string;
  version: string;
  description?: string;
}

export const COOKIE_SCHEME = 'APIKeyCookie';

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  title: 'ErrorResponse',
  properties: { error: { type: 'string' }, code: { type: 'string' } },
  required: ['error', 'code'],
};

const VALIDATION_ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  title: 'HTTPValidationError',
  properties: {
    detail: {
      type: 'array',
      items: {
        type: 'object',
        title: 'ValidationError',
        properties: {
          loc: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
          msg: { type: 'string' },
          type: { type: 'string' },
          input: {},
          ctx: { type: 'object' },
        },
        required: ['loc', 'msg', 'type'],
      },
    },
  },
};

const json = (schema: JsonSchema) => ({ 'application/json': { schema } });

/** The OpenAPI 3.1 document, built from the same route definitions and ajv schemas that validate requests. */
export function buildOpenApiDocument(routes: readonly RouteDefinition[], info: ApiInfo): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {
    '/': {
      get: {
        tags: ['General'],
        summary: 'Redirect to the docs',
        operationId: 'redirect_to_docs',
        responses: { '307': { description: 'Redirect to `docs/`' } },
      },
    },
    '/api/v1/health': {
      get: {
        tags: ['health'],
        summary: 'Liveness',
        operationId: 'health',
        responses: { '200': { description: 'Successful Response', content: json({ type: 'object', properties: { status: { const: 'ok' } } }) } },
      },
    },
  };
  for (const route of routes) {
    const operations = (paths[route.path] ??= {});
    operations[route.method] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      schemas: { ErrorResponse: ERROR_SCHEMA, HTTPValidationError: VALIDATION_ERROR_SCHEMA },
      securitySchemes: { [COOKIE_SCHEME]: { type: 'apiKey', in: 'cookie', name: 'access_token' } },
    },
  };
}

function operation(route: RouteDefinition): Record<string, unknown> {
  const parameters = [route.params, route.query].flatMap((spec) =>
    spec
      ? Object.entries(spec.schema.properties).map(([name, schema]) => ({
          name,
          in: spec.in,
          required: spec.in === 'path' || (spec.schema.required ?? []).includes(name),
          schema,
        }))
      : [],
  );
  const responses: Record<string, unknown> = {};
  for (const response of route.responses) {
    responses[String(response.status)] = {
      description: response.description,
      ...(response.headers ? { headers: response.headers } : {}),
      ...(response.schema ? { content: json(response.schema) } : {}),
    };
  }
  responses['422'] = { description: 'Validation Error', content: json({ $ref: '#/components/schemas/HTTPValidationError' }) };
  return {
    tags: route.tags,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    operationId: route.operationId,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content: json(route.body.schema) } } : {}),
    responses,
    ...(route.auth === 'required' ? { security: [{ [COOKIE_SCHEME]: [] }] } : {}),
  };
}

export const errorResponse = (status: number, description: string) => ({
  status,
  description,
  schema: { $ref: '#/components/schemas/ErrorResponse' },
});
