// @ts-check
/**
 * Chart math and inline-SVG charts for the dashboard: completions per day (throughput) and the
 * median cycle time of the tasks completed each day. Pure: the series come from the task list's
 * `started_at`/`completed_at`, the SVG is a string built with escaping templates.
 *
 * @module
 */
import { html, join } from "./html.js";

/**
 * @typedef {{ created_at: string; started_at: string | null; completed_at: string | null;
 *   status: string }} TimedTask
 * @typedef {{ day: string; completed: number; cycleHours: number | null }} DayPoint
 */

const DAY_MS = 86_400_000;

/**
 * The UTC day (`YYYY-MM-DD`) of an ISO timestamp.
 * @param {string} iso
 * @returns {string}
 */
export function utcDay(iso) {
  return new Date(iso).toISOString().slice(0, 10);
}

/**
 * @param {readonly number[]} values
 * @returns {number | null}
 */
export function median(values) {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] ?? null : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/**
 * One point per UTC day for the last `days` days up to `now`: how many tasks were completed that
 * day, and the median hours from start (or creation, when never started) to completion.
 * @param {readonly TimedTask[]} tasks
 * @param {{ days: number; now: Date }} options
 * @returns {DayPoint[]}
 */
export function dailySeries(tasks, { days, now }) {
  const today = Date.parse(utcDay(now.toISOString()));
  /** @type {Map<string, number[]>} */
  const byDay = new Map();
  for (let i = days - 1; i >= 0; i--) {
    byDay.set(new Date(today - i * DAY_MS).toISOString().slice(0, 10), []);
  }
  for (const t of tasks) {
    if (t.status !== "completed" || !t.completed_at) continue;
    const bucket = byDay.get(utcDay(t.completed_at));
    if (!bucket) continue;
    const start = Date.parse(t.started_at ?? t.created_at);
    bucket.push(Math.max(0, Date.parse(t.completed_at) - start) / 3_600_000);
  }
  return [...byDay].map(([day, hours]) => ({
    day,
    completed: hours.length,
    cycleHours: median(hours),
  }));
}

/**
 * A round upper bound for an axis: 1, 2, 5 × 10^n at or above `max` (at least 1).
 * @param {number} max
 * @returns {number}
 */
export function niceMax(max) {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/**
 * A compact number for axis labels and tooltips.
 * @param {number} n
 * @returns {string}
 */
export function formatNumber(n) {
  if (Number.isInteger(n)) return String(n);
  if (n >= 10) return n.toFixed(0);
  if (n >= 1) return n.toFixed(1);
  return String(Number(n.toPrecision(2)));
}

const W = 360, H = 150, LEFT = 34, RIGHT = 8, TOP = 10, BOTTOM = 22;

/**
 * @param {string} title
 * @param {number} top
 * @param {readonly DayPoint[]} series
 * @param {import("./html.js").SafeHtml} marks
 */
function frame(title, top, series, marks) {
  const plotW = W - LEFT - RIGHT;
  const step = series.length === 0 ? plotW : plotW / series.length;
  const every = Math.max(1, Math.ceil(series.length / 7));
  // Count from the newest day so that today always has its label and none collide.
  const labels = series.map((p, i) =>
    (series.length - 1 - i) % every === 0
      ? html`<text class="axis" x="${LEFT + step * (i + 0.5)}" y="${H - 6}" text-anchor="middle">${
        p.day.slice(5)
      }</text>`
      : html``
  );
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${title}">
<title>${title}</title>
<line class="grid" x1="${LEFT}" y1="${TOP}" x2="${W - RIGHT}" y2="${TOP}"/>
<line class="baseline" x1="${LEFT}" y1="${H - BOTTOM}" x2="${W - RIGHT}" y2="${H - BOTTOM}"/>
<text class="axis" x="${LEFT - 4}" y="${TOP + 4}" text-anchor="end">${formatNumber(top)}</text>
<text class="axis" x="${LEFT - 4}" y="${H - BOTTOM + 4}" text-anchor="end">0</text>
${marks}${labels}</svg>`;
}

/**
 * Bars of tasks completed per day.
 * @param {readonly DayPoint[]} series
 * @returns {import("./html.js").SafeHtml}
 */
export function throughputChart(series) {
  const top = niceMax(Math.max(0, ...series.map((p) => p.completed)));
  const plotW = W - LEFT - RIGHT, plotH = H - TOP - BOTTOM;
  const step = series.length === 0 ? plotW : plotW / series.length;
  const bars = series.map((p, i) => {
    const bh = (p.completed / top) * plotH;
    return html`
      <rect class="bar" x="${(LEFT + step * i + step * 0.15).toFixed(1)}" y="${(H - BOTTOM - bh)
        .toFixed(1)}" width="${(step * 0.7).toFixed(1)}" height="${bh.toFixed(1)}">
        <title>${p.day}: ${p.completed} completed</title>
      </rect>
    `;
  });
  return frame("Tasks completed per day", top, series, join(bars));
}

/**
 * The unit that shows cycle times best: hours, or minutes when every value is under an hour.
 * @param {readonly DayPoint[]} series
 * @returns {{ unit: "h" | "min"; scale: number }}
 */
export function cycleUnit(series) {
  const max = Math.max(0, ...series.map((p) => p.cycleHours ?? 0));
  return max > 0 && max < 1 ? { unit: "min", scale: 60 } : { unit: "h", scale: 1 };
}

/**
 * A line of the median cycle time per day (in {@link cycleUnit}); days without completions leave
 * a gap.
 * @param {readonly DayPoint[]} series
 * @returns {import("./html.js").SafeHtml}
 */
export function cycleTimeChart(series) {
  const { unit, scale } = cycleUnit(series);
  const top = niceMax(Math.max(0, ...series.map((p) => (p.cycleHours ?? 0) * scale)));
  const plotW = W - LEFT - RIGHT, plotH = H - TOP - BOTTOM;
  const step = series.length === 0 ? plotW : plotW / series.length;
  /** @type {string[][]} */
  const runs = [[]];
  /** @type {import("./html.js").SafeHtml[]} */
  const dots = [];
  series.forEach((p, i) => {
    if (p.cycleHours === null) {
      if ((runs[runs.length - 1] ?? []).length > 0) runs.push([]);
      return;
    }
    const x = (LEFT + step * (i + 0.5)).toFixed(1);
    const value = p.cycleHours * scale;
    const y = (H - BOTTOM - (value / top) * plotH).toFixed(1);
    runs[runs.length - 1]?.push(`${x},${y}`);
    dots.push(
      html`
        <circle class="dot" cx="${x}" cy="${y}" r="3">
          <title>${p.day}: median ${formatNumber(value)} ${unit}</title>
        </circle>
      `,
    );
  });
  const lines = runs.filter((r) => r.length > 1).map((r) =>
    html`
      <polyline class="line" points="${r.join(" ")}" />
    `
  );
  const title = `Median cycle time per day (${unit === "h" ? "hours" : "minutes"})`;
  return frame(title, top, series, join([...lines, ...dots]));
}
