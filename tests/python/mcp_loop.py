"""The agent loop against Palisade with the official Python MCP SDK, as a second, independent client.

Usage: mcp_loop.py stdio PALISADE_BINARY CONFIG TARGET_URL
       mcp_loop.py http MCP_URL TARGET_URL         (protocol 2025-11-25: initialize handshake, a session)
       mcp_loop.py http-2026 MCP_URL TARGET_URL    (protocol 2026-07-28: server/discover, stateless requests)

Prints {"ready": scan_id} after scanning, waits for a line on stdin (the test fixes the lab meanwhile), verifies
the fix, and prints {"ok": true}. Any failed expectation raises, so the exit status is non-zero.
"""

import asyncio
import json
import os
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


async def call(session, tool, arguments, progress=None):
    result = await session.call_tool(tool, arguments, progress_callback=progress)
    return result


async def the_loop(session, target, modern=False):
    if modern:
        # Protocol 2026-07-28: no handshake; server/discover, then every request carries its own metadata.
        found = await session.discover()
        expect("2026-07-28" in found.supported_versions, f"versions {found.supported_versions}")
    else:
        init = await session.initialize()
        expect(init.server_info.name == "palisade", f"server is {init.server_info}")
    names = sorted(t.name for t in (await session.list_tools()).tools)
    expect(len(names) == 11 and "verify_fixes" in names and "schedule_scan" in names, names)

    seen = []

    async def on_progress(progress, total, message):
        seen.append((progress, total, message))

    started = await call(session, "start_scan", {"targets": [target], "wait_seconds": 40}, on_progress)
    expect(not started.is_error, started.content)
    scan = started.structured_content
    expect(scan["status"] == "completed", scan)
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
    )
    result = verified.structured_content
    expect(result["fixed"] == 1 and result["still_open"] == 0, result)
    print(json.dumps({"ok": True}), flush=True)


async def main():
    mode = sys.argv[1]
    if mode == "stdio":
        binary, config, target = sys.argv[2], sys.argv[3], sys.argv[4]
        params = StdioServerParameters(command=binary, args=["--config", config, "mcp"], env=dict(os.environ))
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                await the_loop(session, target)
    elif mode in ("http", "http-2026"):
        url, target = sys.argv[2], sys.argv[3]
        async with streamable_http_client(url) as (read, write):
            async with ClientSession(read, write) as session:
                await the_loop(session, target, modern=mode == "http-2026")
    else:
        raise SystemExit(f"unknown mode {mode}")


asyncio.run(main())
