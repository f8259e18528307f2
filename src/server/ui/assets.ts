/**
 * The dashboard's files, imported as text so that `deno compile` embeds them and the binary
 * serves the page offline. The server maps a GET of one of these URL paths to its file.
 *
 * @module
 */

import indexHtml from "./index.html" with { type: "text" };
import styleCss from "./style.css" with { type: "text" };
import appJs from "./app.js" with { type: "text" };
import apiJs from "./api.js" with { type: "text" };
import boardJs from "./board.js" with { type: "text" };
import chartsJs from "./charts.js" with { type: "text" };
import graphLayoutJs from "./graph_layout.js" with { type: "text" };
import htmlJs from "./html.js" with { type: "text" };
import liveJs from "./live.js" with { type: "text" };

/** One file of the dashboard: its media type and its text. */
export interface UiAsset {
  contentType: string;
  body: string;
}

const JS = "text/javascript; charset=utf-8";

/** The dashboard's files keyed by URL path (`/` is the page). */
export const UI_ASSETS: ReadonlyMap<string, UiAsset> = new Map([
  ["/", { contentType: "text/html; charset=utf-8", body: indexHtml }],
  ["/style.css", { contentType: "text/css; charset=utf-8", body: styleCss }],
  ["/app.js", { contentType: JS, body: appJs }],
  ["/api.js", { contentType: JS, body: apiJs }],
  ["/board.js", { contentType: JS, body: boardJs }],
  ["/charts.js", { contentType: JS, body: chartsJs }],
  ["/graph_layout.js", { contentType: JS, body: graphLayoutJs }],
  ["/html.js", { contentType: JS, body: htmlJs }],
  ["/live.js", { contentType: JS, body: liveJs }],
]);
