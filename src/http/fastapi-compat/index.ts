// FastAPI wire compatibility, in one place. The service answers the original FastAPI template's
// clients byte for byte where they can tell: Starlette's path unquoting and its 404/405 and
// trailing-slash replies, CPython's JSON error messages and positions (part of a 422 body),
// and pydantic's (and the Rust uuid crate's) wording for bad path and query values. None of it
// is how this service would answer if it had no such clients; only the HTTP kit imports it.
export { lenientPathDecoding } from './lenient-path';
export { fallback, type KnownRoute } from './fallback';
export { parsePythonJson } from './python-json';
export { parseInteger, parseUuid } from './pydantic-parsers';
