/**
 * What a screen of the pane (màn hình) is and what it may use. The shell (`shell.ts`) owns sign-in, the period, the
 * notices, the progress bar and the language; a screen is a plain object that says which roles see it and draws
 * itself from the pane's state and its own drafts. Screens reach the server only through `ctx.api` and the workbook
 * only through `ctx.gateway` / `ctx.session`.
 *
 * To add a screen: write `screens/<name>.ts` exporting `defineScreen({...})` and list it in `screens/index.ts`.
 */
import type { DomainError, Period } from "../../../shared/src/index.ts";
import type { ApiClient, ApiFailure, EntryChange, Me, UnitStatus } from "../api.ts";
import type { AddinMeta, WorkbookGateway } from "../excel/gateway.ts";
import type { UiKey } from "../i18n.ts";
import type { Outbox } from "../outbox.ts";
import type { PushOutcome, Session } from "../session.ts";

/** Texts are kept as functions so that switching the language redraws them in the other language. */
export type Notice = { kind: "info" | "success" | "error" | "warning"; text: () => string; items?: Problem[] };
/** One line of an error list; with a cell, pressing it selects that cell. */
export type Problem = { text: () => string; cell?: string; sheet?: string };

export type Role = Me["role"];
export type Receipt = Extract<PushOutcome, { kind: "receipt" }>["receipt"];
export type Conflict = { meta: AddinMeta; failure: ApiFailure; changes: EntryChange[] };

/** The signed-in pane's state, shared by the shell and every screen (screens may change it, then `ctx.render()`). */
export interface PaneState {
  me: Me;
  periods: Period[];
  periodId: string;
  /** Every member unit's latest submission (secretariat, council, board). */
  status: UnitStatus[];
  /** The clerk's last push receipt, also set when the outbox delivers a queued push. */
  receipt: Receipt | null;
  conflict: Conflict | null;
  /** A voter code may read its period (member ids) but not the sheet bundle. */
  voterMembers: string[];
}

/** What the shell hands each screen. */
export interface PaneContext {
  readonly state: PaneState;
  /** The chosen period, if the list holds it. */
  readonly period: Period | undefined;
  /** Whether an action is under way (buttons are disabled meanwhile). */
  readonly running: boolean;
  readonly api: ApiClient;
  readonly session: Session;
  readonly gateway: WorkbookGateway;
  readonly outbox: Outbox | null;
  /** Where "copy link" puts text. */
  readonly copy: (text: string) => Promise<void>;
  /** Runs an action with the progress bar (after half a second), one at a time; a throw becomes an error notice. */
  run(label: UiKey, fn: () => Promise<void>): Promise<void>;
  notify(n: Notice | null): void;
  render(): void;
  /** Reloads the periods and, for the secretariat, council and board, the status list. */
  refreshPeriod(): Promise<void>;
  flushOutbox(): Promise<void>;
  scheduleRetry(): void;
  unitName(id: string): string;
  problems(errors: readonly DomainError[], sheet?: string): Problem[];
  failureText(e: unknown): string;
  /** A date-time field's value as ISO 8601; null, with an error notice, when nothing usable was chosen. */
  chosenInstant(local: string): string | null;
  /** A Fluent button disabled while an action runs. */
  button(id: string, label: UiKey, onclick: () => void, appearance?: string): HTMLElement;
}

/** A screen: who sees it, its name, and how it draws itself. `S` is its own drafts, kept across redraws. */
export interface Screen<S = unknown> {
  /** Unique; also the id of its navigation entry. */
  id: string;
  roles: readonly Role[];
  /** Its name in the navigation. */
  label: UiKey;
  /** Whether it shows now (e.g. only while the period is in review); always when absent. */
  shows?: (ctx: PaneContext) => boolean;
  /** Its drafts (form fields, choices) on sign-in; dropped on sign-out. */
  initial: () => S;
  render: (ctx: PaneContext, local: S) => Node | Node[] | null;
}

/** Types a screen's drafts while letting screens of different drafts share one list. */
export function defineScreen<S>(screen: Screen<S>): Screen<unknown> {
  return screen as unknown as Screen<unknown>;
}

/** The screens a role sees now, in the registry's order. */
export function screensFor(screens: readonly Screen<unknown>[], ctx: PaneContext): Screen<unknown>[] {
  return screens.filter((s) => s.roles.includes(ctx.state.me.role) && (s.shows?.(ctx) ?? true));
}
