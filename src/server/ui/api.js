/**
 * The dashboard's client of the tm HTTP API: JSON calls carrying the token in an
 * `Authorization` header (never a cookie), and the live event stream.
 *
 * @module
 */
import { createSseParser } from "./live.js";

/** Where the API lives, relative to the page's origin. */
export const API = "/api/v1";

const TOKEN_KEY = "tm.token";

/** An error answered by the API (`{"error": {code, message, hint, retryable}}`). */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {{ code?: string; message?: string; hint?: string }} body
   */
  constructor(status, body) {
    super(body.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body.code ?? "http_error";
    this.hint = body.hint ?? null;
  }
}

/**
 * Take a `?token=` from the address into sessionStorage and drop it from the address bar, so it
 * is neither bookmarked nor left in the history.
 * @returns {void}
 */
export function adoptTokenFromUrl() {
  const url = new URL(location.href);
  const token = url.searchParams.get("token");
  if (token === null) return;
  setToken(token);
  url.searchParams.delete("token");
  history.replaceState(null, "", url.pathname + url.search + url.hash);
}

/**
 * The API token this tab uses ("" for none: the server's own agent acts).
 * @returns {string}
 */
export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) ?? "";
}

/**
 * Keep `value` as this tab's token; empty forgets it.
 * @param {string} value
 */
export function setToken(value) {
  if (value.trim() === "") sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, value.trim());
}

/** @returns {Record<string, string>} */
function authHeaders() {
  /** @type {Record<string, string>} */
  const h = {};
  const token = getToken();
  if (token) h["Authorization"] = `Bearer ${token}`;
  return h;
}

/**
 * Call the API and return its JSON document; a non-2xx answer throws {@link ApiError}.
 * @param {string} path below {@link API}, e.g. `/tasks`
 * @param {{ method?: string; body?: unknown; signal?: AbortSignal }} [options]
 * @returns {Promise<any>}
 */
export async function call(path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { ...authHeaders(), Accept: "application/json" };
  /** @type {RequestInit} */
  const init = { method: options.method ?? "GET", headers, credentials: "omit" };
  if (options.signal) init.signal = options.signal;
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  const res = await fetch(API + path, init);
  const text = await res.text();
  /** @type {any} */
  let doc = null;
  try {
    doc = text === "" ? null : JSON.parse(text);
  } catch {
    doc = null;
  }
  if (!res.ok) throw new ApiError(res.status, doc?.error ?? { message: text.slice(0, 200) });
  return doc;
}

/**
 * @typedef {{ id: string; data: any }} LiveEvent
 * @typedef {{ onEvent(e: LiveEvent): void; onState(state: "connecting" | "live" | "offline"):
 *   void }} LiveHandlers
 */

/**
 * @param {string} data
 * @returns {any}
 */
function parseData(data) {
  try {
    return JSON.parse(data);
  } catch {
    return { raw: data };
  }
}

/**
 * Follow the event stream. Without a token the browser's EventSource does it (it reconnects and
 * resumes with `Last-Event-ID` itself); with a token a fetch() stream does the same by hand,
 * because EventSource cannot send headers. Returns a function that stops following.
 * `since` (an event id) replays the events after it first, so the feed starts with recent history.
 * @param {LiveHandlers} handlers
 * @param {number | null} [since]
 * @returns {() => void}
 */
export function followEvents(handlers, since = null) {
  const url = API + "/events" + (since === null ? "" : `?since=${since}`);
  if (!getToken()) return followWithEventSource(url, handlers);
  return followWithFetch(url, handlers);
}

/**
 * @param {string} url
 * @param {LiveHandlers} handlers
 */
function followWithEventSource(url, handlers) {
  const source = new EventSource(url);
  handlers.onState("connecting");
  source.onopen = () => handlers.onState("live");
  source.onerror = () => handlers.onState(source.readyState === 2 ? "offline" : "connecting");
  /** @param {MessageEvent} m */
  const take = (m) => handlers.onEvent({ id: m.lastEventId, data: parseData(m.data) });
  source.onmessage = take;
  source.addEventListener("task", take);
  return () => source.close();
}

/**
 * @param {string} url
 * @param {LiveHandlers} handlers
 */
function followWithFetch(url, handlers) {
  const abort = new AbortController();
  let lastId = "";
  const loop = async () => {
    let delay = 1000;
    while (!abort.signal.aborted) {
      handlers.onState("connecting");
      try {
        /** @type {Record<string, string>} */
        const headers = { ...authHeaders(), Accept: "text/event-stream" };
        if (lastId) headers["Last-Event-ID"] = lastId;
        const res = await fetch(url, {
          headers,
          credentials: "omit",
          signal: abort.signal,
        });
        if (!res.ok || !res.body) throw new ApiError(res.status, {});
        handlers.onState("live");
        delay = 1000;
        const parser = createSseParser((m) => {
          lastId = m.id || lastId;
          handlers.onEvent({ id: m.id, data: parseData(m.data) });
        });
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.push(value);
        }
      } catch (e) {
        if (abort.signal.aborted) return;
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
          handlers.onState("offline");
          return;
        }
      }
      if (abort.signal.aborted) return;
      handlers.onState("connecting");
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 15_000);
    }
  };
  void loop();
  return () => abort.abort();
}
