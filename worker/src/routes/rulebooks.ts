/** Quy chế: GET|POST /rulebooks, GET /rulebooks/:rulebookId/versions/:version (see versioned.ts). */
export { rulebookRoutes } from "./versioned.ts";
