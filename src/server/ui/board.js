// @ts-check
/**
 * The board's pure logic: the status columns, search and filters, who holds what, and the time
 * left on a lease. Kept apart from the DOM so that Deno tests can check it.
 *
 * @module
 */

/** The board's columns, in order. */
export const STATUSES = /** @type {const} */ ([
  "pending",
  "in_progress",
  "blocked",
  "completed",
  "cancelled",
]);

/** Priorities, most urgent first. */
export const PRIORITIES = /** @type {const} */ (["critical", "high", "medium", "low"]);

/**
 * @typedef {{ id: string; title: string; description: string | null; status: string;
 *   priority: string; assignee: string | null; claimed_by: string | null;
 *   lease_expires_at: string | null; created_at: string; started_at: string | null;
 *   completed_at: string | null; updated_at: string; overdue?: boolean }} BoardTask
 * @typedef {{ query?: string; priority?: string; holder?: string }} BoardFilter
 */

/**
 * The agent holding a task now: its claimer while the lease runs, else nobody.
 * @param {BoardTask} task
 * @param {number} nowMs
 * @returns {string | null}
 */
export function holderOf(task, nowMs) {
  if (task.status !== "in_progress" || !task.claimed_by) return null;
  if (task.lease_expires_at && Date.parse(task.lease_expires_at) <= nowMs) return null;
  return task.claimed_by;
}

/**
 * Tasks matching a filter: `query` matches id prefix, title, description or agent names
 * (case-insensitive, every word must match); `holder` is an agent name or `"-"` for nobody.
 * @param {readonly BoardTask[]} tasks
 * @param {BoardFilter} filter
 * @param {number} nowMs
 * @returns {BoardTask[]}
 */
export function filterTasks(tasks, filter, nowMs) {
  const words = (filter.query ?? "").toLowerCase().split(/\s+/).filter((w) => w !== "");
  return tasks.filter((t) => {
    if (filter.priority && t.priority !== filter.priority) return false;
    if (filter.holder) {
      const h = holderOf(t, nowMs);
      if (filter.holder === "-" ? h !== null : h !== filter.holder) return false;
    }
    if (words.length === 0) return true;
    const hay = [t.title, t.description ?? "", t.assignee ?? "", t.claimed_by ?? ""]
      .join("\n").toLowerCase();
    return words.every((w) => t.id.startsWith(w) || hay.includes(w));
  });
}

/**
 * Tasks per status column, most urgent first, then oldest first.
 * @param {readonly BoardTask[]} tasks
 * @returns {Map<string, BoardTask[]>}
 */
export function groupByStatus(tasks) {
  /** @type {Map<string, BoardTask[]>} */
  const columns = new Map(STATUSES.map((s) => [s, []]));
  for (const t of tasks) columns.get(t.status)?.push(t);
  const rank = (/** @type {string} */ p) => {
    const i = PRIORITIES.indexOf(/** @type {any} */ (p));
    return i === -1 ? PRIORITIES.length : i;
  };
  for (const [status, list] of columns) {
    list.sort((a, b) =>
      status === "completed" || status === "cancelled"
        ? (b.completed_at ?? b.updated_at).localeCompare(a.completed_at ?? a.updated_at)
        : rank(a.priority) - rank(b.priority) || a.created_at.localeCompare(b.created_at)
    );
  }
  return columns;
}

/**
 * Time left on a lease as `1h 05m`, `4m 09s` or `12s`; `expired` at or past the end.
 * @param {string} expiresAt ISO 8601
 * @param {number} nowMs
 * @returns {string}
 */
export function leaseLeft(expiresAt, nowMs) {
  const s = Math.floor((Date.parse(expiresAt) - nowMs) / 1000);
  if (!(s > 0)) return "expired";
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const two = (/** @type {number} */ n) => String(n).padStart(2, "0");
  if (h > 0) return `${h}h ${two(m)}m`;
  if (m > 0) return `${m}m ${two(sec)}s`;
  return `${sec}s`;
}

/**
 * A lease countdown as shown on the page: `4m 09s left`, or `lease expired`.
 * @param {string} expiresAt ISO 8601
 * @param {number} nowMs
 * @returns {string}
 */
export function leaseText(expiresAt, nowMs) {
  const left = leaseLeft(expiresAt, nowMs);
  return left === "expired" ? "lease expired" : `${left} left`;
}

/**
 * How long ago, coarse: `just now`, `5s ago`, `3m ago`, `2h ago`, `4d ago`.
 * @param {string} iso
 * @param {number} nowMs
 * @returns {string}
 */
export function ago(iso, nowMs) {
  const s = Math.floor((nowMs - Date.parse(iso)) / 1000);
  if (s < 2) return "just now";
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

/**
 * @typedef {{ name: string; capabilities?: string[] }} RegisteredAgent
 * @typedef {{ name: string; registered: boolean; capabilities: string[];
 *   holds: { id: string; title: string; lease_expires_at: string | null }[] }} AgentRow
 */

/**
 * Registered agents and every current holder, each with the tasks it holds (soonest lease end
 * first); holders first, then by name.
 * @param {readonly RegisteredAgent[]} agents
 * @param {readonly BoardTask[]} tasks
 * @param {number} nowMs
 * @returns {AgentRow[]}
 */
export function agentRows(agents, tasks, nowMs) {
  /** @type {Map<string, AgentRow>} */
  const rows = new Map(agents.map((a) => [a.name, {
    name: a.name,
    registered: true,
    capabilities: a.capabilities ?? [],
    holds: [],
  }]));
  for (const t of tasks) {
    const h = holderOf(t, nowMs);
    if (h === null) continue;
    let row = rows.get(h);
    if (!row) rows.set(h, row = { name: h, registered: false, capabilities: [], holds: [] });
    row.holds.push({ id: t.id, title: t.title, lease_expires_at: t.lease_expires_at });
  }
  for (const r of rows.values()) {
    r.holds.sort((a, b) => (a.lease_expires_at ?? "~").localeCompare(b.lease_expires_at ?? "~"));
  }
  return [...rows.values()].sort((a, b) =>
    (b.holds.length > 0 ? 1 : 0) - (a.holds.length > 0 ? 1 : 0) || a.name.localeCompare(b.name)
  );
}
