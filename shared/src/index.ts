/**
 * thidua's domain core: pure TypeScript shared by the add-in and the worker. No office-js, Hono or Workers types,
 * no clock and no randomness: what varies is passed in.
 */
export * from "./a1.ts";
export * from "./api.ts";
export * from "./ballot.ts";
export * from "./blocTable.ts";
export * from "./classify.ts";
export * from "./criteriaTable.ts";
export * from "./demo.ts";
export * from "./errors.ts";
export * from "./layout.ts";
export * from "./messages.ts";
export * from "./nominate.ts";
export * from "./points.ts";
export * from "./presets.ts";
export * from "./rank.ts";
export * from "./schemas.ts";
export * from "./scoring.ts";
export * from "./sealed.ts";
export * from "./setup.ts";
export * from "./template.ts";
export * from "./validate.ts";
