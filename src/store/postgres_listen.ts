/**
 * Live followers of a PostgreSQL project (`tm watch --follow`, and `tm serve`'s stream):
 * one dedicated connection LISTENs on `tm_events`. Every write that appended events ends
 * with `pg_notify('tm_events', '<schema>:<last event id>')` (payloads are capped near 8 kB,
 * so they carry an id only). A notification only wakes the follower, which then reads
 * `id > last` from the tables: notifications sent while the connection was down are lost by
 * PostgreSQL's design, so after a reconnect the follower is woken too and catches up the
 * same way. A poll interval bounds every wait.
 *
 * @module
 */

// @ts-types="npm:@types/pg@8.23.1"
import type pg from "npm:pg@8.23.1";
import type { ChangeFeed, WakeReason } from "./store.ts";

/** The channel live followers LISTEN on; payloads are `<schema>:<event id>` only. */
export const EVENTS_CHANNEL = "tm_events";

const RECONNECT_MS = 1000;

/** A LISTEN connection to `url`, reconnecting as needed. */
export class PgChangeFeed implements ChangeFeed {
  readonly #open: () => Promise<pg.Client>;
  readonly #pollMs: number;
  #client: pg.Client | null = null;
  #schema = "";
  #connecting: Promise<void> | null = null;
  #pending: WakeReason | null = null;
  #wake: ((reason: WakeReason) => void) | null = null;
  #closed = false;
  #everConnected = false;
  #failed = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  /** The highest event id announced so far (0 before the first). */
  lastEventId = 0;

  /** Listen on the connections `open` makes; waits are bounded by `pollMs`. */
  constructor(open: () => Promise<pg.Client>, pollMs: number) {
    this.#open = open;
    this.#pollMs = pollMs;
    this.#connecting = this.#connect();
  }

  async #connect(): Promise<void> {
    try {
      const client = await this.#open();
      if (this.#closed) {
        await client.end().catch(() => {});
        return;
      }
      client.on("notification", (message) => {
        const [schema, id] = (message.payload ?? "").split(":");
        if (message.channel !== EVENTS_CHANNEL || schema !== this.#schema) return;
        this.lastEventId = Math.max(this.lastEventId, Number(id));
        this.#signal("notified");
      });
      const lost = () => {
        if (this.#client !== client) return;
        this.#client = null;
        client.end().catch(() => {});
        this.#reconnectSoon();
      };
      client.on("error", lost);
      client.on("end", lost);
      const row = await client.query("SELECT current_schema() AS s");
      this.#schema = (row.rows[0] as { s: string }).s;
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
      // After a failed attempt too: commits since the follower started were announced to nobody.
      const reconnected = this.#everConnected || this.#failed;
      this.#client = client;
      this.#everConnected = true;
      // Anything sent while the connection was down is lost: wake the follower to catch up.
      if (reconnected) this.#signal("reconnected");
    } catch {
      this.#failed = true;
      this.#reconnectSoon();
    } finally {
      this.#connecting = null;
    }
  }

  #reconnectSoon(): void {
    if (this.#closed || this.#retry !== undefined) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      if (!this.#closed && this.#client === null) this.#connecting ??= this.#connect();
    }, RECONNECT_MS);
  }

  #signal(reason: WakeReason): void {
    const wake = this.#wake;
    this.#wake = null;
    if (wake !== null) wake(reason);
    else this.#pending ??= reason;
  }

  /** Until the connection listens (tests; a follower need not wait for it). */
  async ready(): Promise<void> {
    while (this.#connecting !== null) await this.#connecting;
  }

  wait(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<WakeReason> {
    if (this.#pending !== null) {
      const reason = this.#pending;
      this.#pending = null;
      return Promise.resolve(reason);
    }
    if (options.signal?.aborted === true) return Promise.resolve("aborted");
    return new Promise((resolve) => {
      const delay = Math.max(0, Math.min(this.#pollMs, options.timeoutMs ?? this.#pollMs));
      const done = (reason: WakeReason) => {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", aborted);
        if (this.#wake === done) this.#wake = null;
        resolve(reason);
      };
      const aborted = () => done("aborted");
      const timer = setTimeout(() => done("poll"), delay);
      options.signal?.addEventListener("abort", aborted, { once: true });
      this.#wake = done;
    });
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = null;
    client?.end().catch(() => {});
    this.#signal("aborted");
    this.#pending = null;
  }

  /** Close and wait until the connection is gone. */
  async end(): Promise<void> {
    const connecting = this.#connecting;
    this.close();
    await connecting;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
