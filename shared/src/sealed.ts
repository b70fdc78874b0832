/**
 * The sealed ballot (phiếu bầu mã hoá): a secret ballot that stays secret from whoever holds the database. Designed
 * after Helios and ElectionGuard, on the ristretto255 group (RFC 9496, `@noble/curves`):
 * - each trustee (người giữ khoá) holds a secret share x and publishes X = x·G with a Schnorr proof of knowledge;
 *   the election key is K = ΣX (the "product" of the shares, written additively), so nobody alone can decrypt;
 * - a ballot holds, for every member unit in the period's order, an exponential ElGamal ciphertext (r·G, m·G + r·K)
 *   of m ∈ {0, 1}, a disjunctive Chaum-Pedersen proof that m is 0 or 1, and the same kind of proof that the sum of
 *   the ciphertexts holds 0..choicesPerBallot (a blank ballot is valid, an over-filled one cannot be proved);
 * - the ballots are added per unit (the homomorphic aggregate); each trustee posts x·A per unit with a Chaum-Pedersen
 *   proof of correct decryption; the sum of the shares removed from B leaves votes·G, and a walk of at most the ballot
 *   count finds the number of votes. No single ballot is ever decrypted.
 * Every Fiat-Shamir challenge hashes the period id, the election key, the member list and the whole ballot, so a
 * ballot prepared for another period, key or member list is refused; an identical ballot cast twice is refused by its
 * fingerprint. Pure: randomness is passed in as a function returning bytes.
 */

import { mulAddUnsafe } from "@noble/curves/abstract/curve.js";
import { ristretto255 } from "@noble/curves/ed25519.js";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import * as z from "zod";

/** Cryptographically secure random bytes (crypto.getRandomValues at the edge). */
export type RandomBytes = (length: number) => Uint8Array;

type Point = InstanceType<typeof ristretto255.Point>;
const P = ristretto255.Point;
const G = P.BASE;
const N = P.Fn.ORDER;
const ZERO = P.ZERO;

const Hex32 = z.string().regex(/^[0-9a-f]{64}$/);
const MAX_UNITS = 200;
const MAX_RANGE = 51;

/**
 * A 0..k proof: per value j its two commitments (t[2j] = a_j, t[2j+1] = b_j), challenge c_j and response z_j. The
 * commitments are sent (rather than recomputed from c and z) so that the server checks every equation of a ballot at
 * once, in one multi-scalar multiplication (see `checkSealedBallot`).
 */
export const RangeProof = z.strictObject({
  t: z
    .array(Hex32)
    .min(4)
    .max(2 * MAX_RANGE),
  c: z.array(Hex32).min(2).max(MAX_RANGE),
  z: z.array(Hex32).min(2).max(MAX_RANGE),
});
export type RangeProof = z.output<typeof RangeProof>;

/** An exponential ElGamal ciphertext (α, β) = (r·G, m·G + r·K), points in ristretto255 hex. */
export const Ciphertext = z.strictObject({ a: Hex32, b: Hex32 });
export type Ciphertext = z.output<typeof Ciphertext>;

/** Schnorr or Chaum-Pedersen proof in compact form: challenge c and response s. */
export const ScalarProof = z.strictObject({ c: Hex32, s: Hex32 });
export type ScalarProof = z.output<typeof ScalarProof>;

/** A sealed ballot: one ciphertext and 0-or-1 proof per member unit (the period's order), and the proof of the sum. */
export const SealedBallot = z.strictObject({
  ciphertexts: z.array(Ciphertext).min(1).max(MAX_UNITS),
  proofs: z.array(RangeProof).min(1).max(MAX_UNITS),
  sumProof: RangeProof,
});
export type SealedBallot = z.output<typeof SealedBallot>;

/** A trustee's public share with its proof of knowledge of the secret part. */
export const TrusteeKey = z.strictObject({
  trusteeId: z.string().min(1).max(64),
  publicKey: Hex32,
  proof: ScalarProof,
});
export type TrusteeKey = z.output<typeof TrusteeKey>;

/**
 * A Chaum-Pedersen proof of a partial decryption: its two commitments t = [w·G, w·A] (sent, so that every unit's
 * equations are checked at once), challenge c and response s.
 */
export const DecryptionProof = z.strictObject({ t: z.tuple([Hex32, Hex32]), c: Hex32, s: Hex32 });
export type DecryptionProof = z.output<typeof DecryptionProof>;

/** A trustee's part of the decryption of the aggregate: per unit x·A with its proof. */
export const PartialDecryption = z.strictObject({
  trusteeId: z.string().min(1).max(64),
  shares: z
    .array(z.strictObject({ d: Hex32, proof: DecryptionProof }))
    .min(1)
    .max(MAX_UNITS),
});
export type PartialDecryption = z.output<typeof PartialDecryption>;

/** What every challenge of a period's election is bound to. */
export interface ElectionContext {
  periodId: string;
  members: readonly string[];
  choicesPerBallot: number;
  /** The election key K (hex), the sum of the trustees' public shares. */
  electionKey: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding and hashing

const enc = { encode: utf8ToBytes };
const toHex = bytesToHex;

function scalarHex(s: bigint): string {
  return s.toString(16).padStart(64, "0");
}

/** A scalar from its hex; null when it is not canonical (>= the group order). */
function scalarOf(hex: string): bigint | null {
  const s = BigInt(`0x${hex}`);
  return s < N ? s : null;
}

/** A point from its hex; null when the bytes are not a canonical ristretto255 encoding. */
function pointOf(hex: string): Point | null {
  try {
    return P.fromHex(hex);
  } catch {
    return null;
  }
}

function mod(a: bigint): bigint {
  const r = a % N;
  return r < 0n ? r + N : r;
}

/** A uniform non-zero scalar: 64 random bytes reduced modulo the order (bias below 2^-250). */
function randomScalar(random: RandomBytes): bigint {
  const bytes = random(64);
  if (bytes.length !== 64) throw new Error("random source returned the wrong length");
  const s = mod(BigInt(`0x${toHex(bytes)}`));
  return s === 0n ? 1n : s;
}

type Field = string | Uint8Array | Point | number;

/** The hash of length-prefixed fields, reduced to a scalar: no two field lists share an encoding. */
function challenge(...fields: Field[]): bigint {
  const parts: Uint8Array[] = [];
  for (const f of fields) {
    const bytes =
      typeof f === "string"
        ? enc.encode(f)
        : typeof f === "number"
          ? enc.encode(String(f))
          : f instanceof Uint8Array
            ? f
            : f.toBytes();
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, bytes.length);
    parts.push(len, bytes);
  }
  let total = 0;
  for (const p of parts) total += p.length;
  const all = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return mod(BigInt(`0x${toHex(sha512(all))}`));
}

/** The hash of the context every ballot proof of the period starts from. */
function contextDigest(ctx: ElectionContext): Uint8Array {
  const fields = ["thidua/sealed-ballot/v1", ctx.periodId, String(ctx.choicesPerBallot), ctx.electionKey];
  return sha256(enc.encode(JSON.stringify([...fields, ...ctx.members])));
}

/** The ballot's fingerprint: equal fingerprints mean the same ballot, so a second cast of it is a replay. */
export function ballotFingerprint(ballot: SealedBallot): string {
  return toHex(sha256(enc.encode(ballot.ciphertexts.map((c) => c.a + c.b).join(""))));
}

// ---------------------------------------------------------------------------------------------------------------
// Trustee keys

/**
 * Makes a trustee's key share: the secret part (kept by the trustee, never sent) and the public part with a Schnorr
 * proof bound to the period and the trustee.
 * @example const { secret, key } = makeTrusteeKey("p2017", "truong-khoi", random)
 */
export function makeTrusteeKey(
  periodId: string,
  trusteeId: string,
  random: RandomBytes,
): { secret: string; key: TrusteeKey } {
  const x = randomScalar(random);
  const X = G.multiply(x);
  const w = randomScalar(random);
  const c = challenge("thidua/trustee-key/v1", periodId, trusteeId, X, G.multiply(w));
  return {
    secret: scalarHex(x),
    key: { trusteeId, publicKey: X.toHex(), proof: { c: scalarHex(c), s: scalarHex(mod(w + c * x)) } },
  };
}

/** Whether a trustee's public share is a valid non-identity point with a valid proof of knowledge. */
export function checkTrusteeKey(periodId: string, key: TrusteeKey): boolean {
  const X = pointOf(key.publicKey);
  const c = scalarOf(key.proof.c);
  const s = scalarOf(key.proof.s);
  if (!X || X.is0() || c === null || s === null) return false;
  const t = mulAddUnsafe(P, [G, X], [s, mod(-c)]);
  return challenge("thidua/trustee-key/v1", periodId, key.trusteeId, X, t) === c;
}

/** The public share of a secret share (to check that a loaded secret file belongs to the period's trustee). */
export function publicShareOf(secret: string): string | null {
  const x = scalarOf(secret);
  return x === null || x === 0n ? null : G.multiply(x).toHex();
}

/** The election key: the sum of the trustees' public shares. */
export function combineElectionKey(publicKeys: readonly string[]): string {
  let K = ZERO;
  for (const h of publicKeys) {
    const X = pointOf(h);
    if (!X) throw new Error("invalid public share");
    K = K.add(X);
  }
  return K.toHex();
}

// ---------------------------------------------------------------------------------------------------------------
// Ballots

/**
 * Window of the election key's precomputed table. A voter seals one ballot, so the table must pay for itself within
 * one ballot: with w bits, building it costs (256/w + 1)·2^(w-1) additions and each of the ballot's ~3 multiplications
 * by K per unit about 2·256/w (constant time). For 40 units, w = 6 and w = 8 cost about the same in all (~12k
 * additions), w = 4 a third more, none (plain multiplication) five times more; 6 keeps the table small. Measured in
 * bench/RESULTS-ballot.md. (A global THIDUA_KEY_WINDOW overrides it, for the benchmark.)
 */
const KEY_WINDOW = Number((globalThis as { THIDUA_KEY_WINDOW?: number }).THIDUA_KEY_WINDOW ?? 6);

/** Precomputed tables for the election key, shared by every ballot of a period in one process. */
const keyCache = new Map<string, Point>();
function electionKeyPoint(hex: string): Point | null {
  let K = keyCache.get(hex);
  if (!K) {
    const p = pointOf(hex);
    if (!p || p.is0()) return null;
    K = p.precompute(KEY_WINDOW, false);
    if (keyCache.size > 16) keyCache.clear();
    keyCache.set(hex, K);
  }
  return K;
}

/**
 * Proves that (α, β) = (r·G, m·G + r·K) holds a value in 0..hi, knowing m and r. The prover uses only the fixed bases
 * G and K: c·α = (c·r)·G and c·(β - j·G) = (c·(m - j))·G + (c·r)·K.
 */
function proveRange(prefix: Field[], K: Point, m: number, r: bigint, hi: number, random: RandomBytes): RangeProof {
  const n = hi + 1;
  const cs: bigint[] = new Array(n);
  const zs: bigint[] = new Array(n);
  const commits: Point[] = [];
  const real = Math.min(Math.max(m, 0), hi);
  const w = randomScalar(random);
  for (let j = 0; j < n; j++) {
    if (j === real) {
      commits.push(G.multiply(w), K.multiply(w));
      continue;
    }
    cs[j] = randomScalar(random);
    zs[j] = randomScalar(random);
    const cj = cs[j]!;
    // a = z·G - c·α, b = z·K - c·(β - j·G), computed from r so that only fixed bases are multiplied.
    commits.push(G.multiply(mod(zs[j]! - cj * r)), mulFixed(K, mod(zs[j]! - cj * r), mod(-cj * BigInt(m - j))));
  }
  // Encoded once: the challenge hashes these bytes and the proof carries them.
  const encoded = commits.map((p) => p.toBytes());
  const c = challenge(...prefix, ...encoded);
  let rest = c;
  for (let j = 0; j < n; j++) if (j !== real) rest = mod(rest - cs[j]!);
  cs[real] = rest;
  zs[real] = mod(w + rest * r);
  return { t: encoded.map(toHex), c: cs.map(scalarHex), z: zs.map(scalarHex) };
}

/** a·K + b·G with both bases precomputed. */
function mulFixed(K: Point, a: bigint, b: bigint): Point {
  const x = a === 0n ? ZERO : K.multiply(a);
  return b === 0n ? x : x.add(G.multiply(b));
}

/**
 * Equations gathered to be checked together: Σ scalar_i·point_i must be the identity. G and a second fixed base (the
 * election key K for a ballot, the trustee's public share for a partial decryption), which every equation shares, get
 * one summed coefficient each.
 */
class Batch {
  readonly points: Point[] = [];
  readonly scalars: bigint[] = [];
  g = 0n;
  k = 0n;
  add(point: Point, scalar: bigint) {
    this.points.push(point);
    this.scalars.push(mod(scalar));
  }
  /** Whether every gathered equation holds (all but with probability 2^-128 when one does not). */
  holds(K: Point): boolean {
    const points = [G, K, ...this.points];
    const scalars = [mod(this.g), mod(this.k), ...this.scalars];
    return mulAddUnsafe(P, points, scalars).is0();
  }
}

/**
 * The 128-bit weights of the batch check, drawn from a hash of the whole ballot: fixed once the ballot is, so a
 * cheating prover cannot pick a ballot whose wrong equations cancel (it would need a hash that does, 2^-128 per try).
 * The shared core stays pure (no randomness), and every checker of the record draws the same weights.
 */
function batchWeights(digest: Uint8Array, ballot: SealedBallot): () => bigint {
  return weightsFrom("thidua/sealed-ballot/batch", digest, [
    ...ballot.ciphertexts.flatMap((c) => [c.a, c.b]),
    ...[...ballot.proofs, ballot.sumProof].flatMap((p) => [...p.t, ...p.c, ...p.z]),
  ]);
}

/** 128-bit weights from a hash of everything checked (fixed-length hex fields, so the joined text is unambiguous). */
function weightsFrom(label: string, digest: Uint8Array, parts: readonly string[]): () => bigint {
  const seed = sha512(enc.encode(`${label}|${toHex(digest)}|${parts.join("|")}`));
  let counter = 0;
  let block = new Uint8Array(0);
  let at = 64;
  return () => {
    if (at + 16 > block.length) {
      const input = new Uint8Array(seed.length + 4);
      input.set(seed);
      new DataView(input.buffer).setUint32(seed.length, counter++);
      block = sha512(input);
      at = 0;
    }
    const w = BigInt(`0x${toHex(block.subarray(at, at + 16))}`);
    at += 16;
    return w === 0n ? 1n : w;
  };
}

/**
 * Checks a 0..hi proof of (α, β): the challenges sum to the hash of the commitments (as sent), and each commitment's
 * equation, a_j = z_j·G - c_j·α and b_j = z_j·K - c_j·(β - j·G), goes into the batch with its own random weight.
 */
function checkRange(
  prefix: Field[],
  alpha: Point,
  beta: Point,
  hi: number,
  proof: RangeProof,
  batch: Batch,
  weight: () => bigint,
): boolean {
  const n = hi + 1;
  if (proof.c.length !== n || proof.z.length !== n || proof.t.length !== 2 * n) return false;
  let sum = 0n;
  let alphaCoef = 0n;
  let betaCoef = 0n;
  for (let j = 0; j < n; j++) {
    const c = scalarOf(proof.c[j]!);
    const s = scalarOf(proof.z[j]!);
    const a = pointOf(proof.t[2 * j]!);
    const b = pointOf(proof.t[2 * j + 1]!);
    if (c === null || s === null || !a || !b) return false;
    sum += c;
    const rho = weight();
    const sigma = weight();
    // rho·(z·G - c·α - a) + sigma·(z·K - c·β + c·j·G - b) = 0
    batch.g += rho * s + sigma * c * BigInt(j);
    batch.k += sigma * s;
    alphaCoef -= rho * c;
    betaCoef -= sigma * c;
    batch.add(a, -rho);
    batch.add(b, -sigma);
  }
  batch.add(alpha, alphaCoef);
  batch.add(beta, betaCoef);
  return challenge(...prefix, ...proof.t.map(hexToBytes)) === mod(sum);
}

function unitPrefix(digest: Uint8Array, ballotDigest: Uint8Array, index: number, ct: Ciphertext): Field[] {
  return ["thidua/sealed-ballot/unit", digest, ballotDigest, index, ct.a, ct.b];
}

function sumPrefix(digest: Uint8Array, ballotDigest: Uint8Array, A: Point, B: Point): Field[] {
  return ["thidua/sealed-ballot/sum", digest, ballotDigest, A, B];
}

function ciphertextsDigest(cts: readonly Ciphertext[]): Uint8Array {
  return sha256(enc.encode(cts.map((c) => c.a + c.b).join("")));
}

/**
 * Encrypts a ballot in the voter's device: for each member unit 1 if chosen, else 0, with every proof. Throws when the
 * choices are not distinct members or are more than allowed (such a ballot could not be proved).
 * @example sealBallot(ctx, ["ca-tphcm"], (n) => crypto.getRandomValues(new Uint8Array(n)))
 */
export function sealBallot(ctx: ElectionContext, choices: readonly string[], random: RandomBytes): SealedBallot {
  const chosen = new Set(choices);
  if (chosen.size !== choices.length) throw new Error("a unit is chosen twice");
  if (chosen.size > ctx.choicesPerBallot) throw new Error("too many choices");
  for (const c of chosen) if (!ctx.members.includes(c)) throw new Error("not a member unit");
  return sealVotes(
    ctx,
    ctx.members.map((m) => (chosen.has(m) ? 1 : 0)),
    random,
  );
}

/**
 * Encrypts one number per unit and proves, honestly where it can, that each is 0 or 1 and that the sum is in range.
 * A value that is out of range gives proofs that fail: tests use it to forge what a cheating client would send.
 */
export function sealVotes(ctx: ElectionContext, votes: readonly number[], random: RandomBytes): SealedBallot {
  const K = electionKeyPoint(ctx.electionKey);
  if (!K) throw new Error("invalid election key");
  const digest = contextDigest(ctx);
  const rs = votes.map(() => randomScalar(random));
  const points = votes.map((m, i) => {
    const r = rs[i]!;
    const alpha = G.multiply(r);
    const beta = mulFixed(K, r, mod(BigInt(m)));
    return { alpha, beta };
  });
  const ciphertexts = points.map((p) => ({ a: p.alpha.toHex(), b: p.beta.toHex() }));
  const bd = ciphertextsDigest(ciphertexts);
  const proofs = votes.map((m, i) => proveRange(unitPrefix(digest, bd, i, ciphertexts[i]!), K, m, rs[i]!, 1, random));
  let A = ZERO;
  let B = ZERO;
  for (const p of points) {
    A = A.add(p.alpha);
    B = B.add(p.beta);
  }
  const total = votes.reduce((s, v) => s + v, 0);
  const R = mod(rs.reduce((s, r) => s + r, 0n));
  const sumProof = proveRange(sumPrefix(digest, bd, A, B), K, total, R, ctx.choicesPerBallot, random);
  return { ciphertexts, proofs, sumProof };
}

/** Why a sealed ballot is refused, or null when every proof holds. */
export type SealedBallotProblem = "BALLOT_SHAPE" | "BALLOT_PROOF_INVALID";

/**
 * Checks a sealed ballot against the period: one ciphertext per member unit, each proved 0 or 1, the sum proved
 * within 0..choicesPerBallot, every challenge bound to this period, key and member list.
 */
export function checkSealedBallot(ctx: ElectionContext, ballot: SealedBallot): SealedBallotProblem | null {
  const n = ctx.members.length;
  if (ballot.ciphertexts.length !== n || ballot.proofs.length !== n) return "BALLOT_SHAPE";
  if (ballot.sumProof.c.length !== ctx.choicesPerBallot + 1) return "BALLOT_SHAPE";
  const K = electionKeyPoint(ctx.electionKey);
  if (!K) return "BALLOT_PROOF_INVALID";
  const digest = contextDigest(ctx);
  const bd = ciphertextsDigest(ballot.ciphertexts);
  const batch = new Batch();
  const weight = batchWeights(digest, ballot);
  let A = ZERO;
  let B = ZERO;
  for (let i = 0; i < n; i++) {
    const ct = ballot.ciphertexts[i]!;
    const alpha = pointOf(ct.a);
    const beta = pointOf(ct.b);
    if (!alpha || !beta) return "BALLOT_PROOF_INVALID";
    if (!checkRange(unitPrefix(digest, bd, i, ct), alpha, beta, 1, ballot.proofs[i]!, batch, weight))
      return "BALLOT_PROOF_INVALID";
    A = A.add(alpha);
    B = B.add(beta);
  }
  if (!checkRange(sumPrefix(digest, bd, A, B), A, B, ctx.choicesPerBallot, ballot.sumProof, batch, weight))
    return "BALLOT_PROOF_INVALID";
  // Every equation of every proof at once: one multi-scalar multiplication instead of four per unit.
  return batch.holds(K) ? null : "BALLOT_PROOF_INVALID";
}

// ---------------------------------------------------------------------------------------------------------------
// Tally

/** The per-unit sums of the ballots' ciphertexts: an encryption of each unit's number of votes. */
export function aggregateBallots(unitCount: number, ballots: readonly SealedBallot[]): Ciphertext[] {
  const out: Ciphertext[] = [];
  for (let i = 0; i < unitCount; i++) {
    let A = ZERO;
    let B = ZERO;
    for (const b of ballots) {
      const ct = b.ciphertexts[i];
      const a = ct && pointOf(ct.a);
      const bb = ct && pointOf(ct.b);
      if (!a || !bb) throw new Error("invalid ciphertext in a stored ballot");
      A = A.add(a);
      B = B.add(bb);
    }
    out.push({ a: A.toHex(), b: B.toHex() });
  }
  return out;
}

function decryptionChallenge(
  ctx: ElectionContext,
  trusteeId: string,
  X: Point,
  ct: Ciphertext,
  D: Point,
  t1: Point | Uint8Array,
  t2: Point | Uint8Array,
) {
  return challenge("thidua/partial-decryption/v1", contextDigest(ctx), trusteeId, X, ct.a, ct.b, D, t1, t2);
}

/**
 * A trustee's part of the decryption, in its own device: x·A per unit with a Chaum-Pedersen proof that the same x
 * is behind its public share.
 */
export function partialDecrypt(
  ctx: ElectionContext,
  trusteeId: string,
  secret: string,
  aggregate: readonly Ciphertext[],
  random: RandomBytes,
): PartialDecryption {
  const x = scalarOf(secret);
  if (x === null || x === 0n) throw new Error("invalid secret share");
  const X = G.multiply(x);
  const shares = aggregate.map((ct) => {
    const A = pointOf(ct.a);
    if (!A) throw new Error("invalid aggregate");
    const D = A.multiply(x);
    const w = randomScalar(random);
    const t1 = G.multiply(w).toBytes();
    const t2 = A.multiply(w).toBytes();
    const c = decryptionChallenge(ctx, trusteeId, X, ct, D, t1, t2);
    return {
      d: D.toHex(),
      proof: { t: [toHex(t1), toHex(t2)] as [string, string], c: scalarHex(c), s: scalarHex(mod(w + c * x)) },
    };
  });
  return { trusteeId, shares };
}

/** Whether a partial decryption is proved against the trustee's public share and the aggregate. */
export function checkPartialDecryption(
  ctx: ElectionContext,
  publicKey: string,
  aggregate: readonly Ciphertext[],
  part: PartialDecryption,
): boolean {
  const X = pointOf(publicKey);
  if (!X || part.shares.length !== aggregate.length) return false;
  // Every unit's equations t1 = s·G - c·X and t2 = s·A - c·D, weighted and checked together (as for a ballot).
  const batch = new Batch();
  const weight = weightsFrom("thidua/partial-decryption/batch", contextDigest(ctx), [
    publicKey,
    ...aggregate.flatMap((ct) => [ct.a, ct.b]),
    ...part.shares.flatMap((sh) => [sh.d, ...sh.proof.t, sh.proof.c, sh.proof.s]),
  ]);
  for (let i = 0; i < aggregate.length; i++) {
    const ct = aggregate[i]!;
    const { d, proof } = part.shares[i]!;
    const A = pointOf(ct.a);
    const D = pointOf(d);
    const t1 = pointOf(proof.t[0]);
    const t2 = pointOf(proof.t[1]);
    const c = scalarOf(proof.c);
    const s = scalarOf(proof.s);
    if (!A || !D || !t1 || !t2 || c === null || s === null) return false;
    const t1b = hexToBytes(proof.t[0]);
    const t2b = hexToBytes(proof.t[1]);
    if (decryptionChallenge(ctx, part.trusteeId, X, ct, D, t1b, t2b) !== c) return false;
    const rho = weight();
    const sigma = weight();
    // rho·(s·G - c·X - t1) + sigma·(s·A - c·D - t2) = 0; X is the batch's second fixed base.
    batch.g += rho * s;
    batch.k -= rho * c;
    batch.add(t1, -rho);
    batch.add(A, sigma * s);
    batch.add(D, -sigma * c);
    batch.add(t2, -sigma);
  }
  return batch.holds(X);
}

/**
 * Combines every trustee's part into the votes per unit: B - Σ x_i·A = votes·G, and votes is found by walking
 * 0..maxVotes (at most the number of ballots). Throws when a sum is not reached (a part is missing or wrong).
 */
export function combineDecryptions(
  aggregate: readonly Ciphertext[],
  parts: readonly PartialDecryption[],
  maxVotes: number,
): number[] {
  return aggregate.map((ct, i) => {
    let M = pointOf(ct.b);
    if (!M) throw new Error("invalid aggregate");
    for (const p of parts) {
      const D = pointOf(p.shares[i]?.d ?? "");
      if (!D) throw new Error("invalid partial decryption");
      M = M.subtract(D);
    }
    let acc = ZERO;
    for (let v = 0; v <= maxVotes; v++) {
      if (acc.equals(M)) return v;
      acc = acc.add(G);
    }
    throw new Error("the decrypted sum is out of range");
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The public record of a sealed vote, and its check from the record alone

/** Everything public about a period's sealed vote: what `npm run verify:ballot` checks. */
export const ElectionRecord = z.strictObject({
  format: z.literal("thidua/sealed-vote/v1"),
  periodId: z.string().min(1).max(64),
  members: z.array(z.string().min(1).max(64)).min(1).max(MAX_UNITS),
  choicesPerBallot: z
    .int()
    .min(1)
    .max(MAX_RANGE - 1),
  quorum: z.strictObject({ num: z.int().min(0), den: z.int().min(1) }),
  trustees: z.array(TrusteeKey).min(2).max(10),
  electionKey: Hex32,
  ballots: z.array(SealedBallot).max(MAX_UNITS),
  /** The per-unit sums once the ballot box closed with the quorum met; null otherwise. */
  aggregate: z.array(Ciphertext).nullable(),
  partialDecryptions: z.array(PartialDecryption).max(10),
  /** The votes per unit (members order) once every trustee decrypted; null otherwise. */
  counts: z.array(z.int().min(0)).nullable(),
});
export type ElectionRecord = z.output<typeof ElectionRecord>;

/** Ballots needed for a vote to count: the smallest n with n >= quorum x members. */
export function quorumNeeded(members: number, quorum: { num: number; den: number }): number {
  return Math.ceil((members * quorum.num) / quorum.den);
}

/**
 * Checks a sealed vote's public record from the record alone: every trustee's proof, the election key, every ballot's
 * proofs (and that none is cast twice), the aggregate, every partial decryption's proof, and the counts recomputed.
 * @example verifyElectionRecord(JSON.parse(text)).ok
 */
export function verifyElectionRecord(input: unknown): { ok: boolean; problems: string[]; counts: number[] | null } {
  const parsed = ElectionRecord.safeParse(input);
  if (!parsed.success)
    return { ok: false, problems: parsed.error.issues.map((i) => `/${i.path.join("/")}: ${i.message}`), counts: null };
  const r = parsed.data;
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const t of r.trustees) {
    if (ids.has(t.trusteeId)) problems.push(`trustee ${t.trusteeId} appears twice`);
    ids.add(t.trusteeId);
    if (!checkTrusteeKey(r.periodId, t)) problems.push(`trustee ${t.trusteeId}: the proof of its key does not hold`);
  }
  let key: string | null = null;
  try {
    key = combineElectionKey(r.trustees.map((t) => t.publicKey));
  } catch {
    problems.push("a trustee's public key is not a group element");
  }
  if (key !== r.electionKey) problems.push("the election key is not the sum of the trustees' keys");
  const ctx: ElectionContext = {
    periodId: r.periodId,
    members: r.members,
    choicesPerBallot: r.choicesPerBallot,
    electionKey: r.electionKey,
  };
  if (r.ballots.length > r.members.length) problems.push("more ballots than member units");
  const seen = new Set<string>();
  r.ballots.forEach((b, i) => {
    const f = ballotFingerprint(b);
    if (seen.has(f)) problems.push(`ballot ${i + 1} is a copy of an earlier one`);
    seen.add(f);
    const p = checkSealedBallot(ctx, b);
    if (p) problems.push(`ballot ${i + 1}: ${p}`);
  });
  if (problems.length) return { ok: false, problems, counts: null };
  const needed = quorumNeeded(r.members.length, r.quorum);
  if (r.ballots.length < needed) {
    if (r.aggregate || r.partialDecryptions.length || r.counts)
      problems.push(`only ${r.ballots.length} ballots (quorum ${needed}): nothing may be decrypted`);
    return { ok: problems.length === 0, problems, counts: null };
  }
  if (!r.aggregate) {
    if (r.counts) problems.push("counts without an aggregate");
    return { ok: problems.length === 0, problems, counts: null };
  }
  const aggregate = aggregateBallots(r.members.length, r.ballots);
  if (JSON.stringify(aggregate) !== JSON.stringify(r.aggregate)) problems.push("the aggregate is not the ballots' sum");
  const byId = new Map(r.trustees.map((t) => [t.trusteeId, t.publicKey]));
  const posted = new Set<string>();
  for (const pd of r.partialDecryptions) {
    const pub = byId.get(pd.trusteeId);
    if (!pub || posted.has(pd.trusteeId)) problems.push(`partial decryption by unknown or repeated ${pd.trusteeId}`);
    else if (!checkPartialDecryption(ctx, pub, aggregate, pd))
      problems.push(`partial decryption by ${pd.trusteeId}: the proof does not hold`);
    posted.add(pd.trusteeId);
  }
  if (problems.length) return { ok: false, problems, counts: null };
  if (posted.size < r.trustees.length) {
    if (r.counts) problems.push("counts before every trustee decrypted");
    return { ok: problems.length === 0, problems, counts: null };
  }
  let counts: number[] | null = null;
  try {
    counts = combineDecryptions(aggregate, r.partialDecryptions, r.ballots.length);
  } catch {
    problems.push("the decrypted sums are out of range");
  }
  if (counts && JSON.stringify(counts) !== JSON.stringify(r.counts))
    problems.push(
      `the recorded counts ${JSON.stringify(r.counts)} differ from the decrypted ${JSON.stringify(counts)}`,
    );
  return { ok: problems.length === 0, problems, counts };
}
