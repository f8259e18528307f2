import assert from "node:assert/strict";
import { escapeHtml, html, join } from "./html.js";

Deno.test("escapeHtml() turns markup characters into entities", () => {
  assert.equal(
    escapeHtml(`<a href="x">'&'</a>`),
    "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
  );
});

Deno.test("html`` escapes interpolated user text but keeps nested templates as markup", () => {
  const title = `<img src=x onerror="alert(1)">`;
  const out = html`<li title="${title}">${html`<b>${title}</b>`}</li>`.value;
  assert.equal(
    out,
    `<li title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"><b>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</b></li>`,
  );
});

Deno.test("html`` joins arrays and drops null, undefined and false", () => {
  assert.equal(
    html`${[
      "<",
      html`
        <i />
      `,
    ]}${null}${undefined}${false}${0}`.value,
    "&lt;<i/>0",
  );
  assert.equal(join([html`a`, html`b`], ", ").value, "a, b");
});
