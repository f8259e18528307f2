import assert from "node:assert/strict";
// Aliased: `deno fmt` reformats templates tagged `html`, and these tests need exact strings.
import { escapeHtml, html as h, join } from "./html.js";

Deno.test("escapeHtml() turns markup characters into entities", () => {
  assert.equal(
    escapeHtml(`<a href="x">'&'</a>`),
    "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
  );
});

Deno.test("html`` escapes interpolated user text but keeps nested templates as markup", () => {
  const title = `<img src=x onerror="alert(1)">`;
  const out = h`<li title="${title}">${h`<b>${title}</b>`}</li>`.value;
  assert.equal(
    out,
    `<li title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"><b>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</b></li>`,
  );
});

Deno.test("html`` joins arrays and drops null, undefined and false", () => {
  assert.equal(h`${["<", h`<i/>`]}${null}${undefined}${false}${0}`.value, "&lt;<i/>0");
  assert.equal(join([h`a`, h`b`], ", ").value, "a, b");
});
