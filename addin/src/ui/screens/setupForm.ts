/**
 * Form parts of the council's setup screens: labelled inputs, selects and check boxes that write into a screen's
 * drafts as the person types (no redraw per key), and the problems of one field shown under it.
 */
import { t, type UiKey } from "../../i18n.ts";
import { h } from "../dom.ts";

export function textField(
  id: string,
  label: UiKey | string,
  value: string | number,
  onInput: (v: string) => void,
  opts: { type?: string; hint?: string; error?: string | null; labelText?: boolean } = {},
) {
  const input = h("input", {
    id,
    class: "input",
    type: opts.type ?? "text",
    value: String(value),
    autocomplete: "off",
    spellcheck: "false",
    "aria-invalid": opts.error ? "true" : null,
    "aria-describedby": opts.error ? `${id}-error` : null,
  }) as HTMLInputElement;
  input.addEventListener("input", () => onInput(input.value));
  return h(
    "label",
    { class: "field", for: id },
    h("span", {}, opts.labelText ? label : t(label as UiKey)),
    input,
    opts.hint ? h("span", { class: "hint" }, opts.hint) : null,
    fieldError(id, opts.error ?? null),
  );
}

export function selectField(
  id: string,
  label: UiKey | string,
  options: readonly { value: string; text: string }[],
  value: string,
  onChange: (v: string) => void,
  opts: { error?: string | null; labelText?: boolean } = {},
) {
  const sel = h(
    "select",
    { id, class: "input", "aria-invalid": opts.error ? "true" : null },
    options.map((o) => h("option", { value: o.value, selected: o.value === value }, o.text)),
  ) as HTMLSelectElement;
  sel.addEventListener("change", () => onChange(sel.value));
  return h(
    "label",
    { class: "field", for: id },
    h("span", {}, opts.labelText ? label : t(label as UiKey)),
    sel,
    fieldError(id, opts.error ?? null),
  );
}

export function checkField(id: string, text: string, checked: boolean, onChange: (v: boolean) => void) {
  const cb = h("input", { type: "checkbox", id, checked }) as HTMLInputElement;
  cb.addEventListener("change", () => onChange(cb.checked));
  return h("label", { class: "check", for: id }, cb, text);
}

export function fieldError(id: string, text: string | null) {
  return text ? h("span", { class: "field-error", id: `${id}-error`, role: "alert" }, text) : null;
}
