/**
 * The add-in's own storage (nơi lưu của phần bổ trợ): the sign-in, the language and the offline outbox. In Excel on
 * the web the pane is a third-party iframe whose storage the browser partitions, may refuse or may clear; office.js
 * gives `Office.context.partitionKey` for such hosts (undefined where storage is not partitioned), and Microsoft asks
 * add-ins to put it in front of every key. When `localStorage` refuses to work at all, the pane keeps everything in
 * memory and says so: nothing outlives the pane then, so it must never promise a later send.
 */
import { type KeyValueStore, memoryStore } from "./outbox.ts";

/**
 * `localStorage` behind `partitionKey` (when defined), or memory when it cannot store; `persistent` tells which, and
 * turns false if a later write fails (quota, storage cleared by policy).
 * @example openStorage(() => localStorage, Office.context.partitionKey).persistent // true in most hosts
 */
export function openStorage(local: () => Storage | null | undefined, partitionKey?: string | null): KeyValueStore {
  const prefix = partitionKey ? `${partitionKey}/` : "";
  let ls: Storage;
  try {
    const s = local();
    if (!s) return memoryStore();
    const probe = `${prefix}thidua.probe`;
    s.setItem(probe, "1");
    if (s.getItem(probe) !== "1") return memoryStore();
    s.removeItem(probe);
    ls = s;
  } catch {
    return memoryStore();
  }
  // After a failed write, what the pane keeps lives in memory; reads look there first.
  const fallback = memoryStore();
  let persistent = true;
  return {
    get persistent() {
      return persistent;
    },
    getItem: (k) => fallback.getItem(k) ?? safe(() => ls.getItem(prefix + k), null),
    setItem: (k, v) => {
      try {
        ls.setItem(prefix + k, v);
        fallback.removeItem(k);
      } catch {
        persistent = false;
        fallback.setItem(k, v);
      }
    },
    removeItem: (k) => {
      fallback.removeItem(k);
      safe(() => ls.removeItem(prefix + k), undefined);
    },
  };
}

function safe<T>(f: () => T, otherwise: T): T {
  try {
    return f();
  } catch {
    return otherwise;
  }
}
