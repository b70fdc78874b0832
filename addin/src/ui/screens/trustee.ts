/**
 * Người giữ khoá (trustee) of a sealed vote, signed in with its trustee code. Two steps, both in this device:
 * 1. when voting opens, make a key share: the public part (with its proof) goes to the server; the secret part is
 *    downloaded as a file and shown as a printable code, and is never sent;
 * 2. once the ballot box is closed, load that file (or type the code) to decrypt the trustee's part of the per-unit
 *    sums, with its proofs. No single ballot is ever decrypted, and no one holds the whole key.
 */
import { makeTrusteeKey, partialDecrypt, publicShareOf } from "../../../../shared/src/index.ts";
import { type ElectionAnswer, randomBytes } from "../../api.ts";
import { t } from "../../i18n.ts";
import { h } from "../dom.ts";
import { defineScreen, type PaneContext } from "../screen.ts";

interface TrusteeDrafts {
  election: ElectionAnswer | null;
  /** The secret just made, shown once so that it can be printed or copied; dropped on sign-out. */
  madeSecret: string;
  /** A secret typed or loaded from the file, for the decryption. */
  loaded: string;
}

/** The secret share as a printable code: 64 hex digits in groups of four. */
export function printableSecret(secret: string): string {
  return secret.match(/.{1,4}/g)?.join("-") ?? secret;
}

/** The file a trustee keeps: the period, the trustee and the secret share (never sent to the server). */
export function secretFile(periodId: string, trusteeId: string, secret: string): string {
  return JSON.stringify({ format: "thidua/trustee-secret/v1", periodId, trusteeId, secret }, null, 2);
}

/** The secret share from a loaded file or a typed code; null when it is neither. */
export function readSecret(text: string): string | null {
  const trimmed = text.trim();
  try {
    const f = JSON.parse(trimmed) as { secret?: unknown };
    if (typeof f.secret === "string") return readSecret(f.secret);
  } catch {
    // not a file: a typed code
  }
  const hex = trimmed.replace(/[\s-]/g, "").toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
}

async function load(ctx: PaneContext, d: TrusteeDrafts) {
  d.election = await ctx.api.election(ctx.state.periodId);
}

function mine(ctx: PaneContext, d: TrusteeDrafts) {
  const id = ctx.state.me.unitId ?? "";
  return d.election?.trustees.find((x) => x.id === id) ?? null;
}

export const trusteeScreen = defineScreen<TrusteeDrafts>({
  id: "trustee",
  roles: ["trustee"],
  label: "trusteeTitle",
  initial: () => ({ election: null, madeSecret: "", loaded: "" }),
  render(ctx, d) {
    const me = mine(ctx, d);
    const e = d.election;
    const periodId = ctx.state.periodId;
    const trusteeId = ctx.state.me.unitId ?? "";
    const secretInput = h("textarea", { id: "trustee-secret", class: "input mono", rows: 3 }) as HTMLTextAreaElement;
    secretInput.value = d.loaded;
    secretInput.addEventListener("input", () => {
      d.loaded = secretInput.value;
    });
    const file = h("input", { id: "trustee-file", type: "file", accept: ".json,application/json" }) as HTMLInputElement;
    file.addEventListener("change", () => {
      const f = file.files?.[0];
      if (f)
        void f.text().then((text) => {
          d.loaded = text;
          ctx.render();
        });
    });
    const download = d.madeSecret
      ? h(
          "a",
          {
            id: "trustee-download",
            href: URL.createObjectURL(
              new Blob([secretFile(periodId, trusteeId, d.madeSecret)], { type: "application/json" }),
            ),
            download: `khoa-bi-mat-${periodId}-${trusteeId}.json`,
          },
          t("trusteeDownload"),
        )
      : null;
    return h(
      "section",
      { class: "card", "aria-labelledby": "trustee-title" },
      h("h2", { id: "trustee-title" }, t("trusteeTitle")),
      h("p", { class: "hint" }, t("trusteeWhy")),
      ctx.button("trustee-load", "refresh", () => void ctx.run("stepLoading", () => load(ctx, d))),
      e
        ? h(
            "p",
            { id: "trustee-state" },
            t("trusteeState", {
              keys: e.trustees.filter((x) => x.publicKey).length,
              trustees: e.trustees.length,
              returned: e.returned,
              issued: e.issued,
            }),
          )
        : null,
      e && me && !me.publicKey
        ? ctx.button(
            "trustee-make",
            "trusteeMake",
            () =>
              void ctx.run("stepSending", async () => {
                const { secret, key } = makeTrusteeKey(periodId, trusteeId, randomBytes);
                // The secret is shown before the public part is sent, so that it is never lost to a failed request.
                d.madeSecret = secret;
                ctx.render();
                await ctx.api.trusteeKey(periodId, key);
                await load(ctx, d);
                ctx.notify({ kind: "success", text: () => t("trusteeKeySent") });
              }),
            "primary",
          )
        : null,
      d.madeSecret
        ? h(
            "div",
            { class: "notice warning", id: "trustee-secret-made" },
            h("p", {}, t("trusteeKeepSecret")),
            h("p", { class: "mono" }, printableSecret(d.madeSecret)),
            download,
          )
        : null,
      e?.boxClosed && e.aggregate && me && !me.decrypted
        ? [
            h("label", { class: "field", for: "trustee-secret" }, h("span", {}, t("trusteeLoad")), file, secretInput),
            ctx.button(
              "trustee-decrypt",
              "trusteeDecrypt",
              () =>
                void ctx.run("stepSending", async () => {
                  const secret = readSecret(d.loaded);
                  if (!secret || publicShareOf(secret) !== me.publicKey) {
                    ctx.notify({ kind: "error", text: () => t("trusteeWrongSecret") });
                    return;
                  }
                  const part = partialDecrypt(
                    {
                      periodId,
                      members: e.members,
                      choicesPerBallot: e.choicesPerBallot,
                      electionKey: e.electionKey ?? "",
                    },
                    trusteeId,
                    secret,
                    e.aggregate ?? [],
                    randomBytes,
                  );
                  await ctx.api.decryption(periodId, part);
                  d.loaded = "";
                  await load(ctx, d);
                  ctx.notify({ kind: "success", text: () => t("trusteeDecrypted") });
                }),
              "primary",
            ),
          ]
        : null,
      e && me?.decrypted ? h("p", { class: "notice success" }, t("trusteeDone")) : null,
    );
  },
});
