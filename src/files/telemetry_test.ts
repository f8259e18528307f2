import assert from "node:assert/strict";
import { recordTelemetry, telemetryPath } from "./telemetry.ts";
import { writeConfig } from "./config.ts";
import { defaultConfig } from "../core/features.ts";

const record = {
  ts: "2026-01-01T00:00:00.000Z",
  command: "add",
  flags: [],
  exit_code: 0,
  duration_ms: 1,
};

Deno.test("recordTelemetry() writes nothing while the feature is off", async () => {
  const dir = await Deno.makeTempDir();
  assert.equal(await recordTelemetry(dir, record), false);
  await assert.rejects(() => Deno.stat(telemetryPath(dir)));
});

Deno.test("recordTelemetry() appends lines and rotates past the size limit", async () => {
  const dir = await Deno.makeTempDir();
  const config = defaultConfig();
  config.features.telemetry = true;
  await writeConfig(dir, config);
  for (let i = 0; i < 5; i++) assert.equal(await recordTelemetry(dir, record, 200), true);
  const current = await Deno.readTextFile(telemetryPath(dir));
  const rotated = await Deno.readTextFile(`${dir}/telemetry/events.1.jsonl`);
  const lines = (current + rotated).trim().split("\n");
  assert.ok(lines.length >= 3 && lines.length <= 5);
  assert.deepEqual(JSON.parse(lines[0]!), record);
});

Deno.test("recordTelemetry() never throws, even when the directory cannot be written", async () => {
  const dir = await Deno.makeTempDir();
  const config = defaultConfig();
  config.features.telemetry = true;
  await writeConfig(dir, config);
  await Deno.writeTextFile(`${dir}/telemetry`, "a file where the directory should be");
  assert.equal(await recordTelemetry(dir, record), false);
});
