/**
 * The language the user reads (ngôn ngữ hiển thị), Vietnamese unless they switched. Its own module, shared by the
 * pane's catalogue (`i18n.ts`) and the ballot page's small one (`ui/ballotText.ts`), so that the ballot page follows
 * the same setting without loading the pane's strings.
 */
import type { Locale } from "../../shared/src/messages.ts";

let current: Locale = "vi";

export function setLocale(l: Locale) {
  current = l;
}

export function locale(): Locale {
  return current;
}
