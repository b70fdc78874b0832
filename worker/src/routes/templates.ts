/** Bảng chấm điểm: GET|POST /templates, GET /templates/:templateId/versions/:version (see versioned.ts). */
export { templateRoutes } from "./versioned.ts";
