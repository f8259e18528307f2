/**
 * Pages `tm serve` answers outside the API. The dashboard (src/server/ui/) plugs in here;
 * until it does, `/` is a plain page that points at the API.
 *
 * @module
 */

import { SECURITY_HEADERS } from "./http.ts";

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tm</title></head>
<body><h1>tm</h1><p>The API is at <a href="/api/v1/board">/api/v1/board</a>;
its description at <a href="/openapi.json">/openapi.json</a>.</p></body></html>
`;

/** The answer for a non-API `GET` path, or null when there is no such page. */
export function staticResponse(pathname: string): Response | null {
  if (pathname !== "/" && pathname !== "/index.html") return null;
  return new Response(PLACEHOLDER, {
    headers: {
      ...SECURITY_HEADERS,
      "content-type": "text/html; charset=utf-8",
      "content-security-policy":
        "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'",
    },
  });
}
