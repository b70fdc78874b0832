/**
 * The task pane (ngăn tác vụ): sign-in, then the clerk's, the secretariat's, the board's or the voter's view. Every
 * string comes from the typed catalogue (`i18n.ts`) or the core's error catalogue; every action shows progress when it
 * takes longer than half a second; everything is reachable with the keyboard; the layout fits a 320 px pane.
 */
import {
  type DomainError,
  type Locale,
  nextYearPeriod,
  type Period,
  scoreUnit,
  toNumber,
} from "../../../shared/src/index.ts";
import {
  type AccessToken,
  ApiClient,
  ApiFailure,
  type EntryChange,
  type Me,
  type TallyAnswer,
  type UnitStatus,
} from "../api.ts";
import type { AddinMeta, WorkbookGateway } from "../excel/gateway.ts";
import { dateTime, errorText, locale, points, setLocale, t, type UiKey } from "../i18n.ts";
import { type KeyValueStore, Outbox } from "../outbox.ts";
import { type PushOutcome, Session } from "../session.ts";
import { h, inputValue } from "./dom.ts";
import { ballotRefusal, ballotScreen, initialBallot } from "./screens/ballot.ts";
import { codeSlipSheet, openPrintSheet, voterSlipSheet } from "./screens/slips.ts";
import { initialWebClerk, saveFile, webClerkScreen } from "./screens/webClerk.ts";
import { tw } from "./webText.ts";

const STORE_KEY = "thidua.signin";
const LANG_KEY = "thidua.lang";
/** How often a waiting push is retried. */
const RETRY_MS = 10_000;

/** Texts are kept as functions so that switching the language redraws them in the other language. */
type Notice = { kind: "info" | "success" | "error" | "warning"; text: () => string; items?: Problem[] };
type Problem = { text: () => string; cell?: string; sheet?: string };

export interface AppOptions {
  gateway: WorkbookGateway;
  store: KeyValueStore;
  demo: boolean;
  defaultServer: string;
  /** Where "copy link" puts text; the clipboard by default. */
  copy?: (text: string) => Promise<void>;
  /** The web app (served by the Worker on the API's origin): no server field, web screens instead of the workbook. */
  web?: boolean;
  /** An access or voter code from the URL fragment: signed in with at once, never remembered. */
  code?: string | null;
}

export class App {
  readonly root = h("main", { class: "pane" });
  private server = "";
  private token = "";
  private remember = true;
  private me: Me | null = null;
  private api: ApiClient | null = null;
  private session: Session | null = null;
  private periods: Period[] = [];
  private periodId = "";
  private busy: string | null = null;
  private running = false;
  private notice: Notice | null = null;
  private receipt: Extract<PushOutcome, { kind: "receipt" }>["receipt"] | null = null;
  private conflict: { meta: AddinMeta; failure: ApiFailure; changes: EntryChange[] } | null = null;
  private status: UnitStatus[] = [];
  private tally: TallyAnswer | null = null;
  private codes: { unitId: string; code: string }[] = [];
  /** Access codes: the unit and name for a new clerk's code, the code just issued (shown once), the codes in use. */
  private accessUnit = "";
  private accessLabel = "";
  private newCode: { who: string; unitId: string; code: string } | null = null;
  private accessList: AccessToken[] | null = null;
  private returnReason = "";
  private deadlineDraft = "";
  private deadlineReason = "";
  private reopenReason = "";
  private nextDeadline = "";
  private paper = "";
  private flagReason = "";
  private ballot = initialBallot();
  private webClerk = initialWebClerk();
  /** Why this code cannot vote (used, expired, voting closed), shown instead of the ballot. */
  private ballotRefused: string | null = null;
  private outbox: Outbox | null = null;
  /** A voter code may read its period (member ids) but not the sheet bundle. */
  private voterMembers: string[] = [];
  private retryTimer: ReturnType<typeof setInterval> | null = null;
  private returnUnit = "";
  private flagUnit = "";

  constructor(private readonly opts: AppOptions) {
    const lang = opts.store.getItem(LANG_KEY) ?? new URLSearchParams(globalThis.location?.search ?? "").get("lang");
    setLocale(lang === "en" ? "en" : "vi");
    try {
      const saved = JSON.parse(opts.store.getItem(STORE_KEY) ?? "null") as { server: string; token: string } | null;
      if (saved) {
        this.server = saved.server;
        this.token = saved.token;
      }
    } catch {
      /* nothing saved */
    }
    if (!this.server) this.server = opts.defaultServer;
    globalThis.addEventListener?.("online", () => void this.flushOutbox());
    if (opts.web) this.root.classList.add("web");
    if (opts.code) {
      this.token = opts.code;
      this.remember = false;
    }
    this.render();
    if (opts.code) void this.signIn();
  }

  // ------------------------------------------------------------------------------------------------ plumbing

  private async run(label: UiKey, fn: () => Promise<void>) {
    if (this.running) return;
    this.running = true;
    this.notice = null;
    const timer = setTimeout(() => {
      this.busy = t(label);
      this.render();
    }, 500);
    this.render();
    try {
      await fn();
    } catch (e) {
      this.notice = { kind: "error", text: () => this.failureText(e) };
    } finally {
      clearTimeout(timer);
      this.busy = null;
      this.running = false;
      this.render();
      // In a long pane (the secretariat's) the outcome would otherwise appear out of sight of the button clicked.
      if (this.notice) globalThis.document?.getElementById("notice")?.scrollIntoView?.({ block: "nearest" });
    }
  }

  private failureText(e: unknown): string {
    if (e instanceof ApiFailure) return errorText(e.asError());
    return t("unknownError") + (e instanceof Error ? ` (${e.message})` : "");
  }

  private problems(errors: readonly DomainError[], sheet?: string): Problem[] {
    return errors.map((e) => ({
      text: () => errorText(e),
      ...(e.cell ? { cell: e.cell } : {}),
      ...(sheet ? { sheet } : {}),
    }));
  }

  /** The web app's ballot address (/ballot), where a slip's QR code leads. */
  private onBallotPage(): boolean {
    return !!this.opts.web && (globalThis.location?.pathname ?? "").startsWith("/ballot");
  }

  /** The origin that serves the web app: the API's own (the Worker serves both). */
  private appOrigin(): string {
    return this.api ? new URL(this.api.base).origin : (globalThis.location?.origin ?? "");
  }

  private get period(): Period | undefined {
    return this.periods.find((p) => p.id === this.periodId);
  }

  private setLang(l: Locale) {
    setLocale(l);
    this.opts.store.setItem(LANG_KEY, l);
    globalThis.dispatchEvent?.(new Event("thidua:locale"));
    this.render();
  }

  // ------------------------------------------------------------------------------------------------ actions

  private async signIn() {
    await this.run("stepLoading", async () => {
      const api = new ApiClient(this.server, this.token);
      this.ballotRefused = null;
      const me = await api.me().catch((e: unknown) => {
        // A slip's code that cannot vote any more gets its own answer, not a bare sign-in error.
        const refusal = e instanceof ApiFailure && this.onBallotPage() ? ballotRefusal(e.code) : null;
        if (refusal) this.ballotRefused = refusal;
        throw e;
      });
      this.api = api;
      this.me = me;
      const key = `thidua.outbox.${api.base}.${me.unitId ?? me.role}`;
      this.outbox = new Outbox(this.opts.store, key, (item) => api.push(item.periodId, item.unitId, item.body));
      this.session = new Session(this.opts.gateway, api, this.outbox);
      if (this.remember) this.opts.store.setItem(STORE_KEY, JSON.stringify({ server: this.server, token: this.token }));
      else this.opts.store.removeItem(STORE_KEY);
      if (me.role !== "voter") {
        this.periods = await api.periods();
        const open = this.periods.find((p) => p.state !== "draft") ?? this.periods[0];
        this.periodId = open?.id ?? "";
      } else {
        this.periodId = me.periodId ?? "";
        this.voterMembers = this.periodId ? ((await api.period(this.periodId).catch(() => null))?.members ?? []) : [];
      }
      if (this.periodId) await this.session.loadBundle(this.periodId).catch(() => null);
      await this.session.recognise().catch(() => []);
      if (me.role === "secretariat" || me.role === "council" || me.role === "board")
        this.status = this.periodId ? await api.status(this.periodId).catch(() => []) : [];
    });
    void this.flushOutbox();
    this.scheduleRetry();
  }

  private signOut() {
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = null;
    this.opts.store.removeItem(STORE_KEY);
    this.me = null;
    this.api = null;
    this.session = null;
    this.token = "";
    this.periods = [];
    this.receipt = null;
    this.conflict = null;
    this.notice = null;
    this.render();
  }

  /**
   * While something waits in the outbox, retry every `RETRY_MS` as well as on the browser's `online` event (which
   * never fires when the network was up but the server was not reachable).
   */
  private scheduleRetry() {
    if (this.retryTimer || !this.outbox?.list().length) return;
    this.retryTimer = setInterval(() => {
      if (!this.outbox?.list().length) {
        clearInterval(this.retryTimer!);
        this.retryTimer = null;
        return;
      }
      void this.flushOutbox();
    }, RETRY_MS);
  }

  private async flushOutbox() {
    if (!this.outbox || !this.session || !this.outbox.list().length) return;
    const results = await this.outbox.flush();
    for (const r of results) {
      const meta = this.session.metas.find((m) => m.sheetName === r.item.sheetName);
      if (r.ok) {
        this.receipt = r.receipt;
        if (meta) await this.session.accepted(meta, r.receipt).catch(() => undefined);
        this.notice = { kind: "success", text: () => t("queueSent") };
      } else
        this.notice = {
          kind: "error",
          text: () => this.failureText(r.failure),
          items: this.problems(r.failure.details),
        };
    }
    this.render();
  }

  private async refreshPeriod() {
    if (!this.api) return;
    this.periods = await this.api.periods();
    if (this.me && ["secretariat", "council", "board"].includes(this.me.role))
      this.status = await this.api.status(this.periodId).catch(() => []);
  }

  private clerkMeta(): AddinMeta | undefined {
    const unitId = this.me?.unitId ?? "";
    return this.session?.selfMeta(this.periodId, unitId);
  }

  /** Why there is no sheet to check or push: none yet, or one of another unit or period (e-mailed workbooks). */
  private noSheetNotice(): Notice {
    const other = this.session?.metas.find((m) => m.mode === "self" && !m.readOnly);
    if (other && other.unitId !== this.me?.unitId) {
      const e = {
        code: "SHEET_WRONG_UNIT" as const,
        params: { received: other.unitId, expected: this.me?.unitId ?? "" },
      };
      return { kind: "error", text: () => errorText(e) };
    }
    if (other && other.periodId !== this.periodId) {
      const e = { code: "SHEET_WRONG_PERIOD" as const, params: { received: other.periodId, expected: this.periodId } };
      return { kind: "error", text: () => errorText(e) };
    }
    return { kind: "warning", text: () => t("noSheet") };
  }

  private async pull() {
    await this.run("stepWriting", async () => {
      const s = this.session!;
      const { layout, revision } = await s.pull(this.periodId, this.me!.unitId!);
      this.receipt = null;
      this.conflict = null;
      this.notice = {
        kind: "success",
        text: () =>
          t("pulledOk", { sheet: layout.sheetName, count: layout.inputs.length }) +
          (revision ? ` ${t("pulledFrom", { revision })}` : ""),
      };
    });
  }

  private async check() {
    await this.run("stepReading", async () => {
      const meta = this.clerkMeta();
      if (!meta) {
        this.notice = this.noSheetNotice();
        return;
      }
      const { errors, entries } = await this.session!.check(meta);
      if (errors.length)
        this.notice = {
          kind: "error",
          text: () => t("problems", { count: errors.length }),
          items: this.problems(errors, meta.sheetName),
        };
      else {
        const b = this.session!.bundle!;
        const total = toNumber(scoreUnit(b.template, b.rulebook, entries).self.total);
        this.notice = { kind: "success", text: () => t("checkOk", { total: points(total) }) };
      }
    });
  }

  private async push() {
    await this.run("stepSending", async () => {
      const meta = this.clerkMeta();
      if (!meta) {
        this.notice = this.noSheetNotice();
        return;
      }
      const out = await this.session!.push(meta);
      this.receipt = null;
      this.conflict = null;
      switch (out.kind) {
        case "receipt":
          this.receipt = out.receipt;
          if (this.session?.bundle?.returned) delete this.session.bundle.returned[meta.unitId];
          break;
        case "invalid":
          this.notice = {
            kind: "error",
            text: () => t("problems", { count: out.errors.length }),
            items: this.problems(out.errors, meta.sheetName),
          };
          break;
        case "rejected":
          this.notice = {
            kind: "error",
            text: () => `${t("serverErrors")} ${errorText(out.failure.asError())}`,
            // Only problems that point at a criterion or a cell are listed: the headline already says the rest.
            items: this.problems(
              out.errors.filter((e) => e.cell || e.criterion),
              meta.sheetName,
            ),
          };
          break;
        case "conflict":
          this.conflict = { meta, failure: out.failure, changes: out.changes };
          break;
        case "queued":
          this.notice = { kind: "warning", text: () => t("queued", { count: out.count }) };
          this.scheduleRetry();
          break;
      }
    });
  }

  private async merge() {
    const c = this.conflict;
    if (!c) return;
    await this.run("stepWriting", async () => {
      const r = await this.session!.pullMerged(c.meta);
      this.conflict = null;
      this.notice = {
        kind: "info",
        text: () => t("mergedOk", { revision: r.revision ?? 0, mine: r.mine, both: r.both }),
      };
    });
  }

  private async pullTable() {
    await this.run("stepWriting", async () => {
      const sheets = await this.session!.pullTable(this.periodId);
      this.notice = { kind: "success", text: () => t("tableOk", { table: sheets[0]!.name, matrix: sheets[1]!.name }) };
    });
  }

  private async select(p: Problem) {
    if (!p.cell || !p.sheet) return;
    await this.opts.gateway.selectCell(p.sheet, p.cell);
  }

  private unitName(id: string) {
    const u = this.session?.bundle?.units.find((x) => x.id === id);
    return u?.shortName ?? id;
  }

  /**
   * The instant a date-time field names (it holds local time, as people read their own clock), as ISO 8601; null,
   * with the notice said, when nothing usable was chosen.
   */
  private chosenInstant(local: string): string | null {
    const when = local ? new Date(local) : null;
    if (when && !Number.isNaN(when.getTime())) return when.toISOString();
    this.notice = { kind: "error", text: () => t("deadlineMissing") };
    this.render();
    return null;
  }

  /** Gia hạn nộp. */
  private async extendDeadline() {
    const when = this.chosenInstant(this.deadlineDraft);
    if (!when) return;
    await this.run("stepSending", async () => {
      const period = await this.api!.deadline(this.periodId, when, this.deadlineReason);
      await this.refreshPeriod();
      this.deadlineReason = "";
      this.notice = { kind: "success", text: () => t("deadlineOk", { deadline: dateTime(period.submissionDeadline) }) };
    });
  }

  private async transition(to: "open" | "review" | "voting" | "closed") {
    await this.run("stepSending", async () => {
      await this.api!.transition(this.periodId, to);
      await this.refreshPeriod();
      this.notice = { kind: "success", text: () => t("transitionOk", { state: t(`state_${to}` as UiKey) }) };
    });
  }

  // ------------------------------------------------------------------------------------------------ rendering

  render() {
    const active = document.activeElement?.id;
    const parts = [
      this.header(),
      this.opts.demo ? h("p", { class: "demo-note", role: "note" }, t("demoNote")) : null,
      this.requirementNote(),
      this.progress(),
      this.ballotRefused && !this.me
        ? h("p", { class: "notice error", role: "alert", id: "ballot-refused" }, this.ballotRefused)
        : null,
      this.me ? this.signedIn() : this.signInForm(),
      this.noticeView(),
    ];
    this.root.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
    this.root.setAttribute("aria-busy", this.running ? "true" : "false");
    if (active) document.getElementById(active)?.focus();
  }

  private header() {
    const other: Locale = locale() === "vi" ? "en" : "vi";
    return h(
      "header",
      { class: "pane-header" },
      h("div", {}, h("h1", {}, t("appTitle")), h("p", { class: "subtitle" }, t("appSubtitle"))),
      this.opts.demo
        ? h("fluent-badge", { appearance: "filled", color: "warning", id: "demo-badge" }, t("demoShort"))
        : null,
      h(
        "fluent-button",
        {
          id: "lang",
          size: "small",
          appearance: "subtle",
          "aria-label": `${t("language")}: ${t(other === "vi" ? "langVi" : "langEn")}`,
          onclick: () => this.setLang(other),
        },
        t(other === "vi" ? "langShortVi" : "langShortEn"),
      ),
    );
  }

  private requirementNote() {
    const c = this.opts.gateway.capabilities;
    if (c.dataValidation) return null;
    const missing = [t("featureValidation"), ...(c.printSetup ? [] : [t("featurePrint")])].join(", ");
    return h(
      "p",
      { class: "notice warning", role: "note", id: "requirement-note" },
      t("requirementNote", { minor: c.apiMinor, missing }),
    );
  }

  private progress() {
    return h(
      "div",
      { class: "progress", role: "status", "aria-live": "polite" },
      this.busy ? [h("fluent-progress-bar", { "aria-label": this.busy }), h("span", {}, this.busy)] : null,
    );
  }

  private field(id: string, label: UiKey, value: string, onInput: (v: string) => void, type = "text") {
    const input = h("input", { id, class: "input", type, value, autocomplete: "off", spellcheck: "false" });
    input.addEventListener("input", () => onInput(inputValue(input)));
    return h("label", { class: "field", for: id }, h("span", {}, t(label)), input);
  }

  private signInForm() {
    const form = h(
      "form",
      { class: "card", id: "signin", "aria-labelledby": "signin-title" },
      h("h2", { id: "signin-title" }, this.onBallotPage() ? t("ballotTitle") : t("signInTitle")),
      // The web app talks to the origin that served it: no server to choose.
      this.opts.web
        ? null
        : this.field("server", "serverLabel", this.server, (v) => {
            this.server = v;
          }),
      this.field(
        "token",
        "tokenLabel",
        this.token,
        (v) => {
          this.token = v;
        },
        "password",
      ),
      h("p", { class: "hint" }, t("tokenHint")),
      h(
        "label",
        { class: "check" },
        (() => {
          const cb = h("input", { type: "checkbox", id: "remember", checked: this.remember }) as HTMLInputElement;
          cb.addEventListener("change", () => {
            this.remember = cb.checked;
          });
          return cb;
        })(),
        t("remember"),
      ),
      h(
        "fluent-button",
        { id: "signin-button", appearance: "primary", type: "submit", disabled: this.running },
        t("signIn"),
      ),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.signIn();
    });
    form.querySelector("#signin-button")?.addEventListener("click", () => void this.signIn());
    return form;
  }

  private signedIn() {
    const me = this.me!;
    const periodSelect =
      me.role === "voter"
        ? null
        : h(
            "label",
            { class: "field", for: "period" },
            h("span", {}, t("periodLabel")),
            (() => {
              const sel = h(
                "select",
                { id: "period", class: "input" },
                this.periods.map((p) =>
                  h(
                    "option",
                    { value: p.id, selected: p.id === this.periodId },
                    `${p.id} · ${t(`state_${p.state}` as UiKey)}`,
                  ),
                ),
              ) as HTMLSelectElement;
              sel.addEventListener("change", () => {
                this.periodId = sel.value;
                void this.run("stepLoading", async () => {
                  await this.session!.loadBundle(this.periodId);
                  await this.refreshPeriod();
                });
              });
              return sel;
            })(),
          );
    const role = h(
      "div",
      { class: "who" },
      h(
        "span",
        { id: "role" },
        t("signedInAs", { role: t(`role_${me.role}` as UiKey) }),
        me.unitId ? ` · ${this.unitName(me.unitId)}` : "",
      ),
      h(
        "fluent-button",
        { id: "signout", size: "small", appearance: "subtle", onclick: () => this.signOut() },
        t("signOut"),
      ),
    );
    const view =
      me.role === "clerk"
        ? this.clerkView()
        : me.role === "voter"
          ? this.voterView()
          : me.role === "board"
            ? this.boardView()
            : this.secretariatView();
    return h("div", { class: "stack" }, role, periodSelect, view);
  }

  private button(id: string, label: UiKey, onclick: () => void, appearance = "secondary") {
    return h(
      "fluent-button",
      { id, appearance, disabled: this.running, "aria-disabled": this.running ? "true" : null, onclick },
      t(label),
    );
  }

  /** The clerk in a browser: the template workbook down, the filled file up (screens/webClerk.ts). */
  private webClerkView() {
    const unitId = this.me?.unitId ?? "";
    const returned = this.session?.bundle?.returned?.[unitId];
    return h(
      "div",
      { class: "stack" },
      returned
        ? h(
            "p",
            { class: "notice warning", role: "status", id: "returned" },
            t("returnedToYou", { at: dateTime(returned.at), reason: returned.reason }),
          )
        : null,
      webClerkScreen({
        state: this.webClerk,
        busy: this.running,
        download: () =>
          void this.run("stepLoading", async () => {
            const { blob, filename } = await this.api!.templateWorkbook(this.periodId, unitId);
            saveFile(blob, filename);
          }),
        upload: (file) =>
          void this.run("stepSending", async () => {
            try {
              const receipt = await this.api!.uploadWorkbook(this.periodId, unitId, file);
              this.webClerk = { receipt, problems: [] };
            } catch (e) {
              if (!(e instanceof ApiFailure) || e.status === 0 || e.status >= 500) throw e;
              const sheet = typeof e.params.sheet === "string" ? e.params.sheet : null;
              const errors = e.details.length ? e.details : [e.asError()];
              this.webClerk = { receipt: null, problems: errors.map((error) => ({ error, sheet })) };
            }
          }),
      }),
      h("h2", {}, t("blocTableTitle")),
      this.button("pull-table", "pullTable", () => void this.pullTable()),
      this.period?.state === "closed" ? null : h("p", { class: "hint" }, t("notPublished")),
    );
  }

  private clerkView() {
    if (this.opts.web) return this.webClerkView();
    const queued = this.outbox?.list().length ?? 0;
    const returned = this.session?.bundle?.returned?.[this.me?.unitId ?? ""];
    return h(
      "section",
      { class: "card", "aria-labelledby": "clerk-title" },
      h("h2", { id: "clerk-title" }, t("clerkTitle")),
      returned
        ? h(
            "p",
            { class: "notice warning", role: "status", id: "returned" },
            t("returnedToYou", { at: dateTime(returned.at), reason: returned.reason }),
          )
        : null,
      h("p", { class: "hint" }, t("pullHint", { sheet: "Tự chấm điểm" })),
      h(
        "div",
        { class: "actions" },
        this.button("pull", "pull", () => void this.pull(), "primary"),
        this.button("check", "check", () => void this.check()),
        this.button("push", "push", () => void this.push(), "primary"),
      ),
      queued
        ? h(
            "div",
            { class: "notice warning", role: "status" },
            t("queued", { count: queued }),
            " ",
            this.button("retry", "retryNow", () => void this.flushOutbox()),
          )
        : null,
      this.receiptView(),
      this.conflictView(),
      h("h2", {}, t("blocTableTitle")),
      // Always offered: the server answers RESULTS_NOT_PUBLISHED until the secretariat publishes.
      this.button("pull-table", "pullTable", () => void this.pullTable()),
      this.period?.state === "closed" ? null : h("p", { class: "hint" }, t("notPublished")),
    );
  }

  private receiptView() {
    const r = this.receipt;
    if (!r) return null;
    return h(
      "div",
      { class: "notice success receipt", role: "status", id: "receipt" },
      h("strong", {}, t("receiptTitle")),
      h("div", {}, t("receiptRevision", { revision: r.revision })),
      h(
        "div",
        {},
        t("receiptTotal", {
          total: points(r.totals.total),
          base: points(r.totals.base),
          bonus: points(r.totals.bonus),
          deduction: points(r.totals.deduction),
        }),
      ),
      h("div", {}, t("receiptAt", { at: dateTime(r.receivedAt) })),
      r.late ? h("div", {}, t("receiptLate")) : null,
      h("div", { class: "mono" }, t("receiptHash", { hash: r.contentHash.slice(0, 12) })),
    );
  }

  private conflictView() {
    const c = this.conflict;
    if (!c) return null;
    const p = c.failure.params;
    return h(
      "div",
      { class: "notice warning", role: "alert", id: "conflict" },
      h("strong", {}, t("conflictTitle")),
      h(
        "p",
        {},
        errorText({
          code: c.failure.code,
          params: { ...p, ...(p.at ? { at: dateTime(String(p.at)) } : {}) },
        }),
      ),
      c.changes.length
        ? h(
            "div",
            {},
            t("conflictChanges", { base: p.base ?? "?", latest: p.latest ?? "?" }),
            h(
              "ul",
              {},
              c.changes.map((ch) =>
                h(
                  "li",
                  {},
                  t("conflictChange", {
                    criterion: ch.criterion,
                    from: points(ch.from?.score ?? null),
                    to: points(ch.to?.score ?? null),
                  }),
                ),
              ),
            ),
          )
        : null,
      h("p", { class: "hint" }, t("conflictMergeHint")),
      this.button("merge", "conflictMerge", () => void this.merge(), "primary"),
    );
  }

  private secretariatView() {
    const state = this.period?.state;
    const next: Record<string, ["open" | "review" | "voting" | "closed", UiKey] | undefined> = {
      draft: ["open", "toOpen"],
      open: ["review", "toReview"],
      review: ["voting", "toVoting"],
      voting: ["closed", "toClosed"],
    };
    const step = state ? next[state] : undefined;
    return h(
      "div",
      { class: "stack" },
      h(
        "section",
        { class: "card", "aria-labelledby": "status-title" },
        h("h2", { id: "status-title" }, t("statusTitle")),
        this.button(
          "refresh",
          "refresh",
          () =>
            void this.run("stepLoading", async () => {
              await this.refreshPeriod();
            }),
        ),
        h(
          "ul",
          { class: "status-list", id: "status" },
          this.status.map((u) => this.statusRow(u)),
        ),
      ),
      h(
        "section",
        { class: "card", "aria-labelledby": "transition-title" },
        h("h2", { id: "transition-title" }, t("transitionsTitle")),
        h("p", {}, state ? t(`state_${state}` as UiKey) : ""),
        step ? this.button(`to-${step[0]}`, step[1], () => void this.transition(step[0]), "primary") : null,
        state === "draft" || state === "open" ? this.deadlineForm() : null,
        state === "closed" && this.me?.role === "council" ? this.reopenForm() : null,
      ),
      state === "review" || state === "voting" ? this.returnAndFlags() : null,
      state === "voting" || state === "closed" ? this.votingView() : null,
      state === "closed" ? this.boardView() : null,
      // A bloc's secretariat manages the codes of the units of the periods it runs now (not published).
      state !== "closed" || this.me?.role === "council" ? this.accessView() : null,
      this.me?.role === "council" && this.period && !this.hasNextYear(this.period)
        ? this.nextYearView(this.period)
        : null,
    );
  }

  /** Whether the bloc already has a period for the year after this one. */
  private hasNextYear(period: Period) {
    return this.periods.some((p) => p.blocId === period.blocId && p.year === period.year + 1);
  }

  /** Kỳ năm sau: the council makes next year's period of the bloc from the selected one, in draft. */
  private nextYearView(period: Period) {
    const year = period.year + 1;
    const when = h("input", {
      id: "next-deadline",
      class: "input",
      type: "datetime-local",
      value: this.nextDeadline,
    }) as HTMLInputElement;
    when.addEventListener("input", () => {
      this.nextDeadline = when.value;
    });
    return h(
      "section",
      { class: "card", "aria-labelledby": "next-year-title" },
      h("h2", { id: "next-year-title" }, t("nextYearTitle")),
      h("p", { class: "hint" }, t("nextYearHint", { year })),
      h("label", { class: "field", for: "next-deadline" }, h("span", {}, t("nextYearDeadline")), when),
      h(
        "fluent-button",
        {
          id: "create-next-year",
          appearance: "secondary",
          disabled: this.running,
          onclick: () => {
            const at = this.chosenInstant(this.nextDeadline);
            if (!at) return;
            void this.run("stepSending", async () => {
              const made = await this.api!.createPeriod(nextYearPeriod(period, at));
              this.nextDeadline = "";
              this.periodId = made.id;
              await this.session!.loadBundle(made.id);
              await this.refreshPeriod();
              this.notice = { kind: "success", text: () => t("nextYearOk", { id: made.id }) };
            });
          },
        },
        t("createNextYear", { year }),
      ),
    );
  }

  /** Mở lại kỳ: the council alone reopens a published period for review, with a reason (audited). */
  private reopenForm() {
    const reason = h("input", { id: "reopen-reason", class: "input", value: this.reopenReason }) as HTMLInputElement;
    reason.addEventListener("input", () => {
      this.reopenReason = reason.value;
    });
    return h(
      "div",
      { class: "stack", id: "reopen" },
      h("label", { class: "field", for: "reopen-reason" }, h("span", {}, t("reopenReason")), reason),
      this.button(
        "reopen-period",
        "reopenPeriod",
        () =>
          void this.run("stepSending", async () => {
            await this.api!.transition(this.periodId, "review", this.reopenReason);
            await this.refreshPeriod();
            this.reopenReason = "";
            this.notice = { kind: "success", text: () => t("transitionOk", { state: t("state_review") }) };
          }),
      ),
    );
  }

  /** The current deadline and, while the period is a draft or open, a new one with its reason. */
  private deadlineForm() {
    const current = this.period?.submissionDeadline;
    const when = h("input", {
      id: "deadline-input",
      class: "input",
      type: "datetime-local",
      value: this.deadlineDraft,
    }) as HTMLInputElement;
    when.addEventListener("input", () => {
      this.deadlineDraft = when.value;
    });
    const reason = h("input", {
      id: "deadline-reason",
      class: "input",
      value: this.deadlineReason,
    }) as HTMLInputElement;
    reason.addEventListener("input", () => {
      this.deadlineReason = reason.value;
    });
    return h(
      "div",
      { class: "stack", id: "deadline" },
      current ? h("p", { id: "deadline-now" }, t("deadlineNow", { deadline: dateTime(current) })) : null,
      h("label", { class: "field", for: "deadline-input" }, h("span", {}, t("deadlineNew")), when),
      h("label", { class: "field", for: "deadline-reason" }, h("span", {}, t("deadlineReason")), reason),
      this.button("extend-deadline", "extendDeadline", () => void this.extendDeadline()),
    );
  }

  private statusRow(u: UnitStatus) {
    const rev = u.latestRevision;
    const label =
      u.status === "returned"
        ? t("st_returned")
        : u.status === "accepted"
          ? t("st_accepted")
          : rev
            ? t("st_submitted", { revision: rev })
            : t("st_none");
    return h(
      "li",
      { class: "status-row", "data-unit": u.unitId },
      h("div", { class: "status-name" }, this.unitName(u.unitId)),
      h(
        "div",
        { class: `status-state ${rev ? (u.late ? "late" : "ok") : "none"}`, "data-status": u.status },
        label,
        rev ? ` · ${u.late ? t("late") : t("onTime")}` : "",
        u.at ? ` · ${dateTime(u.at)}` : "",
        u.total !== null ? ` · ${points(u.total)}` : "",
      ),
      u.returned ? h("div", { class: "hint" }, u.returned.reason) : null,
      rev
        ? h(
            "div",
            { class: "actions" },
            h(
              "fluent-button",
              {
                size: "small",
                disabled: this.running,
                onclick: () =>
                  void this.run("stepWriting", async () => {
                    await this.session!.openReadOnly(this.periodId, u.unitId);
                  }),
              },
              t("openSheet"),
            ),
            this.period?.state === "review"
              ? h(
                  "fluent-button",
                  {
                    size: "small",
                    disabled: this.running,
                    onclick: () =>
                      void this.run("stepWriting", async () => {
                        await this.session!.openReview(this.periodId, u.unitId);
                      }),
                  },
                  t("reviewSheet"),
                )
              : null,
          )
        : null,
    );
  }

  private reviewMetas() {
    return (this.session?.metas ?? []).filter((m) => m.mode === "review" && m.periodId === this.periodId);
  }

  private returnAndFlags() {
    // The chosen units survive redraws; the flag boxes show what the server holds for the chosen unit.
    const unitSelect = (id: string, selected: string, onChange: (v: string) => void) => {
      const sel = h(
        "select",
        { id, class: "input", "aria-label": t("colUnit") },
        this.status.map((u) =>
          h("option", { value: u.unitId, selected: u.unitId === selected }, this.unitName(u.unitId)),
        ),
      ) as HTMLSelectElement;
      sel.addEventListener("change", () => {
        onChange(sel.value);
        this.render();
      });
      return sel;
    };
    this.returnUnit ||= this.status[0]?.unitId ?? "";
    this.flagUnit ||= this.status[0]?.unitId ?? "";
    const retUnit = unitSelect("return-unit", this.returnUnit, (v) => {
      this.returnUnit = v;
    });
    const flagUnit = unitSelect("flag-unit", this.flagUnit, (v) => {
      this.flagUnit = v;
      this.flagReason = this.status.find((u) => u.unitId === v)?.flags?.reason ?? "";
    });
    const current = this.status.find((u) => u.unitId === this.flagUnit)?.flags;
    const reason = h("textarea", { id: "return-reason", class: "input", rows: 2 }) as HTMLTextAreaElement;
    reason.value = this.returnReason;
    reason.addEventListener("input", () => {
      this.returnReason = reason.value;
    });
    const violation = h("input", {
      type: "checkbox",
      id: "flag-violation",
      checked: current?.violation,
    }) as HTMLInputElement;
    const withdrawn = h("input", {
      type: "checkbox",
      id: "flag-withdrawn",
      checked: current?.withdrawn,
    }) as HTMLInputElement;
    const flagReason = h("input", { id: "flag-reason", class: "input", value: this.flagReason }) as HTMLInputElement;
    flagReason.addEventListener("input", () => {
      this.flagReason = flagReason.value;
    });
    const reviews = this.reviewMetas();
    return h(
      "section",
      { class: "card", "aria-labelledby": "review-title" },
      h("h2", { id: "review-title" }, t("reviewSheet")),
      reviews.map((m) =>
        h(
          "fluent-button",
          {
            size: "small",
            appearance: "primary",
            disabled: this.running,
            "data-review": m.unitId,
            onclick: () =>
              void this.run("stepSending", async () => {
                const r = await this.session!.pushReview(m);
                this.notice = r.ok
                  ? { kind: "success", text: () => t("reviewSaved", { unit: this.unitName(m.unitId) }) }
                  : {
                      kind: "error",
                      text: () => t("problems", { count: r.errors.length }),
                      items: this.problems(r.errors, m.sheetName),
                    };
              }),
          },
          `${t("pushReview")}: ${this.unitName(m.unitId)}`,
        ),
      ),
      h("h3", {}, t("returnSheet")),
      h("label", { class: "field", for: "return-unit" }, h("span", {}, t("colUnit")), retUnit),
      h("label", { class: "field", for: "return-reason" }, h("span", {}, t("returnReason")), reason),
      h(
        "fluent-button",
        {
          id: "return",
          disabled: this.running,
          onclick: () =>
            void this.run("stepSending", async () => {
              await this.api!.returnSheet(this.periodId, retUnit.value, this.returnReason);
              this.notice = { kind: "success", text: () => t("returnedOk", { unit: this.unitName(retUnit.value) }) };
              this.returnReason = "";
              await this.refreshPeriod();
            }),
        },
        t("returnSheet"),
      ),
      h("h3", {}, t("flags")),
      h("label", { class: "field", for: "flag-unit" }, h("span", {}, t("colUnit")), flagUnit),
      h("label", { class: "check" }, violation, t("flagViolation")),
      h("label", { class: "check" }, withdrawn, t("flagWithdrawn")),
      h("label", { class: "field", for: "flag-reason" }, h("span", {}, t("flagReason")), flagReason),
      h(
        "fluent-button",
        {
          id: "save-flags",
          disabled: this.running,
          onclick: () =>
            void this.run("stepSending", async () => {
              await this.api!.flags(this.periodId, flagUnit.value, {
                violation: violation.checked,
                withdrawn: withdrawn.checked,
                reason: this.flagReason,
              });
              const unit = flagUnit.value;
              this.notice = { kind: "success", text: () => t("flagsSaved", { unit: this.unitName(unit) }) };
              await this.refreshPeriod();
            }),
        },
        t("saveFlags"),
      ),
    );
  }

  /** Mã truy cập: the secretariat issues a new clerk's code for a member unit, lists the codes in use, revokes one. */
  private accessView() {
    this.accessUnit ||= this.status[0]?.unitId ?? "";
    const unit = h(
      "select",
      { id: "access-unit", class: "input", "aria-label": t("colUnit") },
      this.status.map((u) =>
        h("option", { value: u.unitId, selected: u.unitId === this.accessUnit }, this.unitName(u.unitId)),
      ),
    ) as HTMLSelectElement;
    unit.addEventListener("change", () => {
      this.accessUnit = unit.value;
    });
    const who = h("input", { id: "access-label", class: "input", value: this.accessLabel }) as HTMLInputElement;
    who.addEventListener("input", () => {
      this.accessLabel = who.value;
    });
    const now = Date.now();
    const inUse = (this.accessList ?? []).filter(
      (k) => !k.revokedAt && (!k.expiresAt || Date.parse(k.expiresAt) > now) && k.role === "clerk",
    );
    const loadList = async () => {
      this.accessList = await this.api!.tokens();
    };
    return h(
      "section",
      { class: "card", "aria-labelledby": "access-title" },
      h("h2", { id: "access-title" }, t("accessTitle")),
      h("p", { class: "hint" }, t("accessHint")),
      h("label", { class: "field", for: "access-unit" }, h("span", {}, t("colUnit")), unit),
      h("label", { class: "field", for: "access-label" }, h("span", {}, t("accessLabel")), who),
      this.button(
        "issue-clerk-code",
        "issueClerkCode",
        () =>
          void this.run("stepSending", async () => {
            const label = this.accessLabel.trim() || this.unitName(this.accessUnit);
            const made = await this.api!.issueToken({ role: "clerk", unitId: this.accessUnit, label });
            this.newCode = { who: made.label, unitId: this.accessUnit, code: made.token };
            this.accessLabel = "";
            if (this.accessList) await loadList();
          }),
      ),
      this.newCode
        ? h(
            "div",
            { class: "notice info", id: "new-code" },
            h("p", {}, t("codesShownOnce")),
            h(
              "p",
              {},
              t("newClerkCode", { who: this.newCode.who, unit: this.unitName(this.newCode.unitId) }),
              h("code", { class: "mono", id: "new-code-value" }, this.newCode.code),
            ),
            h(
              "fluent-button",
              {
                id: "print-code",
                appearance: "secondary",
                onclick: () => {
                  const c = this.newCode;
                  if (!c) return;
                  const slips = [{ role: t("role_clerk"), who: `${c.who} (${this.unitName(c.unitId)})`, code: c.code }];
                  openPrintSheet("printCodeSheet", {}, codeSlipSheet({ origin: this.appOrigin(), slips }));
                },
              },
              tw("printCodeSheet"),
            ),
          )
        : null,
      this.button("list-codes", "listCodes", () => void this.run("stepLoading", loadList)),
      this.accessList
        ? inUse.length
          ? h(
              "ul",
              { class: "status-list", id: "codes-in-use" },
              inUse.map((k) =>
                h(
                  "li",
                  { class: "status-row", "data-token": k.id },
                  h(
                    "div",
                    {},
                    t("codeLine", { who: k.label, unit: this.unitName(k.unitId ?? ""), at: dateTime(k.createdAt) }),
                  ),
                  h(
                    "fluent-button",
                    {
                      appearance: "secondary",
                      "data-revoke": k.id,
                      disabled: this.running,
                      onclick: () =>
                        void this.run("stepSending", async () => {
                          await this.api!.revokeToken(k.id);
                          if (this.newCode && k.label === this.newCode.who) this.newCode = null;
                          await loadList();
                          this.notice = { kind: "success", text: () => t("codeRevoked", { who: k.label }) };
                        }),
                    },
                    t("revokeCode"),
                  ),
                ),
              ),
            )
          : h("p", { class: "hint", id: "codes-in-use" }, t("noCodes"))
        : null,
    );
  }

  /** The voter slips of the codes just issued: one per unit, in the period's member order. */
  private printVoterSlips() {
    const p = this.period;
    const bloc = this.session?.bundle?.bloc.name ?? p?.blocId ?? "";
    const order = p?.members ?? [];
    const codes = [...this.codes].sort((a, b) => order.indexOf(a.unitId) - order.indexOf(b.unitId));
    const slips = codes.map((c) => ({ unitId: c.unitId, unitName: this.unitName(c.unitId), code: c.code }));
    openPrintSheet(
      "slipsFor",
      { count: slips.length },
      voterSlipSheet({ origin: this.appOrigin(), blocName: bloc, year: p?.year ?? 0, slips }),
    );
  }

  private votingView() {
    const paper = h("textarea", { id: "paper", class: "input", rows: 4 }) as HTMLTextAreaElement;
    paper.value = this.paper;
    paper.addEventListener("input", () => {
      this.paper = paper.value;
    });
    const tally = this.tally;
    return h(
      "section",
      { class: "card", "aria-labelledby": "voting-title" },
      h("h2", { id: "voting-title" }, t("votingTitle")),
      this.period?.state === "voting"
        ? [
            this.button(
              "issue-codes",
              "issueCodes",
              () =>
                void this.run("stepSending", async () => {
                  this.codes = await this.api!.voterCodes(this.periodId);
                }),
            ),
            this.codes.length
              ? h(
                  "div",
                  { class: "notice info", id: "codes" },
                  h("p", {}, t("codesShownOnce")),
                  h(
                    "fluent-button",
                    { id: "print-slips", appearance: "primary", onclick: () => this.printVoterSlips() },
                    tw("printSlips"),
                  ),
                  h(
                    "ul",
                    { class: "mono" },
                    this.codes.map((c) => h("li", {}, `${this.unitName(c.unitId)}: ${c.code}`)),
                  ),
                )
              : null,
            h("label", { class: "field", for: "paper" }, h("span", {}, t("paperBallots")), paper),
            h("p", { class: "hint" }, t("paperHint")),
            this.button(
              "save-paper",
              "savePaper",
              () =>
                void this.run("stepSending", async () => {
                  const ballots = this.paper.split("\n").map((l) => ({
                    choices: l
                      .split(",")
                      .map((s) => s.trim())
                      .filter(Boolean),
                  }));
                  await this.api!.paperBallots(this.periodId, ballots);
                  this.notice = { kind: "success", text: () => t("paperSaved", { count: ballots.length }) };
                }),
            ),
          ]
        : null,
      this.button(
        "tally",
        "tally",
        () =>
          void this.run("stepLoading", async () => {
            this.tally = await this.api!.tally(this.periodId);
          }),
      ),
      tally?.tally
        ? h(
            "div",
            { class: "notice info", id: "tally-result" },
            h(
              "p",
              {},
              t("tallyLine", {
                issued: tally.tally.issued,
                returned: tally.tally.returned,
                valid: tally.tally.valid,
                invalid: tally.tally.invalid,
              }),
            ),
            h("p", {}, t("tallyQuorum", { yes: tally.tally.quorumMet ? t("yes") : t("no") })),
            h(
              "ul",
              {},
              tally.tally.units.map((u) =>
                h(
                  "li",
                  {},
                  t("tallyUnit", {
                    unit: this.unitName(u.unitId),
                    votes: u.votes,
                    pct: points(u.sharePct / 100),
                    passed: u.passed ? t("passed") : t("notPassed"),
                  }),
                ),
              ),
            ),
          )
        : null,
    );
  }

  private boardView() {
    return h(
      "section",
      { class: "card", "aria-labelledby": "board-title" },
      h("h2", { id: "board-title" }, t("blocTableTitle")),
      this.period?.state === "closed"
        ? [
            h(
              "fluent-button",
              {
                id: "download-ranking",
                appearance: "primary",
                disabled: this.running,
                onclick: () =>
                  void this.run("stepLoading", async () => {
                    const { blob, filename } = await this.api!.rankingWorkbook(this.periodId);
                    saveFile(blob, filename);
                  }),
              },
              tw("downloadRanking"),
            ),
            this.opts.web ? null : this.button("pull-table", "pullTable", () => void this.pullTable(), "primary"),
            this.button(
              "copy-link",
              "boardLink",
              () =>
                void this.run("stepLoading", async () => {
                  if (!this.api) return;
                  const { url } = await this.api.rankingLink(this.periodId);
                  const copy = this.opts.copy ?? ((s: string) => navigator.clipboard.writeText(s));
                  // Where the clipboard is refused (some Office hosts), the link is still shown to copy by hand.
                  const copied = await copy(url).then(
                    () => true,
                    () => false,
                  );
                  this.notice = {
                    kind: copied ? "success" : "info",
                    text: () => `${copied ? t("linkCopied") : t("linkHere")} ${url}`,
                  };
                }),
            ),
          ]
        : h("p", { class: "hint" }, t("notPublished")),
    );
  }

  private voterView() {
    const units = this.session?.bundle?.units ?? this.voterMembers.map((id) => ({ id, name: id }));
    const max = this.session?.bundle?.rulebook.choicesPerBallot ?? 1;
    return ballotScreen({
      units,
      max,
      state: this.ballot,
      busy: this.running,
      update: (next) => {
        this.ballot = next;
        this.render();
      },
      cast: (choices) =>
        void this.run("stepSending", async () => {
          try {
            await this.api!.castBallot(choices);
            this.ballot = { ...this.ballot, phase: "done" };
          } catch (e) {
            const refusal = e instanceof ApiFailure ? ballotRefusal(e.code) : null;
            if (!refusal) throw e;
            this.ballot = { ...this.ballot, phase: "choose" };
            this.notice = { kind: "error", text: () => refusal };
          }
        }),
    });
  }

  private noticeView() {
    const n = this.notice;
    if (!n) return null;
    return h(
      "div",
      { class: `notice ${n.kind}`, role: n.kind === "error" ? "alert" : "status", id: "notice" },
      h("p", {}, n.text()),
      n.items?.length
        ? h(
            "ul",
            { class: "problems", id: "problems" },
            n.items.map((p) =>
              h(
                "li",
                {},
                h(
                  "button",
                  {
                    class: "problem",
                    type: "button",
                    "data-cell": p.cell ?? "",
                    disabled: !p.cell,
                    onclick: () => void this.select(p),
                  },
                  p.text(),
                ),
              ),
            ),
          )
        : null,
    );
  }
}
