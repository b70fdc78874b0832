/**
 * A worker for the sealed-ballot benchmark inside workerd (`npm run bench:ballot`): it checks the posted sealed
 * ballot `reps` times (as POST /ballots does on receipt), or the posted partial decryption (as POST
 * .../voting/decryption does). The benchmark times requests from outside, minus an empty request with the same body:
 * workerd freezes its clocks during a request, and a request without I/O lasts as long as its CPU work.
 */
import {
  type Ciphertext,
  checkPartialDecryption,
  checkSealedBallot,
  type ElectionContext,
  type PartialDecryption,
  type SealedBallot,
} from "../../shared/src/sealed.ts";

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
    let ok = 0;
    for (let i = 0; i < reps; i++) {
      if (url.pathname === "/ballot" && body.ballot) ok += checkSealedBallot(body.ctx, body.ballot) === null ? 1 : 0;
      if (url.pathname === "/decryption" && body.part && body.aggregate && body.publicKey)
        ok += checkPartialDecryption(body.ctx, body.publicKey, body.aggregate, body.part) ? 1 : 0;
    }
    return new Response(String(ok));
  },
};
