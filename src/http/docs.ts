import type { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import { sendJson } from './json-response';

/** FastAPI's docs pages: Swagger UI at /docs (assets served locally), ReDoc at /redoc, and /openapi.json. */
export function mountDocs(app: Router, document: Record<string, unknown>, title: string): void {
  app.get('/openapi.json', (_req, res) => sendJson(res, 200, document));
  app.get('/docs', (_req, res) => {
    res.type('html').send(swaggerPage(title));
  });
  app.get('/redoc', (_req, res) => {
    res.type('html').send(redocPage(title));
  });
  // Only the asset files: `/docs/` itself falls through to the trailing-slash redirect.
  app.use('/docs', swaggerUi.serveWithOptions({ redirect: false }));
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

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
<script>
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  layout: 'BaseLayout',
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
</script>
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
<script src="https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js"></script>
</body>
</html>
`;
}
