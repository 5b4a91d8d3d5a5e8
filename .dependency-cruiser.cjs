/**
 * Boundaries of the hexagon, checked in CI (`npm run lint:deps`). See docs/architecture.md.
 */
const INFRASTRUCTURE = '(^|/)node_modules/(express|knex|pg|pg-.*|@eventstore|jsonwebtoken|bcrypt|cookie-session|pino|ajv|ajv-formats|swagger-ui-express|smol-toml|uuid|prom-client|rate-limiter-flexible)($|/)';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'The domain imports nothing but the language, the shared kernel and its own feature domain.',
      severity: 'error',
      from: { path: '^src/features/[^/]+/domain/' },
      to: {
        pathNot: ['^src/features/[^/]+/domain/', '^src/shared/(decider|errors|command-context|event-schemas)\\.ts$'],
      },
    },
    {
      name: 'domain-inward-only',
      severity: 'error',
      from: { path: '^src/features/[^/]+/domain/' },
      to: { path: ['^src/features/[^/]+/(application|adapters)/', '^projections/', '^src/http/'] },
    },
    {
      name: 'application-no-io',
      comment: 'Handlers may use tsyringe decorators and pino types only; no I/O libraries, no adapters.',
      severity: 'error',
      from: { path: '^src/features/[^/]+/application/' },
      to: {
        path: [INFRASTRUCTURE, '^src/features/[^/]+/adapters/', '^src/http/', '^projections/', '^src/shared/database/'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'application-no-node-io',
      severity: 'error',
      from: { path: '^src/features/[^/]+/application/' },
      to: { dependencyTypes: ['core'], pathNot: '^(node:)?crypto$' },
    },
    {
      name: 'features-via-index',
      comment: 'Another feature, the HTTP layer, projections and scripts reach a feature only through its index.ts.',
      severity: 'error',
      from: { path: '^src/features/([^/]+)/' },
      to: { path: '^src/features/', pathNot: ['^src/features/$1/', '^src/features/[^/]+/index\\.ts$'] },
    },
    {
      name: 'outside-features-via-index',
      severity: 'error',
      from: { path: '^(src/http|projections|scripts)/' },
      to: {
        path: '^src/features/[^/]+/(domain|application)/',
        pathNot: '^src/features/[^/]+/domain/[^/]+-events\\.ts$',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'cqrs-split',
      comment: 'The write side never reads projections; projections never call handlers or adapters.',
      severity: 'error',
      from: { path: '^src/features/[^/]+/(domain|application)/' },
      to: { path: '^projections/' },
    },
    {
      name: 'projections-not-to-write-side',
      severity: 'error',
      from: { path: '^projections/' },
      to: { path: '^src/features/[^/]+/(application|adapters)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'core-not-to-http',
      comment: 'Driving adapters (routes) build on src/http; the core and the read side never do.',
      severity: 'error',
      from: { path: '^(src/features/[^/]+/(domain|application)|src/shared|projections)/' },
      to: { path: '^src/(http|container|main)' },
    },
    {
      name: 'core-not-to-metrics',
      comment: 'Metrics (src/metrics) wrap the core from outside, in the composition root and the entry points; the core never counts itself.',
      severity: 'error',
      from: { path: '^(src/features/[^/]+/(domain|application)|src/shared|projections)/' },
      to: { path: '^src/metrics/' },
    },
    {
      name: 'not-to-test',
      severity: 'error',
      from: { path: '^(src|projections|scripts)/' },
      to: { path: '^test/' },
    },
    {
      name: 'http-kit-knows-no-feature',
      comment: 'src/http is a kit: routes, validation, errors, cookies. Features plug into it, never the reverse.',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^src/features/' },
    },
    {
      name: 'feature-imports',
      comment: 'A feature imports its own folder, the shared kernel, the HTTP kit and other features\' index.ts only.',
      severity: 'error',
      from: { path: '^src/features/([^/]+)/' },
      to: {
        path: '^(src|projections|scripts)/',
        pathNot: ['^src/features/$1/', '^src/features/[^/]+/index\\.ts$', '^src/shared/', '^src/http/'],
      },
    },
    {
      name: 'fastapi-compat-inside-the-kit',
      comment: 'FastAPI wire compatibility is the HTTP kit\'s business alone.',
      severity: 'error',
      from: { pathNot: '^src/http/' },
      to: { path: '^src/http/fastapi-compat/' },
    },
    {
      name: 'sessions-depend-on-users',
      comment: 'Dependencies between the features run one way: sessions -> users.',
      severity: 'error',
      from: { path: '^src/features/users/' },
      to: { path: '^src/features/sessions/' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'no-orphans',
      severity: 'error',
      from: { orphan: true, pathNot: ['\\.d\\.ts$', '(^|/)\\.[^/]+', '^scripts/', '^src/(main|projector-main)\\.ts$', '/migrations/'] },
      to: {},
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      from: { path: '^(src|projections)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|coverage|var)/' },
  },
};
