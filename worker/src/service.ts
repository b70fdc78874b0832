/**
 * The period's use cases, shared by the routes (and by the workbook upload, which stores a revision exactly as a
 * push does): scope a period for the caller, push a sheet, push a review, and consolidate. Every rule comes from the
 * domain core; this module only sequences reads, the core's checks and one D1 batch per change.
 */
import type { Context } from "hono";
import {
  acceptsSubmission,
  type Ballot,
  type Bloc,
  type BlocTable,
  type ConsolidateInput,
  canonicalEntries,
  combineDecryptions,
  combineElectionKey,
  consolidate,
  declaredFailedTally,
  domainError,
  type ElectionRecord,
  type Entry,
  entriesText,
  type Flags,
  type PartialDecryption,
  quorumNeeded,
  type Rulebook,
  type ScoreColumns,
  type SealedBallot,
  scoreUnit,
  type Tally,
  type Template,
  type Totals,
  type TrusteeKey,
  tallyBallots,
  tallyCounts,
  toNumber,
  type Unit,
  validateReview,
  validateSubmission,
} from "../../shared/src/index.ts";
import { canSeePeriod, type Principal, sha256Hex } from "./auth.ts";
import type { AppEnv } from "./env.ts";
import { ApiError, invalid, notFound } from "./errors.ts";
import {
  type BookRow,
  entriesOf,
  knownCodes,
  type PeriodRecord,
  type PeriodRepository,
  type Repository,
  type ReviewRow,
  readAll,
  type ScoredRow,
  type SubmissionRow,
  scoredSheet,
  sheetTexts,
  type YearData,
} from "./repository.ts";
import {
  periodRef,
  roundOf,
  type VotingReadOptions,
  type VotingState,
  VotingStore,
  votingOf,
  votingQueries,
} from "./votingStore.ts";
import { canonicalJson } from "./workbook/hash.ts";
import type { GivenTexts } from "./workbook/provenance.ts";
import { storedSheet } from "./workbook/stored.ts";

/** A period the caller may see, with its repository. */
export interface PeriodScope {
  period: PeriodRecord;
  repo: PeriodRepository;
  principal: Principal;
}

/**
 * Loads a period for the current caller: 404 when it does not exist or lies outside the caller's scope.
 * @example const { period, repo } = await periodScope(c, c.req.param("periodId"), me)
 */
export async function periodScope(c: Context<AppEnv>, periodId: string, principal: Principal): Promise<PeriodScope> {
  const root = c.get("repo");
  const period = await root.scopedPeriod(periodId);
  if (!period || !canSeePeriod(principal, period)) throw notFound(`periods/${periodId}`);
  return { period, repo: root.forPeriod(period), principal };
}

/** The period's template and rulebook (stored with the period; missing only if the database was edited by hand). */
export async function periodRules(scope: PeriodScope): Promise<{ template: Template; rulebook: Rulebook }> {
  const { period, repo } = scope;
  const [template, rulebook] = await Promise.all([
    repo.root.getTemplate(period.templateId, period.templateVersion),
    repo.root.getRulebook(period.rulebookId, period.rulebookVersion),
  ]);
  if (!template || !rulebook) throw new Error(`period ${period.id}: template or rulebook missing`);
  return { template, rulebook };
}

export function totalsToNumbers(t: Totals) {
  return {
    base: toNumber(t.base),
    bonus: toNumber(t.bonus),
    bonusRaw: toNumber(t.bonusRaw),
    deduction: toNumber(t.deduction),
    total: toNumber(t.total),
    parts: Object.fromEntries(Object.entries(t.parts).map(([k, v]) => [k, toNumber(v)])),
  };
}

export type WireTotals = ReturnType<typeof totalsToNumbers>;

/** The answer to an accepted push; a retry with the same clientId gets exactly this again. */
export interface PushAnswer {
  unitId: string;
  revision: number;
  contentHash: string;
  totals: WireTotals;
  receivedAt: string;
  late: boolean;
}

function pushAnswer(row: SubmissionRow): PushAnswer {
  return {
    unitId: row.unit_id,
    revision: row.revision,
    contentHash: row.content_hash,
    totals: JSON.parse(row.totals) as WireTotals,
    receivedAt: row.received_at,
    late: row.late === 1,
  };
}

/** 409 saying who pushed which revisions after the one the client based its copy on. */
function staleRevision(
  base: number,
  newer: readonly { revision: number; actor_label: string; received_at: string }[],
): ApiError {
  const last = newer[newer.length - 1];
  return new ApiError(
    409,
    "CONFLICT_STALE_REVISION",
    // A base newer than the latest revision (a client's bug) is refused the same way, naming the real latest.
    last
      ? { base, latest: last.revision, who: last.actor_label, at: last.received_at }
      : { base, latest: 0, who: "-", at: "-" },
    newer.map((r) =>
      domainError(
        "CONFLICT_STALE_REVISION",
        { path: "/baseRevision" },
        { base, latest: r.revision, who: r.actor_label, at: r.received_at },
      ),
    ),
  );
}

export interface PushResult {
  answer: PushAnswer;
  /** True when this was a retry answered from the first push (nothing stored). */
  replay: boolean;
}

/**
 * Stores a self-scoring sheet push (nộp bảng tự chấm điểm) as a new revision. In order: the body is validated by the
 * domain core (schema); a known clientId returns the first answer (nothing stored); the period must accept the
 * unit's sheet (state, deadline, or a returned sheet); every entry problem gives 422; a stale baseRevision gives
 * 409; else the revision, its audit record and the closing of a return are stored.
 *
 * All of that is one D1 batch after the authentication's (`PeriodRepository.pushBatch`): the reads that decide the
 * answer and the guarded insert go together, and the insert's own conditions (no revision with this clientId, the
 * latest still the base, an open return where only a return lets the sheet in) make the answer the same as if the
 * reads had come first. `onTopOfLatest` (a workbook upload) stores the sheet on whatever revision is latest.
 */
export async function pushSubmission(
  scope: PeriodScope,
  unitId: string,
  body: unknown,
  ctx: { requestId: string; now: Date; source?: string; onTopOfLatest?: boolean },
): Promise<PushResult> {
  const { period, repo, principal } = scope;
  const { template, rulebook } = await periodRules(scope);
  const v = validateSubmission(template, body);
  if (!v.push) throw invalid(v.errors);
  const push = v.push;
  // Hashed, scored and stored from the sheet's columns: no object per line (`ValidatedSubmission.lines`).
  const hash = await sha256Hex(canonicalEntries(v.lines));
  const base = ctx.onTopOfLatest ? null : (push.baseRevision ?? 0);

  // Whether the period takes the sheet without a return, and with one; the batch learns whether there is one.
  const refusedAlone = acceptsSubmission(period.state, false, period.submissionDeadline, ctx.now);
  const refusedWithReturn = acceptsSubmission(period.state, true, period.submissionDeadline, ctx.now);
  const receivedAt = ctx.now.toISOString();
  const late = ctx.now.getTime() > Date.parse(period.submissionDeadline) ? 1 : 0;
  let totals = "";
  if (v.ok && refusedWithReturn === null)
    totals = JSON.stringify(totalsToNumbers(scoreUnit(template, rulebook, v.lines).self));
  const row: Omit<SubmissionRow, "revision"> = {
    unit_id: unitId,
    template_id: template.id,
    template_version: template.version,
    entries: entriesText(v.lines),
    content_hash: hash,
    client_id: push.clientId,
    totals,
    actor_token: principal.tokenId,
    actor_label: principal.label,
    received_at: receivedAt,
    late,
  };
  const state = await repo.pushBatch({
    unitId,
    clientId: push.clientId,
    base,
    insert:
      v.ok && refusedWithReturn === null
        ? {
            row,
            bookCells: storedSheet(row.entries),
            needsOpenReturn: refusedAlone !== null,
            audit: {
              blocId: period.blocId,
              periodId: period.id,
              unitId,
              actor: principal,
              action: "submission.push",
              detail: { revision: 0, contentHash: hash, clientId: push.clientId, source: ctx.source ?? "api" },
              requestId: ctx.requestId,
              at: receivedAt,
            },
          }
        : null,
  });
  const { replay, openReturn, newer, inserted } = state;
  if (replay) {
    if (replay.content_hash !== hash || !v.ok) throw new ApiError(409, "CLIENT_ID_REUSED", { clientId: push.clientId });
    return { answer: pushAnswer(replay), replay: true };
  }
  if (inserted !== null) return { answer: pushAnswer({ ...row, revision: inserted }), replay: false };

  const refusal = acceptsSubmission(period.state, openReturn !== null, period.submissionDeadline, ctx.now);
  if (refusal) throw new ApiError(423, refusal.code, refusal.params ?? {}, [refusal]);
  if (!v.ok) throw invalid(v.errors);
  // The insert's guard failed on the base: the answer names who pushed what since.
  throw staleRevision(base ?? 0, newer);
}

export interface ReviewAnswer {
  unitId: string;
  revision: number;
  contentHash: string;
  /** Totals over effective scores (reviewed over self). */
  totals: WireTotals;
  receivedAt: string;
}

function reviewAnswer(row: ReviewRow, totals: WireTotals): ReviewAnswer {
  return {
    unitId: row.unit_id,
    revision: row.revision,
    contentHash: row.content_hash,
    totals,
    receivedAt: row.received_at,
  };
}

/**
 * Stores reviewed scores (điểm thẩm định) for a unit as a new review revision; same idempotency and 409 as pushes,
 * and likewise one D1 batch (`PeriodRepository.reviewBatch`) after the authentication's.
 */
export async function pushReview(
  scope: PeriodScope,
  unitId: string,
  body: unknown,
  ctx: { requestId: string; now: Date },
): Promise<{ answer: ReviewAnswer; replay: boolean }> {
  const { period, repo, principal } = scope;
  const { template, rulebook } = await periodRules(scope);
  const v = validateReview(template, body);
  if (!v.push) throw invalid(v.errors);
  const push = v.push;
  const hash = await sha256Hex(canonicalEntries(v.entries) + "\n" + push.note);
  const base = push.baseRevision ?? 0;
  const receivedAt = ctx.now.toISOString();
  const row: Omit<ReviewRow, "revision"> = {
    unit_id: unitId,
    entries: entriesText(v.entries),
    note: push.note,
    content_hash: hash,
    client_id: push.clientId,
    actor_token: principal.tokenId,
    actor_label: principal.label,
    received_at: receivedAt,
  };
  const { self, replay, newer, inserted } = await repo.reviewBatch({
    unitId,
    clientId: push.clientId,
    base,
    insert:
      v.ok && period.state === "review"
        ? {
            row,
            audit: {
              blocId: period.blocId,
              periodId: period.id,
              unitId,
              actor: principal,
              action: "review.push",
              detail: { revision: 0, contentHash: hash, criteria: v.entries.length },
              requestId: ctx.requestId,
              at: receivedAt,
            },
          }
        : null,
  });
  const totalsWith = (entries: Entry[]) =>
    totalsToNumbers(scoreUnit(template, rulebook, self ? entriesOf(self) : [], entries).totals);
  if (replay) {
    if (replay.content_hash !== hash || !v.ok) throw new ApiError(409, "CLIENT_ID_REUSED", { clientId: push.clientId });
    return { answer: reviewAnswer(replay, totalsWith(entriesOf(replay))), replay: true };
  }
  if (inserted !== null)
    return { answer: reviewAnswer({ ...row, revision: inserted }, totalsWith(v.entries)), replay: false };
  if (period.state !== "review")
    throw new ApiError(423, "PERIOD_NOT_OPEN", { state: period.state }, [
      domainError("PERIOD_NOT_OPEN", {}, { state: period.state }),
    ]);
  if (!self) throw new ApiError(409, "NOTHING_SUBMITTED", { unit: unitId });
  if (!v.ok) throw invalid(v.errors);
  throw staleRevision(base, newer);
}

/**
 * Whether per-unit votes of a paper vote may be shown: once the period is closed, or once every issued ballot is in.
 * Before that only progress is shown, so that nobody can watch the count move ballot by ballot and link a vote to its
 * caster; and never for fewer ballots than the quorum (the domain core keeps only the numbers then).
 */
export function votesVisible(state: string, returned: number, issued: number): boolean {
  return state === "closed" || (state === "voting" && returned >= issued);
}

/**
 * The tally of the period (domain core), or only its progress while the count must stay hidden. A sealed vote's
 * tally exists once every trustee decrypted the per-unit sums, or, when its box closed below the quorum, as a failed
 * vote with only the numbers of ballots. `vote`: the period's vote as the request read it (else read now, in one
 * batch).
 */
export async function periodTally(
  scope: PeriodScope,
  rulebook: Rulebook,
  vote?: VotingState,
): Promise<{
  visible: boolean;
  issued: number;
  returned: number;
  tally: Tally | null;
  ballots: Ballot[];
  sealed: boolean;
}> {
  const { period, repo } = scope;
  const issued = period.members.length;
  const v = vote ?? (await votingState(scope, { paperBallots: true }));
  const round = v.round;
  if (round?.channel === "electronic") {
    const returned = v.sealedCount;
    const ended = round.boxClosed || period.state === "closed";
    let tally: Tally | null = null;
    if (round.failedReason !== null)
      tally = declaredFailedTally(period.members, returned, rulebook, round.failedReason);
    else if (ended && returned < quorumNeeded(issued, rulebook.quorum))
      tally = tallyCounts(period.members, null, returned, rulebook);
    else if (round.aggregate) {
      const parts = v.parts;
      if (round.trustees.length >= 2 && round.trustees.every((t) => parts.some((p) => p.trusteeId === t.id))) {
        const counts = combineDecryptions(round.aggregate, parts, returned);
        tally = tallyCounts(period.members, counts, returned, rulebook);
      }
    }
    return { visible: tally !== null, issued, returned, tally, ballots: [], sealed: true };
  }
  const ballots = v.paperBallots ?? (await repo.ballots());
  const visible = votesVisible(period.state, ballots.length, issued);
  // Before publication an empty box means "not voted yet"; once the period is closed it is a vote that failed its
  // quorum (nothing nominated), never a vote that did not happen.
  if (!visible || (ballots.length === 0 && period.state !== "closed"))
    return { visible, issued, returned: ballots.length, tally: null, ballots: [], sealed: false };
  return {
    visible,
    issued,
    returned: ballots.length,
    tally: tallyBallots(period.members, ballots, rulebook),
    ballots,
    sealed: false,
  };
}

/** The period's vote: the rows the authentication's batch read with the token, else one batch now. */
export function votingState(scope: PeriodScope, asked: VotingReadOptions): Promise<VotingState> {
  return new VotingStore(scope.repo.db, scope.period).state(asked, scope.repo.root.votingRead(scope.period.id));
}

/**
 * The public record of the period's sealed vote, or null for a paper vote. Deterministic, so its hash is stable.
 * `vote`: the period's vote as the request read it, used when it holds the sealed ballots (else read now).
 */
export async function electionRecord(scope: PeriodScope, vote?: VotingState): Promise<ElectionRecord | null> {
  const v = vote?.sealedBallots ? vote : await votingState(scope, { sealedBallots: "always" });
  const round = v.round;
  if (!round || round.channel !== "electronic") return null;
  const { rulebook } = await periodRules(scope);
  const t = await periodTally(scope, rulebook, v);
  const byTrustee = (id: string) => round.trustees.findIndex((x) => x.id === id);
  const keys = [...v.keys].sort((a, b) => byTrustee(a.trusteeId) - byTrustee(b.trusteeId));
  const parts = [...v.parts].sort((a, b) => byTrustee(a.trusteeId) - byTrustee(b.trusteeId));
  const complete = keys.length === round.trustees.length && keys.length >= 2;
  return {
    format: "thidua/sealed-vote/v1",
    periodId: scope.period.id,
    members: scope.period.members,
    choicesPerBallot: rulebook.choicesPerBallot,
    quorum: rulebook.quorum,
    trustees: keys,
    electionKey: complete ? combineElectionKey(keys.map((k) => k.publicKey)) : "",
    ballots: v.sealedBallots ?? [],
    aggregate: round.aggregate,
    partialDecryptions: parts,
    counts: t.tally && t.tally.units.length ? t.tally.units.map((u) => u.votes) : null,
  };
}

/**
 * Everything the bloc table is computed from: the latest revisions, reviews, flags and the vote (its ballots, or
 * the sealed vote's round, shares, decryptions and, once the box closed, its ballots for the public record's hash),
 * read in one D1 batch (with the bloc, for the ranking workbook). The table and the ranking workbook's provenance
 * sheet both start here, so they can never be computed from different inputs. Consolidation reads each sheet's scores
 * alone (`latestScoresQ`: the evidence and notes do not change a score, and parsing them was most of the table's
 * CPU). `book`: for the ranking workbook, which keeps every text in its provenance, the rows' entries texts too, and
 * `texts` are the canonical JSON of its `submissions` and `reviews` parts made from them as stored
 * (`sheetTexts`), for `hashInputsAsync`: those sheets are neither parsed nor written again, and those pushed since
 * 2026-12-06 not even read as text (their cells prepared at the push, `storedSheet`).
 */
export async function periodData(
  scope: PeriodScope,
  book = false,
): Promise<{
  input: ConsolidateInput;
  bloc: Bloc | null;
  texts: GivenTexts;
}> {
  const { period, repo } = scope;
  const asked: VotingReadOptions = { sealedBallots: "ended", paperBallots: true };
  const r = await readAll(repo.db, {
    units: repo.root.unitsQ(period.members),
    subs: book ? repo.latestBookQ() : repo.latestScoresQ(),
    reviews: repo.latestReviewsQ(),
    flags: repo.flagsQ(),
    bloc: repo.root.blocQ(period.blocId),
    ...votingQueries(repo.db, periodRef(period), asked),
  });
  const input = await inputOf(scope, { ...r, vote: votingOf(r, asked) });
  if (!book) return { input, bloc: r.bloc, texts: {} };
  return {
    input,
    bloc: r.bloc,
    texts: {
      // Read by latestBookQ when `book`.
      submissions: sheetTexts(r.subs as Map<string, BookRow>, canonicalJson),
      reviews: sheetTexts(r.reviews, canonicalJson),
    },
  };
}

/** The consolidation input of a period from its rows, however they were read (one period, or a council's year). */
async function inputOf(
  scope: PeriodScope,
  r: {
    units: Unit[];
    subs: Map<string, ScoredRow>;
    reviews: Map<string, ReviewRow>;
    flags: Record<string, Flags>;
    vote: VotingState;
  },
): Promise<ConsolidateInput> {
  const { period } = scope;
  const { template, rulebook } = await periodRules(scope);
  const tally = await periodTally(scope, rulebook, r.vote);
  const submissions: Record<string, ScoreColumns> = {};
  const codes = knownCodes(template);
  for (const [u, row] of r.subs) submissions[u] = scoredSheet(row, codes);
  const reviewed: Record<string, Entry[]> = {};
  for (const [u, row] of r.reviews) reviewed[u] = entriesOf(row);
  const members = new Set(period.members);
  return {
    period: { id: period.id, year: period.year, members: period.members },
    template,
    rulebook,
    units: r.units.filter((u) => members.has(u.id)),
    submissions,
    reviews: reviewed,
    flags: r.flags,
    ballots: tally.tally && !tally.sealed ? tally.ballots : null,
    sealedVote:
      tally.sealed && tally.tally
        ? {
            returned: tally.returned,
            counts: tally.tally.units.length ? tally.tally.units.map((u) => u.votes) : null,
            recordHash: await sha256Hex(JSON.stringify(await electionRecord(scope, r.vote))),
            ...(tally.tally.failedReason !== undefined ? { failedReason: tally.tally.failedReason } : {}),
          }
        : null,
  };
}

/**
 * The bloc tables of a year's published periods for the council, from one batch (`Repository.yearData`), with the
 * year's periods (published or not).
 */
export async function yearTables(
  root: Repository,
  year: number,
  principal: Principal,
): Promise<{ periods: PeriodRecord[]; scopes: PeriodScope[]; tables: BlocTable[] }> {
  const d = await root.yearData(year);
  const byPeriod = <T extends { period_id: string }>(rows: T[], id: string) => rows.filter((x) => x.period_id === id);
  const scopes = d.periods
    .filter((p) => p.state === "closed")
    .map((period) => ({ period, repo: root.forPeriod(period), principal }));
  const tables = await Promise.all(
    scopes.map(async (scope) => {
      const id = scope.period.id;
      const input = await inputOf(scope, {
        units: d.units,
        subs: new Map(byPeriod(d.subs, id).map((row) => [row.unit_id, row])),
        reviews: new Map(byPeriod(d.reviews, id).map((row) => [row.unit_id, row])),
        flags: Object.fromEntries(
          byPeriod(d.flags, id).map((f) => [
            f.unit_id,
            { violation: f.violation === 1, withdrawn: f.withdrawn === 1, reason: f.reason },
          ]),
        ),
        vote: yearVote(d, id),
      });
      return consolidate(input);
    }),
  );
  return { periods: d.periods, scopes, tables };
}

/** One published period's vote from the year's rows (`Repository.yearData` read every sealed ballot of the year). */
function yearVote(d: YearData, id: string): VotingState {
  const of = <T extends { period_id: string }>(rows: T[]) => rows.filter((x) => x.period_id === id);
  const body = <T>(rows: { period_id: string; body: string }[]) => of(rows).map((x) => JSON.parse(x.body) as T);
  const paper = of(d.ballots).map((b) => ({ choices: JSON.parse(b.choices) as string[] }));
  const sealed = body<SealedBallot>(d.sealed);
  return {
    round: roundOf(of(d.rounds)[0]),
    keys: body<TrusteeKey>(d.keys),
    sealedCount: sealed.length,
    parts: body<PartialDecryption>(d.parts),
    paperCount: paper.length,
    sealedBallots: sealed,
    paperBallots: paper,
    asked: { sealedBallots: "always", paperBallots: true },
  };
}

/**
 * The consolidated bloc table (bảng tổng hợp) of a period, from the sheets' scores alone (`periodData` without
 * texts): the evidence and notes of every sheet are not needed to consolidate, and parsing them was most of its CPU.
 */
export async function periodTable(scope: PeriodScope): Promise<BlocTable & { state: string; published: boolean }> {
  const table = consolidate((await periodData(scope)).input);
  return { ...table, state: scope.period.state, published: scope.period.state === "closed" };
}
