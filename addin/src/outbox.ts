/**
 * The outbox (hàng chờ gửi): a push made without a network waits here, in the add-in's own storage (never in the
 * workbook), and is sent when the connection returns. Exactly once: each item keeps the `clientId` it was created
 * with, so a retry after a lost answer is recognised by the server and answered with the first receipt; and only one
 * flush runs at a time.
 */
import { ApiFailure, type PushReceipt } from "./api.ts";

export interface PendingPush {
  clientId: string;
  periodId: string;
  unitId: string;
  sheetName: string;
  body: unknown;
  queuedAt: string;
}

/** localStorage or anything with the same three methods (tests pass a Map-backed one). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  /** False when what is stored lives only as long as the pane (memory); absent means it persists. */
  readonly persistent?: boolean;
}

/** A store in memory: it ends with the pane (`persistent: false`). */
export function memoryStore(): KeyValueStore {
  const m = new Map<string, string>();
  return {
    persistent: false,
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
  };
}

export type FlushResult =
  | { item: PendingPush; ok: true; receipt: PushReceipt }
  | { item: PendingPush; ok: false; failure: ApiFailure };

export class Outbox {
  private flushing: Promise<FlushResult[]> | null = null;

  constructor(
    private readonly store: KeyValueStore,
    private readonly key: string,
    private readonly send: (item: PendingPush) => Promise<PushReceipt>,
  ) {}

  /** False when the queue lives only in memory: closing the pane loses it, so nothing may promise a later send. */
  get persistent(): boolean {
    return this.store.persistent !== false;
  }

  list(): PendingPush[] {
    try {
      const raw = this.store.getItem(this.key);
      return raw ? (JSON.parse(raw) as PendingPush[]) : [];
    } catch {
      return [];
    }
  }

  private save(items: PendingPush[]) {
    if (items.length) this.store.setItem(this.key, JSON.stringify(items));
    else this.store.removeItem(this.key);
  }

  /** Queues a push; a second push of the same sheet replaces the waiting one (only the latest copy matters). */
  add(item: PendingPush) {
    this.save([...this.list().filter((i) => !(i.periodId === item.periodId && i.unitId === item.unitId)), item]);
  }

  /**
   * Sends what waits, oldest first. Stops at the first network failure (still offline); any other answer removes
   * the item and is reported (a 409 or 422 needs the clerk). Concurrent calls share one run.
   */
  flush(): Promise<FlushResult[]> {
    if (!this.flushing)
      this.flushing = this.run().finally(() => {
        this.flushing = null;
      });
    return this.flushing;
  }

  private async run(): Promise<FlushResult[]> {
    const results: FlushResult[] = [];
    for (const item of this.list()) {
      try {
        const receipt = await this.send(item);
        results.push({ item, ok: true, receipt });
      } catch (e) {
        const failure = e instanceof ApiFailure ? e : new ApiFailure(0, "NETWORK_ERROR", {}, [], null);
        if (failure.code === "NETWORK_ERROR") break;
        results.push({ item, ok: false, failure });
      }
      this.save(this.list().filter((i) => i.clientId !== item.clientId));
    }
    return results;
  }
}
