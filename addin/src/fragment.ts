/**
 * The access or voter code carried in the URL fragment (`#code=…`, from a printed slip's QR code). Kept apart from
 * `main.ts` so the web ballot page can read it without loading the pane.
 */

/**
 * Takes the code out of the address at once, so that it stays neither in the history nor on the screen. The
 * fragment never reaches a server.
 */
export function takeFragmentCode(): string | null {
  const code = new URLSearchParams(location.hash.slice(1)).get("code");
  if (location.hash) history.replaceState(history.state, "", location.pathname + location.search);
  return code && /^[A-Za-z0-9_-]{8,200}$/.test(code) ? code : null;
}
