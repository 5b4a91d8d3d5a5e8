export type Location = Array<string | number>;

/** One entry of FastAPI's 422 `detail` list, in pydantic's shape. */
export interface ValidationDetail {
  type: string;
  loc: Location;
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

export class RequestValidationError extends Error {
  override readonly name = 'RequestValidationError';
  constructor(readonly detail: ValidationDetail[]) {
    super(`Request validation failed: ${detail.map((d) => `${d.loc.join('.')} ${d.type}`).join(', ')}`);
  }
}

/**
 * A reply of the framework itself, in its `{"detail": "..."}` shape (404, 405, unreadable body),
 * as opposed to the `{"error", "code"}` bodies of the application.
 */
export class FrameworkHttpError extends Error {
  override readonly name = 'FrameworkHttpError';
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
  }
}
