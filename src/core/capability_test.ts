import assert from "node:assert/strict";
import { missingCapabilities, parseCapabilities, parseCapability } from "./capability.ts";

Deno.test("parseCapabilities() lowercases, splits commas, dedupes and sorts", () => {
  assert.deepEqual(parseCapabilities(["Python, db", "python", "db:postgres"]), [
    "db",
    "db:postgres",
    "python",
  ]);
});

Deno.test("parseCapability() refuses names with spaces or a leading symbol", () => {
  assert.throws(() => parseCapability("two words"), /invalid capability/);
  assert.throws(() => parseCapability("-x"), /invalid capability/);
});

Deno.test("missingCapabilities() lists what the agent lacks, in order", () => {
  assert.deepEqual(missingCapabilities(["db", "gpu", "python"], ["python"]), ["db", "gpu"]);
});
