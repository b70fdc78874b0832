/**
 * The task pane's shell (khung ngăn tác vụ): sign-in, the period, the screens each role sees (`screens/index.ts`),
 * notices, progress and the language. Every string comes from the typed catalogue (`i18n.ts`) or the core's error
 * catalogue; every action shows progress when it takes longer than half a second; everything is reachable with the
 * keyboard; the layout fits a 320 px pane.
 */
import type { DomainError, Locale, Period } from "../../../shared/src/index.ts";
import { ApiClient, ApiFailure } from "../api.ts";
import type { WorkbookGateway } from "../excel/gateway.ts";
import { errorText, gatewayFailureText, locale, setLocale, t, type UiKey } from "../i18n.ts";
import { type KeyValueStore, Outbox } from "../outbox.ts";
import { Session } from "../session.ts";
import { h, inputValue } from "./dom.ts";
import {
  type Confirmation,
  type Notice,
  type PaneContext,
  type PaneState,
  type Problem,
  type Screen,
  screensFor,
} from "./screen.ts";
import { ballotRefusal } from "./screens/ballot.ts";
import { SCREENS } from "./screens/index.ts";

const STORE_KEY = "thidua.signin";
const LANG_KEY = "thidua.lang";
/** How often a waiting push is retried. */
const RETRY_MS = 10_000;

export interface ShellOptions {
  gateway: WorkbookGateway;
  store: KeyValueStore;
  demo: boolean;
  defaultServer: string;
  /** Where "copy link" puts text; the clipboard by default. */
  copy?: (text: string) => Promise<void>;
  /** The screens on offer; `SCREENS` by default. */
  screens?: readonly Screen<unknown>[];
  /** The web app (served by the Worker on the API's origin): no server field, web screens instead of the workbook. */
  web?: boolean;
  /** An access or voter code from the URL fragment: signed in with at once, never remembered. */
  code?: string | null;
}

/** What exists once signed in. */
interface SignedIn {
  api: ApiClient;
  session: Session;
  outbox: Outbox;
  state: PaneState;
}

export class Shell {
  readonly root = h("main", { class: "pane" });
  private server = "";
  private token = "";
  private remember = true;
  private signed: SignedIn | null = null;
  private busy: string | null = null;
  private running = false;
  private notice: Notice | null = null;
  /** The screen whose action is running, so that its notice is drawn beside it. */
  private acting: string | undefined;
  /** An open confirmation: which screen asked, and how to answer. */
  private asking: { screen: string; c: Confirmation; answer: (v: string) => void } | null = null;
  /** Where the focus goes after the next redraw (a new result), instead of staying where it was. */
  private focusNext: string | null = null;
  /** Whether this screen's notice has been drawn during the current redraw. */
  private placed = false;
  private retryTimer: ReturnType<typeof setInterval> | null = null;
  /** Each screen's drafts, by screen id; dropped on sign-out. */
  private locals = new Map<string, unknown>();
  private readonly screens: readonly Screen<unknown>[];
  /** Bloc names by id, to name periods. */
  private blocNames = new Map<string, string>();
  /** Why a slip's code cannot vote (used, expired, voting closed), shown instead of the sign-in error. */
  private ballotRefused: string | null = null;

  constructor(private readonly opts: ShellOptions) {
    this.screens = opts.screens ?? SCREENS;
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
    // The web app talks only to the origin that served it (its policy allows no other), whatever was remembered.
    if (!this.server || opts.web) this.server = opts.defaultServer;
    globalThis.addEventListener?.("online", () => void this.flushOutbox());
    if (opts.web) this.root.classList.add("web");
    if (opts.code) {
      this.token = opts.code;
      this.remember = false;
    }
    this.render();
    if (opts.code) void this.signIn();
  }

  /** The web app's ballot address (/ballot), where a slip's QR code leads. */
  private onBallotPage(): boolean {
    return !!this.opts.web && (globalThis.location?.pathname ?? "").startsWith("/ballot");
  }

  // ------------------------------------------------------------------------------------------------ plumbing

  async run(label: UiKey, fn: () => Promise<void>, screen?: string) {
    if (this.running) return;
    // Where the user acted: the focus returns there when the action shows no new result.
    const origin = globalThis.document?.activeElement?.id || null;
    this.running = true;
    this.acting = screen;
    this.notice = null;
    this.asking?.answer("cancel");
    this.asking = null;
    const timer = setTimeout(() => {
      this.busy = t(label);
      this.render();
    }, 500);
    this.render();
    try {
      await fn();
    } catch (e) {
      this.setNotice({ kind: "error", text: () => this.failureText(e) });
    } finally {
      clearTimeout(timer);
      this.busy = null;
      this.running = false;
      this.acting = undefined;
      // The result, when there is one, takes the focus (and is read out); otherwise the focus stays on the control.
      if (this.notice) this.focusNext = "notice";
      else this.focusNext ??= origin;
      this.render();
      // In a long pane (the secretariat's) the outcome would otherwise appear out of sight of the button clicked.
      if (this.notice) globalThis.document?.getElementById("notice")?.scrollIntoView?.({ block: "nearest" });
    }
  }

  private setNotice(n: Notice | null, screen = this.acting) {
    this.notice = n ? { ...n, ...(screen ? { screen } : {}) } : null;
  }

  private confirm(screen: string, c: Confirmation): Promise<string> {
    this.asking?.answer("cancel");
    return new Promise((resolve) => {
      this.notice = null;
      this.asking = {
        screen,
        c,
        answer: (v) => {
          this.asking = null;
          resolve(v);
        },
      };
      this.focusNext = "confirm-cancel";
      this.render();
    });
  }

  private failureText(e: unknown): string {
    if (e instanceof ApiFailure) return errorText(e.asError());
    const excel = gatewayFailureText(e);
    if (excel) return excel;
    return t("unknownError") + (e instanceof Error ? ` (${e.message})` : "");
  }

  private problems(errors: readonly DomainError[], sheet?: string): Problem[] {
    return errors.map((e) => ({
      text: () => errorText(e),
      ...(e.cell ? { cell: e.cell } : {}),
      ...(sheet ? { sheet } : {}),
    }));
  }

  private period(): Period | undefined {
    const s = this.signed?.state;
    return s?.periods.find((p) => p.id === s.periodId);
  }

  private setLang(l: Locale) {
    setLocale(l);
    this.opts.store.setItem(LANG_KEY, l);
    globalThis.dispatchEvent?.(new Event("thidua:locale"));
    this.render();
  }

  private periodName(p: Period) {
    const bloc =
      this.blocNames.get(p.blocId) ??
      (this.signed?.session.bundle?.bloc.id === p.blocId ? this.signed.session.bundle.bloc.name : p.blocId);
    return t("periodName", { bloc, year: p.year });
  }

  private unitName(id: string) {
    const u = this.signed?.session.bundle?.units.find((x) => x.id === id);
    return u?.shortName ?? id;
  }

  /**
   * The instant a date-time field names (it holds local time, as people read their own clock), as ISO 8601; null,
   * with the notice said, when nothing usable was chosen.
   */
  private chosenInstant(local: string): string | null {
    const when = local ? new Date(local) : null;
    if (when && !Number.isNaN(when.getTime())) return when.toISOString();
    this.setNotice({ kind: "error", text: () => t("deadlineMissing") });
    this.focusNext = "notice";
    this.render();
    return null;
  }

  private button(id: string, label: UiKey, onclick: () => void, appearance = "secondary") {
    return h(
      "fluent-button",
      { id, appearance, disabled: this.running, "aria-disabled": this.running ? "true" : null, onclick },
      t(label),
    );
  }

  /** What the screens see: the signed-in state and the shell's services. */
  private context(s: SignedIn, screen: string): PaneContext {
    const shell = this;
    return {
      state: s.state,
      get period() {
        return shell.period();
      },
      get running() {
        return shell.running;
      },
      api: s.api,
      session: s.session,
      gateway: this.opts.gateway,
      outbox: s.outbox,
      copy: this.opts.copy ?? ((text: string) => navigator.clipboard.writeText(text)),
      web: !!this.opts.web,
      // The Worker serves the web app on the API's own origin.
      appOrigin: new URL(s.api.base).origin,
      run: (label, fn) => this.run(label, fn, screen),
      notify: (n) => this.setNotice(n, screen),
      confirm: (c) => this.confirm(screen, c),
      noticeHere: () => this.noticeFor(screen),
      focus: (id) => {
        this.focusNext = id;
      },
      render: () => this.render(),
      refreshPeriod: () => this.refreshPeriod(),
      flushOutbox: () => this.flushOutbox(),
      scheduleRetry: () => this.scheduleRetry(),
      unitName: (id) => this.unitName(id),
      periodName: (p) => this.periodName(p),
      problems: (errors, sheet) => this.problems(errors, sheet),
      failureText: (e) => this.failureText(e),
      chosenInstant: (local) => this.chosenInstant(local),
      button: (id, label, onclick, appearance) => this.button(id, label, onclick, appearance),
    };
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
      const key = `thidua.outbox.${api.base}.${me.unitId ?? me.role}`;
      const outbox = new Outbox(this.opts.store, key, (item) => api.push(item.periodId, item.unitId, item.body));
      const session = new Session(this.opts.gateway, api, outbox);
      const state: PaneState = {
        me,
        periods: [],
        periodId: "",
        status: [],
        table: null,
        receipt: null,
        conflict: null,
        voterMembers: [],
      };
      this.signed = { api, session, outbox, state };
      this.locals.clear();
      if (this.remember) this.opts.store.setItem(STORE_KEY, JSON.stringify({ server: this.server, token: this.token }));
      else this.opts.store.removeItem(STORE_KEY);
      if (me.role !== "voter" && me.role !== "trustee") {
        const [periods, blocs] = await Promise.all([
          api.periods(),
          api.request<{ blocs: { id: string; name: string }[] }>("GET", "/blocs").catch(() => ({ blocs: [] })),
        ]);
        state.periods = periods;
        this.blocNames = new Map(blocs.blocs.map((b) => [b.id, b.name]));
        const open = state.periods.find((p) => p.state !== "draft") ?? state.periods[0];
        state.periodId = open?.id ?? "";
      } else if (me.role === "trustee") {
        // A trustee code reaches one period's vote, and only its public state (GET .../voting/election).
        state.periodId = me.periodId ?? "";
      } else {
        // The sheet bundle (loaded below) names the member units and the rulebook's number of choices.
        state.periodId = me.periodId ?? "";
      }
      if (state.periodId && me.role !== "trustee") await session.loadBundle(state.periodId).catch(() => null);
      await session.recognise().catch(() => []);
      if (me.role === "secretariat" || me.role === "council" || me.role === "board") await this.loadStatus();
    });
    void this.flushOutbox();
    this.scheduleRetry();
  }

  private signOut() {
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = null;
    this.opts.store.removeItem(STORE_KEY);
    this.signed = null;
    this.locals.clear();
    this.token = "";
    this.notice = null;
    this.render();
  }

  /**
   * While something waits in the outbox, retry every `RETRY_MS` as well as on the browser's `online` event (which
   * never fires when the network was up but the server was not reachable).
   */
  private scheduleRetry() {
    if (this.retryTimer || !this.signed?.outbox.list().length) return;
    this.retryTimer = setInterval(() => {
      if (!this.signed?.outbox.list().length) {
        clearInterval(this.retryTimer!);
        this.retryTimer = null;
        return;
      }
      void this.flushOutbox();
    }, RETRY_MS);
  }

  private async flushOutbox() {
    const s = this.signed;
    if (!s || !s.outbox.list().length) return;
    const results = await s.outbox.flush();
    for (const r of results) {
      const meta = s.session.metas.find((m) => m.sheetName === r.item.sheetName);
      if (r.ok) {
        s.state.receipt = r.receipt;
        // The re-push went through: the returned notice goes.
        if (s.session.bundle?.returned) delete s.session.bundle.returned[r.item.unitId];
        if (meta) await s.session.accepted(meta, r.receipt).catch(() => undefined);
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
    const s = this.signed;
    if (!s) return;
    s.state.periods = await s.api.periods();
    if (["secretariat", "council", "board"].includes(s.state.me.role)) await this.loadStatus();
  }

  /** The status list and the bloc table as they stand (the table explains totals, bands and ranks). */
  private async loadStatus() {
    const s = this.signed;
    if (!s) return;
    const id = s.state.periodId;
    [s.state.status, s.state.table] = id
      ? await Promise.all([s.api.status(id).catch(() => []), s.api.table(id).catch(() => null)])
      : [[], null];
  }

  private async select(p: Problem) {
    if (!p.cell || !p.sheet) return;
    // By the sheet's id when the pane laid it out, so a clerk's rename does not lose the cell.
    const meta = this.signed?.session.metas.find((m) => m.sheetName === p.sheet);
    await this.opts.gateway.selectCell(meta ?? p.sheet, p.cell);
  }

  // ------------------------------------------------------------------------------------------------ rendering

  render() {
    const active = document.activeElement?.id;
    this.drawnNotice = false;
    const parts = [
      this.header(),
      this.opts.demo ? h("p", { class: "demo-note", role: "note" }, t("demoNote")) : null,
      this.requirementNote(),
      this.opts.store.persistent === false
        ? h("p", { class: "notice warning", role: "note", id: "storage-note" }, t("storageMemoryOnly"))
        : null,
      this.progress(),
      this.ballotRefused && !this.signed
        ? h("p", { class: "notice error", role: "alert", id: "ballot-refused" }, this.ballotRefused)
        : null,
      this.signed ? this.signedIn(this.signed) : this.signInForm(),
    ];
    // A notice no shown screen took (sign-in, the outbox, a screen that went away) goes under the cards.
    if (!this.drawnNotice) parts.push(this.noticeView());
    this.drawnNotice = false;
    this.root.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
    this.root.setAttribute("aria-busy", this.running ? "true" : "false");
    const target = this.focusNext ?? active;
    this.focusNext = null;
    if (target) document.getElementById(target)?.focus();
  }

  /** Set while drawing once a screen has taken the notice or the confirmation. */
  private drawnNotice = false;

  /** The notice or confirmation of a screen, marking it as drawn; null when it belongs elsewhere. */
  private noticeFor(screen: string): HTMLElement | null {
    if (this.asking?.screen === screen) {
      this.placed = true;
      this.drawnNotice = true;
      return this.confirmView(this.asking);
    }
    if (this.notice && this.notice.screen === screen) {
      this.placed = true;
      this.drawnNotice = true;
      return this.noticeView();
    }
    return null;
  }

  private confirmView(a: { c: Confirmation; answer: (v: string) => void }) {
    const answer = (v: string) => {
      a.answer(v);
      this.render();
    };
    const box = h(
      "div",
      { class: "notice warning confirm", role: "alertdialog", id: "confirm", "aria-labelledby": "confirm-text" },
      h("p", { id: "confirm-text" }, a.c.text()),
      a.c.items?.length
        ? h(
            "ul",
            { id: "confirm-items" },
            a.c.items.map((i) => h("li", {}, i())),
          )
        : null,
      h(
        "div",
        { class: "actions" },
        h(
          "fluent-button",
          { id: "confirm-yes", appearance: "primary", onclick: () => answer("confirm") },
          t(a.c.confirm),
        ),
        (a.c.also ?? []).map((x) =>
          h(
            "fluent-button",
            { id: `confirm-${x.value}`, appearance: "secondary", onclick: () => answer(x.value) },
            t(x.label),
          ),
        ),
        h(
          "fluent-button",
          { id: "confirm-cancel", appearance: "secondary", onclick: () => answer("cancel") },
          t("cancel"),
        ),
      ),
    );
    box.addEventListener("keydown", (e) => {
      if (e.key === "Escape") answer("cancel");
    });
    return box;
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
    // The web app has no workbook, so no Excel version to fall short.
    if (c.dataValidation || c.host === "web") return null;
    const missing = [t("featureValidation"), ...(c.printSetup ? [] : [t("featurePrint")])].join(", ");
    return h("p", { class: "notice warning", role: "note", id: "requirement-note" }, t("requirementNote", { missing }));
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
    // Enter in a field signs in: a Fluent submit button does not make the browser submit the form by itself.
    form.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && e.target instanceof HTMLInputElement && e.target.type !== "checkbox") {
        e.preventDefault();
        void this.signIn();
      }
    });
    form.querySelector("#signin-button")?.addEventListener("click", () => void this.signIn());
    return form;
  }

  private periodSelect(s: SignedIn) {
    const sel = h(
      "select",
      { id: "period", class: "input" },
      s.state.periods.map((p) =>
        h(
          "option",
          { value: p.id, selected: p.id === s.state.periodId },
          `${this.periodName(p)} · ${t(`state_${p.state}` as UiKey)}`,
        ),
      ),
    ) as HTMLSelectElement;
    sel.addEventListener("change", () => {
      s.state.periodId = sel.value;
      void this.run("stepLoading", async () => {
        await s.session.loadBundle(s.state.periodId);
        await this.refreshPeriod();
      });
    });
    return h("label", { class: "field", for: "period" }, h("span", {}, t("periodLabel")), sel);
  }

  private signedIn(s: SignedIn) {
    const me = s.state.me;
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
        { id: "signout", class: "nowrap", size: "small", appearance: "subtle", onclick: () => this.signOut() },
        t("signOut"),
      ),
    );
    const shown = screensFor(this.screens, this.context(s, ""));
    const views = shown.map((screen) => {
      if (!this.locals.has(screen.id)) this.locals.set(screen.id, screen.initial());
      this.placed = false;
      const drawn = screen.render(this.context(s, screen.id), this.locals.get(screen.id));
      const nodes = drawn === null ? [] : Array.isArray(drawn) ? drawn : [drawn];
      // A screen that did not place its notice gets it right after itself.
      const own = this.placed ? null : this.noticeFor(screen.id);
      return own ? [...nodes, own] : nodes;
    });
    return h(
      "div",
      { class: "stack" },
      role,
      me.role === "voter" || me.role === "trustee" ? null : this.periodSelect(s),
      h("div", { class: "stack", id: "screens" }, views.flat()),
    );
  }

  private noticeView() {
    const n = this.notice;
    if (!n) return null;
    return h(
      "div",
      { class: `notice ${n.kind}`, role: n.kind === "error" ? "alert" : "status", id: "notice", tabindex: -1 },
      h("p", {}, n.text()),
      n.items?.length
        ? h(
            "ul",
            { class: "problems", id: "problems" },
            n.items.map((p, i) =>
              h(
                "li",
                {},
                h(
                  "button",
                  {
                    id: `problem-${i}`,
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
