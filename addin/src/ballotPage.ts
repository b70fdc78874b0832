/**
 * The web app's ballot page (trang phiếu bầu), the address a voter slip's QR code opens (`/ballot#code=…`) on a
 * phone in the meeting hall. An entry point of its own, apart from the pane (`main.ts`): plain accessible HTML and
 * the browser's own buttons, no Fluent web components, no shell, and a single API call (`GET /me/ballot`: the member
 * units by name and the rulebook's number), so that the ballot is on screen in under a second on a slow phone
 * (bench/RESULTS-web.md). It draws the same view as the pane's ballot screen (`ui/ballotView.ts`).
 */
import { ApiClient, ApiFailure } from "./api.ts";
import { takeFragmentCode } from "./fragment.ts";
import { errorText, locale, setLocale, t } from "./i18n.ts";
import { type BallotState, ballotRefusal, initialBallot, renderBallot } from "./ui/ballotView.ts";
import { h } from "./ui/dom.ts";
import { tw } from "./ui/webText.ts";
import "./styles.css";
import "./ui/screens/web.css";

/** What `GET /api/v1/me/ballot` answers. */
interface VoterBallot {
  periodId: string;
  choicesPerBallot: number;
  units: { id: string; name: string }[];
}

interface Page {
  code: string | null;
  ballot: VoterBallot | null;
  state: BallotState;
  busy: boolean;
  /** A refusal or failure to show, as a function so that switching the language redraws it. */
  error: (() => string) | null;
}

const page: Page = { code: takeFragmentCode(), ballot: null, state: initialBallot(), busy: false, error: null };
const root = document.getElementById("app")!;

function failure(e: unknown): () => string {
  if (e instanceof ApiFailure) {
    const refusal = ballotRefusal(e.code);
    return refusal ? () => ballotRefusal(e.code)! : () => errorText(e.asError());
  }
  return () => t("unknownError");
}

async function load(code: string) {
  // The request leaves before anything is drawn: on a slow phone the first draw costs as much as the round trip.
  const answer = new ApiClient(location.origin, code).request<VoterBallot>("GET", "/me/ballot");
  page.busy = true;
  page.error = null;
  draw();
  try {
    page.ballot = await answer;
    page.code = code;
    page.state = initialBallot();
  } catch (e) {
    page.ballot = null;
    page.code = null;
    page.error = failure(e);
  } finally {
    page.busy = false;
    draw();
  }
}

async function cast(choices: string[]) {
  if (!page.code) return;
  page.busy = true;
  page.error = null;
  draw();
  try {
    await new ApiClient(location.origin, page.code).castBallot(choices);
    page.state = { ...page.state, phase: "done" };
  } catch (e) {
    page.error = failure(e);
    // A refused code cannot vote any more: the ballot goes away with the answer. Anything else (the network) keeps
    // the confirmation, so the voter can press again.
    if (e instanceof ApiFailure && ballotRefusal(e.code)) page.ballot = null;
  } finally {
    page.busy = false;
    draw();
  }
}

/** Where to type the code when the slip was not scanned (or its code was refused). */
function codeForm(): HTMLElement {
  const input = h("input", {
    id: "ballot-code",
    class: "input",
    type: "text",
    autocomplete: "off",
    autocapitalize: "characters",
    spellcheck: "false",
    required: true,
  }) as HTMLInputElement;
  const form = h(
    "form",
    { class: "card stack", id: "ballot-code-form" },
    h("label", { for: "ballot-code" }, tw("ballotEnterCode")),
    input,
    h("button", { type: "submit", class: "btn primary", id: "ballot-open", disabled: page.busy }, tw("ballotOpen")),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const code = input.value.trim();
    if (code) void load(code);
  });
  return form;
}

function draw() {
  document.documentElement.lang = locale();
  document.title = `${t("ballotTitle")} – ${t("appTitle")}`;
  const other = locale() === "vi" ? "en" : "vi";
  const header = h(
    "header",
    { class: "pane-header" },
    h("div", {}, h("h1", {}, t("appTitle")), h("p", { class: "hint" }, t("role_voter"))),
    h(
      "button",
      {
        type: "button",
        class: "btn secondary",
        id: "lang",
        lang: other,
        "aria-label": other === "en" ? t("langEn") : t("langVi"),
        onclick: () => {
          setLocale(other);
          draw();
        },
      },
      other === "en" ? t("langShortEn") : t("langShortVi"),
    ),
  );
  const error = page.error
    ? h("p", { class: "notice error", role: "alert", id: "ballot-refused" }, page.error())
    : null;
  const body = page.ballot
    ? renderBallot({
        units: page.ballot.units,
        max: page.ballot.choicesPerBallot,
        state: page.state,
        busy: page.busy,
        button: "button",
        update: (next) => {
          page.state = next;
          draw();
        },
        cast: (choices) => void cast(choices),
      })
    : page.busy
      ? h("p", { class: "hint", role: "status" }, t("working"))
      : codeForm();
  root.setAttribute("aria-busy", String(page.busy));
  root.replaceChildren(header, error ?? "", body);
  if (page.ballot && page.state.phase === "choose" && !performance.getEntriesByName("thidua:ballot-drawn").length)
    performance.mark("thidua:ballot-drawn");
}

if (page.code) void load(page.code);
else draw();
