/**
 * A worker for the sealed-ballot benchmark inside workerd (`npm run bench:ballot`): it checks the posted sealed
 * ballot `reps` times (as POST /ballots does on receipt), or the posted partial decryption (as POST
 * .../voting/decryption does). The benchmark times requests from outside, minus an empty request with the same body:
 * workerd freezes its clocks during a request, and a request without I/O lasts as long as its CPU work.
 * `/baseline/ballot` and `/baseline/decryption` do the same with the code of `baseline.ts` (another git ref's).
 */
import {
  type Ciphertext,
  checkPartialDecryption,
  checkSealedBallot,
  type ElectionContext,
  type PartialDecryption,
  type SealedBallot,
} from "../../shared/src/sealed.ts";
import * as baseline from "./baseline.ts";

interface Body {
  ctx: ElectionContext;
  ballot?: SealedBallot;
  publicKey?: string;
  aggregate?: Ciphertext[];
  part?: PartialDecryption;
}

export default {
  async fetch(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const reps = Number(url.searchParams.get("reps") ?? 1);
    const body = (await req.json()) as Body;
    const before = url.pathname.startsWith("/baseline/");
    const check = before ? baseline.checkSealedBallot : checkSealedBallot;
    const checkPart = before ? baseline.checkPartialDecryption : checkPartialDecryption;
    const route = before ? url.pathname.slice("/baseline".length) : url.pathname;
    let ok = 0;
    for (let i = 0; i < reps; i++) {
      if (route === "/ballot" && body.ballot) ok += check(body.ctx, body.ballot) === null ? 1 : 0;
      if (route === "/decryption" && body.part && body.aggregate && body.publicKey)
        ok += checkPart(body.ctx, body.publicKey, body.aggregate, body.part) ? 1 : 0;
    }
    return new Response(String(ok));
  },
};
