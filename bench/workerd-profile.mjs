#!/usr/bin/env node
/**
 * Where a heavy route's CPU goes inside workerd: starts `wrangler dev` on bench/workerd/routes.jsonc with its
 * inspector, samples the worker's isolate with the DevTools protocol's Profiler while the route runs, and prints the
 * functions by self time and by inclusive time (shares of the samples; the collector's threads are not sampled).
 *
 *   node bench/workerd-profile.mjs ranking 100       # route, units (x 120 criteria); 3 requests of 40 repetitions
 */
import { wranglerDev } from "./wrangler-dev.mjs";

const [what = "ranking", units = "100", reps = "40"] = process.argv.slice(2);
const inspector = 9300 + Math.floor(Math.random() * 600);

async function main() {
  const { port, stop } = await wranglerDev("bench/workerd/routes.jsonc", ["--inspector-port", String(inspector)]);
  try {
    await profile(port);
  } finally {
    stop();
  }
}

async function profile(port) {
  const hit = () =>
    fetch(`http://127.0.0.1:${port}/${what}?units=${units}&criteria=120&reps=${reps}`).then((r) => r.text());
  await hit();
  await hit();
  const [target] = await (await fetch(`http://127.0.0.1:${inspector}/json`)).json();
  // wrangler's inspector proxy answers DevTools' origin only.
  const ws = new WebSocket(target.webSocketDebuggerUrl, {
    headers: { Origin: "https://devtools.devprod.cloudflare.dev" },
  });
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve);
    ws.addEventListener("error", reject);
  });
  let id = 0;
  const pending = new Map();
  ws.addEventListener("message", (e) => {
    const m = JSON.parse(String(e.data));
    if (m.id && pending.has(m.id)) {
      pending.get(m.id)(m.result);
      pending.delete(m.id);
    }
  });
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      id++;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 100 });
  await send("Profiler.start");
  for (let i = 0; i < 3; i++) await hit();
  const { profile } = await send("Profiler.stop");
  ws.close();

  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const samples = new Map();
  for (const s of profile.samples) samples.set(s, (samples.get(s) ?? 0) + 1);
  const self = new Map();
  const inclusive = new Map();
  let total = 0;
  for (const [nodeId, count] of samples) {
    total += count;
    const f = byId.get(nodeId).callFrame;
    const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").pop()}:${f.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + count);
    const seen = new Set();
    for (let q = nodeId; q; q = parent.get(q)) {
      const name = byId.get(q).callFrame.functionName || "(anonymous)";
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + count);
    }
  }
  const show = (title, m, n) => {
    console.log(`\n${title}`);
    for (const [k, c] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n))
      console.log(`${((100 * c) / total).toFixed(1).padStart(5)}%  ${k}`);
  };
  console.log(`/${what} at ${units} units x 120 criteria, ${total} samples of 0.1 ms`);
  show("self time", self, 25);
  show("inclusive time", inclusive, 30);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
