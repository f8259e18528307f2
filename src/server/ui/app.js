/**
 * The dashboard page: fetches the CLI's JSON documents from the API, renders the board, task
 * detail, dependency graph, agents and leases, activity feed and charts, and refetches (coalesced)
 * whenever the event stream says something changed.
 *
 * @module
 */
import { adoptTokenFromUrl, ApiError, call, followEvents, getToken, setToken } from "./api.js";
import {
  agentRows,
  ago,
  filterTasks,
  groupByStatus,
  holderOf,
  leaseText,
  PRIORITIES,
  STATUSES,
} from "./board.js";
import { cycleTimeChart, cycleUnit, dailySeries, formatNumber, throughputChart } from "./charts.js";
import { layoutGraph } from "./graph_layout.js";
import { html, join } from "./html.js";
import { createCoalescer } from "./live.js";

/** @typedef {import("./board.js").BoardTask} BoardTask */

const LABEL = /** @type {Record<string, string>} */ ({
  pending: "Pending",
  in_progress: "In progress",
  blocked: "Blocked",
  completed: "Completed",
  cancelled: "Cancelled",
});
const FEED_MAX = 60;
/** How many past events the feed shows when the page opens. */
const FEED_BACKLOG = 30;
const DONE_SHOWN = 25;
const CHART_DAYS = 14;
const GRAPH_MAX = 300;

const state = {
  /** @type {BoardTask[]} */
  tasks: [],
  /** @type {{ name: string; capabilities?: string[] }[]} */
  agents: [],
  /** @type {{ task_id: string; depends_on_id: string }[]} */
  edges: [],
  /** @type {string[]} */
  path: [],
  totalHours: 0,
  filter: { query: "", priority: "", holder: "" },
  /** @type {string | null} */
  selected: null,
  /** @type {any} */
  detail: null,
  /** @type {any} */
  context: null,
  /** @type {{ id: string; type: string; task_id: string | null; agent: string | null;
   *   created_at: string }[]} */
  feed: [],
  /** @type {string | null} */
  error: null,
  /** The newest event the last board snapshot includes. */
  lastEventId: 0,
};

/**
 * @param {string} id
 * @returns {HTMLElement}
 */
function $(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el;
}

/**
 * Replace an element's markup, keeping keyboard focus on the element with the same
 * `data-focus` key so that live refreshes never throw a keyboard user out of place.
 * @param {HTMLElement} el
 * @param {import("./html.js").SafeHtml} markup
 */
function paint(el, markup) {
  const active = document.activeElement;
  const key = active instanceof Element && el.contains(active)
    ? active.getAttribute("data-focus")
    : null;
  // What the user is typing survives a refresh too.
  /** @type {Map<string, string | boolean>} */
  const typed = new Map();
  for (const f of el.querySelectorAll("input[data-focus], textarea[data-focus]")) {
    const input = /** @type {HTMLInputElement} */ (f);
    typed.set(
      f.getAttribute("data-focus") ?? "",
      input.type === "checkbox" ? input.checked : input.value,
    );
  }
  el.innerHTML = markup.value;
  for (const [k, v] of typed) {
    const f = el.querySelector(`[data-focus="${CSS.escape(k)}"]`);
    if (!f) continue;
    const input = /** @type {HTMLInputElement} */ (f);
    if (typeof v === "boolean") input.checked = v;
    else input.value = v;
  }
  if (key) {
    const again = el.querySelector(`[data-focus="${CSS.escape(key)}"]`);
    if (again instanceof HTMLElement || again instanceof SVGElement) again.focus();
  }
}

/** @param {string} iso */
function clock(iso) {
  const d = new Date(iso);
  // Today's events need only the time; older ones need the day too.
  if (d.toDateString() !== new Date().toDateString()) {
    return d.toLocaleString([], {
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
    });
  }
  return d.toLocaleTimeString([], {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

/** @param {unknown} e */
function messageOf(e) {
  if (e instanceof ApiError) return e.hint ? `${e.message} (${e.hint})` : e.message;
  return e instanceof Error ? e.message : String(e);
}

// ---------------------------------------------------------------- data

async function refresh() {
  try {
    const board = await call("/board");
    state.tasks = board?.tasks ?? [];
    state.agents = board?.agents ?? [];
    state.edges = board?.edges ?? [];
    state.path = board?.critical_path?.ids ?? [];
    state.totalHours = board?.critical_path?.total_hours ?? 0;
    state.lastEventId = Number(board?.last_event_id ?? 0);
    state.error = null;
  } catch (e) {
    state.error = messageOf(e);
    if (e instanceof ApiError && e.status === 401) askForToken();
  }
  if (state.selected) await loadDetail(state.selected);
  renderAll();
}

/** Open the Access panel on the token field: the server wants a token this tab lacks. */
function askForToken() {
  const details = document.querySelector("details.settings");
  if (!(details instanceof HTMLDetailsElement) || details.open) return;
  details.open = true;
  $("s-token").focus();
}

async function whoami() {
  try {
    const me = await call("/whoami");
    $("whoami").textContent = me?.agent ? `acting as ${me.agent}` : "";
  } catch {
    $("whoami").textContent = "";
  }
}

/** @param {string} id */
async function loadDetail(id) {
  const [detail, context] = await Promise.allSettled([
    call(`/tasks/${encodeURIComponent(id)}`),
    call(`/tasks/${encodeURIComponent(id)}/context`),
  ]);
  if (state.selected !== id) return;
  state.detail = detail.status === "fulfilled"
    ? detail.value?.task
    : { error: messageOf(detail.reason) };
  state.context = context.status === "fulfilled" ? context.value : null;
}

const refresher = createCoalescer(refresh, { delayMs: 100 });

// ---------------------------------------------------------------- rendering

function renderAll() {
  renderError();
  renderFeed(); // titles of tasks the feed names may have just arrived
  renderFilters();
  renderBoard();
  renderGraph();
  renderAgents();
  renderCharts();
  renderDetail();
}

function renderError() {
  const el = $("error");
  el.hidden = state.error === null;
  el.textContent = state.error ?? "";
}

function renderFilters() {
  const holders = agentRows(state.agents, state.tasks, Date.now()).map((r) => r.name);
  const select = /** @type {HTMLSelectElement} */ ($("f-holder"));
  const current = state.filter.holder;
  const opts = [
    html`<option value="">anyone or nobody</option>`,
    html`<option value="-">nobody</option>`,
    ...holders.map((h) => html`<option value="${h}">${h}</option>`),
  ];
  if (current && current !== "-" && !holders.includes(current)) {
    opts.push(html`<option value="${current}">${current}</option>`);
  }
  select.innerHTML = join(opts).value;
  select.value = current;
}

/**
 * @param {BoardTask} t
 * @param {number} now
 */
function card(t, now) {
  const holder = holderOf(t, now);
  return html`<li><button type="button" class="card" data-id="${t.id}" data-focus="card:${t.id}"
 data-priority="${t.priority}" aria-label="${t.title}, ${t.priority} priority, ${
    LABEL[t.status] ?? t.status
  }${holder ? `, held by ${holder}` : ""}">
<span class="card-top"><code class="id">${t.id}</code><span class="prio prio-${t.priority}">${t.priority}</span>${
    t.overdue ? html`<span class="overdue">overdue</span>` : ""
  }</span>
<span class="title">${t.title}</span>
${
    holder
      ? html`<span class="holder">${holder} · <span data-lease="${t.lease_expires_at ?? ""}">${
        t.lease_expires_at ? leaseText(t.lease_expires_at, now) : "no lease"
      }</span></span>`
      : t.status === "in_progress" && t.claimed_by
      ? html`<span class="holder expired">lease expired (was ${t.claimed_by})</span>`
      : t.assignee
      ? html`<span class="holder">assigned to ${t.assignee}</span>`
      : ""
  }
</button></li>`;
}

function renderBoard() {
  const now = Date.now();
  const shown = filterTasks(state.tasks, state.filter, now);
  const columns = groupByStatus(shown);
  $("count").textContent = shown.length === state.tasks.length
    ? `${state.tasks.length} tasks`
    : `${shown.length} of ${state.tasks.length} tasks`;
  const sections = STATUSES.map((status) => {
    const list = columns.get(status) ?? [];
    const done = status === "completed" || status === "cancelled";
    const visible = done ? list.slice(0, DONE_SHOWN) : list;
    return html`<section class="column" data-status="${status}" aria-labelledby="col-${status}">
<h3 id="col-${status}">${LABEL[status]} <span class="n">${list.length}</span></h3>
<ol class="cards">${visible.map((t) => card(t, now))}</ol>
${
      list.length > visible.length
        ? html`<p class="more">${list.length - visible.length} older not shown</p>`
        : list.length === 0
        ? html`<p class="empty">none</p>`
        : ""
    }
</section>`;
  });
  paint($("board"), join(sections));
}

function renderGraph() {
  const open = state.tasks.filter((t) => t.status !== "completed" && t.status !== "cancelled");
  const byId = new Map(open.map((t) => [t.id, t]));
  // A "path" of one task is no chain: mark nothing rather than a lone node.
  const path = state.path.length > 1 ? state.path : [];
  const onPath = new Set(path);
  $("path-summary").textContent = path.length === 0
    ? "no dependency chain among open tasks"
    : `critical path: ${path.length} tasks, ${formatNumber(state.totalHours)} h estimated`;
  if (open.length === 0) {
    paint($("graph"), html`<p class="empty">No open tasks.</p>`);
    return;
  }
  const rank = (/** @type {string} */ id) => (onPath.has(id) ? 0 : 1);
  // Past a few hundred nodes a drawing stops helping: keep the critical path and the rest in
  // board order up to the cap, and say so.
  const ids = open.map((t) => t.id).sort((a, b) => rank(a) - rank(b)).slice(0, GRAPH_MAX);
  if (open.length > ids.length) {
    $("path-summary").textContent += ` · drawing ${ids.length} of ${open.length} open tasks`;
  }
  const layout = layoutGraph(ids, state.edges, { criticalPath: path });
  const edges = layout.edges.map((e) =>
    html`
      <path class="edge${e.critical ? " critical" : ""}" d="${e.d}" data-from="${e
        .from}" data-to="${e.to}"
        marker-end="url(#${e.critical ? "arrow-critical" : "arrow"})" />
    `
  );
  const nodes = layout.nodes.map((n) => {
    const t = byId.get(n.id);
    const title = t?.title ?? n.id;
    const short = title.length > 24 ? title.slice(0, 23) + "…" : title;
    return html`
      <g class="node${onPath.has(n.id) ? " critical" : ""}" data-id="${n
        .id}" data-status="${t?.status ?? ""}"
        data-focus="node:${n.id}" tabindex="0" role="button"
        aria-label="${title} (${LABEL[t?.status ?? ""] ?? ""}${onPath.has(n.id)
          ? ", on the critical path"
          : ""})" transform="translate(${n.x} ${n.y})">
        <title>${title}</title>
        <rect width="${n.width}" height="${n.height}" rx="6" />
        <text x="10" y="17" class="node-id">${n.id}</text>
        <text x="10" y="34" class="node-title">${short}</text>
      </g>
    `;
  });
  paint(
    $("graph"),
    html`
      <svg class="graph" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout
        .width} ${layout.height}"
        role="group" aria-label="Dependency graph of open tasks">
      <defs>
      <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrowhead" d="M0 0L10 5L0 10z"/></marker>
      <marker id="arrow-critical" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrowhead critical" d="M0 0L10 5L0 10z"/></marker>
      </defs>
      ${edges}${nodes}</svg>
    `,
  );
}

function renderAgents() {
  const now = Date.now();
  const rows = agentRows(state.agents, state.tasks, now);
  if (rows.length === 0) {
    paint($("agents"), html`<p class="empty">No agents registered and nothing held.</p>`);
    return;
  }
  paint(
    $("agents"),
    html`<ul class="agents">${
      rows.map((r) =>
        html`
          <li class="agent"
            data-agent="${r.name}"><span class="agent-name">${r
              .name}</span>${r.capabilities.length > 0
              ? html`
                <span class="caps">${r.capabilities.join(", ")}</span>
              `
              : ""}${r.holds.length === 0
              ? html`<span class="idle">holds nothing</span>`
              : html`<ul class="holds">${
                r.holds.map((h) =>
                  html`<li><button type="button" class="link" data-id="${h.id}" data-focus="hold:${h.id}"><code>${h.id}</code> ${h.title}</button>
<span class="lease" data-lease="${h.lease_expires_at ?? ""}">${
                    h.lease_expires_at ? leaseText(h.lease_expires_at, now) : "no lease"
                  }</span></li>`
                )
              }</ul>`}</li>
        `
      )
    }</ul>`,
  );
}

function renderCharts() {
  const series = dailySeries(state.tasks, { days: CHART_DAYS, now: new Date() });
  const total = series.reduce((n, p) => n + p.completed, 0);
  paint(
    $("charts"),
    html`<figure><figcaption>Throughput: ${total} completed in ${CHART_DAYS} days</figcaption>${
      throughputChart(series)
    }</figure>
<figure><figcaption>Cycle time: start to completion, median per day, in ${
      cycleUnit(series).unit === "h" ? "hours" : "minutes"
    }</figcaption>${cycleTimeChart(series)}</figure>`,
  );
}

/** @param {{ id: string; type: string; task_id: string | null; agent: string | null; created_at: string }} e */
function feedItem(e) {
  const title = e.task_id ? state.tasks.find((t) => t.id === e.task_id)?.title : undefined;
  return html`
    <li
      data-event="${e.id}"><time datetime="${e.created_at}">${clock(
        e.created_at,
      )}</time> <span class="etype">${e.type}</span> ${e.agent
        ? html`<span class="eagent">${e.agent}</span>`
        : ""} ${e.task_id
        ? html`
          <button type="button" class="link"
            data-id="${e.task_id}" data-focus="feed:${e.id}"><code>${e.task_id}</code>${title
              ? ` ${title}`
              : ""}</button>
        `
        : ""}</li>
  `;
}

function renderFeed() {
  paint(
    $("feed"),
    state.feed.length === 0
      ? html`<li class="empty">Nothing yet: changes appear here as they happen.</li>`
      : join(state.feed.map(feedItem)),
  );
}

/** @param {any} c */
function criterion(c) {
  // The recorded verdict is the badge; what the measurable check evaluates to now is extra.
  const verdict = c.status ?? "unverified";
  return html`<li><span class="verdict verdict-${verdict}">${verdict}</span> ${c.criterion}${
    c.result
      ? html`
        <span class="check check-${c.result}">check ${c.result}</span>
      `
      : ""
  }${
    c.measurable
      ? html`
        <code>${c.measurable}</code>
      `
      : ""
  }${
    c.reason
      ? html`
        <span class="muted">${c.reason}</span>
      `
      : ""
  }${
    c.note
      ? html`
        <span class="muted">note: ${c.note}</span>
      `
      : ""
  }</li>`;
}

/**
 * @param {string} heading
 * @param {readonly unknown[]} items
 * @param {(item: any) => import("./html.js").SafeHtml} render
 * @param {string} empty
 */
function listSection(heading, items, render, empty) {
  return html`<section><h3>${heading}</h3>${
    items.length === 0 ? html`<p class="empty">${empty}</p>` : html`<ul>${items.map(render)}</ul>`
  }</section>`;
}

/** @param {{ id: string; title: string; status: string }} d */
function taskLink(d) {
  return html`<li><button type="button" class="link" data-id="${d.id}"><code>${d.id}</code> ${d.title}</button> <span class="st st-${d.status}">${
    LABEL[d.status] ?? d.status
  }</span></li>`;
}

function renderDetail() {
  const body = $("detail-body");
  const t = state.detail;
  if (!state.selected || !t) {
    body.replaceChildren();
    return;
  }
  if (t.error) {
    paint(body, html`<p class="alert" role="alert">${t.error}</p>`);
    return;
  }
  const now = Date.now();
  const holder = holderOf(t, now);
  const entries = state.context?.entries ?? [];
  const canClaim = t.status === "pending" || (t.status === "in_progress" && holder === null);
  const open = t.status !== "completed" && t.status !== "cancelled";
  paint(
    body,
    html`
      <header class="detail-head">
        <p><code class="id">${t.id}</code> <span class="st st-${t.status}">${LABEL[t.status] ??
          t.status}</span>
      <span class="prio prio-${t.priority}">${t
        .priority}</span>${t.percent !== null && t.percent !== undefined
        ? html`
          <meter min="0" max="100" value="${t.percent}">${t.percent}%</meter> ${t.percent}%
        `
        : ""}</p>
        <h2 id="detail-title" tabindex="-1" data-focus="detail-title">${t.title}</h2>
        <p
          class="muted">created by ${t.created_by} ${ago(t.created_at, now)}${holder
            ? html`
              · held by <strong>${holder}</strong>, <span data-lease="${t.lease_expires_at ??
                ""}">${t.lease_expires_at ? leaseText(t.lease_expires_at, now) : "no lease"}</span>
            `
            : t.status === "in_progress" && t.claimed_by
            ? html`
              · <span class="alert">lease expired (was ${t.claimed_by})</span>
            `
            : ""}${t.assignee ? ` · assigned to ${t.assignee}` : ""}${t.estimated_hours !== null
            ? ` · estimate ${formatNumber(t.estimated_hours)} h`
            : ""}${t.deadline ? ` · deadline ${t.deadline}` : ""}</p>
      </header>
      <div class="actions">
      ${canClaim
        ? html`<button type="button" data-action="claim" data-focus="act:claim">Claim</button>`
        : ""}
      ${t.status === "in_progress"
        ? html`<button type="button" data-action="release" data-focus="act:release">Release</button>`
        : ""}
      ${open && t.status !== "blocked"
        ? html`
          <form data-action="complete"
            class="inline-form"><label>Summary <input name="summary" data-focus="act:summary" autocomplete="off"></label>
          <label class="check"><input type="checkbox" name="validate" data-focus="act:validate"> check criteria</label>
          <button type="submit" data-focus="act:complete">Complete</button></form>
        `
        : ""}
      </div>
      <p id="action-status" class="action-status" role="status"></p>
      <section><h3>Description</h3>${t.description
        ? html`<p class="text">${t.description}</p>`
        : html`<p class="empty">none</p>`}</section>
      ${listSection("Criteria", t.criteria ?? [], criterion, "no success criteria")}
      ${listSection(
        "Progress",
        t.progress ?? [],
        (p) =>
          html`<li><time datetime="${p.created_at}">${
            ago(p.created_at, now)
          }</time> <span class="eagent">${p.agent}</span> ${p.message}</li>`,
        "no progress reported",
      )}
      <section><h3>Shared context</h3>${entries.length === 0
        ? html`<p class="empty">nothing shared</p>`
        : html`<ul>${
          entries.map((/** @type {any} */ e) =>
            html`<li><span class="etype">${e.type}</span> <span class="eagent">${e.agent}</span> <span class="text">${
              e.text ?? e.name ?? ""
            }</span></li>`
          )
        }</ul>`}
      <form data-action="share" class="share-form"><label for="share-msg">Share with participants</label>
      <textarea id="share-msg" name="message" rows="2" data-focus="act:share-msg" required></textarea>
      <button type="submit" data-focus="act:share">Share</button></form></section>
      <div class="two">
      ${listSection("Depends on", t.dependencies ?? [], taskLink, "no dependencies")}
      ${listSection("Dependents", t.dependents ?? [], taskLink, "nothing depends on it")}
      </div>
      ${listSection(
        "History",
        [...(t.history ?? [])].reverse(),
        (h) =>
          html`<li><time datetime="${h.created_at}">${
            clock(h.created_at)
          }</time> <span class="etype">${h.type}</span> ${
            h.agent ? html`<span class="eagent">${h.agent}</span>` : ""
          }</li>`,
        "no history",
      )}
    `,
  );
}

// ---------------------------------------------------------------- behaviour

/** The `data-focus` key of what opened the detail dialog. @type {string | null} */
let opener = null;

/** @param {string} id */
async function openDetail(id) {
  const dialog = /** @type {HTMLDialogElement} */ ($("detail"));
  // Where to put focus back on close: the card, node or link that opened it (by its key, since
  // a refresh may have replaced the element itself).
  if (!dialog.open) opener = document.activeElement?.getAttribute("data-focus") ?? null;
  state.selected = id;
  state.detail = null;
  state.context = null;
  await loadDetail(id);
  renderDetail();
  if (!dialog.open) dialog.showModal();
  dialog.querySelector("h2")?.setAttribute("tabindex", "-1");
  const first = dialog.querySelector("[data-action]") ?? dialog.querySelector("button");
  if (first instanceof HTMLElement) first.focus();
}

/**
 * Run a write from the detail panel and say how it went.
 * @param {string} what
 * @param {string} path
 * @param {unknown} body
 */
async function act(what, path, body) {
  const id = state.selected;
  if (!id) return;
  const status = document.getElementById("action-status");
  if (status) {
    status.textContent = `${what}…`;
    status.classList.remove("alert");
  }
  try {
    await call(`/tasks/${encodeURIComponent(id)}/${path}`, { method: "POST", body });
    for (const form of $("detail-body").querySelectorAll("form")) form.reset();
    await refresh();
    // The button pressed may be gone (Claim becomes Release): keep focus inside the dialog.
    const dialog = $("detail");
    if (!dialog.contains(document.activeElement)) document.getElementById("detail-title")?.focus();
    const again = document.getElementById("action-status");
    if (again) again.textContent = `${what}: done`;
  } catch (e) {
    const again = document.getElementById("action-status");
    if (again) {
      again.textContent = `${what} failed: ${messageOf(e)}`;
      again.classList.add("alert");
    }
  }
}

/**
 * Open the task named by the clicked (or keyed) element, if any.
 * @param {Event} ev
 */
function onOpen(ev) {
  const target = /** @type {Element} */ (ev.target);
  const el = target.closest?.("[data-id]");
  if (el && !el.closest("[data-action]")) void openDetail(el.getAttribute("data-id") ?? "");
}

function wire() {
  for (const id of ["board", "agents", "feed", "detail-body", "graph"]) {
    $(id).addEventListener("click", onOpen);
  }
  $("graph").addEventListener("keydown", (ev) => {
    if ((ev.key === "Enter" || ev.key === " ") && ev.target instanceof SVGElement) {
      ev.preventDefault();
      onOpen(ev);
    }
  });
  $("filters").addEventListener("submit", (ev) => ev.preventDefault());
  const search = /** @type {HTMLInputElement} */ ($("f-query"));
  search.addEventListener("input", () => {
    state.filter.query = search.value;
    renderBoard();
  });
  for (
    const [id, key] of /** @type {const} */ ([["f-priority", "priority"], ["f-holder", "holder"]])
  ) {
    const sel = /** @type {HTMLSelectElement} */ ($(id));
    sel.addEventListener("change", () => {
      state.filter[key] = sel.value;
      renderBoard();
    });
  }
  const prio = /** @type {HTMLSelectElement} */ ($("f-priority"));
  prio.innerHTML = join([
    html`<option value="">any priority</option>`,
    ...PRIORITIES.map((p) => html`<option value="${p}">${p}</option>`),
  ]).value;
  document.addEventListener("keydown", (ev) => {
    const t = /** @type {Element | null} */ (ev.target);
    if (ev.key === "/" && !(t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement)) {
      ev.preventDefault();
      search.focus();
    }
  });

  const body = $("detail-body");
  body.addEventListener("click", (ev) => {
    const btn = /** @type {Element} */ (ev.target).closest?.("button[data-action]");
    const action = btn?.getAttribute("data-action");
    if (action === "claim") void act("Claim", "claim", {});
    if (action === "release") void act("Release", "release", {});
  });
  body.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const form = /** @type {HTMLFormElement} */ (ev.target);
    const data = new FormData(form);
    if (form.dataset.action === "complete") {
      const summary = String(data.get("summary") ?? "").trim();
      void act("Complete", "complete", {
        ...(summary ? { summary } : {}),
        ...(data.get("validate") ? { validate: true } : {}),
      });
    } else if (form.dataset.action === "share") {
      void act("Share", "share", { message: String(data.get("message") ?? "") });
    }
  });
  const dialog = /** @type {HTMLDialogElement} */ ($("detail"));
  $("detail-close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    const id = state.selected;
    state.selected = null;
    state.detail = null;
    const back = (opener && document.querySelector(`[data-focus="${CSS.escape(opener)}"]`)) ??
      (id ? document.querySelector(`.card[data-id="${CSS.escape(id)}"]`) : null);
    if (back instanceof HTMLElement || back instanceof SVGElement) back.focus();
  });

  const settings = /** @type {HTMLFormElement} */ ($("settings"));
  const token = /** @type {HTMLInputElement} */ ($("s-token"));
  token.value = getToken();
  settings.addEventListener("submit", (ev) => {
    ev.preventDefault();
    setToken(token.value);
    settings.closest("details")?.removeAttribute("open");
    startLive(null);
    void whoami();
    refresher.request();
  });

  // Lease countdowns tick in place, without re-rendering anything.
  setInterval(() => {
    const now = Date.now();
    for (const el of document.querySelectorAll("[data-lease]")) {
      const end = el.getAttribute("data-lease");
      if (end) el.textContent = leaseText(end, now);
    }
  }, 1000);
}

/** @type {(() => void) | null} */
let stopLive = null;

/** @param {number | null} since */
function startLive(since) {
  stopLive?.();
  const live = $("live");
  stopLive = followEvents({
    onState(s) {
      live.textContent = s;
      live.dataset.state = s;
      if (s === "live") refresher.request(); // catch up on anything missed while away
    },
    onEvent(e) {
      const d = e.data ?? {};
      state.feed.unshift({
        id: String(d.id ?? e.id),
        type: String(d.type ?? "event"),
        task_id: d.task_id ?? null,
        agent: d.agent ?? null,
        created_at: d.created_at ?? new Date().toISOString(),
      });
      state.feed.length = Math.min(state.feed.length, FEED_MAX);
      renderFeed();
      refresher.request();
    },
  }, since);
}

adoptTokenFromUrl();
wire();
renderFeed();
void whoami();
// The first snapshot says which event it includes; the stream replays a little before that.
void refresh().then(() => startLive(Math.max(0, state.lastEventId - FEED_BACKLOG)));
