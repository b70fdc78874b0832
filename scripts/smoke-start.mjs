#!/usr/bin/env node
/**
 * Checks the README's first command on this checkout, as a newcomer would run it: `npm start` comes up, the console
 * prints what to open with the web app's address first, the web app (served by the Worker with its
 * Content-Security-Policy), the API, the task pane (HTTPS for Excel, HTTP for the browser demo) and the board's
 * workbook answer, and Ctrl-C stops everything it started. `.ci/run` calls it after `npm test` on its fresh clone.
 */
import { spawn } from "node:child_process";
import https from "node:https";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const started = Date.now();
const child = spawn("npm", ["start"], { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] });
let out = "";
child.stdout.on("data", (d) => {
  out += d;
});
child.stderr.on("data", (d) => {
  out += d;
});

function fail(message) {
  console.error(`npm start smoke check FAILED: ${message}\n--- output ---\n${out}`);
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {}
  process.exit(1);
}

const insecureGet = (url) =>
  new Promise((ok, bad) => {
    https
      .get(url, { rejectUnauthorized: false }, (r) => {
        r.resume();
        ok(r.statusCode);
      })
      .on("error", bad);
  });

const deadline = Date.now() + 180_000;
while (!out.includes("Ctrl-C")) {
  if (child.exitCode !== null) fail(`npm start exited with ${child.exitCode}`);
  if (Date.now() > deadline) fail("no banner within 180 s");
  await new Promise((r) => setTimeout(r, 250));
}
const ready = Date.now() - started;
const board = /board \(read-only\):\s+(\S+)/.exec(out)?.[1];
const demo = /(http:\/\/localhost:3001\/\?server=\S+)/.exec(out)?.[1];
if (!board || !demo) fail("the banner lacks the board's code or the demo address");

// The banner opens with the web app's address, served by the Worker on the API's origin.
const firstAddress = /https?:\/\/\S+/.exec(out.slice(out.indexOf("════")))?.[0];
if (firstAddress !== "http://127.0.0.1:8787/") fail(`the banner's first address is ${firstAddress}, not the web app`);
for (const p of ["/", "/ballot"]) {
  const web = await fetch(`http://127.0.0.1:8787${p}`);
  const page = await web.text();
  const csp = web.headers.get("content-security-policy") ?? "";
  if (web.status !== 200 || !page.includes('id="app"') || !csp.includes("script-src 'self'"))
    fail(`the web app at ${p} answered ${web.status} with policy "${csp}"`);
  // The phone ballot is a page of its own (ballot.html: no Fluent, no shell), not the whole app.
  if (p === "/ballot" && !page.includes("<title>Phiếu bầu")) fail("/ballot is not the ballot page");
  if (/office\.js/.test(page)) fail("the web app loads office.js");
}

const health = await fetch("http://127.0.0.1:8787/api/v1/health");
if (health.status !== 200) fail(`health answered ${health.status}`);
const pane = await fetch(demo);
const html = await pane.text();
if (pane.status !== 200 || !html.includes('<div id="app"')) fail(`the browser demo answered ${pane.status}`);
const paneHttps = await insecureGet("https://localhost:3000/index.html");
if (paneHttps !== 200) fail(`the HTTPS task pane answered ${paneHttps}`);
const book = await fetch("http://127.0.0.1:8787/api/v1/periods/khoi-viii-2017/ranking.xlsx", {
  headers: { authorization: `Bearer ${board}` },
});
if (book.status !== 200) fail(`the board's ranking workbook answered ${book.status}`);

process.kill(-child.pid, "SIGINT");
const stopBy = Date.now() + 20_000;
while (child.exitCode === null && Date.now() < stopBy) await new Promise((r) => setTimeout(r, 200));
const stillUp = await fetch("http://127.0.0.1:8787/api/v1/health").then(
  () => true,
  () => false,
);
if (stillUp) fail("the worker still answers after Ctrl-C");
console.log(
  `npm start smoke check: ready in ${(ready / 1000).toFixed(1)} s; web app, API, task pane (HTTPS and demo), board workbook answered; Ctrl-C stopped everything.`,
);
