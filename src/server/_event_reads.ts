/**
 * Test helper: a store that counts the events read through it (`tx.events.after`), to show
 * what the event hub and streams load into memory.
 *
 * @module
 */

import type { Store } from "../store/store.ts";

/** `store`, seen through a counter of the events `tx.events.after` returns. */
export function countingEventReads(store: Store): { store: Store; loaded: () => number } {
  let loaded = 0;
  const bound = (target: object, value: unknown) =>
    typeof value === "function" ? value.bind(target) : value;
  const counted = new Proxy(store, {
    get(target, name) {
      const value = Reflect.get(target, name);
      if (name !== "read") return bound(target, value);
      return (fn: (tx: unknown) => Promise<unknown>) =>
        target.read((tx) =>
          fn({
            ...tx,
            events: new Proxy(tx.events, {
              get(events, method) {
                const member = Reflect.get(events, method);
                if (method !== "after") return bound(events, member);
                return async (...args: Parameters<typeof tx.events.after>) => {
                  const rows = await tx.events.after(...args);
                  loaded += rows.length;
                  return rows;
                };
              },
            }),
          })
        );
    },
  });
  return { store: counted, loaded: () => loaded };
}
