/** Interactive documentation: swagger-ui-dist's files served from node_modules, so no CDN or internet is needed. */
import path from 'node:path';
import express, { type Router } from 'express';

// The distribution's initializer points at the Petstore; this one points at our own document.
const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '../openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
};
`;

function swaggerUiDirectory(): string {
  // Resolved through the package, not a relative path, so it works from the build output too.
  return path.dirname(require.resolve('swagger-ui-dist/package.json'));
}

export function createDocsRouter(): Router {
  const router = express.Router();
  router.get('/docs/swagger-initializer.js', (_req, res) => {
    res.type('application/javascript').send(INITIALIZER);
  });
  router.use('/docs', express.static(swaggerUiDirectory(), { index: 'index.html', redirect: true, maxAge: '1h' }));
  return router;
}
