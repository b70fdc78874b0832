/**
 * The sealed-ballot code the benchmark compares against (`npm run bench:ballot -- --baseline <git ref>` writes that
 * ref's `shared/src/sealed.ts` here for the run and puts this file back afterwards). By default, today's code.
 */
export * from "../../shared/src/sealed.ts";
