/**
 * Starts `wrangler dev` on a benchmark worker's config (local only) in its own process group, and resolves once it
 * answers: `{ child, port, stop }`. `extra`: more arguments (e.g. `--inspector-port`).
 * @example const dev = await wranglerDev("bench/workerd/routes.jsonc"); ...; dev.stop();
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export async function wranglerDev(config, extra = []) {
  const port = 8000 + Math.floor(Math.random() * 900);
  const child = spawn(
    process.execPath,
    [
      path.join(root, "node_modules/wrangler/bin/wrangler.js"),
      "dev",
      "--config",
      config,
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      ...extra,
    ],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // gone already
    }
  };
  try {
    await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("wrangler dev did not start")), 90_000);
      child.stdout.on("data", (d) => {
        if (String(d).includes("Ready on")) {
          clearTimeout(t);
          resolve();
        }
      });
      child.on("exit", () => reject(new Error("wrangler dev exited")));
    });
  } catch (e) {
    stop();
    throw e;
  }
  return { child, port, stop };
}
