import assert from "node:assert/strict";
import { isHeld, type LeaseState, mayClaim } from "./lease.ts";

const now = "2026-01-01T10:00:00.000Z";
const before = "2026-01-01T09:59:59.999Z";
const after = "2026-01-01T10:30:00.000Z";

function state(fields: Partial<LeaseState>): LeaseState {
  return { status: "pending", claimed_by: null, lease_expires_at: null, assignee: null, ...fields };
}

Deno.test("a claim holds a task until the end of its lease, inclusive", () => {
  assert.equal(
    isHeld(state({ status: "in_progress", claimed_by: "a", lease_expires_at: now }), now),
    true,
  );
  assert.equal(
    isHeld(state({ status: "in_progress", claimed_by: "a", lease_expires_at: before }), now),
    false,
  );
  assert.equal(isHeld(state({ status: "in_progress" }), now), false);
});

Deno.test("mayClaim() admits one holder, its renewal, and a takeover after the lease ends", () => {
  const held = state({ status: "in_progress", claimed_by: "a", lease_expires_at: after });
  assert.equal(mayClaim(state({}), "a", now), true);
  assert.equal(mayClaim(held, "b", now), false);
  assert.equal(mayClaim(held, "a", now), true);
  assert.equal(mayClaim({ ...held, lease_expires_at: before }, "b", now), true);
});

Deno.test("mayClaim() refuses tasks assigned to someone else, blocked, closed or in progress without a claim", () => {
  assert.equal(mayClaim(state({ assignee: "b" }), "a", now), false);
  assert.equal(mayClaim(state({ assignee: "a" }), "a", now), true);
  for (const status of ["blocked", "completed", "cancelled", "in_progress"] as const) {
    assert.equal(mayClaim(state({ status }), "a", now), false, status);
  }
});
