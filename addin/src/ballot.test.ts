/**
 * The voter's ballot is sealed inside ApiClient.ballot: what leaves the device is ciphertexts with proofs that the
 * period's key holders can check, never the unit ids chosen. And a trustee's secret share survives its file and its
 * printed code.
 */
import { describe, expect, it } from "vitest";
import { checkSealedBallot, combineElectionKey, makeTrusteeKey, publicShareOf } from "../../shared/src/index.ts";
import { ApiClient, randomBytes } from "./api.ts";
import { printableSecret, readSecret, secretFile } from "./ui/screens/trustee.ts";

const members = ["ca-tphcm", "vks-tphcm", "pccc-tphcm", "btl-tphcm"];
const shares = ["a", "b"].map((id) => makeTrusteeKey("p2017", id, randomBytes));
const electionKey = combineElectionKey(shares.map((s) => s.key.publicKey));

describe("ApiClient.ballot", () => {
  it("sends a sealed ballot that the period's proofs accept and that names no unit", async () => {
    const sent: { url: string; body: string }[] = [];
    const fake = async (url: RequestInfo | URL, init?: RequestInit) => {
      const u = String(url);
      if (init?.body) sent.push({ url: u, body: String(init.body) });
      const json = u.endsWith("/me")
        ? { role: "voter", periodId: "p2017", unitId: "tand-tphcm", blocId: "b", label: "v", tokenId: "t" }
        : u.endsWith("/voting/election")
          ? { periodId: "p2017", members, choicesPerBallot: 2, electionKey, trustees: [] }
          : { cast: true };
      return new Response(JSON.stringify(json), { status: 200, headers: { "content-type": "application/json" } });
    };
    const api = new ApiClient("http://worker.test", "CODE-CODE-CODE-CODE", fake as typeof fetch);
    await api.ballot(["vks-tphcm", "btl-tphcm"]);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toMatch(/\/ballots$/);
    for (const m of members) expect(sent[0]!.body).not.toContain(m);
    const ballot = JSON.parse(sent[0]!.body);
    expect(checkSealedBallot({ periodId: "p2017", members, choicesPerBallot: 2, electionKey }, ballot)).toBeNull();
  });
});

describe("a trustee's secret share", () => {
  it("reads back from its file and from its printed code, and matches its public part", () => {
    const { secret, key } = shares[0]!;
    expect(readSecret(secretFile("p2017", "a", secret))).toBe(secret);
    expect(readSecret(printableSecret(secret).toUpperCase())).toBe(secret);
    expect(publicShareOf(readSecret(printableSecret(secret))!)).toBe(key.publicKey);
    expect(readSecret("not a key")).toBeNull();
  });
});
