/**
 * Fuzz: thousands of generated bodies (random JSON, valid bodies with one field broken, malformed text, wrong content
 * types) against every write route. Every answer must be a success or a documented 4xx of that route, with the
 * documented error shape; never a 500.
 */
import { SELF } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  demoBloc,
  demoEntries,
  demoPeriod,
  demoRulebook,
  demoTemplate,
  makeTrusteeKey,
  sealBallot,
} from "../../shared/src/index.ts";
import { OPERATIONS } from "../src/openapi.ts";
import { hasDoctype, walkXml } from "../src/workbook/xml.ts";
import { PA, twoBlocs, UNIT_A1 } from "./fixture.ts";
import { api, BOOT, futureDeadline } from "./helpers.ts";
import { openElectronic, random } from "./sealedVote.ts";

const RUNS_PER_ROUTE = 125;
/** Requests in flight at once per route. */
const IN_FLIGHT = 8;
const PV = "khoi-viii-2017-fuzzvote";
const PR = "khoi-viii-2017-fuzzreview";

/** Tokens are renewed before the rate limiter would refuse them: the fuzz tests the handlers, not the limiter. */
class TokenPool {
  private uses = 0;
  private token = "";
  constructor(private readonly mint: () => Promise<string>) {}
  async get(): Promise<string> {
    if (!this.token || this.uses >= 250) {
      this.token = await this.mint();
      this.uses = 0;
    }
    this.uses++;
    return this.token;
  }
}

const mintToken = (body: Record<string, unknown>) => async () =>
  (await api("POST", "/tokens", BOOT, { ...body, label: "fuzz" })).body.token as string;

interface Target {
  method: string;
  path: string;
  /** The route as OPERATIONS names it. */
  op: string;
  valid: unknown;
  pool: "council" | "sec" | "clerk" | "voter" | "trustee";
  /** A file upload: bodies are bytes (a real template workbook, damaged), not JSON. */
  binary?: boolean;
}

const jsonish = fc.jsonValue({ maxDepth: 3 });

/** A valid body with one thing broken: a field replaced, removed, or an unknown field added. */
function mutate(valid: unknown): fc.Arbitrary<unknown> {
  if (valid === undefined) return jsonish;
  const v = valid as Record<string, unknown>;
  const keys = Object.keys(v);
  const entryMut = fc.record({
    index: fc.nat({ max: 60 }),
    field: fc.constantFrom("criterion", "score", "evidence", "note", "cell", "extra"),
    value: fc.oneof(
      jsonish,
      fc.double(),
      fc.string({ maxLength: 12 }),
      fc.constantFrom("95,5", "-0", "1e3", "0.125", "", " 2,25 ", "NaN", "Infinity", "__proto__"),
    ),
  });
  return fc.oneof(
    fc.record({ key: fc.constantFrom(...keys), value: jsonish }).map(({ key, value }) => ({ ...v, [key]: value })),
    fc.constantFrom(...keys).map((key) => {
      const { [key]: _, ...rest } = v;
      return rest;
    }),
    fc.record({ key: fc.string({ maxLength: 10 }), value: jsonish }).map(({ key, value }) => ({ ...v, [key]: value })),
    Array.isArray(v.entries)
      ? entryMut.map(({ index, field, value }) => {
          const entries = [...(v.entries as Record<string, unknown>[])];
          const i = index % Math.max(1, entries.length);
          entries[i] = { ...entries[i], [field]: value };
          return { ...v, entries };
        })
      : jsonish,
  );
}

type Sent = { body: unknown; raw?: string; contentType?: string };

function bodies(valid: unknown): fc.Arbitrary<Sent> {
  return fc.oneof(
    { weight: 5, arbitrary: mutate(valid).map((body) => ({ body })) },
    { weight: 3, arbitrary: jsonish.map((body) => ({ body })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((raw) => ({ body: null, raw })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom("text/plain", "application/x-www-form-urlencoded", "", "application/json; charset=utf-8")
        .map((contentType) => ({ body: valid, contentType })),
    },
  );
}

let pools: Record<Target["pool"], TokenPool>;
/** The unit's real template workbook, which the binary fuzz damages. */
let workbook: Uint8Array = new Uint8Array();

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Bytes for an upload: random, a zip signature then noise, or the real workbook with bytes flipped or cut short. */
const files: fc.Arbitrary<{ bytes: Uint8Array; contentType: string }> = fc.record({
  bytes: fc.oneof(
    fc.uint8Array({ maxLength: 2048 }),
    fc.uint8Array({ maxLength: 2048 }).map((b) => new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...b])),
    fc.array(fc.record({ at: fc.nat(), value: fc.nat({ max: 255 }) }), { minLength: 1, maxLength: 8 }).map((flips) => {
      const b = workbook.slice();
      for (const f of flips) b[f.at % b.length] = f.value;
      return b;
    }),
    fc.nat().map((n) => workbook.slice(0, n % Math.max(1, workbook.length))),
  ),
  contentType: fc.constantFrom(XLSX, XLSX, "application/octet-stream", "text/plain", ""),
});

beforeAll(async () => {
  await twoBlocs();
  // Periods in review and in voting, so that review, flags and ballot routes reach their handlers' full depth.
  for (const [id, states] of [
    [PR, ["open", "review"]],
    [PV, ["open", "review"]],
  ] as const) {
    await api("POST", "/periods", BOOT, { ...demoPeriod(futureDeadline()), id });
    for (const to of states) await api("POST", `/periods/${id}/transitions`, BOOT, { to });
  }
  // PV votes electronically: its trustees publish their shares, and the ballot fuzz starts from a real sealed ballot.
  const election = await openElectronic(PV, BOOT);
  targets.find((t) => t.op === "/ballots")!.valid = sealBallot(election.ctx, ["vks-tphcm"], random);
  const trusteeCode = [...election.trusteeCodes.values()][0]!;
  const partial = targets.find((t) => t.op === "/periods/:periodId/voting/decryption")!;
  partial.valid = {
    trusteeId: [...election.trusteeCodes.keys()][0]!,
    shares: election.ctx.members.map(() => ({
      d: "0".repeat(64),
      proof: { t: ["0".repeat(64), "0".repeat(64)], c: "0".repeat(64), s: "0".repeat(64) },
    })),
  };
  const council = new TokenPool(mintToken({ role: "council" }));
  const sec = new TokenPool(mintToken({ role: "secretariat", blocId: demoBloc.id }));
  const clerk = new TokenPool(mintToken({ role: "clerk", unitId: UNIT_A1 }));
  let codes: string[] = [];
  const voter = new TokenPool(async () => {
    if (codes.length === 0) {
      const secToken = await sec.get();
      codes = (await api("POST", `/periods/${PV}/voting/codes`, secToken)).body.codes.map(
        (c: { code: string }) => c.code,
      );
    }
    return codes.pop()!;
  });
  pools = { council, sec, clerk, voter, trustee: new TokenPool(async () => trusteeCode) };
  const t = await fetchRaw("GET", `/periods/${PA}/units/${UNIT_A1}/template.xlsx`, await clerk.get());
  workbook = new Uint8Array(await t.arrayBuffer());
});

function fetchRaw(method: string, path: string, token: string, body?: Uint8Array, contentType?: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (contentType) headers["content-type"] = contentType;
  return SELF.fetch(`http://thidua.test/api/v1${path}`, { method, headers, body: body as BodyInit | undefined });
}

const push = {
  templateId: demoTemplate.id,
  templateVersion: 1,
  baseRevision: 1,
  clientId: "fuzz-client-0001",
  entries: demoEntries(UNIT_A1),
};
const review = {
  baseRevision: null,
  clientId: "fuzz-review-0001",
  entries: [{ criterion: "I.4", score: 3 }],
  note: "",
};
const targets: Target[] = [
  {
    method: "POST",
    op: "/units",
    path: "/units",
    valid: { id: "fz", name: "Đơn vị", shortName: "ĐV" },
    pool: "council",
  },
  {
    method: "PUT",
    op: "/units/:unitId",
    path: "/units/btl-tphcm",
    valid: { name: "Bộ Tư lệnh Thành phố", shortName: "Bộ Tư lệnh TP" },
    pool: "council",
  },
  { method: "POST", op: "/blocs", path: "/blocs", valid: demoBloc, pool: "council" },
  {
    method: "PUT",
    op: "/blocs/:blocId",
    path: "/blocs/khoi-viii",
    valid: {
      name: demoBloc.name,
      kind: "khoi",
      members: ["ca-tphcm", "vks-tphcm"],
      leaderUnitId: "ca-tphcm",
      deputyUnitId: "vks-tphcm",
    },
    pool: "council",
  },
  { method: "POST", op: "/templates", path: "/templates", valid: demoTemplate, pool: "council" },
  { method: "POST", op: "/rulebooks", path: "/rulebooks", valid: demoRulebook, pool: "council" },
  { method: "POST", op: "/periods", path: "/periods", valid: demoPeriod(futureDeadline()), pool: "council" },
  {
    method: "POST",
    op: "/periods/:periodId/transitions",
    path: `/periods/${PA}/transitions`,
    valid: { to: "voting" },
    pool: "sec",
  },
  {
    method: "POST",
    op: "/periods/:periodId/deadline",
    path: `/periods/${PA}/deadline`,
    valid: { submissionDeadline: "2099-12-31T17:00:00+07:00", reason: "Gia hạn do nghỉ lễ" },
    pool: "sec",
  },
  {
    method: "POST",
    op: "/periods/:periodId/units/:unitId/submissions",
    path: `/periods/${PA}/units/${UNIT_A1}/submissions`,
    valid: push,
    pool: "clerk",
  },
  {
    method: "PUT",
    op: "/periods/:periodId/units/:unitId/review",
    path: `/periods/${PR}/units/${UNIT_A1}/review`,
    valid: review,
    pool: "sec",
  },
  {
    method: "POST",
    op: "/periods/:periodId/units/:unitId/return",
    path: `/periods/${PR}/units/${UNIT_A1}/return`,
    valid: { reason: "Bổ sung" },
    pool: "sec",
  },
  {
    method: "PUT",
    op: "/periods/:periodId/units/:unitId/flags",
    path: `/periods/${PR}/units/${UNIT_A1}/flags`,
    valid: { violation: true, withdrawn: false, reason: "" },
    pool: "sec",
  },
  {
    method: "POST",
    op: "/periods/:periodId/voting/codes",
    path: `/periods/${PA}/voting/codes`,
    valid: undefined,
    pool: "sec",
  },
  {
    method: "POST",
    op: "/periods/:periodId/voting/paper",
    path: `/periods/${PV}/voting/paper`,
    valid: { ballots: [{ choices: [] }] },
    pool: "sec",
  },
  { method: "POST", op: "/ballots", path: "/ballots", valid: undefined, pool: "voter" },
  {
    method: "POST",
    op: "/periods/:periodId/voting/trustee-codes",
    path: `/periods/${PA}/voting/trustee-codes`,
    valid: undefined,
    pool: "sec",
  },
  {
    method: "POST",
    op: "/periods/:periodId/voting/trustee-key",
    path: `/periods/${PV}/voting/trustee-key`,
    valid: makeTrusteeKey(PV, "van-phong-khoi-truong", random).key,
    pool: "trustee",
  },
  {
    method: "POST",
    op: "/periods/:periodId/voting/close",
    path: `/periods/${PA}/voting/close`,
    valid: undefined,
    pool: "sec",
  },
  {
    method: "POST",
    op: "/periods/:periodId/voting/fail",
    path: `/periods/${PV}/voting/fail`,
    valid: { reason: "Người giữ khoá mất tệp khoá" },
    pool: "council",
  },
  {
    method: "POST",
    op: "/periods/:periodId/voting/decryption",
    path: `/periods/${PV}/voting/decryption`,
    valid: undefined,
    pool: "trustee",
  },
  {
    method: "POST",
    op: "/periods/:periodId/ranking-link",
    path: `/periods/${PA}/ranking-link`,
    valid: undefined,
    pool: "sec",
  },
  {
    method: "POST",
    op: "/tokens",
    path: "/tokens",
    valid: { role: "clerk", unitId: UNIT_A1, label: "x" },
    pool: "council",
  },
  { method: "DELETE", op: "/tokens/:tokenId", path: "/tokens/no-such-token", valid: undefined, pool: "council" },
  {
    method: "DELETE",
    op: "/periods/:periodId/links/:linkId",
    path: `/periods/${PA}/links/no-such-link`,
    valid: undefined,
    pool: "sec",
  },
  { method: "DELETE", op: "/periods/:periodId/links", path: `/periods/${PA}/links`, valid: undefined, pool: "sec" },
  {
    method: "POST",
    op: "/periods/:periodId/units/:unitId/upload",
    path: `/periods/${PA}/units/${UNIT_A1}/upload`,
    valid: undefined,
    pool: "clerk",
    binary: true,
  },
];

describe("fuzz", () => {
  it("covers every write route of the app", () => {
    const writes = OPERATIONS.filter((o) => o.method !== "get").map((o) => `${o.method.toUpperCase()} ${o.path}`);
    expect(targets.map((t) => `${t.method} ${t.op}`).sort()).toEqual(writes.sort());
  });

  it.each(targets.map((t) => [`${t.method} ${t.op}`, t] as const))(
    `%s: ${RUNS_PER_ROUTE} generated bodies get documented statuses only`,
    async (_, t) => {
      const op = OPERATIONS.find((o) => o.method === t.method.toLowerCase() && o.path === t.op)!;
      const documented = new Set([op.status, 200, 201, 401, 403, 429, ...(op.errors ?? [])]);
      let runs = 0;
      const check = (status: number, body: { error: Record<string, unknown> }, where: string) => {
        expect(documented.has(status), where).toBe(true);
        if (status >= 400) {
          expect(Object.keys(body.error).sort(), where).toEqual(
            ["code", "details", "message", "messageEn", "params", "requestId"].sort(),
          );
          expect(body.error.message, where).not.toMatch(/\{[a-zA-Z]+\}/);
        }
      };
      // Deterministic samples (fixed seed), sent a few at a time: the fuzz looks for undocumented answers, and a
      // failure prints the exact body that caused it.
      const send = async (input: Sent | { bytes: Uint8Array; contentType: string }, token: string): Promise<void> => {
        if ("bytes" in input) {
          const r = await fetchRaw(t.method, t.path, token, input.bytes, input.contentType);
          const text = await r.text();
          check(r.status, JSON.parse(text), `${t.method} ${t.path} ${r.status} ${text.slice(0, 300)}`);
          return;
        }
        const headers: Record<string, string> = {};
        if (input.contentType !== undefined) headers["content-type"] = input.contentType;
        const payload =
          input.raw !== undefined ? input.raw : input.body === undefined ? undefined : JSON.stringify(input.body);
        const r = await api(t.method, t.path, token, payload ?? (t.method === "DELETE" ? undefined : "null"), headers);
        const where = `${t.method} ${t.path} ${r.status} ${JSON.stringify(r.body).slice(0, 300)} <- ${String(payload).slice(0, 200)}`;
        check(r.status, r.body, where);
      };
      const inputs: (Sent | { bytes: Uint8Array; contentType: string })[] = t.binary
        ? fc.sample(files, { numRuns: RUNS_PER_ROUTE, seed: 20171215 })
        : fc.sample(bodies(t.valid), { numRuns: RUNS_PER_ROUTE, seed: 20171215 });
      for (let i = 0; i < inputs.length; i += IN_FLIGHT) {
        const chunk = inputs.slice(i, i + IN_FLIGHT);
        const tokens: string[] = [];
        for (const _ of chunk) tokens.push(await pools[t.pool].get());
        await Promise.all(chunk.map((input, k) => send(input, tokens[k]!)));
        runs += chunk.length;
      }
      expect(runs).toBe(RUNS_PER_ROUTE);
    },
    60_000,
  );
});

/** A piece repeated to (at least) one mebibyte. */
const MIB = 1024 * 1024;
const fill = (head: string, piece: string, tail = "") =>
  head + piece.repeat(Math.ceil((MIB - head.length - tail.length) / piece.length)) + tail;

/**
 * Hostile XML shapes, each one mebibyte: what a clerk can put in any part of its own upload. The reader must stay
 * linear in its input whatever the shape (a tag name of 120,000 characters with no `=` once held the worker 8.5 s).
 */
const ADVERSARIAL: Record<string, string> = {
  "a long attribute name with no '='": fill("<Types><Default ", "a", ' Extension="xml"/></Types>'),
  "a long prefixed name with no '='": fill("<Default x:", "a.b-c_1:", "/>"),
  "a long name then spaces, no '='": fill(`<Default ${"a".repeat(MIB / 2)}`, " ", ">"),
  "many attributes": fill("<Default ", "a=\"1\" b='2' ", "/>"),
  "names and '=' without values": fill("<Default ", "a=", ">"),
  "an unclosed double quote": fill('<Default a="', "x"),
  "unclosed quotes of both kinds": fill("<Default ", "a=\"b a='c ", ">"),
  "an unclosed quote closed by the document's end": fill("<Default a='x\" ", 'b="c" '),
  "a flood of '<'": fill("", "<"),
  "a flood of '<a '": fill("", "<a "),
  "a flood of '</'": fill("", "</"),
  "a flood of '<!'": fill("", "<!"),
  "a flood of '<?'": fill("", "<?"),
  "a flood of '<!--'": fill("", "<!--"),
  "a flood of '<![CDATA['": fill("", "<![CDATA["),
  "deep nesting": fill("", "<a>") + "</a>".repeat(MIB / 3),
  "deep nesting with attributes": fill("", '<a b="c">'),
  "a flood of references": fill("<t>", "&#x1EC7;&amp;&bogus;&", "</t>"),
  "a flood of references in an attribute": fill('<t a="', "&#233;&lt;&", '"/>'),
  "a name of name characters only": fill("<", "a"),
};

describe("the upload XML reader", () => {
  /** Fastest of three runs, in milliseconds: the machine is shared, and the bound is about the algorithm. */
  function parseMs(xml: string): number {
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 3; run++) {
      const t0 = performance.now();
      let events = 0;
      if (!hasDoctype(xml))
        walkXml(xml, () => {
          events++;
          return undefined;
        });
      best = Math.min(best, performance.now() - t0);
      expect(events).toBeGreaterThanOrEqual(0);
    }
    return best;
  }

  // About 100 ms per mebibyte on an idle machine. The machine is shared and its load moves wall time several-fold,
  // so the bound is relative too: a hostile mebibyte may cost at most 10 times an ordinary mebibyte of worksheet XML
  // read in the same run (never less than 250 ms). The former scan took minutes on the first shape (quadratic: 8.5 s
  // for 120,000 characters), far beyond either bound.
  const ORDINARY = fill(
    "<worksheet><sheetData>",
    '<row r="1"><c r="A1" t="s"><v>12</v></c><c r="B1" s="3"><v>4.75</v></c><c r="C1" t="inlineStr"><is><t>Tài liệu &amp; ghi chú</t></is></c></row>',
    "</sheetData></worksheet>",
  );
  let BUDGET_MS = 250;
  beforeAll(() => {
    BUDGET_MS = Math.max(250, 10 * parseMs(ORDINARY));
  });

  it.each(Object.entries(ADVERSARIAL))("reads or refuses one mebibyte of %s in bounded time", (_, xml) => {
    expect(xml.length).toBeGreaterThanOrEqual(MIB);
    const ms = parseMs(xml);
    expect(ms, `${ms.toFixed(1)} ms`).toBeLessThan(BUDGET_MS);
  });

  it("reads generated mixtures of hostile pieces in time linear in their length", () => {
    const piece = fc.constantFrom(
      "<",
      ">",
      "/",
      "a",
      "x:",
      " ",
      "=",
      '"',
      "'",
      "&",
      "&amp;",
      "<!--",
      "-->",
      "<![CDATA[",
      "]]>",
      "<?",
      "?>",
      "<a ",
      "</a>",
      'b="c"',
      "\u00a0",
      "ệ",
    );
    const samples = fc.sample(fc.array(piece, { minLength: 1, maxLength: 24 }), { numRuns: 40, seed: 20171215 });
    for (const pieces of samples) {
      const unit = pieces.join("");
      const xml = fill("<Types><Default ", unit);
      const ms = parseMs(xml);
      expect(ms, `${ms.toFixed(1)} ms for ${JSON.stringify(unit)} repeated`).toBeLessThan(BUDGET_MS);
    }
  });
});
