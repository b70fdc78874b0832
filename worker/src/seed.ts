/**
 * Seeds the Khối VIII 2017 demo through the API (units, bloc, template, rulebook, period open with a deadline, one
 * token per role), using only the bootstrap token. Used by `npm start` (Node, against wrangler dev) and by the tests
 * (inside workerd). Idempotent: what exists is left alone; demo tokens are re-issued and the earlier ones revoked,
 * since a token can only be shown once.
 */
import { demoBloc, demoPeriod, demoRulebook, demoTemplate, demoUnits } from "../../shared/src/demo.ts";

export type Call = (
  method: string,
  path: string,
  token: string,
  body?: unknown,
) => Promise<{ status: number; body: unknown }>;

export interface DemoTokens {
  council: string;
  secretariat: string;
  board: string;
  /** Clerk token per unit id. */
  clerks: Record<string, string>;
}

export interface SeedResult {
  periodId: string;
  blocId: string;
  tokens: DemoTokens;
}

/** Fails loudly on anything but the expected statuses (409 = already there). */
async function ensure(call: Call, method: string, path: string, token: string, body: unknown, ok: number[]) {
  const r = await call(method, path, token, body);
  if (!ok.includes(r.status)) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

/** What earlier seeds put before their labels; such codes are revoked too. People read the labels as they are. */
const OLD_DEMO_PREFIX = "demo: ";
const demoLabels = {
  council: "Ban Thi đua – Khen thưởng",
  secretariat: "Thư ký Khối VIII",
  board: "Lãnh đạo Khối VIII",
  clerk: (shortName: string) => `Cán bộ thi đua ${shortName}`,
};

/**
 * @example await seedDemo(call, env.BOOTSTRAP_TOKEN, "2026-12-31T17:00:00+07:00")
 */
export async function seedDemo(
  call: Call,
  bootstrap: string,
  deadline: string,
  opts: { open?: boolean } = {},
): Promise<SeedResult> {
  for (const u of demoUnits) await ensure(call, "POST", "/units", bootstrap, u, [201, 409]);
  await ensure(call, "POST", "/blocs", bootstrap, demoBloc, [201, 409]);
  await ensure(call, "POST", "/templates", bootstrap, demoTemplate, [201, 409]);
  await ensure(call, "POST", "/rulebooks", bootstrap, demoRulebook, [201, 409]);
  const period = demoPeriod(deadline);
  await ensure(call, "POST", "/periods", bootstrap, period, [201, 409]);
  const current = (await ensure(call, "GET", `/periods/${period.id}`, bootstrap, undefined, [200])).body as {
    state: string;
  };
  if (opts.open !== false && current.state === "draft")
    await ensure(call, "POST", `/periods/${period.id}/transitions`, bootstrap, { to: "open" }, [200]);

  // Re-issue the demo tokens: revoke the earlier ones first.
  const list = (await ensure(call, "GET", "/tokens", bootstrap, undefined, [200])).body as {
    tokens: { id: string; label: string; revokedAt: string | null }[];
  };
  const ours = new Set([
    demoLabels.council,
    demoLabels.secretariat,
    demoLabels.board,
    ...demoUnits.map((u) => demoLabels.clerk(u.shortName)),
  ]);
  for (const t of list.tokens)
    if ((ours.has(t.label) || t.label.startsWith(OLD_DEMO_PREFIX)) && !t.revokedAt)
      await ensure(call, "DELETE", `/tokens/${t.id}`, bootstrap, undefined, [200]);
  const issue = async (body: Record<string, unknown>) =>
    ((await ensure(call, "POST", "/tokens", bootstrap, body, [201])).body as { token: string }).token;
  const tokens: DemoTokens = {
    council: await issue({ role: "council", label: demoLabels.council }),
    secretariat: await issue({ role: "secretariat", blocId: demoBloc.id, label: demoLabels.secretariat }),
    board: await issue({ role: "board", blocId: demoBloc.id, label: demoLabels.board }),
    clerks: {},
  };
  for (const u of demoUnits)
    tokens.clerks[u.id] = await issue({
      role: "clerk",
      unitId: u.id,
      // Bound to Khối VIII, as a code the bloc's secretariat issues: it reaches Khối VIII's periods only.
      blocId: demoBloc.id,
      label: demoLabels.clerk(u.shortName),
    });
  return { periodId: period.id, blocId: demoBloc.id, tokens };
}
