/**
 * The route table of `tm serve`'s API (`/api/v1`): each route declares its method, path,
 * scope, query and body fields once — the server checks requests against that declaration
 * and `/openapi.json` is generated from it — and its handler turns the request into a call
 * of the same `src/app/` use case the CLI calls, returning the same JSON document as the
 * CLI's `--json` (the server adds `schema_version`, as the CLI does).
 *
 * @module
 */

import type { AppContext } from "../app/context.ts";
import { requireFeatures } from "../app/_features.ts";
import { addTask } from "../app/add_task.ts";
import { listAgents, registerAgent, removeAgent, showAgent } from "../app/agents.ts";
import { readBoard } from "../app/board.ts";
import { claimTask, heartbeat, releaseTask } from "../app/claims.ts";
import {
  addPrivateNote,
  joinTask,
  readTaskContext,
  shareContext,
  type SharedDocument,
  type ShareInput,
  validateCheckpoint,
  validateMessage,
  validateRequestId,
} from "../app/collaboration.ts";
import { completeTask } from "../app/complete_task.ts";
import {
  changeCriteria,
  checkMeasurable,
  type CriteriaChange,
  listCriteria,
} from "../app/criteria.ts";
import { deleteTask } from "../app/delete_task.ts";
import { addDependency, removeDependency } from "../app/dependencies.ts";
import { giveFeedback, parseScore } from "../app/feedback.ts";
import { activityReport, feedbackMetrics, findCriticalPath, taskMetrics } from "../app/metrics.ts";
import { notificationDocument, takeNotifications } from "../app/notifications.ts";
import { primeBriefing } from "../app/prime.ts";
import { addProgress } from "../app/progress.ts";
import { explainReady, readyTasks } from "../app/ready.ts";
import { isOverdue, listTasksWithRelations, showTask } from "../app/show_task.ts";
import { createToken, listTokens, revokeToken, type TokenInfo } from "../app/tokens.ts";
import { parseScope, type TokenScope } from "../core/token.ts";
import { exportTasks } from "../app/transfer.ts";
import { assignTask, parseTaskChanges, updateTask } from "../app/update_task.ts";
import { parseCapabilities } from "../core/capability.ts";
import { parseDuration } from "../core/duration.ts";
import { TmError, usageError, validationError } from "../core/errors.ts";
import {
  parseCriteria,
  parseDeadline,
  parseFileRef,
  parseHours,
  parsePriority,
  parseStatus,
  validateAgentName,
} from "../core/task.ts";
import type { Task } from "../core/task.ts";
import type { TaskFilter } from "../store/store.ts";
import { HttpError } from "./http.ts";
import type { FieldSpecs, Input } from "./input.ts";

/** What a handler receives. */
export interface RouteInput {
  /** The use-case context of this request: its agent is the token's agent. */
  ctx: AppContext;
  /** Path parameters by name. */
  params: Readonly<Record<string, string>>;
  query: Input;
  body: Input;
  /** The scope the request holds. */
  scope: TokenScope;
  /** The token used, if any. */
  token: TokenInfo | null;
  /** The `Idempotency-Key` header, checked as `TM_REQUEST_ID` is. */
  requestId: string | null;
  /** Report something worth a line in the server log (never to the client). */
  warn(message: string): void;
}

/** An API route. */
export interface Route {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** Path under the server root with `{name}` parameters, e.g. `/api/v1/tasks/{id}`. */
  path: string;
  /** The least scope that may call it. */
  scope: TokenScope;
  /** One line for the OpenAPI document. */
  summary: string;
  /** The CLI command this route mirrors. */
  cli: string;
  query?: FieldSpecs;
  body?: FieldSpecs;
  /** Status of a successful answer. @default 200 */
  status?: number;
  handle(input: RouteInput): Promise<Record<string, unknown>>;
}

/** Where the API lives. */
export const API_PREFIX = "/api/v1";

/** Largest `limit` a list route accepts. */
const MAX_LIMIT = 1_000_000_000;

function limitOf(text: string | undefined, name: string, max = MAX_LIMIT): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) {
    throw usageError(`invalid ${name} "${text}": expected a positive whole number`);
  }
  if (Number(text) > max) throw usageError(`invalid ${name} "${text}": at most ${max}`);
  return Number(text);
}

/** A lease length; under a second it would end before anyone used it (as `--ttl`). */
function ttlOf(text: string | undefined): { ttlMs?: number } {
  if (text === undefined) return {};
  const ms = parseDuration(text, "ttl");
  if (ms < 1000) {
    throw validationError(`invalid ttl "${text}": a lease must last at least 1s`, "e.g. 90s, 30m");
  }
  return { ttlMs: ms };
}

function withOverdue(tasks: readonly Task[], now: string) {
  return tasks.map((t) => ({ ...t, overdue: isOverdue(t, now) }));
}

/** Split `a,b` and lists into ids, as `--depends-on` does. */
function ids(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(/[,\s]+/)).filter((v) => v !== "");
}

const VALUE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Measured values `{name: value}` for criteria expressions. */
function measuredValues(
  values: Record<string, unknown> | undefined,
): Array<{ name: string; value: number | string | boolean }> {
  if (values === undefined) return [];
  return Object.entries(values).map(([name, value]) => {
    if (!VALUE_NAME.test(name) || ["and", "or", "not", "true", "false"].includes(name)) {
      throw validationError(`invalid value name "${name}"`, 'e.g. {"coverage": 85}');
    }
    if (
      typeof value !== "string" && typeof value !== "boolean" &&
      !(typeof value === "number" && Number.isFinite(value))
    ) {
      throw validationError(`invalid value of "${name}": expected a number, string or boolean`);
    }
    return { name, value };
  });
}

const DOCUMENT_KINDS: Readonly<Record<string, "yaml" | "markdown">> = {
  yaml: "yaml",
  yml: "yaml",
  md: "markdown",
  markdown: "markdown",
};

/** A document to attach, checked as `tm share --file` checks a file (type, YAML syntax). */
async function sharedDocument(
  value: Record<string, unknown> | undefined,
): Promise<SharedDocument | undefined> {
  if (value === undefined) return undefined;
  const { name, text, ...rest } = value;
  if (typeof name !== "string" || typeof text !== "string" || Object.keys(rest).length > 0) {
    throw usageError('invalid body field "document": expected {"name": "...", "text": "..."}');
  }
  const kind = DOCUMENT_KINDS[name.slice(name.lastIndexOf(".") + 1).toLowerCase()];
  // A base name only: it becomes part of the mirror's record, never a path to follow.
  // deno-lint-ignore no-control-regex
  const baseName = /^[^/\\\x00-\x1f]{1,255}$/.test(name);
  if (!baseName || !name.includes(".") || kind === undefined) {
    throw validationError(
      `cannot attach "${name.slice(0, 80)}": unsupported file name or type`,
      "attach a .yaml, .yml, .md or .markdown file by its base name",
    );
  }
  if (kind === "yaml") {
    const { assertValidYaml } = await import("../files/shared_context.ts");
    await assertValidYaml(text, name);
  }
  return { name, text };
}

/** Append to a task's shared context; what failed after the commit goes to the log. */
async function share(
  input: Pick<RouteInput, "ctx" | "params" | "requestId" | "warn">,
  entry: ShareInput,
): Promise<Record<string, unknown>> {
  const { warnings, ...result } = await shareContext(input.ctx, input.params.id!, {
    ...entry,
    requestId: input.requestId,
  });
  warnings.forEach(input.warn);
  return { ...result };
}

/** Managing another agent's registration needs admin: a token acts only as its own agent. */
function assertSelfOrAdmin(input: RouteInput, name: string, action: string): void {
  if (name !== input.ctx.agent && input.scope !== "admin") {
    throw new HttpError(
      403,
      "forbidden",
      `cannot ${action} agent "${name}" as "${input.ctx.agent}"`,
      {
        hint: "a token acts only as its own agent; admin scope manages others",
      },
    );
  }
}

const ID = "/api/v1/tasks/{id}";

const LIST_QUERY: FieldSpecs = {
  status: {
    type: "string",
    description: "pending | in_progress | blocked | completed | cancelled",
  },
  assignee: { type: "string", description: "only tasks assigned to this agent" },
  priority: { type: "string", description: "low | medium | high | critical" },
  tag: { type: "string", description: "only tasks with this tag" },
  has_deps: { type: "boolean", description: "only tasks that have dependencies" },
  limit: { type: "string", description: "at most this many tasks" },
};

/** Every API route. `GET /api/v1/events` (the live stream) is served beside them. */
export const ROUTES: readonly Route[] = [
  {
    method: "GET",
    path: "/api/v1/whoami",
    scope: "read",
    summary: "The agent and scope this request acts with",
    cli: "-",
    handle: ({ ctx, scope, token }) =>
      Promise.resolve({ agent: ctx.agent, scope, token_id: token?.id ?? null }),
  },
  {
    method: "GET",
    path: "/api/v1/board",
    scope: "read",
    summary: "Every task, the dependency edges, holders and leases, the critical path",
    cli: "-",
    handle: async ({ ctx }) => ({ ...await readBoard(ctx) }),
  },
  {
    method: "GET",
    path: "/api/v1/tasks",
    scope: "read",
    summary: "List tasks (tm list)",
    cli: "list",
    query: LIST_QUERY,
    async handle({ ctx, query }) {
      const status = query.string("status");
      const assignee = query.string("assignee");
      const priority = query.string("priority");
      const tag = query.string("tag");
      const limit = limitOf(query.string("limit"), "limit");
      const filter: TaskFilter = {
        ...(status === undefined ? {} : { status: parseStatus(status) }),
        ...(assignee === undefined ? {} : { assignee: validateAgentName(assignee, "assignee") }),
        ...(priority === undefined ? {} : { priority: parsePriority(priority) }),
        ...(tag === undefined ? {} : { tag }),
        ...(query.boolean("has_deps") ? { hasDependencies: true } : {}),
        // As tm list: archived tasks left out, each task with its tags and dependency ids.
        archived: "exclude",
        ...(limit === undefined ? {} : { limit }),
      };
      const tasks = await listTasksWithRelations(ctx, filter);
      return { tasks: withOverdue(tasks, new Date().toISOString()), count: tasks.length };
    },
  },
  {
    method: "POST",
    path: "/api/v1/tasks",
    scope: "write",
    summary: "Create a task (tm add)",
    cli: "add",
    status: 201,
    body: {
      title: { type: "string", description: "1-500 characters", required: true },
      description: { type: "string", description: "any text" },
      priority: { type: "string", description: "low | medium | high | critical" },
      depends_on: { type: "string[]", description: "ids (or unique prefixes) it waits for" },
      files: { type: "string[]", description: "PATH[:LINE[:END]] references" },
      assignee: { type: "string", description: "who should do it" },
      tags: { type: "string[]", description: "tags" },
      capabilities: { type: "string[]", description: "capabilities an agent needs" },
      criteria: { type: "array", description: '[{"criterion": "...", "measurable": "..."}]' },
      deadline: { type: "string", description: "ISO 8601" },
      estimated_hours: { type: "number", description: "estimate in hours" },
    },
    async handle({ ctx, body }) {
      const assignee = body.string("assignee");
      const deadline = body.string("deadline");
      const hours = body.numberText("estimated_hours");
      const rawCriteria = body.raw("criteria");
      const criteria = rawCriteria === undefined ? [] : parseCriteria(
        typeof rawCriteria === "string" ? rawCriteria : JSON.stringify(rawCriteria),
      );
      for (const c of criteria) if (c.measurable !== null) checkMeasurable(c.measurable);
      const priority = body.string("priority");
      const task = await addTask(ctx, {
        title: body.requiredString("title"),
        description: body.string("description") ?? null,
        ...(priority === undefined ? {} : { priority: parsePriority(priority) }),
        dependsOn: ids(body.strings("depends_on")),
        files: body.strings("files").map(parseFileRef),
        assignee: assignee === undefined ? null : validateAgentName(assignee, "assignee"),
        tags: body.strings("tags").map((t) => t.trim()).filter((t) => t !== ""),
        criteria,
        deadline: deadline === undefined ? null : parseDeadline(deadline),
        estimatedHours: hours === undefined ? null : parseHours(hours, "estimated_hours"),
        capabilities: parseCapabilities(body.strings("capabilities")),
      });
      return { task };
    },
  },
  {
    method: "GET",
    path: ID,
    scope: "read",
    summary: "One task in full (tm show)",
    cli: "show",
    handle: async ({ ctx, params }) => ({ task: await showTask(ctx, params.id!) }),
  },
  {
    method: "PATCH",
    path: ID,
    scope: "write",
    summary: "Change a task's fields (tm update)",
    cli: "update",
    body: {
      status: {
        type: "string",
        description: "pending | in_progress | blocked | completed | cancelled",
      },
      priority: { type: "string", description: "low | medium | high | critical" },
      assignee: { type: "string", description: 'new assignee ("" or "none" clears it)' },
      title: { type: "string", description: "new title" },
      description: { type: "string", description: "new description" },
      deadline: { type: "string", description: 'ISO 8601 ("" clears it)' },
      estimated_hours: { type: "number", description: "new estimate" },
    },
    async handle({ ctx, params, body }) {
      const changes = parseTaskChanges({
        status: body.string("status"),
        priority: body.string("priority"),
        assignee: body.string("assignee"),
        title: body.string("title"),
        description: body.string("description"),
        deadline: body.string("deadline"),
        estimatedHours: body.numberText("estimated_hours"),
      }, "estimated_hours");
      return { ...await updateTask(ctx, params.id!, changes) };
    },
  },
  {
    method: "DELETE",
    path: ID,
    scope: "write",
    summary: "Delete a task (tm delete)",
    cli: "delete",
    query: { force: { type: "boolean", description: "delete even though others depend on it" } },
    async handle({ ctx, params, query, warn }) {
      const { warnings, ...result } = await deleteTask(ctx, params.id!, {
        force: query.boolean("force"),
      });
      warnings.forEach(warn);
      return { ...result };
    },
  },
  {
    method: "POST",
    path: `${ID}/assign`,
    scope: "write",
    summary: "Set the assignee (tm assign)",
    cli: "assign",
    body: { agent: { type: "string", description: "the new assignee", required: true } },
    async handle({ ctx, params, body }) {
      const agent = validateAgentName(body.requiredString("agent"), "agent name");
      return { task: await assignTask(ctx, params.id!, agent) };
    },
  },
  {
    method: "POST",
    path: `${ID}/dependencies`,
    scope: "write",
    summary: "Add a dependency (tm dep add)",
    cli: "dep add",
    body: { depends_on: { type: "string", description: "the task it waits for", required: true } },
    handle: async ({ ctx, params, body }) => ({
      ...await addDependency(ctx, params.id!, body.requiredString("depends_on")),
    }),
  },
  {
    method: "DELETE",
    path: `${ID}/dependencies/{dep_id}`,
    scope: "write",
    summary: "Remove a dependency (tm dep remove)",
    cli: "dep remove",
    handle: async ({ ctx, params }) => ({
      ...await removeDependency(ctx, params.id!, params.dep_id!),
    }),
  },
  {
    method: "GET",
    path: "/api/v1/ready",
    scope: "read",
    summary: "Tasks that can start now, best first (tm ready)",
    cli: "ready",
    query: {
      assignee: { type: "string", description: "only tasks assigned to this agent" },
      mine: { type: "boolean", description: "only tasks assigned to the acting agent" },
      capability: { type: "string[]", description: "narrow to these capabilities" },
      limit: { type: "string", description: "at most this many (default 20)" },
    },
    async handle({ ctx, query }) {
      const assignee = query.string("assignee");
      if (assignee !== undefined && query.boolean("mine")) {
        throw usageError("ready: assignee and mine cannot be combined");
      }
      const now = ctx.now().toISOString();
      const tasks = await readyTasks(ctx, {
        limit: limitOf(query.string("limit"), "limit") ?? 20,
        capabilities: parseCapabilities(query.strings("capability")),
        ...(assignee !== undefined
          ? { assignee: validateAgentName(assignee, "assignee") }
          : query.boolean("mine")
          ? { assignee: ctx.agent }
          : {}),
      });
      return { tasks: withOverdue(tasks, now), count: tasks.length };
    },
  },
  {
    method: "GET",
    path: `${ID}/ready`,
    scope: "read",
    summary: "Whether a task is ready, and why not (tm ready --explain)",
    cli: "ready --explain",
    handle: async ({ ctx, params }) => ({ ...await explainReady(ctx, params.id!) }),
  },
  {
    method: "POST",
    path: "/api/v1/claim",
    scope: "write",
    summary: "Claim the best ready task offered to the acting agent (tm claim)",
    cli: "claim",
    body: {
      ttl: { type: "string", description: "lease length, at least 1s, e.g. 90s, 30m" },
      capabilities: { type: "string[]", description: "only tasks needing nothing beyond these" },
    },
    handle: async ({ ctx, body }) => ({
      ...await claimTask(ctx, null, {
        ...ttlOf(body.string("ttl")),
        capabilities: parseCapabilities(body.strings("capabilities")),
      }),
    }),
  },
  {
    method: "POST",
    path: `${ID}/claim`,
    scope: "write",
    summary: "Claim this task with a lease (tm claim ID)",
    cli: "claim ID",
    body: { ttl: { type: "string", description: "lease length, at least 1s" } },
    handle: async ({ ctx, params, body }) => ({
      ...await claimTask(ctx, params.id!, { ...ttlOf(body.string("ttl")), capabilities: [] }),
    }),
  },
  {
    method: "POST",
    path: `${ID}/heartbeat`,
    scope: "write",
    summary: "Renew the acting agent's lease (tm heartbeat)",
    cli: "heartbeat",
    body: { ttl: { type: "string", description: "new lease length from now, at least 1s" } },
    handle: async ({ ctx, params, body }) => ({
      task: await heartbeat(ctx, params.id!, ttlOf(body.string("ttl"))),
    }),
  },
  {
    method: "POST",
    path: `${ID}/release`,
    scope: "write",
    summary: "Give a held task back (tm release)",
    cli: "release",
    handle: async ({ ctx, params }) => ({ task: await releaseTask(ctx, params.id!) }),
  },
  {
    method: "POST",
    path: `${ID}/complete`,
    scope: "write",
    summary: "Complete a task; unblock its dependents (tm complete)",
    cli: "complete",
    body: {
      actual_hours: { type: "number", description: "time spent" },
      summary: { type: "string", description: "completion summary" },
      validate: { type: "boolean", description: "refuse when a success criterion fails" },
      impact_review: { type: "boolean", description: "report dependents and downstream work" },
    },
    async handle({ ctx, params, body }) {
      const hours = body.numberText("actual_hours");
      const summary = body.string("summary");
      const validate = body.boolean("validate");
      return {
        ...await completeTask(ctx, params.id!, {
          ...(hours === undefined ? {} : { actualHours: parseHours(hours, "actual_hours") }),
          ...(summary === undefined ? {} : { summary }),
          validate,
          impactReview: body.boolean("impact_review"),
        }),
      };
    },
  },
  {
    method: "GET",
    path: `${ID}/criteria`,
    scope: "read",
    summary: "Success criteria, measured values and their verdict (tm criteria ID)",
    cli: "criteria",
    async handle({ ctx, params }) {
      await requireFeatures(ctx, [["success-criteria", "criteria", true]]);
      const view = await listCriteria(ctx, params.id!);
      return criteriaDocument(view);
    },
  },
  {
    method: "POST",
    path: `${ID}/criteria`,
    scope: "write",
    summary:
      "Add a criterion, record a verdict, set measured values (tm criteria ID --add/--check/--set)",
    cli: "criteria",
    body: {
      add: { type: "string", description: "a new criterion" },
      measurable: { type: "string", description: "its expression (with add)" },
      check: { type: "number", description: "the criterion number to give a verdict" },
      verdict: { type: "string", description: "passed | failed (with check)" },
      note: { type: "string", description: "a note on the verdict (with check)" },
      set: { type: "object", description: 'measured values, e.g. {"coverage": 85}' },
    },
    async handle({ ctx, params, body }) {
      const add = body.string("add");
      const measurable = body.string("measurable");
      const check = body.numberText("check");
      const verdict = body.string("verdict");
      const note = body.string("note");
      const sets = measuredValues(body.object("set"));
      if (measurable !== undefined && add === undefined) throw usageError("measurable needs add");
      if (check === undefined && (verdict !== undefined || note !== undefined)) {
        throw usageError("verdict and note need check");
      }
      if (check !== undefined && verdict !== "passed" && verdict !== "failed") {
        throw usageError('check needs verdict "passed" or "failed"');
      }
      if (check !== undefined && (!/^\d+$/.test(check) || Number(check) < 1)) {
        throw usageError(`invalid check "${check}": expected a criterion number (1, 2, ...)`);
      }
      if (add !== undefined && add.trim() === "") {
        throw validationError("criterion cannot be empty");
      }
      const change: CriteriaChange = {
        ...(add === undefined
          ? {}
          : { add: { criterion: add.trim(), measurable: measurable ?? null } }),
        ...(check === undefined ? {} : {
          check: {
            position: Number(check),
            status: verdict as "passed" | "failed",
            note: note ?? null,
          },
        }),
        ...(sets.length === 0 ? {} : { set: sets }),
      };
      if (Object.keys(change).length === 0) {
        throw usageError("nothing to change: give add, check or set");
      }
      return criteriaDocument(await changeCriteria(ctx, params.id!, change));
    },
  },
  {
    method: "POST",
    path: `${ID}/progress`,
    scope: "write",
    summary: "Append a progress update (tm progress)",
    cli: "progress",
    body: {
      message: {
        type: "string",
        description: "a leading NN% is recorded as percent",
        required: true,
      },
    },
    handle: async ({ ctx, params, body }) => ({
      progress: await addProgress(ctx, params.id!, body.requiredString("message")),
    }),
  },
  {
    method: "POST",
    path: `${ID}/feedback`,
    scope: "write",
    summary: "Rate a completed task (tm feedback)",
    cli: "feedback",
    body: {
      quality: { type: "number", description: "1-5" },
      timeliness: { type: "number", description: "1-5" },
      note: { type: "string", description: "a note" },
    },
    async handle({ ctx, params, body }) {
      const quality = body.numberText("quality");
      const timeliness = body.numberText("timeliness");
      const feedback = await giveFeedback(ctx, params.id!, {
        quality: quality === undefined ? null : parseScore(quality, "quality"),
        timeliness: timeliness === undefined ? null : parseScore(timeliness, "timeliness"),
        note: body.string("note") ?? null,
      });
      return { feedback };
    },
  },
  {
    method: "POST",
    path: `${ID}/join`,
    scope: "write",
    summary: "Join a task as a participant (tm join)",
    cli: "join",
    handle: async ({ ctx, params }) => ({ ...await joinTask(ctx, params.id!) }),
  },
  {
    method: "GET",
    path: `${ID}/context`,
    scope: "read",
    summary: "Shared context, and the acting agent's own private notes (tm context)",
    cli: "context",
    handle: async ({ ctx, params }) => ({ ...await readTaskContext(ctx, params.id!) }),
  },
  {
    method: "POST",
    path: `${ID}/share`,
    scope: "write",
    summary: "Add an update and/or attach a document to the shared context (tm share)",
    cli: "share",
    body: {
      message: { type: "string", description: "the update" },
      document: {
        type: "object",
        description: '{"name": "spec.md", "text": "..."}: a .md, .markdown, .yaml or .yml document',
      },
    },
    async handle({ ctx, params, body, requestId, warn }) {
      const message = body.string("message");
      const document = await sharedDocument(body.object("document"));
      if (message === undefined && document === undefined) {
        throw usageError("share needs a message or a document");
      }
      return await share({ ctx, params, requestId, warn }, {
        type: "share",
        ...(message === undefined ? {} : { message: validateMessage(message) }),
        ...(document === undefined ? {} : { document }),
      });
    },
  },
  {
    method: "POST",
    path: `${ID}/discover`,
    scope: "write",
    summary: "Broadcast a discovery to everyone on the task and its dependents (tm discover)",
    cli: "discover",
    body: { message: { type: "string", description: "the discovery", required: true } },
    handle: (input) =>
      share(input, {
        type: "discovery",
        text: validateMessage(input.body.requiredString("message")),
      }),
  },
  {
    method: "POST",
    path: `${ID}/sync`,
    scope: "write",
    summary: "Record a sync point (tm sync ID CHECKPOINT)",
    cli: "sync",
    body: {
      checkpoint: { type: "string", description: "1-64 letters, digits, . _ : -", required: true },
    },
    handle: (input) =>
      share(input, {
        type: "sync",
        text: validateCheckpoint(input.body.requiredString("checkpoint")),
      }),
  },
  {
    method: "POST",
    path: `${ID}/notes`,
    scope: "write",
    summary: "Add a private note of the acting agent (tm note)",
    cli: "note",
    body: { message: { type: "string", description: "the note", required: true } },
    handle: async ({ ctx, params, body }) => ({
      ...await addPrivateNote(ctx, params.id!, body.requiredString("message")),
    }),
  },
  {
    method: "GET",
    path: "/api/v1/agents",
    scope: "read",
    summary: "Registered agents and their capabilities (tm agent list)",
    cli: "agent list",
    async handle({ ctx }) {
      const agents = await listAgents(ctx);
      return { agents, count: agents.length };
    },
  },
  {
    method: "GET",
    path: "/api/v1/agents/{name}",
    scope: "read",
    summary: "One agent and the tasks it holds (tm agent show)",
    cli: "agent show",
    handle: async ({ ctx, params }) => ({ ...await showAgent(ctx, params.name!) }),
  },
  {
    method: "PUT",
    path: "/api/v1/agents/{name}",
    scope: "write",
    summary: "Register an agent or replace its capabilities (tm agent register); others need admin",
    cli: "agent register",
    body: { capabilities: { type: "string[]", description: "what it can do" } },
    async handle(input) {
      const name = validateAgentName(input.params.name!);
      assertSelfOrAdmin(input, name, "register");
      const caps = parseCapabilities(input.body.strings("capabilities"));
      return { ...await registerAgent(input.ctx, name, caps) };
    },
  },
  {
    method: "DELETE",
    path: "/api/v1/agents/{name}",
    scope: "write",
    summary: "Forget an agent's registration (tm agent remove); others need admin",
    cli: "agent remove",
    async handle(input) {
      const name = input.params.name!;
      assertSelfOrAdmin(input, name, "remove");
      await removeAgent(input.ctx, name);
      return { removed: name };
    },
  },
  {
    method: "GET",
    path: "/api/v1/notifications",
    scope: "read",
    summary: "The acting agent's new notifications, marked read (tm watch)",
    cli: "watch",
    query: {
      since: { type: "string", description: "notifications of events after this id, read or not" },
    },
    async handle({ ctx, query }) {
      const since = query.string("since");
      if (since !== undefined && !/^\d+$/.test(since.trim())) {
        throw usageError(`invalid since "${since}": expected an event id (a whole number >= 0)`);
      }
      const { notifications, next } = await takeNotifications(
        ctx,
        since === undefined ? { unread: true } : { afterEventId: Number(since) },
      );
      return {
        count: notifications.length,
        notifications: notifications.map(notificationDocument),
        next_since: next,
      };
    },
  },
  {
    method: "GET",
    path: "/api/v1/prime",
    scope: "read",
    summary: "The session briefing of the acting agent (tm prime)",
    cli: "prime",
    handle: async ({ ctx }) => ({ ...await primeBriefing(ctx) }),
  },
  {
    method: "GET",
    path: "/api/v1/metrics",
    scope: "read",
    summary: "Throughput, cycle time, estimates and feedback, per agent (tm metrics)",
    cli: "metrics",
    query: {
      days: { type: "string", description: "only the last N days" },
      feedback: { type: "boolean", description: "only the feedback metrics" },
    },
    async handle({ ctx, query }) {
      const onlyFeedback = query.boolean("feedback");
      await requireFeatures(ctx, [["feedback", "metrics feedback", onlyFeedback]]);
      const result = await taskMetrics(ctx, limitOf(query.string("days"), "days", 36_500) ?? null);
      return onlyFeedback ? feedbackMetrics(result) : { ...result };
    },
  },
  {
    method: "GET",
    path: "/api/v1/report",
    scope: "read",
    summary: "Activity report over the last N days (tm report)",
    cli: "report",
    query: { days: { type: "string", description: "window length in days (default 7)" } },
    handle: async ({ ctx, query }) => ({
      report: await activityReport(ctx, limitOf(query.string("days"), "days", 36_500) ?? 7),
    }),
  },
  {
    method: "GET",
    path: "/api/v1/critical-path",
    scope: "read",
    summary: "The longest chain of open tasks by estimated hours (tm critical-path)",
    cli: "critical-path",
    async handle({ ctx }) {
      const result = await findCriticalPath(ctx);
      return { total_hours: result.total_hours, length: result.ids.length, path: result.tasks };
    },
  },
  {
    method: "GET",
    path: "/api/v1/export",
    scope: "read",
    summary: "Every task with its records (tm export --format json)",
    cli: "export",
    handle: async ({ ctx }) => ({ tasks: await exportTasks(ctx) }),
  },
  {
    method: "GET",
    path: "/api/v1/tokens",
    scope: "admin",
    summary: "API tokens, without their secrets (tm token list)",
    cli: "token list",
    async handle({ ctx }) {
      const tokens = await listTokens(ctx);
      return { tokens, count: tokens.length };
    },
  },
  {
    method: "POST",
    path: "/api/v1/tokens",
    scope: "admin",
    summary: "Create a token; the answer is the only time its secret is shown (tm token create)",
    cli: "token create",
    status: 201,
    body: {
      agent: { type: "string", description: "the agent it acts as", required: true },
      scope: { type: "string", description: "read | write | admin (default write)" },
    },
    handle: async ({ ctx, body }) => ({
      ...await createToken(ctx, {
        agent: body.requiredString("agent"),
        scope: parseScope(body.string("scope") ?? "write"),
      }),
    }),
  },
  {
    method: "DELETE",
    path: "/api/v1/tokens/{id}",
    scope: "admin",
    summary: "Revoke a token (tm token revoke)",
    cli: "token revoke",
    handle: async ({ ctx, params }) => ({ token: await revokeToken(ctx, params.id!) }),
  },
];

function criteriaDocument(view: Awaited<ReturnType<typeof listCriteria>>): Record<string, unknown> {
  return {
    task_id: view.task.id,
    criteria: view.criteria,
    values: view.values,
    validation: view.validation,
  };
}

/** Check an `Idempotency-Key` header as `TM_REQUEST_ID` is checked. */
export function requestIdFrom(header: string | null): string | null {
  if (header === null || header === "") return null;
  try {
    return validateRequestId(header);
  } catch (error) {
    if (error instanceof TmError) throw usageError(`invalid Idempotency-Key: ${error.message}`);
    throw error;
  }
}
