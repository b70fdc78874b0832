/**
 * The web app's ballot page (trang phiếu bầu), the address a voter slip's QR code opens (`/ballot#code=…`) on a
 * phone in the meeting hall. An entry point of its own, apart from the pane (`main.ts`): plain accessible HTML and
 * the browser's own buttons, no Fluent web components, no shell, and a single API call (`GET /me/ballot`: the member
 * units by name and the rulebook's number), so that the ballot is on screen in under a second on a slow phone
 * (bench/RESULTS-web.md). It draws the same view as the pane's ballot screen (`ui/ballotView.ts`).
 */
import { ApiClient, ApiFailure } from "./api.ts";
import { takeFragmentCode } from "./fragment.ts";
import { locale, setLocale } from "./locale.ts";
import { tb } from "./ui/ballotText.ts";
import { type BallotState, ballotRefusal, initialBallot, renderBallot } from "./ui/ballotView.ts";
import { h } from "./ui/dom.ts";
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

/**
 * The text of a failure, as a function of the language. The refusals a voter meets are in the ballot's catalogue;
 * any other server error's text comes from the domain catalogue, loaded only then (it is not on the first render's
 * path).
 */
async function failure(e: unknown): Promise<() => string> {
  if (e instanceof ApiFailure) {
    if (ballotRefusal(e.code)) return () => ballotRefusal(e.code)!;
    // Offline, the catalogue could not be fetched either; and the pane's text ("retried later") does not fit here.
    if (e.code === "NETWORK_ERROR") return () => tb("ballotOffline");
    try {
      const { errorText } = await import("./i18n.ts");
      return () => errorText(e.asError());
    } catch {
      return () => tb("unknownError");
    }
  }
  return () => tb("unknownError");
}

/**
 * How long the page stays blank before it says it is working. On a slow phone a page's first layout and paint cost
 * as much as the round trip (bench/RESULTS-web.md): drawn at once, the "working" line would make the ballot wait for
 * it. Only a slow answer shows it.
 */
const BUSY_AFTER_MS = 400;

async function load(code: string) {
  const answer = new ApiClient(location.origin, code).request<VoterBallot>("GET", "/me/ballot");
  page.busy = true;
  page.error = null;
  const slow = setTimeout(draw, page.ballot || root.childElementCount ? 0 : BUSY_AFTER_MS);
  try {
    page.ballot = await answer;
    page.code = code;
    page.state = initialBallot();
  } catch (e) {
    page.ballot = null;
    page.code = null;
    page.error = await failure(e);
  } finally {
    clearTimeout(slow);
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
    page.error = await failure(e);
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
    h("label", { for: "ballot-code" }, tb("ballotEnterCode")),
    input,
    h("button", { type: "submit", class: "btn primary", id: "ballot-open", disabled: page.busy }, tb("ballotOpen")),
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
  document.title = `${tb("ballotTitle")} – ${tb("appTitle")}`;
  const other = locale() === "vi" ? "en" : "vi";
  const header = h(
    "header",
    { class: "pane-header" },
    h("div", {}, h("h1", {}, tb("appTitle")), h("p", { class: "hint" }, tb("role_voter"))),
    h(
      "button",
      {
        type: "button",
        class: "btn secondary",
        id: "lang",
        lang: other,
        "aria-label": other === "en" ? tb("langEn") : tb("langVi"),
        onclick: () => {
          setLocale(other);
          draw();
        },
      },
      other === "en" ? tb("langShortEn") : tb("langShortVi"),
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
      ? h("p", { class: "hint", role: "status" }, tb("working"))
      : codeForm();
  root.setAttribute("aria-busy", String(page.busy));
  root.replaceChildren(header, error ?? "", body);
  if (page.ballot && page.state.phase === "choose" && !performance.getEntriesByName("thidua:ballot-drawn").length)
    performance.mark("thidua:ballot-drawn");
}

if (page.code) void load(page.code);
else draw();
