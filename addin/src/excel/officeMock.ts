/**
 * An office.js stand-in for tests, built on `office-addin-mock`: the workbook, worksheet collection and worksheets
 * are `OfficeMockObject`s (load/sync semantics), ranges are plain recorders so a test can see what the real gateway
 * wrote where. `syncs` counts every `context.sync()`.
 */
import { OfficeMockObject } from "office-addin-mock";

export interface RecordedRange {
  sheet: string;
  address: string;
  values?: unknown[][];
  formulas?: unknown[][];
  numberFormat?: unknown[][];
  format: {
    fill: { color?: string };
    font: { color?: string; bold?: boolean; italic?: boolean; size?: number };
    protection: { locked?: boolean };
    columnWidth?: number;
    wrapText?: boolean;
    horizontalAlignment?: string;
  };
  dataValidation: { rule?: unknown; errorAlert?: unknown; clear(): void };
  merged?: boolean;
  selected?: boolean;
}

export interface MockWorkbook {
  run: <T>(batch: (context: Excel.RequestContext) => Promise<T>) => Promise<T>;
  syncs: () => number;
  ranges: RecordedRange[];
  calls: string[];
}

/** `sheets`: names that exist already, with the used-range values of each (for `_thidua`). */
export function mockWorkbook(sheets: Record<string, unknown[][]> = {}): MockWorkbook {
  const ranges: RecordedRange[] = [];
  const calls: string[] = [];
  // Objects handed out during a batch: a real context.sync() resolves their loads too.
  const live: { sync(): Promise<void> }[] = [];
  const sheetMock = (name: string, exists: boolean) => {
    const m = new OfficeMockObject(sheetData(name, exists));
    live.push(m as unknown as { sync(): Promise<void> });
    return m;
  };
  const makeRange = (sheet: string, address: string): RecordedRange & Record<string, unknown> => {
    const r: RecordedRange & Record<string, unknown> = {
      sheet,
      address,
      format: { fill: {}, font: {}, protection: {} },
      dataValidation: { clear: () => calls.push(`${sheet}!${address}.dataValidation.clear`) },
      conditionalFormats: {
        clearAll: () => calls.push(`${sheet}!${address}.conditionalFormats.clearAll`),
        add: (type: string) => {
          calls.push(`${sheet}!${address}.conditionalFormats.add(${type})`);
          return { colorScale: {}, textComparison: { format: { fill: {} } } };
        },
      },
      clear: (what: string) => calls.push(`${sheet}!${address}.clear(${what})`),
      unmerge: () => calls.push(`${sheet}!${address}.unmerge`),
      merge: () => {
        r.merged = true;
      },
      select: () => {
        r.selected = true;
      },
      load: () => r,
    };
    ranges.push(r);
    return r;
  };
  const sheetData = (name: string, exists: boolean) => ({
    name,
    isNullObject: !exists,
    visibility: "Visible",
    protection: {
      protected: exists,
      protect: () => calls.push(`${name}.protect`),
      unprotect: () => calls.push(`${name}.unprotect`),
    },
    freezePanes: { freezeRows: (n: number) => calls.push(`${name}.freezeRows(${n})`) },
    pageLayout: { setPrintTitleRows: (rows: string) => calls.push(`${name}.printTitleRows(${rows})`) },
    charts: {
      items: [],
      add: (type: string) => {
        calls.push(`${name}.charts.add(${type})`);
        return {
          title: {},
          legend: {},
          series: { getItemAt: () => ({ setXAxisValues: () => calls.push(`${name}.chart.xAxis`) }) },
          setPosition: () => undefined,
        };
      },
      load: () => undefined,
    },
    getRange: (address?: string) => makeRange(name, address ?? "ALL"),
    getRangeByIndexes: (r: number, c: number, rows: number, cols: number) =>
      makeRange(name, `R${r}C${c}:${rows}x${cols}`),
    getUsedRangeOrNullObject: () => {
      const used = makeRange(name, "USED");
      used.values = sheets[name] ?? [];
      used.isNullObject = !(name in sheets);
      return used;
    },
    activate: () => calls.push(`${name}.activate`),
  });
  const data = {
    context: {
      workbook: {
        worksheets: {
          getItemOrNullObject(name: string) {
            calls.push(`getItemOrNullObject(${name})`);
            return sheetMock(name, name in sheets);
          },
          getItem(name: string) {
            calls.push(`getItem(${name})`);
            return sheetMock(name, true);
          },
          add(name: string) {
            calls.push(`add(${name})`);
            return sheetMock(name, true);
          },
        },
      },
    },
  };
  const mock = new OfficeMockObject(data) as unknown as { context: { sync(): Promise<void> } };
  let syncs = 0;
  const context = mock.context;
  const original = context.sync.bind(context);
  context.sync = async () => {
    syncs++;
    await original();
    for (const m of live) await m.sync();
  };
  return {
    run: (batch) => batch(context as unknown as Excel.RequestContext),
    syncs: () => syncs,
    ranges,
    calls,
  };
}
