/**
 * The gateway's one failure the pane words itself, in a module of its own so that the catalogue (i18n.ts), which the
 * web ballot page loads too, does not pull the whole gateway into that page.
 */
/** The sheet is gone: deleted, or renamed before the add-in kept its id. The pane says so in the clerk's language. */
export class SheetMissingError extends Error {
  constructor(readonly sheetName: string) {
    super(`SheetMissing: ${sheetName}`);
    this.name = "SheetMissingError";
  }
}
