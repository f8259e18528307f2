// @ts-check
/**
 * Escaping HTML templates for the dashboard: every interpolated value is escaped unless it is
 * already markup made by `html` itself, so user text (titles, messages, agent names) can never
 * become markup.
 *
 * @module
 */

/** Markup that is already safe to insert (made by {@link html} or {@link join}). */
export class SafeHtml {
  /** @param {string} value */
  constructor(value) {
    /** @readonly */
    this.value = value;
  }
  /** @returns {string} */
  toString() {
    return this.value;
  }
}

/** @type {Record<string, string>} */
const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Escape text for an element body or a quoted attribute value.
 * @param {unknown} value
 * @returns {string}
 */
export function escapeHtml(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/**
 * @param {unknown} value
 * @returns {string}
 */
function part(value) {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(part).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(value);
}

/**
 * Tagged template that escapes interpolations; arrays are joined, null/undefined/false vanish.
 * @param {TemplateStringsArray} strings
 * @param {...unknown} values
 * @returns {SafeHtml}
 */
export function html(strings, ...values) {
  let out = strings[0] ?? "";
  values.forEach((v, i) => {
    out += part(v) + (strings[i + 1] ?? "");
  });
  return new SafeHtml(out);
}

/**
 * Join already-safe fragments with a separator.
 * @param {readonly SafeHtml[]} parts
 * @param {string} [separator]
 * @returns {SafeHtml}
 */
export function join(parts, separator = "") {
  return new SafeHtml(parts.map((p) => p.value).join(separator));
}
