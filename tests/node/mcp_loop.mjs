// The agent loop against Palisade with the official TypeScript MCP SDK (@modelcontextprotocol/client 2.x, installed
// by scripts/test into target/ts-client), as a third, independent client.
//
// Usage: node mcp_loop.mjs MODE MCP_URL TARGET_URL                   (MODE http-...: Streamable HTTP)
//        node mcp_loop.mjs MODE PALISADE_BINARY CONFIG TARGET_URL    (MODE stdio-...: the client starts `palisade mcp`)
//
// MODE is TRANSPORT-REVISION[-tasks]:
//   *-2025        the SDK's default 'legacy' negotiation: the initialize handshake at 2025-11-25, a session
//   *-2026        'auto' negotiation: server/discover first, and since Palisade supports 2026-07-28 the client
//                 negotiates it (the modern, stateless era: no handshake, every request carries its own _meta)
//   *-tasks       declaring the tasks extension (io.modelcontextprotocol/tasks, SEP-2663) in the client's
//                 capabilities: start_scan and verify_fixes answer with a task, which the script polls with
//                 tasks/get until it completes (on 2025-11-25 the declaration travels in initialize, on 2026-07-28
//                 in every request's _meta)
//
// Prints {"ready": scan_id} after scanning, waits for a line on stdin (the test fixes the lab meanwhile), verifies
// the fix, and prints {"ok": true}. Any failed expectation throws, so the exit status is non-zero.

import { createRequire } from "node:module";
import path from "node:path";
import readline from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";

// The SDK lives outside this folder (target/ts-client/node_modules), so it is resolved from PALISADE_TEST_TS_CLIENT.
const folder = process.env.PALISADE_TEST_TS_CLIENT;
if (!folder) throw new Error("PALISADE_TEST_TS_CLIENT is not set: run scripts/test");
const require = createRequire(path.join(folder, "package.json"));
// require.resolve picks the CommonJS entry; the ESM one sits beside it with the same name and .mjs.
const esm = (name) => import(pathToFileURL(require.resolve(name).replace(/\.cjs$/, ".mjs")).href);
const { Client, StreamableHTTPClientTransport } = await esm("@modelcontextprotocol/client");

const TASKS = "io.modelcontextprotocol/tasks";

function expect(condition, message) {
  if (!condition) throw new Error(`expectation failed: ${typeof message === "string" ? message : JSON.stringify(message)}`);
}

const stdinLines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function call(client, name, args, onprogress) {
  const options = { timeout: 120_000 };
  if (onprogress) Object.assign(options, { onprogress, resetTimeoutOnProgress: true });
  return client.callTool({ name, arguments: args }, options);
}

// Tasks. The SDK (2.4.0) has no tasks client: it declares whatever `capabilities.extensions` holds (in initialize,
// or in every request's _meta on 2026-07-28), and lets tasks/get and tasks/cancel through its generic
// client.request() with an explicit result schema (it knows SEP-2663 reuses those names), the HTTP transport setting
// Mcp-Name to the task id. The answer to tools/call depends on the era:
// - 2026-07-28: the codec refuses any resultType other than "complete" and "input_required" before a schema is
//   consulted, callTool() and request() alike: the call rejects with UNSUPPORTED_RESULT_TYPE, and the error does
//   not carry the answer. So the script reads the CreateTaskResult the way the SDK lets an observer see inbound
//   traffic: an onmessage set on the transport before connect(), which Protocol.connect() chains ahead of its own.
// - 2025-11-25: the codec drops `resultType` and passes the rest on, so request() returns the task (and callTool()
//   would return it as a successful CallToolResult with no content: the script does not use it for tasks).

/** A Standard Schema that takes any value: client.request() needs one for a method outside the spec. */
const anything = { "~standard": { version: 1, vendor: "palisade-test", validate: (value) => ({ value }) } };

/** Task answers (`resultType: "task"`) seen on the wire, in order. */
const taskAnswers = [];
function observe(transport) {
  transport.onmessage = (message) => {
    if (message?.result?.resultType === "task") taskAnswers.push(message.result);
  };
}

/** tools/call of a tool that answers with a task: the CreateTaskResult, checked. */
async function startTask(client, name, args, modern) {
  const before = taskAnswers.length;
  const answer = await client.request({ method: "tools/call", params: { name, arguments: args } }, anything).then(
    (value) => ({ value }),
    (error) => ({ error }),
  );
  expect(taskAnswers.length === before + 1, `one task answer on the wire: ${JSON.stringify(taskAnswers)}`);
  const task = taskAnswers.at(-1);
  if (modern) {
    const { error } = answer;
    expect(error?.code === "UNSUPPORTED_RESULT_TYPE" && error.data?.resultType === "task",
      `the SDK refuses a task answer (if it returns one now, use it): ${error?.message ?? JSON.stringify(answer)}`);
  } else {
    expect(answer.value?.taskId === task.taskId && !("resultType" in answer.value), answer);
  }
  expect(task.status === "working" && typeof task.taskId === "string" && task.pollIntervalMs > 0, task);
  return task;
}

/** Polls the task at the interval the server asks for until it ends; the tool's answer, inlined by tasks/get. */
async function finishTask(client, task) {
  let state = task;
  const deadline = Date.now() + 120_000;
  while (state.status === "working") {
    expect(Date.now() < deadline, `the task never ended: ${JSON.stringify(state)}`);
    await sleep(state.pollIntervalMs ?? 1000);
    state = await client.request({ method: "tasks/get", params: { taskId: task.taskId } }, anything);
    expect(state.taskId === task.taskId, state);
  }
  expect(state.status === "completed" && state.result, `the task ends with its answer: ${JSON.stringify(state)}`);
  return state.result;
}

async function theLoop(client, target, modern, tasks) {
  const version = client.getNegotiatedProtocolVersion();
  expect(version === (modern ? "2026-07-28" : "2025-11-25"), `negotiated protocol ${version}`);
  expect(client.getProtocolEra() === (modern ? "modern" : "legacy"), `era ${client.getProtocolEra()}`);

  const names = (await client.listTools()).tools.map((t) => t.name).sort();
  expect(names.length === 11 && names.includes("verify_fixes"), names);

  const seen = [];
  const scanArgs = { targets: [target], wait_seconds: 40 };
  let started;
  if (tasks) {
    const task = await startTask(client, "start_scan", scanArgs, modern);
    started = await finishTask(client, task);
    expect(started.structuredContent.scan_id === task.taskId, `the task id is the scan id: ${task.taskId}`);
  } else {
    started = await call(client, "start_scan", scanArgs, (p) => seen.push(p));
  }
  expect(!started.isError, started.content);
  const scan = started.structuredContent;
  expect(scan.status === "completed", scan);
  if (tasks) {
    const found = Object.values(scan.counts).reduce((a, b) => a + b, 0);
    expect(found > 0 && scan.worst_findings.length > 0, `the task's answer has findings: ${JSON.stringify(scan)}`);
  } else {
    const lines = seen.filter((p) => typeof p.message === "string" && p.message.startsWith("["));
    expect(lines.length > 0, `findings arrive as progress notifications: ${JSON.stringify(seen.slice(0, 5))}`);
    const values = seen.map((p) => p.progress);
    expect(values.every((v, i) => i === 0 || v > values[i - 1]), `progress strictly increases: ${values}`);
  }

  const everything = (await call(client, "get_findings", { scan_id: scan.scan_id, limit: 100 })).structuredContent;
  const env = everything.findings.filter((f) => f.check_id === "disclosure.env-exposed");
  expect(env.length > 0, "the .env exposure is found");

  const fix = await call(client, "get_fix_file", { scan_id: scan.scan_id });
  const text = fix.content[0].text;
  expect(text.startsWith("---\nformat: security-fix/v1\n"), text.slice(0, 80));

  console.log(JSON.stringify({ ready: scan.scan_id }));
  await stdinLines.next();

  const verifyArgs = { scan_id: scan.scan_id, fingerprints: [env[0].fingerprint], wait_seconds: 40 };
  let verified;
  if (tasks) {
    const task = await startTask(client, "verify_fixes", verifyArgs, modern);
    verified = await finishTask(client, task);
    expect(verified.structuredContent.verification_scan_id === task.taskId, task);
    // tasks/cancel of an ended task is acknowledged and changes nothing.
    await client.request({ method: "tasks/cancel", params: { taskId: task.taskId } }, anything);
    const after = await client.request({ method: "tasks/get", params: { taskId: task.taskId } }, anything);
    expect(after.status === "completed", after);
  } else {
    verified = await call(client, "verify_fixes", verifyArgs);
  }
  const result = verified.structuredContent;
  expect(result.fixed === 1 && result.still_open === 0, result);
  console.log(JSON.stringify({ ok: true }));
}

const [mode, ...rest] = process.argv.slice(2);
const [kind, revision, extra] = mode.split("-");
if (!["2025", "2026"].includes(revision) || ![undefined, "tasks"].includes(extra)) {
  throw new Error(`unknown mode ${mode}`);
}
const modern = revision === "2026";
const tasks = extra === "tasks";
const options = { versionNegotiation: { mode: modern ? "auto" : "legacy" } };
if (tasks) options.capabilities = { extensions: { [TASKS]: {} } };
const client = new Client({ name: "palisade-ts-test", version: "1.0.0" }, options);
let transport;
let target;
if (kind === "http") {
  const [url, t] = rest;
  target = t;
  transport = new StreamableHTTPClientTransport(new URL(url));
} else if (kind === "stdio") {
  const [binary, config, t] = rest;
  target = t;
  const { StdioClientTransport } = await esm("@modelcontextprotocol/client/stdio");
  transport = new StdioClientTransport({ command: binary, args: ["--config", config, "mcp"], env: { ...process.env } });
} else {
  throw new Error(`unknown mode ${mode}`);
}
if (tasks) observe(transport);
await client.connect(transport);
try {
  await theLoop(client, target, modern, tasks);
} finally {
  await client.close();
}
process.exit(0);
