/**
 * The Worker API client (máy khách API), following docs/api.md. Every failure becomes an `ApiFailure` carrying the
 * server's domain errors (code, criterion, cell), so the pane shows them in the user's language and maps them to
 * cells. A request that never reached the server is `NETWORK_ERROR` with status 0: the caller may queue it.
 */
import type {
  BlocTable,
  Ciphertext,
  DomainError,
  ErrorCode,
  PartialDecryption,
  Period,
  Rulebook,
  Tally,
  Template,
  TrusteeKey,
  Unit,
} from "../../shared/src/index.ts";

export interface Me {
  role: "council" | "secretariat" | "clerk" | "board" | "voter" | "trustee";
  blocId?: string | null;
  unitId?: string | null;
  periodId?: string | null;
}

export interface SheetBundle {
  /** Latest revision per unit (the clerk sees its own only). */
  revisions?: Record<string, number>;
  returned?: Record<string, { reason: string; at: string; by: string }>;
  period: Period;
  bloc: { id: string; name: string; kind?: string };
  units: Unit[];
  template: Template;
  rulebook: Rulebook;
  /** With `sheet(periodId, unitId)`: that unit's latest revision (null before its first push), in the same answer. */
  latest?: { unitId: string; revision: number; entries: WireEntry[] } | null;
}

export interface WireTotals {
  base: number;
  bonus: number;
  deduction: number;
  total: number;
}

export interface PushReceipt {
  revision: number;
  contentHash: string;
  totals: WireTotals;
  receivedAt: string;
  late: boolean;
}

export interface WireEntry {
  criterion: string;
  score: number | null;
  evidence: string;
  note: string;
}

export interface Revision {
  revision: number;
  entries: WireEntry[];
  by?: string;
  at?: string;
}

export interface EntryChange {
  criterion: string;
  from: WireEntry | null;
  to: WireEntry | null;
  delta: number | null;
}

export interface UnitStatus {
  unitId: string;
  name: string;
  shortName: string;
  status: "missing" | "submitted" | "returned" | "accepted";
  latestRevision: number | null;
  at: string | null;
  by: string | null;
  late: boolean | null;
  total: number | null;
  returned: { reason: string; at: string; by: string } | null;
  reviewRevision: number | null;
  flags?: { violation: boolean; withdrawn: boolean; reason: string };
}

/** GET .../voting/tally: the core's tally once visible (sharePct in hundredths of a percent). */
export interface TallyAnswer {
  visible: boolean;
  issued: number;
  returned: number;
  tally: Tally | null;
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly params: Record<string, string | number>,
    readonly details: DomainError[],
    readonly requestId: string | null,
  ) {
    super(code);
  }
  /** The failure as a domain error, for the message catalogue. */
  asError(): DomainError {
    return { code: this.code, params: this.params };
  }
}

type Fetch = typeof fetch;

const XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Normalises "localhost:8787/" to "http://localhost:8787". */
export function normaliseServer(raw: string): string {
  let s = raw.trim().replace(/\/+$/, "");
  if (s.endsWith("/api/v1")) s = s.slice(0, -7);
  if (!/^https?:\/\//.test(s)) s = `${/^(localhost|127\.)/.test(s) ? "http" : "https"}://${s}`;
  return s;
}

function asList<T>(body: unknown, ...keys: string[]): T[] {
  if (Array.isArray(body)) return body as T[];
  if (body && typeof body === "object")
    for (const k of keys) {
      const v = (body as Record<string, unknown>)[k];
      if (Array.isArray(v)) return v as T[];
    }
  return [];
}

/** An access code as the API lists it (mã truy cập), without its value. */
export interface AccessToken {
  id: string;
  role: string;
  blocId: string | null;
  unitId: string | null;
  label: string;
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export class ApiClient {
  readonly base: string;
  constructor(
    server: string,
    private readonly token: string,
    private readonly doFetch: Fetch = (...a) => fetch(...a),
  ) {
    this.base = `${normaliseServer(server)}/api/v1`;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, body === undefined ? null : JSON.stringify(body), "application/json");
    const text = await res.text();
    try {
      return (text ? JSON.parse(text) : null) as T;
    } catch {
      return null as T;
    }
  }

  /**
   * One call with the bearer header (the token never goes in a URL), failures as `ApiFailure`.
   */
  private async send(method: string, path: string, body: BodyInit | null, type: string): Promise<Response> {
    const send = () =>
      this.doFetch(this.base + path, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === null ? {} : { "content-type": type }),
        },
        body,
      });
    let res: Response;
    try {
      res = await send();
    } catch {
      // A read is retried once after a short pause (a dropped connection, a server restarting); writes are not:
      // a push that may not have arrived goes to the outbox, which resends it with the same clientId.
      if (method !== "GET") throw new ApiFailure(0, "NETWORK_ERROR", {}, [], null);
      await new Promise((r) => setTimeout(r, 500));
      try {
        res = await send();
      } catch {
        throw new ApiFailure(0, "NETWORK_ERROR", {}, [], null);
      }
    }
    if (!res.ok) {
      const text = await res.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      const e = (json as { error?: Record<string, unknown> } | null)?.error ?? {};
      throw new ApiFailure(
        res.status,
        (typeof e.code === "string" ? e.code : "INTERNAL") as ErrorCode,
        (e.params as Record<string, string | number>) ?? {},
        Array.isArray(e.details) ? (e.details as DomainError[]) : [],
        typeof e.requestId === "string" ? e.requestId : null,
      );
    }
    return res;
  }

  /** A file the API answers (a workbook), with its name from Content-Disposition. */
  async download(path: string): Promise<{ blob: Blob; filename: string }> {
    const res = await this.send("GET", path, null, "");
    const cd = res.headers.get("content-disposition") ?? "";
    const star = /filename\*=UTF-8''([^;]+)/i.exec(cd)?.[1];
    const plain = /filename="([^"]+)"/i.exec(cd)?.[1];
    const filename = star ? decodeURIComponent(star) : (plain ?? "thidua.xlsx");
    return { blob: await res.blob(), filename };
  }

  me = () => this.request<Me>("GET", "/me");
  periods = async () => asList<Period>(await this.request("GET", "/periods"), "periods", "items");
  period = (id: string) => this.request<Period>("GET", `/periods/${enc(id)}`);
  /** The period's bundle; with a unit, its latest revision too (a clerk's pull is this one request). */
  sheet = (periodId: string, unitId?: string) =>
    this.request<SheetBundle>(
      "GET",
      `/periods/${enc(periodId)}/sheet${unitId === undefined ? "" : `?unit=${enc(unitId)}`}`,
    );
  revisions = async (periodId: string, unitId: string) =>
    asList<{ revision: number }>(
      await this.request("GET", `/periods/${enc(periodId)}/units/${enc(unitId)}/submissions`),
      "revisions",
      "items",
      "submissions",
    );
  revision = (periodId: string, unitId: string, revision: number) =>
    this.request<Revision>("GET", `/periods/${enc(periodId)}/units/${enc(unitId)}/submissions/${revision}`);
  compare = async (periodId: string, unitId: string, from: number, to: number) =>
    asList<EntryChange>(
      await this.request(
        "GET",
        `/periods/${enc(periodId)}/units/${enc(unitId)}/submissions/compare?from=${from}&to=${to}`,
      ),
      "changes",
      "items",
    );
  push = (periodId: string, unitId: string, body: unknown) =>
    this.request<PushReceipt>("POST", `/periods/${enc(periodId)}/units/${enc(unitId)}/submissions`, body);
  status = async (periodId: string) =>
    asList<UnitStatus>(await this.request("GET", `/periods/${enc(periodId)}/status`), "units", "items");
  review = (periodId: string, unitId: string, body: unknown) =>
    this.request<{ revision: number; totals: WireTotals }>(
      "PUT",
      `/periods/${enc(periodId)}/units/${enc(unitId)}/review`,
      body,
    );
  reviewed = (periodId: string, unitId: string) =>
    this.request<{ revision: number | null; entries?: WireEntry[] } | null>(
      "GET",
      `/periods/${enc(periodId)}/units/${enc(unitId)}/review`,
    );
  returnSheet = (periodId: string, unitId: string, reason: string) =>
    this.request<unknown>("POST", `/periods/${enc(periodId)}/units/${enc(unitId)}/return`, { reason });
  flags = (periodId: string, unitId: string, body: { violation: boolean; withdrawn: boolean; reason: string }) =>
    this.request<unknown>("PUT", `/periods/${enc(periodId)}/units/${enc(unitId)}/flags`, body);
  /** A step of the period; opening voting fixes its channel (electronic: sealed ballots; paper: counted ballots). */
  transition = (periodId: string, to: string, reason = "", channel?: "electronic" | "paper") =>
    this.request<Period>("POST", `/periods/${enc(periodId)}/transitions`, {
      to,
      reason,
      ...(to === "voting" && channel ? { channel } : {}),
    });
  /** Access codes the caller manages (a secretariat: its board's and its member units' clerks'); never their values. */
  tokens = async () => asList<AccessToken>(await this.request("GET", "/tokens"), "tokens", "items");
  /** A clerk's code for a member unit (or a board code for the bloc): the value is in the answer, once. */
  issueToken = (
    body: { role: "clerk"; unitId: string; label: string } | { role: "board"; blocId: string; label: string },
  ) => this.request<AccessToken & { token: string }>("POST", "/tokens", body);
  revokeToken = (id: string) => this.request<AccessToken>("DELETE", `/tokens/${enc(id)}`);
  /** A new period (council only), e.g. next year's from this year's. */
  createPeriod = (period: Period) => this.request<Period>("POST", "/periods", period);
  /** Gia hạn nộp: a new submission deadline (ISO 8601), with the reason. */
  deadline = (periodId: string, submissionDeadline: string, reason: string) =>
    this.request<Period>("POST", `/periods/${enc(periodId)}/deadline`, { submissionDeadline, reason });
  voterCodes = async (periodId: string) =>
    asList<{ unitId: string; code: string }>(
      await this.request("POST", `/periods/${enc(periodId)}/voting/codes`),
      "codes",
      "items",
    );
  /**
   * Casts the voter code's ballot, sealed on this device: the choices are encrypted under the period's election key,
   * one 0-or-1 per member unit with its proofs (shared/src/sealed.ts); only ciphertexts leave the device. The voting
   * screens (the pane's and the web app's phone ballot page) call this with the chosen unit ids and need to know
   * nothing else. `[]` is a blank ballot.
   */
  ballot = async (choices: string[]) => {
    const me = await this.me();
    const election = await this.election(me.periodId ?? "");
    if (!election.electionKey) throw new ApiFailure(409, "ELECTION_KEY_MISSING", {}, [], null);
    // Loaded when a ballot is cast, not before: the phone's ballot page draws without the group arithmetic.
    const { sealBallot } = await import("../../shared/src/sealed.ts");
    const sealed = sealBallot(
      {
        periodId: election.periodId,
        members: election.members,
        choicesPerBallot: election.choicesPerBallot,
        electionKey: election.electionKey,
      },
      choices,
      randomBytes,
    );
    return this.request<unknown>("POST", "/ballots", sealed);
  };
  castBallot = this.ballot;
  /** The vote's public state: channel, trustees and their keys, the election key, ballots returned, the aggregate. */
  election = (periodId: string) => this.request<ElectionAnswer>("GET", `/periods/${enc(periodId)}/voting/election`);
  /** One code per trustee named in the period, shown once (council or secretariat). */
  trusteeCodes = async (periodId: string) =>
    asList<{ trusteeId: string; name: string; code: string }>(
      await this.request("POST", `/periods/${enc(periodId)}/voting/trustee-codes`),
      "codes",
      "items",
    );
  /** A trustee publishes the public part of its key share (the secret part never leaves the device). */
  trusteeKey = (periodId: string, key: TrusteeKey) =>
    this.request<{ electionKey: string | null }>("POST", `/periods/${enc(periodId)}/voting/trustee-key`, key);
  /** Đóng hòm phiếu: no more ballots; below the quorum the vote fails and nothing is decrypted. */
  closeBox = (periodId: string) =>
    this.request<{ returned: number; quorumNeeded: number; failed: boolean }>(
      "POST",
      `/periods/${enc(periodId)}/voting/close`,
    );
  /** The council declares a closed vote whose tally cannot be decrypted failed, with a reason: nothing is decrypted. */
  failVote = (periodId: string, reason: string) =>
    this.request<{ failed: boolean; reason: string }>("POST", `/periods/${enc(periodId)}/voting/fail`, { reason });
  /** A trustee's part of the decryption of the per-unit sums, with its proofs. */
  decryption = (periodId: string, part: PartialDecryption) =>
    this.request<{ decrypted: boolean }>("POST", `/periods/${enc(periodId)}/voting/decryption`, part);
  paperBallots = (periodId: string, ballots: { choices: string[] }[]) =>
    this.request<unknown>("POST", `/periods/${enc(periodId)}/voting/paper`, { ballots });
  tally = (periodId: string) => this.request<TallyAnswer>("GET", `/periods/${enc(periodId)}/voting/tally`);
  table = (periodId: string) => this.request<BlocTable>("GET", `/periods/${enc(periodId)}/table`);
  /** A signed link to the ranking workbook that opens without a token (for the board's e-mail), valid 30 days. */
  /** The unit's template workbook, prefilled with its latest revision (for a clerk without the add-in). */
  templateWorkbook = (periodId: string, unitId: string) =>
    this.download(`/periods/${enc(periodId)}/units/${enc(unitId)}/template.xlsx`);
  /** A filled template workbook, stored as a revision exactly as a push: the receipt, or every problem with its cell. */
  uploadWorkbook = async (periodId: string, unitId: string, file: Blob) => {
    const res = await this.send("POST", `/periods/${enc(periodId)}/units/${enc(unitId)}/upload`, file, XLSX_MIME);
    return (await res.json()) as PushReceipt & { sheet: { name: string; templateId: string } };
  };
  /** The ranking workbook, fetched with the bearer header (no link to copy, no token in a URL). */
  rankingWorkbook = (periodId: string) => this.download(`/periods/${enc(periodId)}/ranking.xlsx`);
  rankingLink = (periodId: string) =>
    this.request<{ url: string; expiresAt: string }>("POST", `/periods/${enc(periodId)}/ranking-link`);
}

const enc = encodeURIComponent;

/** The browser's cryptographic random source, for keys and ballots. */
export const randomBytes = (n: number) => crypto.getRandomValues(new Uint8Array(n));

/** GET .../voting/election. */
export interface ElectionAnswer {
  periodId: string;
  state: string;
  channel: "electronic" | "paper";
  members: string[];
  choicesPerBallot: number;
  trustees: { id: string; name: string; publicKey: string | null; decrypted: boolean }[];
  electionKey: string | null;
  issued: number;
  returned: number;
  quorumNeeded: number;
  boxClosed: boolean;
  aggregate: Ciphertext[] | null;
  me: { trusteeId?: string | null; unitId?: string | null } | null;
}
