// The agent loop against Palisade with the official TypeScript MCP SDK (@modelcontextprotocol/client 2.x, installed
// by scripts/test into target/ts-client), as a third, independent client.
//
// Usage: node mcp_loop.mjs http MCP_URL TARGET_URL
//        node mcp_loop.mjs stdio PALISADE_BINARY CONFIG TARGET_URL
//
// The client opts into version negotiation ('auto': server/discover first, the initialize handshake only if the
// server is a 2025-era one). Palisade supports protocol revision 2026-07-28, so the client negotiates that revision
// (the modern, stateless era: no handshake, every request carries its own _meta), and the script asserts it.
//
// Prints {"ready": scan_id} after scanning, waits for a line on stdin (the test fixes the lab meanwhile), verifies
// the fix, and prints {"ok": true}. Any failed expectation throws, so the exit status is non-zero.

import { createRequire } from "node:module";
import path from "node:path";
import readline from "node:readline";
import { pathToFileURL } from "node:url";

// The SDK lives outside this folder (target/ts-client/node_modules), so it is resolved from PALISADE_TEST_TS_CLIENT.
const folder = process.env.PALISADE_TEST_TS_CLIENT;
if (!folder) throw new Error("PALISADE_TEST_TS_CLIENT is not set: run scripts/test");
const require = createRequire(path.join(folder, "package.json"));
// require.resolve picks the CommonJS entry; the ESM one sits beside it with the same name and .mjs.
const esm = (name) => import(pathToFileURL(require.resolve(name).replace(/\.cjs$/, ".mjs")).href);
const { Client, StreamableHTTPClientTransport } = await esm("@modelcontextprotocol/client");

function expect(condition, message) {
  if (!condition) throw new Error(`expectation failed: ${typeof message === "string" ? message : JSON.stringify(message)}`);
}

const stdinLines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function call(client, name, args, onprogress) {
  const options = { timeout: 120_000 };
  if (onprogress) Object.assign(options, { onprogress, resetTimeoutOnProgress: true });
  return client.callTool({ name, arguments: args }, options);
}

async function theLoop(client, target) {
  const version = client.getNegotiatedProtocolVersion();
  expect(version === "2026-07-28", `negotiated protocol ${version}`);
  expect(client.getProtocolEra() === "modern", `era ${client.getProtocolEra()}`);

  const names = (await client.listTools()).tools.map((t) => t.name).sort();
  expect(names.length === 11 && names.includes("verify_fixes"), names);

  const seen = [];
  const started = await call(client, "start_scan", { targets: [target], wait_seconds: 40 }, (p) => seen.push(p));
  expect(!started.isError, started.content);
  const scan = started.structuredContent;
  expect(scan.status === "completed", scan);
  const lines = seen.filter((p) => typeof p.message === "string" && p.message.startsWith("["));
  expect(lines.length > 0, `findings arrive as progress notifications: ${JSON.stringify(seen.slice(0, 5))}`);
  const values = seen.map((p) => p.progress);
  expect(values.every((v, i) => i === 0 || v > values[i - 1]), `progress strictly increases: ${values}`);

  const everything = (await call(client, "get_findings", { scan_id: scan.scan_id, limit: 100 })).structuredContent;
  const env = everything.findings.filter((f) => f.check_id === "disclosure.env-exposed");
  expect(env.length > 0, "the .env exposure is found");

  const fix = await call(client, "get_fix_file", { scan_id: scan.scan_id });
  const text = fix.content[0].text;
  expect(text.startsWith("---\nformat: security-fix/v1\n"), text.slice(0, 80));

  console.log(JSON.stringify({ ready: scan.scan_id }));
  await stdinLines.next();

  const verified = await call(client, "verify_fixes", {
    scan_id: scan.scan_id,
    fingerprints: [env[0].fingerprint],
    wait_seconds: 40,
  });
  const result = verified.structuredContent;
  expect(result.fixed === 1 && result.still_open === 0, result);
  console.log(JSON.stringify({ ok: true }));
}

const [mode, ...rest] = process.argv.slice(2);
const client = new Client({ name: "palisade-ts-test", version: "1.0.0" }, { versionNegotiation: { mode: "auto" } });
let transport;
let target;
if (mode === "http") {
  const [url, t] = rest;
  target = t;
  transport = new StreamableHTTPClientTransport(new URL(url));
} else if (mode === "stdio") {
  const [binary, config, t] = rest;
  target = t;
  const { StdioClientTransport } = await esm("@modelcontextprotocol/client/stdio");
  transport = new StdioClientTransport({ command: binary, args: ["--config", config, "mcp"], env: { ...process.env } });
} else {
  throw new Error(`unknown mode ${mode}`);
}
await client.connect(transport);
try {
  await theLoop(client, target);
} finally {
  await client.close();
}
process.exit(0);
