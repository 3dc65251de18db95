"""The agent loop against Palisade with the official Python MCP SDK, as a second, independent client.

Usage: mcp_loop.py MODE PALISADE_BINARY CONFIG TARGET_URL   (MODE stdio-...: the script starts `palisade mcp`)
       mcp_loop.py MODE MCP_URL TARGET_URL                  (MODE http-...: Streamable HTTP to `palisade serve`)

MODE is TRANSPORT-REVISION[-tasks]:
  *-2025        protocol 2025-11-25: the initialize handshake, a session
  *-2026        protocol 2026-07-28: server/discover, then stateless requests carrying their own _meta
  *-2026-tasks  2026-07-28 declaring the tasks extension (io.modelcontextprotocol/tasks, SEP-2663): start_scan and
                verify_fixes answer with a task, which the script polls with tasks/get until it completes

Prints {"ready": scan_id} after scanning, waits for a line on stdin (the test fixes the lab meanwhile), verifies
the fix, and prints {"ok": true}. Any failed expectation raises, so the exit status is non-zero.
"""

import asyncio
import json
import os
import sys
from typing import Any, Literal

from mcp import ClientSession, StdioServerParameters
from mcp.client import ClaimContext, ResultClaim
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp_types import (
    CallToolResult,
    CancelTaskRequest,
    CancelTaskRequestParams,
    EmptyResult,
    GetTaskRequest,
    GetTaskRequestParams,
    Result,
)

TASKS = "io.modelcontextprotocol/tasks"


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


# The SDK (mcp 2.3) has no tasks client of its own: its types for tasks are the 2025-11-25 core ones (a `task`
# object nested in the result), and it sends no tasks/* request itself. What it does have is the extension seam
# (SEP-2133): a ResultClaim teaches `tools/call` one more `resultType` on 2026-07-28 connections, and declaring
# the claim's extension puts it in the capabilities every request's _meta carries. The task is then followed with
# tasks/get through the session's generic send_request, as mcp.Client.call_tool would through the claim's resolver.


class CreatedTask(Result):
    """SEP-2663's CreateTaskResult: the task's own fields beside `resultType: "task"`."""

    result_type: Literal["task"]
    task_id: str
    status: str
    status_message: str | None = None
    poll_interval_ms: int | None = None


class TaskState(Result):
    """tasks/get's answer: the task, with the tool's CallToolResult under `result` once it completed."""

    task_id: str
    status: str
    status_message: str | None = None
    poll_interval_ms: int | None = None
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None


# SEP-2663: over Streamable HTTP the Mcp-Name header carries the task id. The SDK's GetTaskRequest (a 2025-11-25
# type) does not ask for it, and the server refuses a tasks/get without it (-32020): `name_param` asks for it.
class GetTask(GetTaskRequest):
    name_param = "taskId"


class CancelTask(CancelTaskRequest):
    name_param = "taskId"


async def get_task(session, task_id):
    return await session.send_request(GetTask(params=GetTaskRequestParams(task_id=task_id)), TaskState)


async def finish_task(created: CreatedTask, ctx: ClaimContext) -> CallToolResult:
    """Polls the task at the interval the server asks for until it ends; the tool's answer, inlined by tasks/get."""
    state = created
    deadline = asyncio.get_running_loop().time() + 120
    while state.status == "working":
        expect(asyncio.get_running_loop().time() < deadline, f"{ctx.tool_name}'s task never ended: {state}")
        await asyncio.sleep((state.poll_interval_ms or 1000) / 1000)
        state = await get_task(ctx.session, created.task_id)
        expect(state.task_id == created.task_id, state)
    expect(state.status == "completed", f"{ctx.tool_name}'s task ended {state.status}: {state}")
    expect(state.result is not None, f"a completed task inlines the tool's answer: {state}")
    return CallToolResult.model_validate(state.result)


TASK_CLAIM = ResultClaim(result_type="task", model=CreatedTask, resolve=finish_task)


async def call(session, tool, arguments, progress=None, tasks=None):
    """A tools/call; with `tasks` (a list) a task answer is recorded there and followed to the tool's answer."""
    if tasks is None:
        return await session.call_tool(tool, arguments, progress_callback=progress)
    result = await session.call_tool(tool, arguments, progress_callback=progress, allow_claimed=True)
    if isinstance(result, CreatedTask):
        tasks.append(result)
        result = await TASK_CLAIM.resolve(
            result, ClaimContext(session=session, tool_name=tool, read_timeout_seconds=None)
        )
    return result


def expect_task(tasks, scan_id):
    expect(len(tasks) == 1, f"one task: {tasks}")
    task = tasks.pop()
    expect(task.task_id == scan_id and task.status == "working", task)
    expect(task.poll_interval_ms and task.poll_interval_ms > 0, f"a poll interval: {task}")


async def the_loop(session, target, modern=False, tasks=None):
    if modern:
        # Protocol 2026-07-28: no handshake; server/discover, then every request carries its own metadata.
        found = await session.discover()
        expect("2026-07-28" in found.supported_versions, f"versions {found.supported_versions}")
        expect(session.protocol_version == "2026-07-28", session.protocol_version)
    else:
        init = await session.initialize()
        expect(init.server_info.name == "palisade", f"server is {init.server_info}")
        expect(init.protocol_version == "2025-11-25", init.protocol_version)
    names = sorted(t.name for t in (await session.list_tools()).tools)
    expect(len(names) == 11 and "verify_fixes" in names and "schedule_scan" in names, names)

    seen = []

    async def on_progress(progress, total, message):
        seen.append((progress, total, message))

    # A task answers at once, so findings are not streamed to it: it has no progress callback.
    progress = None if tasks is not None else on_progress
    started = await call(session, "start_scan", {"targets": [target], "wait_seconds": 40}, progress, tasks)
    expect(not started.is_error, started.content)
    scan = started.structured_content
    expect(scan["status"] == "completed", scan)
    if tasks is not None:
        expect_task(tasks, scan["scan_id"])
        expect(scan["worst_findings"] and sum(scan["counts"].values()) > 0, f"the task's answer has findings: {scan}")
    else:
        lines = [m for _, _, m in seen if m and m.startswith("[")]
        expect(lines, f"findings arrive as progress notifications: {seen[:5]}")
        values = [p for p, _, _ in seen]
        expect(all(b > a for a, b in zip(values, values[1:])), f"progress strictly increases: {values}")
        expect(all(float(v).is_integer() for v in values), f"progress counts whole steps: {values}")

    page = (await call(session, "get_findings", {"scan_id": scan["scan_id"], "limit": 5})).structured_content
    expect(page["returned"] == 5 and page["has_more"], page)
    everything = (await call(session, "get_findings", {"scan_id": scan["scan_id"], "limit": 100})).structured_content
    env = [f for f in everything["findings"] if f["check_id"] == "disclosure.env-exposed"]
    expect(env, "the .env exposure is found")

    fix = await call(session, "get_fix_file", {"scan_id": scan["scan_id"]})
    expect(fix.content[0].text.startswith("---\nformat: security-fix/v1\n"), fix.content[0].text[:80])

    # A schedule for the same target: created, listed, deleted; a bad cadence is a tool error saying what to write.
    made = await call(session, "schedule_scan", {"targets": [target], "cadence": "daily", "timezone": "Europe/Berlin"})
    expect(not made.is_error, made.content)
    schedule = made.structured_content["schedules"][0]
    expect(schedule["cadence"] == "daily" and schedule["timezone"] == "Europe/Berlin", schedule)
    listed = (await call(session, "schedule_scan", {"operation": "list"})).structured_content
    expect([s["id"] for s in listed["schedules"]] == [schedule["id"]], listed)
    bad = await call(session, "schedule_scan", {"targets": [target], "cadence": "every day"})
    expect(bad.is_error and "five-field cron expression" in bad.content[0].text, bad.content)
    gone = await call(session, "schedule_scan", {"operation": "delete", "schedule_id": schedule["id"]})
    expect(not gone.is_error, gone.content)
    left = (await call(session, "schedule_scan", {"operation": "list"})).structured_content
    expect(left["schedules"] == [], left)

    unknown = await call(session, "get_scan", {"scan_id": "zzzzzzzz"})
    expect(unknown.is_error and "list_scans" in unknown.content[0].text, unknown.content)

    print(json.dumps({"ready": scan["scan_id"]}), flush=True)
    await asyncio.to_thread(sys.stdin.readline)

    verified = await call(
        session,
        "verify_fixes",
        {"scan_id": scan["scan_id"], "fingerprints": [env[0]["fingerprint"]], "wait_seconds": 40},
        tasks=tasks,
    )
    result = verified.structured_content
    expect(result["fixed"] == 1 and result["still_open"] == 0, result)
    if tasks is not None:
        expect_task(tasks, result["verification_scan_id"])
        # tasks/cancel of an ended task is acknowledged and changes nothing; tasks/get still has its answer.
        await session.send_request(
            CancelTask(params=CancelTaskRequestParams(task_id=result["verification_scan_id"])), EmptyResult
        )
        after = await get_task(session, result["verification_scan_id"])
        expect(after.status == "completed" and after.result is not None, after)
    print(json.dumps({"ok": True}), flush=True)


async def main():
    mode = sys.argv[1]
    transport, revision, *rest = mode.split("-")
    # No 2025-tasks: the SDK advertises an extension with claims only where they are active, on 2026-07-28 ("claimed
    # shapes cannot be delivered on a legacy wire"), and validates a 2025-11-25 tools/call answer as a CallToolResult.
    expect(revision in ("2025", "2026") and rest in ([], ["tasks"]) and not (rest and revision == "2025"), mode)
    modern = revision == "2026"
    tasks = [] if rest == ["tasks"] else None
    claims = {"extensions": {TASKS: {}}, "result_claims": {TASKS: [TASK_CLAIM]}} if tasks is not None else {}
    if transport == "stdio":
        binary, config, target = sys.argv[2], sys.argv[3], sys.argv[4]
        params = StdioServerParameters(command=binary, args=["--config", config, "mcp"], env=dict(os.environ))
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write, **claims) as session:
                await the_loop(session, target, modern, tasks)
    elif transport == "http":
        url, target = sys.argv[2], sys.argv[3]
        async with streamable_http_client(url) as (read, write):
            async with ClientSession(read, write, **claims) as session:
                await the_loop(session, target, modern, tasks)
    else:
        raise SystemExit(f"unknown mode {mode}")


asyncio.run(main())
