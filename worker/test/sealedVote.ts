/** Test helpers for a sealed vote through the API: trustees publish shares, voters cast, trustees decrypt. */
import { expect } from "vitest";
import { type ElectionContext, makeTrusteeKey, partialDecrypt, sealBallot } from "../../shared/src/index.ts";
import { api } from "./helpers.ts";

export const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

export interface Election {
  ctx: ElectionContext;
  /** The trustees' secret shares, as their downloaded files would hold them (never sent). */
  secrets: Map<string, string>;
  trusteeCodes: Map<string, string>;
}

/** From `review`: opens electronic voting, hands out trustee codes, and has every trustee publish a share. */
export async function openElectronic(periodId: string, secretariat: string, from = "review"): Promise<Election> {
  for (const to of from === "open" ? ["review", "voting"] : ["voting"]) {
    const body = to === "voting" ? { to, channel: "electronic" } : { to };
    const r = await api("POST", `/periods/${periodId}/transitions`, secretariat, body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
  const codes = await api("POST", `/periods/${periodId}/voting/trustee-codes`, secretariat);
  expect(codes.status, JSON.stringify(codes.body)).toBe(201);
  const trusteeCodes = new Map<string, string>(
    codes.body.codes.map((c: { trusteeId: string; code: string }) => [c.trusteeId, c.code]),
  );
  const secrets = new Map<string, string>();
  for (const [id, code] of trusteeCodes) {
    const { secret, key } = makeTrusteeKey(periodId, id, random);
    secrets.set(id, secret);
    const r = await api("POST", `/periods/${periodId}/voting/trustee-key`, code, key);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  const e = await api("GET", `/periods/${periodId}/voting/election`, secretariat);
  expect(e.body.electionKey).toMatch(/^[0-9a-f]{64}$/);
  const ctx = {
    periodId,
    members: e.body.members,
    choicesPerBallot: e.body.choicesPerBallot,
    electionKey: e.body.electionKey,
  };
  return { ctx, secrets, trusteeCodes };
}

export async function voterCodes(periodId: string, secretariat: string): Promise<Map<string, string>> {
  const r = await api("POST", `/periods/${periodId}/voting/codes`, secretariat);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return new Map(r.body.codes.map((c: { unitId: string; code: string }) => [c.unitId, c.code]));
}

/** Casts a sealed ballot with a voter code, as the voter's browser would. */
export async function castSealed(election: Election, code: string, choices: string[]) {
  return api("POST", "/ballots", code, sealBallot(election.ctx, choices, random));
}

/** Closes the box and has every trustee post its part of the decryption. */
export async function closeAndDecrypt(election: Election, secretariat: string) {
  const { periodId } = election.ctx;
  const closed = await api("POST", `/periods/${periodId}/voting/close`, secretariat);
  expect(closed.status, JSON.stringify(closed.body)).toBe(200);
  if (closed.body.failed) return closed.body;
  for (const [id, code] of election.trusteeCodes) {
    const part = partialDecrypt(election.ctx, id, election.secrets.get(id)!, closed.body.aggregate, random);
    const r = await api("POST", `/periods/${periodId}/voting/decryption`, code, part);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  return closed.body;
}
