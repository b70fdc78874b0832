/**
 * The readable API reference at /api/v1/docs: hand-written HTML rendered on the server from the OpenAPI document
 * (no script, no CDN), so it works offline and under a strict Content-Security-Policy.
 */

function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

interface Op {
  summary?: string;
  "x-roles"?: string[] | string;
  requestBody?: { content: { "application/json": { schema: unknown } } };
  responses?: Record<string, { description?: string }>;
}

/** The HTML page. */
export function docsPage(doc: Record<string, unknown>): string {
  const paths = doc.paths as Record<string, Record<string, Op>>;
  const rows: string[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const roles = Array.isArray(op["x-roles"]) ? op["x-roles"].join(", ") : String(op["x-roles"] ?? "");
      const responses = Object.entries(op.responses ?? {})
        .map(([s, r]) => `<li><code>${esc(s)}</code> ${esc(r.description ?? "")}</li>`)
        .join("");
      const body = op.requestBody
        ? `<details><summary>Request body (JSON Schema)</summary><pre>${esc(
            JSON.stringify(op.requestBody.content["application/json"].schema, null, 2),
          )}</pre></details>`
        : "";
      rows.push(
        `<section id="${esc(method + path)}"><h2><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h2><p>${esc(op.summary ?? "")}</p><p class="roles">Vai trò / roles: <b>${esc(roles)}</b></p><ul>${responses}</ul>${body}</section>`,
      );
    }
  }
  const info = doc.info as { title: string; description: string };
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)} – tài liệu API / API reference</title>
<style>
body{font:15px/1.5 system-ui,"Segoe UI",sans-serif;margin:0 auto;max-width:960px;padding:1rem 1.5rem;color:#1b1b1b}
h1{font-size:1.6rem}section{border-top:1px solid #ddd;padding:.5rem 0}h2{font-size:1.05rem;margin:.4rem 0}
.m{display:inline-block;min-width:4.2em;text-align:center;border-radius:4px;color:#fff;font-size:.8rem;padding:1px 6px}
.get{background:#0f6cbd}.post{background:#107c10}.put{background:#8a5a00}.delete{background:#c50f1f}
pre{background:#f5f5f5;padding:.5rem;overflow:auto;max-height:28rem;font-size:12px}.roles{color:#444;margin:.2rem 0}
ul{margin:.2rem 0 .5rem 1rem;padding:0}code{font-family:ui-monospace,Consolas,monospace}
</style></head><body>
<h1>${esc(info.title)}</h1><p>${esc(info.description)}</p>
<p>Xác thực / authentication: <code>Authorization: Bearer &lt;mã truy cập&gt;</code>. Tài liệu máy đọc / machine-readable:
<a href="openapi.json">openapi.json</a>.</p>
${rows.join("\n")}
</body></html>`;
}
