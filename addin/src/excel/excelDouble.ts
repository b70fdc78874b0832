/**
 * An office.js double over the in-memory workbook (bản sao office.js cho kiểm thử): the real `ExcelGateway` runs
 * against it, and it does what Excel does where our code depends on it.
 *
 * - Operations are queued and run in order at `context.sync()`; the first one that fails rejects the sync (with
 *   Excel's error code, e.g. `ItemNotFound`) and the rest of the batch is dropped, as in Excel.
 * - A loaded property can be read only after the sync that loads it (`PropertyNotLoaded` otherwise).
 * - `worksheets.getItem(key)` finds a sheet by id or by name, without case, and fails with `ItemNotFound`.
 * - `getItemOrNullObject` gives a null object. Excel's documentation says only that `isNullObject` can be read after a
 *   sync; the double takes the strict reading: loading through a null sheet or navigating from it (its used range,
 *   its charts) fails at the sync. Code that is safe here is safe whichever way Excel behaves.
 * - `values`, `formulas` and `numberFormat` must match the range's shape; strings go through Excel's coercion
 *   (`FakeWorkbook.put`, `coerce.ts`), so text written before its Text format turns into numbers and dates.
 * - Each sync is one request; its size is the UTF-8 JSON of every operation's arguments plus `ENVELOPE_BYTES` per
 *   operation, which is how office.js builds the body it posts (Excel on the web refuses one over 5 MB).
 */
import { parseAddress } from "../../../shared/src/a1.ts";
import { surroundingRegion } from "./authoring.ts";
import { type FakeSheet, FakeWorkbook } from "./fakeWorkbook.ts";
import type { CellFormat } from "./styles.ts";

/** The action and object-path records office.js adds for one operation, in bytes. */
export const ENVELOPE_BYTES = 120;

/** Excel on the web's limit on a request and on a response ("Resource limits and performance optimization"). */
export const WEB_PAYLOAD_LIMIT = 5 * 1024 * 1024;

class OfficeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

interface Op {
  bytes: number;
  run: () => void;
}

class Context {
  private ops: Op[] = [];
  readonly requests: number[] = [];
  readonly responses: number[] = [];
  /** Bytes of the values loaded by the sync under way. */
  response = 0;
  readonly workbook: { worksheets: Worksheets; getSelectedRange(): Range };

  constructor(
    readonly wb: FakeWorkbook,
    private readonly limit: number,
  ) {
    const worksheets = new Worksheets(this);
    this.workbook = {
      worksheets,
      // The cell the person picked (the demo grid's selection), else A1 of the active sheet, as Excel always has one.
      getSelectedRange: () => {
        const at = wb.picked ?? { sheet: wb.activeSheet ?? "", cell: "A1" };
        return worksheets.getItem(at.sheet).getRange(at.cell);
      },
    };
  }

  queue(args: unknown, run: () => void) {
    const bytes = ENVELOPE_BYTES + (args === undefined ? 0 : new TextEncoder().encode(JSON.stringify(args)).length);
    this.ops.push({ bytes, run });
  }

  async sync() {
    const ops = this.ops;
    this.ops = [];
    const bytes = ops.reduce((s, o) => s + o.bytes, 0);
    this.requests.push(bytes);
    if (bytes > this.limit) throw new OfficeError("RequestPayloadSizeLimitExceeded", `${bytes} bytes`);
    this.response = 0;
    for (const op of ops) op.run();
    if (this.response > this.limit) throw new OfficeError("ResponsePayloadSizeLimitExceeded", `${this.response} bytes`);
    this.responses.push(this.response);
  }
}

function notLoaded(what: string): never {
  throw new OfficeError("PropertyNotLoaded", `${what} was read before a sync loaded it`);
}

class Worksheets {
  private loadedItems: Worksheet[] | null = null;
  constructor(private readonly ctx: Context) {}

  load(_props: string) {
    this.ctx.queue(_props, () => {
      this.loadedItems = [...this.ctx.wb.sheets.values()].map((s) => {
        const w = new Worksheet(this.ctx, () => s);
        w.fill(s);
        return w;
      });
    });
  }

  get items(): Worksheet[] {
    return this.loadedItems ?? notLoaded("worksheets.items");
  }

  getItem(key: string): Worksheet {
    return new Worksheet(this.ctx, () => {
      const s = this.ctx.wb.findSheet(key);
      if (!s) throw new OfficeError("ItemNotFound", `no worksheet ${key}`);
      return s;
    });
  }

  getItemOrNullObject(key: string): Worksheet {
    return new Worksheet(
      this.ctx,
      () => {
        const s = this.ctx.wb.findSheet(key);
        if (!s) throw new OfficeError("InvalidOperation", `worksheet ${key} is a null object`);
        return s;
      },
      () => !this.ctx.wb.findSheet(key),
    );
  }

  add(name: string): Worksheet {
    let created: FakeSheet | null = null;
    const w = new Worksheet(this.ctx, () => created ?? notLoaded("added worksheet"));
    this.ctx.queue(name, () => {
      if (this.ctx.wb.findSheet(name)) throw new OfficeError("ItemAlreadyExists", name);
      created = this.ctx.wb.sheet(name);
    });
    return w;
  }
}

class Worksheet {
  private loaded: { id?: string; name?: string; isNull?: boolean } = {};
  private chartItems: { delete(): void }[] | null = null;

  constructor(
    private readonly ctx: Context,
    readonly target: () => FakeSheet,
    private readonly isNull: () => boolean = () => false,
  ) {}

  fill(s: FakeSheet) {
    this.loaded = { id: s.id, name: s.name, isNull: false };
  }

  load(props: string) {
    this.ctx.queue(props, () => {
      if (props.split(",").every((p) => p.trim() === "isNullObject")) {
        this.loaded.isNull = this.isNull();
        return;
      }
      this.fill(this.target());
    });
  }

  get isNullObject(): boolean {
    return this.loaded.isNull ?? notLoaded("isNullObject");
  }
  get id(): string {
    return this.loaded.id ?? notLoaded("worksheet.id");
  }
  get name(): string {
    return this.loaded.name ?? notLoaded("worksheet.name");
  }

  set visibility(v: FakeSheet["visibility"]) {
    this.ctx.queue(v, () => {
      this.target().visibility = v;
    });
  }

  activate() {
    this.ctx.queue(undefined, () => {
      this.ctx.wb.activeSheet = this.target().name;
    });
  }

  get protection() {
    return {
      protect: (options?: unknown) =>
        this.ctx.queue(options, () => {
          this.target().protected = true;
        }),
      unprotect: () =>
        this.ctx.queue(undefined, () => {
          this.target().protected = false;
        }),
    };
  }

  get freezePanes() {
    return {
      freezeRows: (n: number) =>
        this.ctx.queue(n, () => {
          this.target().frozenRows = n;
        }),
    };
  }

  get pageLayout() {
    const set = (v: unknown) => this.ctx.queue(v, () => this.target());
    return {
      set paperSize(v: string) {
        set(v);
      },
      set orientation(v: string) {
        set(v);
      },
      set zoom(v: unknown) {
        set(v);
      },
      setPrintTitleRows: (rows: string) =>
        this.ctx.queue(rows, () => {
          const s = this.target();
          s.print = { paper: "A4", orientation: "portrait", fitToWidth: true, repeatRows: rows.replace(/\$/g, "") };
        }),
    };
  }

  get charts() {
    const self = this;
    return {
      load(props: string) {
        self.ctx.queue(props, () => {
          const s = self.target();
          self.chartItems = s.charts.map((c) => ({
            delete: () =>
              self.ctx.queue(undefined, () => {
                s.charts = s.charts.filter((x) => x !== c);
              }),
          }));
        });
      },
      get items() {
        return self.chartItems ?? notLoaded("charts.items");
      },
      add(type: string, source: Range, seriesBy: string) {
        const chart = { title: "", categories: "", values: source.address, anchor: "" };
        self.ctx.queue([type, source.address, seriesBy], () => {
          self.target().charts.push(chart);
        });
        const q = (v: unknown, f: () => void) => self.ctx.queue(v, f);
        return {
          title: {
            set text(t: string) {
              q(t, () => {
                chart.title = t;
              });
            },
          },
          legend: {
            set visible(v: boolean) {
              q(v, () => undefined);
            },
          },
          series: {
            getItemAt: () => ({
              setXAxisValues: (r: Range) =>
                q(r.address, () => {
                  chart.categories = r.address;
                }),
            }),
          },
          setPosition: (anchor: string) =>
            q(anchor, () => {
              chart.anchor = anchor;
            }),
        };
      },
    };
  }

  getRange(address?: string): Range {
    return new Range(this.ctx, this, address ?? null);
  }

  getRangeByIndexes(row: number, col: number, rows: number, cols: number): Range {
    return new Range(this.ctx, this, null, { r1: row, c1: col, r2: row + rows - 1, c2: col + cols - 1 });
  }

  /**
   * Worksheet.getUsedRange: from the first to the last cell holding a value (not from A1); an empty sheet gives A1,
   * as Excel does.
   */
  getUsedRange(_valuesOnly?: boolean): Range {
    return new Range(this.ctx, this, null, undefined, false, () => {
      const s = this.target();
      let b: Box | null = null;
      for (const [k, cell] of s.cells) {
        if ((cell.value === null || cell.value === "") && !cell.formula) continue;
        const [r, c] = k.split(",").map(Number) as [number, number];
        b = b
          ? { r1: Math.min(b.r1, r), c1: Math.min(b.c1, c), r2: Math.max(b.r2, r), c2: Math.max(b.c2, c) }
          : { r1: r, c1: c, r2: r, c2: c };
      }
      return b ?? { r1: 0, c1: 0, r2: 0, c2: 0 };
    });
  }

  getUsedRangeOrNullObject(_valuesOnly?: boolean): Range {
    return new Range(this.ctx, this, null, undefined, true);
  }
}

interface Box {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

const MAX_ROWS = 1_048_576;
const MAX_COLS = 16_384;

function boxOf(address: string): Box | "columns" {
  const [a, b] = address.split(":");
  if (/^[A-Z]+$/.test(a!)) return "columns";
  const s = parseAddress(a!);
  const e = parseAddress(b ?? a!);
  if (!s || !e) throw new OfficeError("InvalidArgument", `address ${address}`);
  return { r1: s.row, c1: s.col, r2: e.row, c2: e.col };
}

class Range {
  private loadedValues: unknown[][] | null = null;
  private loadedNull: boolean | null = null;
  /** What `load` read of the range's place: its A1 address with the sheet, its indexes and size. */
  private loadedBox: (Box & { address: string }) | null = null;
  private readonly ref: string;

  constructor(
    private readonly ctx: Context,
    private readonly sheet: Worksheet,
    address: string | null,
    private readonly box?: Box,
    private readonly used = false,
    /** A range Excel works out when the batch runs: the used area exactly, or the region around a cell. */
    private readonly lazy?: () => Box,
  ) {
    this.ref = address ?? (box ? `R${box.r1}C${box.c1}:R${box.r2}C${box.c2}` : used ? "USED" : "ALL");
  }

  /** As in Excel, once loaded: "Sheet!B2:E35"; before, what the range was made from. */
  get address(): string {
    return this.loadedBox?.address ?? this.ref;
  }
  get rowIndex(): number {
    return this.loadedBox?.r1 ?? notLoaded("range.rowIndex");
  }
  get columnIndex(): number {
    return this.loadedBox?.c1 ?? notLoaded("range.columnIndex");
  }
  get rowCount(): number {
    return this.loadedBox ? this.loadedBox.r2 - this.loadedBox.r1 + 1 : notLoaded("range.rowCount");
  }
  get columnCount(): number {
    return this.loadedBox ? this.loadedBox.c2 - this.loadedBox.c1 + 1 : notLoaded("range.columnCount");
  }
  get cellCount(): number {
    return this.rowCount * this.columnCount;
  }
  get worksheet(): Worksheet {
    return this.sheet;
  }

  /**
   * Range.getSurroundingRegion (ExcelApi 1.13): the region around the range's top-left cell, bounded by blank rows
   * and columns (`surroundingRegion`), as Excel works it out when the batch runs.
   */
  getSurroundingRegion(): Range {
    return new Range(this.ctx, this.sheet, null, undefined, false, () => {
      const name = this.sheet.target().name;
      const r = this.rect();
      const blank = (row: number, col: number) => {
        const v = this.ctx.wb.valueAt(name, row, col);
        return v === null || v === undefined || v === "";
      };
      return surroundingRegion(blank, { row: r.r1, col: r.c1 });
    });
  }

  /** Range.getCellProperties: here only the indent level, which the double does not keep (always 0). */
  getCellProperties(_props: unknown): { value: { format: { indentLevel: number } }[][] } {
    const out: { value: { format: { indentLevel: number } }[][] } = {
      get value(): never {
        return notLoaded("cellProperties.value");
      },
    };
    this.ctx.queue(_props, () => {
      const r = this.rect();
      const value = Array.from({ length: r.r2 - r.r1 + 1 }, () =>
        Array.from({ length: r.c2 - r.c1 + 1 }, () => ({ format: { indentLevel: 0 } })),
      );
      Object.defineProperty(out, "value", { value });
    });
    return out;
  }

  private rect(): Box {
    if (this.lazy) return this.lazy();
    if (this.box) return this.box;
    if (this.ref === "ALL") return { r1: 0, c1: 0, r2: MAX_ROWS - 1, c2: MAX_COLS - 1 };
    const b = boxOf(this.ref);
    if (b === "columns") throw new OfficeError("InvalidArgument", "a column range has no cells here");
    return b;
  }

  private a1(): string {
    const r = this.rect();
    const cell = (row: number, col: number) => {
      let s = "";
      for (let c = col + 1; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
      return `${s}${row + 1}`;
    };
    return `${cell(r.r1, r.c1)}:${cell(r.r2, r.c2)}`;
  }

  private writeGrid(kind: "values" | "formulas" | "numberFormat", grid: unknown[][]) {
    this.ctx.queue(grid, () => {
      const s = this.sheet.target();
      const r = this.rect();
      if (grid.length !== r.r2 - r.r1 + 1 || grid.some((row) => row.length !== r.c2 - r.c1 + 1))
        throw new OfficeError("InvalidArgument", `${kind}: the array does not match the range ${this.address}`);
      grid.forEach((row, i) => {
        row.forEach((v, j) => {
          if (kind === "numberFormat") this.ctx.wb.setNumFmt(s, r.r1 + i, r.c1 + j, String(v));
          else this.ctx.wb.put(s, r.r1 + i, r.c1 + j, v as string | number | boolean, kind === "formulas");
        });
      });
    });
  }

  set values(v: unknown[][]) {
    this.writeGrid("values", v);
  }
  get values(): unknown[][] {
    return this.loadedValues ?? notLoaded("range.values");
  }
  set formulas(v: unknown[][]) {
    this.writeGrid("formulas", v);
  }
  set numberFormat(v: unknown[][]) {
    this.writeGrid("numberFormat", v);
  }

  get isNullObject(): boolean {
    return this.loadedNull ?? notLoaded("isNullObject");
  }

  load(_props: string) {
    this.ctx.queue(_props, () => {
      const s = this.sheet.target();
      let r: Box;
      if (this.used) {
        const size = this.ctx.wb.usedSize(s.name);
        this.loadedNull = size.rows === 0;
        if (this.loadedNull) return;
        r = { r1: 0, c1: 0, r2: size.rows - 1, c2: size.cols - 1 };
      } else r = this.rect();
      const name = s.name;
      const a1 = (row: number, col: number) => {
        let l = "";
        for (let c = col + 1; c > 0; c = Math.floor((c - 1) / 26)) l = String.fromCharCode(65 + ((c - 1) % 26)) + l;
        return `${l}${row + 1}`;
      };
      this.loadedBox = { ...r, address: `${name}!${a1(r.r1, r.c1)}:${a1(r.r2, r.c2)}` };
      const values = Array.from({ length: r.r2 - r.r1 + 1 }, (_, i) =>
        Array.from({ length: r.c2 - r.c1 + 1 }, (_, j) => this.ctx.wb.valueAt(s.name, r.r1 + i, r.c1 + j) ?? ""),
      );
      this.ctx.response += new TextEncoder().encode(JSON.stringify(values)).length;
      this.loadedValues = values;
    });
  }

  private style(f: Partial<CellFormat>) {
    this.ctx.queue(f, () => {
      this.ctx.wb.format(this.sheet.target(), this.a1(), f);
    });
  }

  get format() {
    const style = (f: Partial<CellFormat>) => this.style(f);
    const ctx = this.ctx;
    const sheet = this.sheet;
    const address = this.address;
    return {
      fill: {
        set color(v: string) {
          style({ fill: v });
        },
      },
      font: {
        set color(v: string) {
          style({ fontColor: v });
        },
        set bold(v: boolean) {
          style({ bold: v });
        },
        set italic(v: boolean) {
          style({ italic: v });
        },
        set size(v: number) {
          style({ size: v });
        },
      },
      protection: {
        set locked(v: boolean) {
          style({ locked: v });
        },
      },
      set wrapText(v: boolean) {
        style({ wrap: v });
      },
      set horizontalAlignment(v: CellFormat["hAlign"]) {
        style({ hAlign: v });
      },
      set columnWidth(v: number) {
        ctx.queue(v, () => {
          const col = parseAddress(`${address.split(":")[0]}1`)?.col ?? 0;
          sheet.target().columnWidths[col] = v;
        });
      },
    };
  }

  clear(what: "All" | "Contents" | "Formats") {
    this.ctx.queue(what, () => {
      const s = this.sheet.target();
      const r = this.rect();
      for (const [k, cell] of [...s.cells]) {
        const [row, col] = k.split(",").map(Number) as [number, number];
        if (row < r.r1 || row > r.r2 || col < r.c1 || col > r.c2) continue;
        if (what === "All") s.cells.delete(k);
        else if (what === "Contents") {
          cell.value = null;
          delete cell.formula;
        } else {
          cell.format = {};
          delete cell.numFmt;
        }
      }
    });
  }

  get dataValidation() {
    const ctx = this.ctx;
    const sheet = this.sheet;
    const address = this.address;
    return {
      // As in Excel, clearing a range's validation leaves the rules of other ranges alone.
      clear: () =>
        ctx.queue(undefined, () => {
          const s = sheet.target();
          s.validations = s.validations.filter((v) => !overlaps(v.range, address));
        }),
      set rule(v: { decimal?: { formula1: number; formula2?: number }; list?: { source: string } }) {
        ctx.queue(v, () => {
          const s = sheet.target();
          if (v.list) s.validations.push({ range: address, min: 0, max: 0, list: v.list.source.split(",") });
          else if (v.decimal)
            s.validations.push({
              range: address,
              min: v.decimal.formula1,
              max: v.decimal.formula2 ?? Number.POSITIVE_INFINITY,
            });
        });
      },
      set errorAlert(v: unknown) {
        ctx.queue(v, () => sheet.target());
      },
    };
  }

  get conditionalFormats() {
    const ctx = this.ctx;
    const sheet = this.sheet;
    const address = this.address;
    return {
      clearAll: () =>
        ctx.queue(undefined, () => {
          const s = sheet.target();
          s.colorScales = [];
          s.highlights = [];
        }),
      add: (type: string) => {
        ctx.queue(type, () => sheet.target());
        const highlight = { range: address, text: "", fill: "" };
        return {
          colorScale: {
            set criteria(v: unknown) {
              ctx.queue(v, () => {
                sheet.target().colorScales.push(address);
              });
            },
          },
          textComparison: {
            format: {
              fill: {
                set color(v: string) {
                  highlight.fill = v;
                },
              },
            },
            set rule(v: { text: string }) {
              ctx.queue(v, () => {
                highlight.text = v.text;
                sheet.target().highlights.push(highlight);
              });
            },
          },
        };
      },
    };
  }

  unmerge() {
    this.ctx.queue(undefined, () => {
      this.sheet.target().merges = [];
    });
  }

  merge(_across?: boolean) {
    this.ctx.queue(undefined, () => {
      this.sheet.target().merges.push(this.address);
    });
  }

  select() {
    this.ctx.queue(undefined, () => {
      this.ctx.wb.selection = { sheet: this.sheet.target().name, cell: this.address };
    });
  }
}

/** Whether two A1 ranges ("C2:C20", "D5") share a cell. */
function overlaps(a: string, b: string): boolean {
  const rect = (r: string) => {
    const [p, q] = r.split(":").map((x) => parseAddress(x));
    return p ? { r1: p.row, c1: p.col, r2: (q ?? p).row, c2: (q ?? p).col } : null;
  };
  const x = rect(a);
  const y = rect(b);
  if (!x || !y) return true;
  return x.r1 <= y.r2 && y.r1 <= x.r2 && x.c1 <= y.c2 && y.c1 <= x.c2;
}

export interface ExcelDouble {
  /** What the gateway gets as `Excel.run`. */
  run: <T>(batch: (context: Excel.RequestContext) => Promise<T>) => Promise<T>;
  /** The workbook behind it. */
  wb: FakeWorkbook;
  /** Bytes of every request sent so far, in order (one per `context.sync()`). */
  requests: number[];
  /** Bytes of the values each answered sync brought back (a refused one is not answered). */
  responses: number[];
  syncs(): number;
}

/**
 * A double of Excel over `wb` (a fresh workbook with one empty "Sheet1" by default), with Excel on the web's payload
 * limit (`Infinity` for the desktop).
 */
export function excelDouble(wb = new FakeWorkbook(), limit = WEB_PAYLOAD_LIMIT): ExcelDouble {
  const requests: number[] = [];
  const responses: number[] = [];
  return {
    wb,
    requests,
    responses,
    syncs: () => requests.length,
    run: async (batch) => {
      const context = new Context(wb, limit);
      try {
        return await batch(context as unknown as Excel.RequestContext);
      } finally {
        requests.push(...context.requests);
        responses.push(...context.responses);
      }
    },
  };
}
