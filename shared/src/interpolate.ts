/**
 * Placeholders in a catalogue's strings (`{name}`). A module of its own, apart from the error catalogue
 * (`messages.ts`), so that a page needing a few strings (the phone ballot) does not load every error text with it.
 */
import type { ErrorParams } from "./errors.ts";

/** Fills `{name}` placeholders; unknown placeholders are left visible rather than silently dropped. */
export function interpolate(template: string, params: ErrorParams = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    Object.hasOwn(params, key) ? String(params[key]) : whole,
  );
}
