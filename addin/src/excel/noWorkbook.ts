/**
 * The web app's gateway: no workbook at all (không có sổ tính). In a plain browser there is no Excel, and the web
 * screens download and upload template workbooks, show the bloc table and the matrix as HTML, and take reviewed
 * scores in a form instead. This gateway says so honestly: it knows no thidua sheet, and every step that would lay
 * out, read or select cells fails with `NoWorkbookError`, which the shell words ("this needs Excel") instead of
 * acting on a hidden in-memory sheet nobody sees. Before it, the web app carried the demo's in-memory workbook
 * (and its formula engine) undrawn for that purpose.
 */
import type { AuthoringGateway } from "./authoring.ts";
import type { AddinMeta, Capabilities, WorkbookGateway } from "./gateway.ts";

/** A step that needs a workbook was asked for where there is none (the web app). */
export class NoWorkbookError extends Error {
  constructor(readonly step: string) {
    super(`NoWorkbook: ${step}`);
    this.name = "NoWorkbookError";
  }
}

const none = (step: string) => (): Promise<never> => Promise.reject(new NoWorkbookError(step));

export class NoWorkbook implements WorkbookGateway {
  readonly capabilities: Capabilities = { host: "web", apiMinor: 0, dataValidation: false, printSetup: false };
  /** No thidua sheet exists where there is no workbook. */
  readMeta(): Promise<AddinMeta[]> {
    return Promise.resolve([]);
  }
  readonly writeLayout: WorkbookGateway["writeLayout"] = none("writeLayout");
  readonly readValues: WorkbookGateway["readValues"] = none("readValues");
  readonly markErrors: WorkbookGateway["markErrors"] = none("markErrors");
  readonly selectCell: WorkbookGateway["selectCell"] = none("selectCell");
  readonly writeSheets: WorkbookGateway["writeSheets"] = none("writeSheets");
  authoring(): AuthoringGateway {
    return { readSelection: none("readSelection"), writeAuthoringSheet: none("writeAuthoringSheet") };
  }
}
