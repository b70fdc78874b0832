import { SELF } from "cloudflare:test";
import { expect, it } from "vitest";

it("serves the OpenAPI document", async () => {
  const r = await SELF.fetch("http://x/api/v1/openapi.json");
  expect(r.status).toBe(200);
  const doc = (await r.json()) as { openapi: string };
  expect(doc.openapi).toBe("3.1.0");
  const me = await SELF.fetch("http://x/api/v1/me", {
    headers: { authorization: "Bearer test-bootstrap-token-0123456789abcdef" },
  });
  expect(await me.json()).toMatchObject({ role: "council" });
});
