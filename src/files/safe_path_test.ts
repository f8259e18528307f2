import assert from "node:assert/strict";
import { TmError } from "../core/errors.ts";
import { pathInside } from "./safe_path.ts";
import { privateNotePath } from "./private_notes.ts";
import { sharedContextPath } from "./shared_context.ts";

const ROOT = "/p/.task-orchestrator";

function refused(fn: () => unknown): void {
  assert.throws(fn, (error) => error instanceof TmError && error.code === "validation");
}

Deno.test("pathInside() joins safe segments under the root", () => {
  assert.equal(pathInside(ROOT, ["private_notes", "a.b-c_d"]), `${ROOT}/private_notes/a.b-c_d`);
});

Deno.test("pathInside() refuses traversal, separators, NUL and very long segments", () => {
  for (const bad of ["..", ".", "", "../x", "a/b", "/etc", "a\\b", "a\0b", "x".repeat(129)]) {
    refused(() => pathInside(ROOT, ["private_notes", bad]));
  }
});

Deno.test("privateNotePath() validates the agent name and the task id", () => {
  assert.equal(
    privateNotePath(ROOT, "alice", "0a1b2c3d"),
    `${ROOT}/private_notes/alice/task_0a1b2c3d.md`,
  );
  for (const agent of ["../alice", "..", "/root", "a\0", "a".repeat(65), "a b"]) {
    refused(() => privateNotePath(ROOT, agent, "0a1b2c3d"));
  }
  for (const id of ["../../x", "0a1b2c3", "/etc/pas", "0a1b2c3\0", "0A1B2C3D"]) {
    refused(() => privateNotePath(ROOT, "alice", id));
  }
});

Deno.test("sharedContextPath() accepts full task ids only", () => {
  assert.equal(sharedContextPath(ROOT, "0a1b2c3d"), `${ROOT}/shared_context/task_0a1b2c3d.yaml`);
  refused(() => sharedContextPath(ROOT, "../../../etc/passwd"));
});
