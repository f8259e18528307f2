/**
 * Pages `tm serve` answers outside the API: the dashboard's files (src/server/ui/), embedded
 * in the program as text.
 *
 * @module
 */

import { SECURITY_HEADERS } from "./http.ts";
import { UI_ASSETS } from "./ui/assets.ts";

/** The answer for a non-API `GET` path, or null when there is no such page. */
export function staticResponse(pathname: string): Response | null {
  const asset = UI_ASSETS.get(pathname === "/index.html" ? "/" : pathname);
  if (asset === undefined) return null;
  return new Response(asset.body, {
    headers: {
      ...SECURITY_HEADERS,
      "content-type": asset.contentType,
      "content-security-policy":
        "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'",
    },
  });
}
