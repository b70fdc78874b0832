/**
 * A worker for `npm run bench:cloudflare`: the CPU work of the worker's heavy routes inside workerd, on a generated
 * bloc of `units` x `criteria`, `reps` times per request (local only, never deployed). Each step is the route's own
 * code after its D1 reads, starting from the rows as D1 returns them (entries as stored JSON text):
 *   /table    the bloc table as it was until round 5: the stored entries parsed, `consolidate`, the JSON answer
 *   /table-scores  the bloc table as GET /periods/:id/table makes it now: the D1 answer of the scores that SQLite took
 *             out of the entries (`[codes, scores]` per unit) parsed, `scoredSheet` (columns, no object per
 *             criterion), `consolidate`, the JSON answer
 *   /table-scores-arrays  the same as the route made it until round 8: the codes as a JSON array in every row
 *   /table-scores-entries  the same as the route made it in round 5: an `Entry` object made per criterion from the
 *             scores (`scoredEntries` below), then `consolidate`
 *   /ranking  the ranking workbook as GET /ranking.xlsx makes it now: the D1 answer of `latestBookQ` (each latest
 *             revision's text as prepared at its push, `book_cells`, and its scores) parsed, `consolidate` from the scores, the provenance
 *             from the stored cells (`sheetTexts`) and its hashes, the .xlsx bytes
 *   /ranking-texts  the same as the route made it in round 7: the stored entries texts read (no `book_cells`),
 *             hashed and deflated on the request
 *   /ranking-entries  the same workbook as the route made it until round 6: every stored sheet parsed, consolidated,
 *             and written again as canonical JSON for the provenance
 *   /ranking-input, -consolidate, -hash   the route's steps until round 6, cumulatively (parsed; + consolidated;
 *             + hashes)
 *   /ranking-stored  a closed period's kept workbook (migration 0009): the D1 answer of its parts (JSON text, the
 *             file as base64) parsed and decoded into the bytes of the answer (GET /ranking.xlsx after the first)
 *   /pull     a clerk's pull: the bundle (period, template, rulebook, units, revisions) and its unit's latest revision
 *             (parsed from the stored text, in wire form) as the JSON answer (GET /periods/:id/sheet?unit=)
 *   /push     a push body: JSON.parse, validation, canonical SHA-256, scoring, the stored JSON and its cells for the
 *             ranking workbook (`storedSheet`) (POST .../submissions); /push-texts the same without the cells (until
 *             round 8)
 *   /parse    JSON.parse of the same push body alone (the floor the push is compared with)
 *   /noop     nothing (the request's own cost)
 */

import { Buffer } from "node:buffer";
import {
  type Ballot,
  type ConsolidateInput,
  canonicalEntries,
  consolidate,
  demoRulebook,
  type Entry,
  entriesText,
  type Flags,
  type ScoreColumns,
  type SheetScores,
  scoreUnit,
  type Template,
  toWireEntry,
  type Unit,
  validateSubmission,
} from "../../shared/src/index.ts";
import { knownCodes, scoredSheet, sheetTexts } from "../../worker/src/repository.ts";
import { canonicalJson } from "../../worker/src/workbook/hash.ts";
import { hashInputsAsync, type InputHashes, rankingInputs, rankingWorkbook } from "../../worker/src/workbook/index.ts";
import { storedSheet } from "../../worker/src/workbook/stored.ts";
import { makeBody, makeTemplate } from "../fixtures.ts";

interface Bloc {
  template: Template;
  members: string[];
  units: Unit[];
  /** Stored entries per unit, as the submissions table holds them. */
  stored: string[];
  ballots: Ballot[];
  flags: Record<string, Flags>;
  body: string;
}

const blocs = new Map<string, Bloc>();

function blocOf(units: number, criteria: number): Bloc {
  const key = `${units}x${criteria}`;
  const hit = blocs.get(key);
  if (hit) return hit;
  const template = makeTemplate(criteria);
  const members = Array.from({ length: units }, (_, i) => `dv-${String(i + 1).padStart(4, "0")}`);
  const stored = members.map((_, i) => {
    const v = validateSubmission(template, JSON.parse(makeBody(template, i + 1)));
    if (!v.ok) throw new Error("generated body invalid");
    return entriesText(v.entries);
  });
  const bloc: Bloc = {
    template,
    members,
    units: members.map((id, i) => ({ id, name: `Đơn vị số ${i + 1} – Khối thi đua thử`, shortName: `ĐV ${i + 1}` })),
    stored,
    ballots: members.map((_, u) => ({ choices: [members[u % 3]!, members[(u % 3) + 1] ?? members[0]!] })),
    flags: { [members[0]!]: { violation: false, withdrawn: true, reason: "Không tham gia xét" } },
    body: makeBody(template, 4242),
  };
  blocs.set(key, bloc);
  return bloc;
}

/** The ranking workbook of a bloc, as the route made it until round 6 (every sheet parsed and written again). */
async function rankingBytes(b: Bloc): Promise<Uint8Array> {
  const input = inputOf(b);
  return workbookOf(input, await hashInputsAsync(rankingInputs(input)));
}

/** The ranking workbook as GET /ranking.xlsx makes it now, from the D1 answer of `latestBookQ`. */
async function rankingFromStored(b: Bloc, cells = true): Promise<Uint8Array> {
  const rows = (
    JSON.parse(bookAnswer(b, cells)) as {
      results: { unit_id: string; book_cells: string | null; entries: string | null; scores: string }[];
    }
  ).results;
  const submissions: Record<string, ScoreColumns> = {};
  const codes = knownCodes(b.template);
  for (const r of rows) submissions[r.unit_id] = scoredSheet(r, codes);
  const input = inputOf(b, submissions);
  const texts = {
    submissions: sheetTexts(
      rows.map((r) => [r.unit_id, r]),
      (e) => canonicalJson(e),
    ),
    reviews: sheetTexts([], (e) => canonicalJson(e)),
  };
  return workbookOf(input, await hashInputsAsync(rankingInputs(input), texts));
}

async function workbookOf(input: ConsolidateInput, hashes: InputHashes): Promise<Uint8Array> {
  return rankingWorkbook(consolidate(input), {
    inputs: rankingInputs(input),
    hashes,
    blocName: "Khối thi đua thử",
    issuingBody: ["KHỐI THI ĐUA THỬ"],
    generatedAt: "2017-12-31T00:00:00.000Z",
    periodState: "closed",
  });
}

/** A bloc's kept workbook as D1 answers the read of its parts (worker/src/repository.ts `storedBookQ`). */
const storedAnswers = new Map<Bloc, string>();
async function storedAnswer(b: Bloc): Promise<string> {
  const hit = storedAnswers.get(b);
  if (hit) return hit;
  const text = Buffer.from(await rankingBytes(b)).toString("base64");
  const PART = 1_000_000;
  const parts = Math.max(1, Math.ceil(text.length / PART));
  const results = Array.from({ length: parts }, (_, i) => ({
    part: i,
    parts,
    built_at: "2017-12-31T00:00:00.000Z",
    data: text.slice(i * PART, (i + 1) * PART),
  }));
  const answer = JSON.stringify({ results, success: true, meta: {} });
  storedAnswers.set(b, answer);
  return answer;
}

/** The D1 answer of `latestBookQ` for a bloc (each row's entries as stored, and its `scores`). */
const bookAnswers = new Map<Bloc, Map<boolean, string>>();
function bookAnswer(b: Bloc, cells: boolean): string {
  const hit = bookAnswers.get(b)?.get(cells);
  if (hit) return hit;
  const scores = (JSON.parse(scoreAnswer(b)) as { results: { scores: string }[] }).results;
  const results = b.members.map((unit_id, i) => ({
    unit_id,
    revision: 1,
    book_cells: cells ? storedSheet(b.stored[i]!) : null,
    entries: cells ? null : b.stored[i]!,
    scores: scores[i]!.scores,
  }));
  const answer = JSON.stringify({ results, success: true, meta: {} });
  bookAnswers.set(b, (bookAnswers.get(b) ?? new Map<boolean, string>()).set(cells, answer));
  return answer;
}

/**
 * The D1 answer of `latestScoresQ` for a bloc (its rows' `scores` as SQLite builds them: the codes joined by spaces);
 * `arrays`: as it built them until round 8 (the codes as a JSON array), for `/table-scores-arrays`.
 */
const scoreAnswers = new Map<Bloc, Map<boolean, string>>();
function scoreAnswer(b: Bloc, arrays = false): string {
  const hit = scoreAnswers.get(b)?.get(arrays);
  if (hit) return hit;
  const results = b.members.map((unit_id, i) => {
    const entries = JSON.parse(b.stored[i]!) as Entry[];
    const codes = entries.map((e) => e.criterion);
    return {
      unit_id,
      revision: 1,
      scores: JSON.stringify([arrays ? codes : codes.join(" "), entries.map((e) => e.score)]),
    };
  });
  const answer = JSON.stringify({ results, success: true, meta: {} });
  scoreAnswers.set(b, (scoreAnswers.get(b) ?? new Map<boolean, string>()).set(arrays, answer));
  return answer;
}

/** A sheet from the scores as SQLite built them until round 8: the codes as a JSON array. */
function scoredArrays(row: { scores: string }): ScoreColumns {
  const [codes, scores] = JSON.parse(row.scores) as [string[], (number | null)[]];
  return { codes, scores };
}

/** A sheet from its scores as the bloc table made it in round 5: an `Entry` per criterion, without texts. */
function scoredEntries(row: { scores: string }): Entry[] {
  const { codes, scores } = scoredSheet(row);
  const out = new Array<Entry>(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = { criterion: codes[i]!, score: scores[i]!, evidence: "", note: "" };
  return out;
}

function inputOf(b: Bloc, given?: Record<string, SheetScores>): ConsolidateInput {
  const submissions: Record<string, SheetScores> = given ?? {};
  if (!given)
    for (let i = 0; i < b.members.length; i++) submissions[b.members[i]!] = JSON.parse(b.stored[i]!) as Entry[];
  return {
    period: { id: "khoi-bench-2017", year: 2017, members: b.members },
    template: b.template,
    rulebook: demoRulebook,
    units: b.units,
    submissions,
    reviews: {},
    flags: b.flags,
    ballots: b.ballots,
  };
}

async function sha256Hex(text: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  let s = "";
  for (const x of d) s += x.toString(16).padStart(2, "0");
  return s;
}

export default {
  async fetch(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const units = Number(url.searchParams.get("units") ?? 100);
    const criteria = Number(url.searchParams.get("criteria") ?? 120);
    const reps = Number(url.searchParams.get("reps") ?? 1);
    const what = url.pathname.slice(1);
    const b = blocOf(units, criteria);
    let size = 0;
    for (let i = 0; i < reps; i++) {
      if (what === "table") {
        size = JSON.stringify(consolidate(inputOf(b))).length;
      } else if (what === "table-scores" || what === "table-scores-entries" || what === "table-scores-arrays") {
        const arrays = what === "table-scores-arrays";
        const rows = (JSON.parse(scoreAnswer(b, arrays)) as { results: { unit_id: string; scores: string }[] }).results;
        const submissions: Record<string, SheetScores> = {};
        const codes = knownCodes(b.template);
        for (const r of rows)
          submissions[r.unit_id] =
            what === "table-scores" ? scoredSheet(r, codes) : arrays ? scoredArrays(r) : scoredEntries(r);
        size = JSON.stringify(consolidate(inputOf(b, submissions))).length;
      } else if (what === "ranking") {
        size = (await rankingFromStored(b)).length;
      } else if (what === "ranking-texts") {
        size = (await rankingFromStored(b, false)).length;
      } else if (what === "ranking-entries") {
        size = (await rankingBytes(b)).length;
      } else if (what === "ranking-stored") {
        const rows = (JSON.parse(await storedAnswer(b)) as { results: { part: number; data: string }[] }).results;
        const bytes = Buffer.from(rows.map((r) => r.data).join(""), "base64");
        size = new Response(bytes).headers.has("x") ? 0 : bytes.length;
      } else if (what.startsWith("ranking-")) {
        // The ranking route's steps, cumulatively, to see where its CPU goes.
        const input = inputOf(b);
        size = input.period.members.length;
        if (what !== "ranking-input") size += consolidate(input).rows.length;
        if (what === "ranking-hash") size += (await hashInputsAsync(rankingInputs(input))).all.length;
      } else if (what === "pull") {
        const latest = (JSON.parse(b.stored[0]!) as Entry[]).map(toWireEntry);
        size = JSON.stringify({
          period: { id: "khoi-bench-2017", members: b.members },
          bloc: { id: "khoi-bench", name: "Khối thi đua thử" },
          units: b.units,
          template: b.template,
          rulebook: demoRulebook,
          revisions: { [b.members[0]!]: 3 },
          returned: {},
          latest: { unitId: b.members[0], revision: 3, entries: latest },
        }).length;
      } else if (what === "push" || what === "push-texts") {
        const v = validateSubmission(b.template, JSON.parse(b.body));
        const hash = await sha256Hex(canonicalEntries(v.lines));
        const score = scoreUnit(b.template, demoRulebook, v.lines);
        const text = entriesText(v.lines);
        // The text as a ranking workbook keeps it, deflated at the push (since round 8).
        const cells = what === "push" ? (storedSheet(text)?.length ?? 0) : 0;
        size = text.length + JSON.stringify(score.self).length + hash.length + cells;
      } else if (what === "parse") {
        size = (JSON.parse(b.body) as { entries: unknown[] }).entries.length;
      }
    }
    return new Response(String(size));
  },
};
