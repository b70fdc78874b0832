/**
 * The task pane's shell (khung ngăn tác vụ): sign-in, the period, the screens each role sees (`screens/index.ts`),
 * notices, progress and the language. Every string comes from the typed catalogue (`i18n.ts`) or the core's error
 * catalogue; every action shows progress when it takes longer than half a second; everything is reachable with the
 * keyboard; the layout fits a 320 px pane.
 */
import type { DomainError, Locale, Period } from "../../../shared/src/index.ts";
import { ApiClient, ApiFailure } from "../api.ts";
import type { WorkbookGateway } from "../excel/gateway.ts";
import { errorText, locale, setLocale, t, type UiKey } from "../i18n.ts";
import { type KeyValueStore, Outbox } from "../outbox.ts";
import { Session } from "../session.ts";
import { h, inputValue } from "./dom.ts";
import { type Notice, type PaneContext, type PaneState, type Problem, type Screen, screensFor } from "./screen.ts";
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
  private retryTimer: ReturnType<typeof setInterval> | null = null;
  /** Each screen's drafts, by screen id; dropped on sign-out. */
  private locals = new Map<string, unknown>();
  private readonly screens: readonly Screen<unknown>[];

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
    if (!this.server) this.server = opts.defaultServer;
    globalThis.addEventListener?.("online", () => void this.flushOutbox());
    this.render();
  }

  // ------------------------------------------------------------------------------------------------ plumbing

  async run(label: UiKey, fn: () => Promise<void>) {
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
    this.notice = { kind: "error", text: () => t("deadlineMissing") };
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
  private context(s: SignedIn): PaneContext {
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
      run: (label, fn) => this.run(label, fn),
      notify: (n) => {
        this.notice = n;
      },
      render: () => this.render(),
      refreshPeriod: () => this.refreshPeriod(),
      flushOutbox: () => this.flushOutbox(),
      scheduleRetry: () => this.scheduleRetry(),
      unitName: (id) => this.unitName(id),
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
      const me = await api.me();
      const key = `thidua.outbox.${api.base}.${me.unitId ?? me.role}`;
      const outbox = new Outbox(this.opts.store, key, (item) => api.push(item.periodId, item.unitId, item.body));
      const session = new Session(this.opts.gateway, api, outbox);
      const state: PaneState = {
        me,
        periods: [],
        periodId: "",
        status: [],
        receipt: null,
        conflict: null,
        voterMembers: [],
      };
      this.signed = { api, session, outbox, state };
      this.locals.clear();
      if (this.remember) this.opts.store.setItem(STORE_KEY, JSON.stringify({ server: this.server, token: this.token }));
      else this.opts.store.removeItem(STORE_KEY);
      if (me.role !== "voter" && me.role !== "trustee") {
        state.periods = await api.periods();
        const open = state.periods.find((p) => p.state !== "draft") ?? state.periods[0];
        state.periodId = open?.id ?? "";
      } else if (me.role === "trustee") {
        // A trustee code reaches one period's vote, and only its public state (GET .../voting/election).
        state.periodId = me.periodId ?? "";
      } else {
        state.periodId = me.periodId ?? "";
        state.voterMembers = state.periodId
          ? ((await api.period(state.periodId).catch(() => null))?.members ?? [])
          : [];
      }
      if (state.periodId && me.role !== "trustee") await session.loadBundle(state.periodId).catch(() => null);
      await session.recognise().catch(() => []);
      if (me.role === "secretariat" || me.role === "council" || me.role === "board")
        state.status = state.periodId ? await api.status(state.periodId).catch(() => []) : [];
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
    if (["secretariat", "council", "board"].includes(s.state.me.role))
      s.state.status = await s.api.status(s.state.periodId).catch(() => []);
  }

  private async select(p: Problem) {
    if (!p.cell || !p.sheet) return;
    await this.opts.gateway.selectCell(p.sheet, p.cell);
  }

  // ------------------------------------------------------------------------------------------------ rendering

  render() {
    const active = document.activeElement?.id;
    const parts = [
      this.header(),
      this.opts.demo ? h("p", { class: "demo-note", role: "note" }, t("demoNote")) : null,
      this.requirementNote(),
      this.progress(),
      this.signed ? this.signedIn(this.signed) : this.signInForm(),
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
      h("h2", { id: "signin-title" }, t("signInTitle")),
      this.field("server", "serverLabel", this.server, (v) => {
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

  private periodSelect(s: SignedIn) {
    const sel = h(
      "select",
      { id: "period", class: "input" },
      s.state.periods.map((p) =>
        h(
          "option",
          { value: p.id, selected: p.id === s.state.periodId },
          `${p.id} · ${t(`state_${p.state}` as UiKey)}`,
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
        { id: "signout", size: "small", appearance: "subtle", onclick: () => this.signOut() },
        t("signOut"),
      ),
    );
    const ctx = this.context(s);
    const views = screensFor(this.screens, ctx).map((screen) => {
      if (!this.locals.has(screen.id)) this.locals.set(screen.id, screen.initial());
      return screen.render(ctx, this.locals.get(screen.id));
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
