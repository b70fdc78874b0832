/**
 * Two blocs for authorisation and fuzz tests: Khối VIII (the demo, period open, one sheet pushed) and a second bloc
 * with its own period, and one token per role and scope, plus revoked, expired and voter credentials. The second
 * bloc also has next year's draft period listing Khối VIII's unit ca-tphcm, and its secretariat's clerk token for
 * that unit (`clerkB2`): a unit shared by two blocs must give neither bloc a reach into the other's periods.
 */
import { demoEntries, demoPeriod, demoTemplate } from "../../shared/src/index.ts";
import { normaliseCredential, randomId, sha256Hex } from "../src/auth.ts";
import { seedDemo } from "../src/seed.ts";
import { api, BOOT, call, DB, futureDeadline } from "./helpers.ts";

export const PA = "khoi-viii-2017";
export const PB = "khoi-x-2017";
/** Bloc X's draft period of the next year, which lists Khối VIII's unit UNIT_A1 too. */
export const PB_SHARED = "khoi-x-2018";
export const UNIT_A1 = "ca-tphcm";

export type PrincipalName =
  | "anon"
  | "revoked"
  | "expired"
  | "council"
  | "secA"
  | "secB"
  | "boardA"
  | "boardB"
  | "clerkA1"
  | "clerkA2"
  | "clerkB"
  | "clerkB2"
  | "voterA"
  | "trusteeA";

export async function twoBlocs(): Promise<Record<PrincipalName, string | null>> {
  const seed = await seedDemo(call, BOOT, futureDeadline());
  const ok = async (m: string, p: string, b?: unknown) => {
    const r = await api(m, p, BOOT, b);
    if (r.status >= 300) throw new Error(`${m} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  await ok("POST", "/units", { id: "ubnd-q1", name: "Ủy ban nhân dân Quận 1", shortName: "UBND Q1" });
  await ok("POST", "/units", { id: "ubnd-q3", name: "Ủy ban nhân dân Quận 3", shortName: "UBND Q3" });
  await ok("POST", "/blocs", { id: "khoi-x", name: "Cụm thi đua X", kind: "cum" });
  await ok("POST", "/periods", {
    ...demoPeriod(futureDeadline()),
    id: PB,
    blocId: "khoi-x",
    members: ["ubnd-q1", "ubnd-q3"],
    leaderUnitId: "ubnd-q1",
    deputyUnitId: null,
  });
  await ok("POST", `/periods/${PB}/transitions`, { to: "open" });
  const token = async (body: Record<string, unknown>) =>
    ((await ok("POST", "/tokens", body)) as { token: string }).token;
  const secB = await token({ role: "secretariat", blocId: "khoi-x", label: "Thư ký cụm X" });
  const boardB = await token({ role: "board", blocId: "khoi-x", label: "Lãnh đạo cụm X" });
  const clerkB = await token({ role: "clerk", unitId: "ubnd-q1", label: "Cán bộ UBND Q1" });
  await ok("POST", "/periods", {
    ...demoPeriod(futureDeadline()),
    id: PB_SHARED,
    year: 2018,
    blocId: "khoi-x",
    members: ["ubnd-q1", UNIT_A1],
    leaderUnitId: "ubnd-q1",
    deputyUnitId: null,
  });
  const clerkB2 = await api("POST", "/tokens", secB, { role: "clerk", unitId: UNIT_A1, label: "Cán bộ CA (cụm X)" });
  if (clerkB2.status !== 201) throw new Error(`clerkB2: ${clerkB2.status} ${JSON.stringify(clerkB2.body)}`);
  const revoked = await token({ role: "council", label: "revoked" });
  const list = (await ok("GET", "/tokens")) as { tokens: { id: string; label: string }[] };
  await ok("DELETE", `/tokens/${list.tokens.find((t) => t.label === "revoked")!.id}`);
  const expired = await token({ role: "council", label: "expired", expiresAt: "2020-01-01T00:00:00Z" });
  // A voter code of period A, as POST /voting/codes would have stored it (the period is not in voting yet).
  const voterA = "ABCD-EFGH-JKMN-PQRS";
  await DB.prepare(
    "INSERT INTO tokens (id, hash, role, bloc_id, unit_id, period_id, label, created_at, created_by) VALUES (?, ?, 'voter', 'khoi-viii', ?, ?, 'voter', '2026-01-01T00:00:00Z', 'test')",
  )
    .bind(randomId(), await sha256Hex(normaliseCredential(voterA)), UNIT_A1, PA)
    .run();
  // A trustee code of period A, as POST /voting/trustee-codes would have stored it.
  const trusteeA = "TRST-EFGH-JKMN-PQRS";
  await DB.prepare(
    "INSERT INTO tokens (id, hash, role, bloc_id, unit_id, period_id, label, created_at, created_by) VALUES (?, ?, 'trustee', 'khoi-viii', 'van-phong-khoi-truong', ?, 'trustee', '2026-01-01T00:00:00Z', 'test')",
  )
    .bind(randomId(), await sha256Hex(normaliseCredential(trusteeA)), PA)
    .run();
  const push = await api("POST", `/periods/${PA}/units/${UNIT_A1}/submissions`, seed.tokens.clerks[UNIT_A1], {
    templateId: demoTemplate.id,
    templateVersion: demoTemplate.version,
    baseRevision: null,
    clientId: "fixture-push-0001",
    entries: demoEntries(UNIT_A1),
  });
  if (push.status !== 201) throw new Error(`fixture push: ${push.status}`);
  return {
    anon: null,
    revoked,
    expired,
    council: seed.tokens.council,
    secA: seed.tokens.secretariat,
    secB,
    boardA: seed.tokens.board,
    boardB,
    clerkA1: seed.tokens.clerks[UNIT_A1]!,
    clerkA2: seed.tokens.clerks["vks-tphcm"]!,
    clerkB,
    clerkB2: clerkB2.body.token as string,
    voterA,
    trusteeA,
  };
}
