/**
 * A D1 binding that counts: every call that reaches the database (`first`, `all`, `run`, `raw` of a statement, or one
 * `batch`) and the sequential steps among them. A step is a wave of calls in flight together: a call that starts
 * while none is in flight opens a new step, so `Promise.all` of three reads is 3 calls in 1 step, and a read awaited
 * before a write is 2 steps. On Cloudflare each step is one network round trip from the Worker to the database's
 * primary. Every statement's SQL and bound values are kept, for the query-plan test.
 */

export interface Recorded {
  sql: string;
  params: unknown[];
}

export interface Meter {
  db: D1Database;
  calls: number;
  steps: number;
  statements: Recorded[];
  reset(): void;
}

export function meterD1(real: D1Database): Meter {
  let inflight = 0;
  const meter: Meter = {
    db: undefined as unknown as D1Database,
    calls: 0,
    steps: 0,
    statements: [],
    reset() {
      meter.calls = 0;
      meter.steps = 0;
      meter.statements = [];
    },
  };
  const realOf = new WeakMap<object, D1PreparedStatement>();

  async function timed<T>(run: () => Promise<T>): Promise<T> {
    meter.calls++;
    if (inflight === 0) meter.steps++;
    inflight++;
    try {
      return await run();
    } finally {
      inflight--;
    }
  }

  function wrap(stmt: D1PreparedStatement, rec: Recorded): D1PreparedStatement {
    const w = {
      bind: (...values: unknown[]) => wrap(stmt.bind(...values), { sql: rec.sql, params: values }),
      first: (col?: string) => {
        meter.statements.push(rec);
        return timed(() => (col === undefined ? stmt.first() : stmt.first(col)));
      },
      all: () => {
        meter.statements.push(rec);
        return timed(() => stmt.all());
      },
      run: () => {
        meter.statements.push(rec);
        return timed(() => stmt.run());
      },
      raw: (opts?: { columnNames?: boolean }) => {
        meter.statements.push(rec);
        // biome-ignore lint/suspicious/noExplicitAny: raw's overloads
        return timed(() => (stmt.raw as any)(opts));
      },
    } as unknown as D1PreparedStatement;
    realOf.set(w, stmt);
    (w as unknown as { __rec: Recorded }).__rec = rec;
    return w;
  }

  meter.db = {
    prepare: (sql: string) => wrap(real.prepare(sql), { sql, params: [] }),
    batch: (stmts: D1PreparedStatement[]) => {
      for (const s of stmts) meter.statements.push((s as unknown as { __rec: Recorded }).__rec);
      return timed(() => real.batch(stmts.map((s) => realOf.get(s) ?? s)));
    },
    exec: (sql: string) => timed(() => real.exec(sql)),
    dump: () => real.dump(),
    withSession: () => {
      throw new Error("not metered");
    },
  } as unknown as D1Database;
  return meter;
}
