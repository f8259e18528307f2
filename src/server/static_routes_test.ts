import assert from "node:assert/strict";
import { staticResponse } from "./static_routes.ts";
import { UI_ASSETS } from "./ui/assets.ts";

Deno.test("staticResponse() serves every dashboard file with its type and a self-only CSP", async () => {
  for (const [path, asset] of UI_ASSETS) {
    const res = staticResponse(path);
    assert.ok(res, path);
    assert.equal(res.headers.get("content-type"), asset.contentType);
    assert.match(res.headers.get("content-security-policy") ?? "", /default-src 'self'/);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(await res.text(), asset.body);
  }
  assert.equal(await staticResponse("/index.html")?.text(), UI_ASSETS.get("/")?.body);
});

Deno.test("staticResponse() knows nothing outside the dashboard's files", () => {
  for (const path of ["/nope.js", "/../deno.json", "/app.js/", "/APP.JS", "/assets.ts"]) {
    assert.equal(staticResponse(path), null, path);
  }
});
