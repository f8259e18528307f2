import assert from "node:assert/strict";
import { UI_ASSETS } from "./assets.ts";

Deno.test("every module and stylesheet the dashboard references is one of its assets", () => {
  const referenced = new Set<string>();
  for (const [path, asset] of UI_ASSETS) {
    for (const m of asset.body.matchAll(/(?:from\s+|src=|href=)"(\.?\/[\w.-]+\.(?:js|css))"/g)) {
      referenced.add(new URL(m[1]!, `http://x${path}`).pathname);
    }
  }
  assert.ok(
    referenced.has("/app.js") && referenced.has("/style.css") && referenced.has("/html.js"),
  );
  for (const path of referenced) assert.ok(UI_ASSETS.has(path), `${path} is not in UI_ASSETS`);
});

Deno.test("the dashboard loads nothing from another origin and has no inline script", () => {
  for (const [path, asset] of UI_ASSETS) {
    assert.doesNotMatch(
      asset.body,
      /(?:src|href)="(?:https?:)?\/\//,
      `${path} loads from another origin`,
    );
    assert.doesNotMatch(asset.body, /<script(?![^>]*\bsrc=)[^>]*>/, `${path} has an inline script`);
    assert.doesNotMatch(asset.body, /document\.cookie/, `${path} touches cookies`);
  }
  assert.match(UI_ASSETS.get("/")!.contentType, /^text\/html/);
  assert.match(UI_ASSETS.get("/app.js")!.contentType, /^text\/javascript/);
});
