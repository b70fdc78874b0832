import { afterEach, describe, expect, it } from "vitest";
import { gatewayFailureText, setLocale } from "../i18n.ts";
import { NoWorkbook, NoWorkbookError } from "./noWorkbook.ts";

describe("the web app's gateway: no workbook", () => {
  afterEach(() => setLocale("vi"));

  it("knows no sheet, and every step that needs Excel says so in the user's language instead of acting unseen", async () => {
    const gw = new NoWorkbook();
    expect(await gw.readMeta()).toEqual([]);
    const steps = [
      gw.writeSheets([]),
      gw.readValues("Tự chấm điểm", 10, 10),
      gw.selectCell("Tự chấm điểm", "E12"),
      gw.markErrors("Tự chấm điểm", ["E12"], []),
      gw.authoring().readSelection(),
      gw.authoring().writeAuthoringSheet([["Mã"]]),
    ];
    for (const step of steps) {
      const e = await step.then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(NoWorkbookError);
      expect(gatewayFailureText(e)).toMatch(
        /^Việc này cần sổ tính Excel: hãy làm trong phần bổ trợ Thi đua trong Excel\./,
      );
    }
    setLocale("en");
    expect(gatewayFailureText(new NoWorkbookError("writeSheets"))).toMatch(/^This needs an Excel workbook/);
  });
});
