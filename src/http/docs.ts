import type { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import { sendJson } from './json-response';
import { REDOC_CDN } from './security-headers';

/** Pinned, with the integrity of the npm package's own bundle, so the CDN cannot change what runs. */
const REDOC_SCRIPT = {
  src: `${REDOC_CDN}/npm/redoc@2.5.4/bundles/redoc.standalone.js`,
  integrity: 'sha384-w447zOpYfw/1Tv/5AK9NfHTlQIqE3RVR6KY62jCyy9zNDgO64cMwGGP1Fj0zJVf5',
};

/**
 * FastAPI's docs pages: Swagger UI at /docs (every script from the swagger-ui-dist package, its
 * start script a file, so the page's policy needs no inline script), ReDoc at /redoc, and /openapi.json.
 */
export function mountDocs(app: Router, document: Record<string, unknown>, title: string): void {
  app.get('/openapi.json', (_req, res) => sendJson(res, 200, document));
  app.get('/docs', (_req, res) => {
    res.type('html').send(swaggerPage(title));
  });
  app.get('/redoc', (_req, res) => {
    res.type('html').send(redocPage(title));
  });
  app.get('/docs/swagger-initializer.js', (_req, res) => {
    res.type('text/javascript').send(SWAGGER_START);
  });
  // Only the asset files: `/docs/` itself falls through to the trailing-slash redirect.
  app.use('/docs', swaggerUi.serveWithOptions({ redirect: false }));
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const SWAGGER_START = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  layout: 'BaseLayout',
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
`;

function swaggerPage(title: string): string {
  return `<!DOCTYPE html>
<html>
<head>
<link type="text/css" rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
<title>${escapeHtml(title)} - Swagger UI</title>
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-initializer.js"></script>
</body>
</html>
`;
}

function redocPage(title: string): string {
  return `<!DOCTYPE html>
<html>
<head>
<title>${escapeHtml(title)} - ReDoc</title>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body { margin: 0; padding: 0; }</style>
</head>
<body>
<noscript>ReDoc requires Javascript to function. Please enable it to browse the documentation.</noscript>
<redoc spec-url="/openapi.json"></redoc>
<script src="${REDOC_SCRIPT.src}" integrity="${REDOC_SCRIPT.integrity}" crossorigin="anonymous"></script>
</body>
</html>
`;
}
