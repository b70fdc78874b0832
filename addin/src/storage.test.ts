/**
 * The add-in's storage: behind Office's partition key where the host gives one, in memory (and said so) where the
 * browser refuses storage, and an outbox that knows whether it outlives the pane.
 */
import { describe, expect, it } from "vitest";
import { memoryStore, Outbox } from "./outbox.ts";
import { openStorage } from "./storage.ts";

/** A `localStorage` stand-in; `failWrites` makes every write throw, as a blocked or full storage does. */
function fakeLocalStorage(failWrites = false) {
  const m = new Map<string, string>();
  const s = {
    failWrites,
    get length() {
      return m.size;
    },
    key: (i: number) => [...m.keys()][i] ?? null,
    clear: () => m.clear(),
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => {
      if (s.failWrites) throw new DOMException("blocked", "QuotaExceededError");
      m.set(k, v);
    },
    removeItem: (k: string) => void m.delete(k),
  };
  return { storage: s as unknown as Storage & { failWrites: boolean }, map: m };
}

const push = { clientId: "c1", periodId: "p", unitId: "u", sheetName: "S", body: {}, queuedAt: "2026-12-04T00:00:00Z" };

describe("openStorage", () => {
  it("prefixes every key with Office.context.partitionKey where the host partitions storage", () => {
    const { storage, map } = fakeLocalStorage();
    const store = openStorage(() => storage, "kpart-123");
    store.setItem("thidua.lang", "en");
    expect([...map.keys()]).toEqual(["kpart-123/thidua.lang"]);
    expect(store.getItem("thidua.lang")).toBe("en");
    expect(store.persistent).toBe(true);
    // Another partition (another origin's pane, another host) does not see it.
    expect(openStorage(() => storage, "other").getItem("thidua.lang")).toBeNull();
  });

  it("uses plain keys where partitionKey is undefined (desktop Excel, the browser demo)", () => {
    const { storage, map } = fakeLocalStorage();
    const store = openStorage(() => storage, undefined);
    store.setItem("thidua.lang", "vi");
    expect([...map.keys()]).toEqual(["thidua.lang"]);
  });

  it("falls back to memory, marked as not persistent, when localStorage is refused or missing", () => {
    const blocked = () => {
      throw new DOMException("The operation is insecure.", "SecurityError");
    };
    for (const store of [
      openStorage(blocked, "k"),
      openStorage(() => fakeLocalStorage(true).storage),
      openStorage(() => undefined),
    ]) {
      expect(store.persistent).toBe(false);
      store.setItem("a", "1");
      expect(store.getItem("a")).toBe("1");
      const outbox = new Outbox(store, "q", async () => {
        throw new Error("offline");
      });
      expect(outbox.persistent).toBe(false);
    }
  });

  it("turns to memory, and says so, when a later write fails (storage full or cleared by policy)", () => {
    const { storage } = fakeLocalStorage();
    const store = openStorage(() => storage, "k");
    const outbox = new Outbox(store, "q", async () => {
      throw new Error("offline");
    });
    expect(outbox.persistent).toBe(true);
    storage.failWrites = true;
    outbox.add(push);
    expect(outbox.list()).toHaveLength(1);
    expect(outbox.persistent).toBe(false);
  });

  it("an outbox over a Map-backed test store counts as persistent only when the store says so", () => {
    expect(new Outbox(memoryStore(), "q", async () => ({}) as never).persistent).toBe(false);
    const { storage } = fakeLocalStorage();
    expect(
      new Outbox(
        openStorage(() => storage),
        "q",
        async () => ({}) as never,
      ).persistent,
    ).toBe(true);
  });
});
