import assert from "node:assert/strict";
import { formatDuration, parseDuration } from "./duration.ts";

Deno.test("parseDuration() reads seconds and unit suffixes", () => {
  assert.equal(parseDuration("90", "--ttl"), 90_000);
  assert.equal(parseDuration("1.5", "--ttl"), 1_500);
  assert.equal(parseDuration("30m", "--ttl"), 1_800_000);
  assert.equal(parseDuration("1h30m", "--ttl"), 5_400_000);
  assert.equal(parseDuration("2d", "--ttl"), 172_800_000);
  assert.equal(parseDuration("250ms", "--ttl"), 250);
});

Deno.test("parseDuration() refuses what is not a duration, naming the flag", () => {
  for (const bad of ["", "abc", "10x", "m30", "1h junk"]) {
    assert.throws(() => parseDuration(bad, "--ttl"), /invalid --ttl/, bad);
  }
});

Deno.test("formatDuration() is compact", () => {
  assert.equal(formatDuration(5_400_000), "1h30m");
  assert.equal(formatDuration(45_000), "45s");
});
