/**
 * A request the HTTP kit refuses before any route runs (cross-site, wrong media type), answered
 * with the contract's `{"error", "code"}` body by the error middleware.
 */
export class RefusedRequestError extends Error {
  override readonly name = 'RefusedRequestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
