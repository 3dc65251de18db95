"""Drives `palisade serve` through a client that openapi-python-client generated from the server's OpenAPI document
(run by tests/rest_python_client.rs): every operation of the full document, or the conversation of the ChatGPT
Actions profile, checking in each answer what a user would check. Prints `called OPERATION_ID` for each operation
called; exits non-zero at the first wrong answer.

Usage: rest_client.py full|actions BASE_URL API_KEY LAB_URL CLIENT_DIR
"""

import csv
import importlib
import importlib.util
import io
import json
import re
import sys
import time

profile, base, key, lab_url, client_dir = sys.argv[1:6]
sys.path.insert(0, client_dir)

import httpx  # noqa: E402  (the generated client's own dependency)
from palisade_client import AuthenticatedClient, Client  # noqa: E402
from palisade_client import models  # noqa: E402

with open(f"{client_dir}/openapi.json") as f:
    DOC = json.load(f)
TAGS = {
    op["operationId"]: (op.get("tags") or ["default"])[0]
    for item in DOC["paths"].values()
    for op in item.values()
}
TIMEOUT = httpx.Timeout(60.0)
CLIENT = AuthenticatedClient(base_url=base, token=key, timeout=TIMEOUT)
PUBLIC = Client(base_url=base, timeout=TIMEOUT)


def check(ok, what):
    if not ok:
        sys.exit(f"wrong answer: {what}")


def call(op_id, status=200, **kwargs):
    """Calls one operation through its generated module; returns (parsed, response)."""
    name = re.sub(r"(?<!^)(?=[A-Z])", "_", op_id).lower()
    module = importlib.import_module(f"palisade_client.api.{TAGS[op_id]}.{name}")
    client = PUBLIC if op_id in ("health", "openapi") else CLIENT
    response = module.sync_detailed(client=client, **kwargs)
    check(
        response.status_code == status,
        f"{op_id}: {response.status_code}, not {status}: {response.content[:300]!r}",
    )
    print("called", op_id, flush=True)
    return response.parsed, response


def targets():
    added, _ = call("addTarget", 201, body=models.AddTarget(url=lab_url, label="lab"))
    check(added.target.url.startswith(lab_url.rstrip("/")), f"addTarget: {added.target.url}")
    listed, _ = call("listTargets")
    check(added.target.id in [t.id for t in listed.targets], "listTargets lists the new target")
    return added.target.id


def scan():
    """Starts a quick scan of the lab and waits for it; returns its id."""
    started, _ = call("startScan", 202, body=models.StartScan(targets=[lab_url], profile=models.Profile.QUICK))
    scan_id = started.scan_id
    check(started.status_url.endswith(f"/v1/scans/{scan_id}"), f"startScan: {started.status_url}")
    if "streamScanEvents" in TAGS:
        events, _ = call("streamScanEvents", id=scan_id)
        check("event: finished" in events, f"streamScanEvents ends with finished: {events[-200:]}")
    for _ in range(600):
        detail, _ = call("getScan", id=scan_id)
        if detail.scan.status.value in ("completed", "failed", "cancelled"):
            break
        time.sleep(0.1)
    check(detail.scan.status.value == "completed", f"getScan: {detail.scan.status}")
    check(detail.scan.scan_id == scan_id == detail.scan.id, "getScan: scan_id and id name the scan")
    check(detail.findings_total > 0 and detail.findings, "getScan: the lab's findings")
    listed, _ = call("listScans", limit=5)
    check(listed.scans[0].scan_id == scan_id, "listScans: newest first")
    return scan_id, detail.findings_total


def findings(scan_id, total):
    """Pages through every finding two at a time, following next_cursor."""
    seen, cursor, pages = [], None, 0
    while True:
        kwargs = {"id": scan_id, "limit": 2}
        if cursor:
            kwargs["cursor"] = cursor
        page, _ = call("getFindings", **kwargs)
        pages += 1
        seen += [f.fingerprint for f in page.findings]
        cursor = page.next_cursor if isinstance(page.next_cursor, str) else None
        if not cursor:
            break
    check(len(seen) == total == len(set(seen)), f"getFindings: {len(seen)} findings, {total} in all")
    check(pages == (total + 1) // 2, f"getFindings: {pages} pages of 2 for {total}")
    high, _ = call("getFindings", id=scan_id, min_severity=models.Severity.HIGH, limit=100)
    check(all(f.severity.value in ("high", "critical") for f in high.findings), "min_severity")
    fix, response = call("getFixFile", id=scan_id)
    check(fix.startswith("---\nformat: security-fix/v1\n"), f"getFixFile: {fix[:80]!r}")
    check("palisade-partial" not in response.headers, "getFixFile: a finished scan is whole")


def reports(scan_id, total):
    """Every report format, read as its media type."""
    checks = {
        "getReportMarkdown": lambda r: isinstance(r, str) and r.startswith("## Palisade scan") and scan_id in r,
    }
    if profile == "full":
        checks.update(
            {
                "getReportJson": lambda r: r.report_format == "palisade-report/v1"
                and r.scan.id == scan_id
                and len(r.findings) == total,
                "getReportJsonl": lambda r: [json.loads(line)["check_id"] for line in r.splitlines()]
                and len(r.splitlines()) == total,
                "getReportCsv": lambda r: next(csv.reader(io.StringIO(r)))[:3] == ["scan_id", "target_url", "host"]
                and len(list(csv.reader(io.StringIO(r)))) == total + 1,
                "getReportSarif": lambda r: r.version == "2.1.0" and len(r.runs[0]["results"]) == total,
                "getReportHtml": lambda r: r.lstrip().lower().startswith("<!doctype html") and scan_id in r,
                "getReportPdf": lambda r: r.payload.read(5) == b"%PDF-",
                "getReportFix": lambda r: r.startswith("---\nformat: security-fix/v1\n"),
            }
        )
    for op_id, ok in checks.items():
        parsed, _ = call(op_id, id=scan_id)
        check(parsed is not None and ok(parsed), f"{op_id}: {str(parsed)[:300]}")


def cancel():
    """A standard scan of the lab, cancelled at once: it stops, keeping what it found."""
    started, _ = call(
        "startScan", 202, body=models.StartScan(targets=[lab_url], profile=models.Profile.STANDARD, force=True)
    )
    cancelled, _ = call("cancelScan", id=started.scan_id)
    check(cancelled.scan.status.value == "cancelled", f"cancelScan: {cancelled.scan.status}")


def schedules():
    created, _ = call(
        "createSchedule", 201, body=models.CreateSchedule(targets=[lab_url], cadence="daily", paused=True)
    )
    sid = created.schedule.id
    listed, _ = call("listSchedules")
    check(sid in [s.id for s in listed.schedules], "listSchedules")
    one, _ = call("getSchedule", id=sid)
    check(one.schedule.id == sid and one.runs == [], "getSchedule")
    changed, _ = call("updateSchedule", id=sid, body=models.UpdateSchedule(cadence="hourly"))
    check(changed.schedule.cadence == "hourly", f"updateSchedule: {changed.schedule.cadence}")
    call("deleteSchedule", id=sid)
    call("getSchedule", 404, id=sid)


def monitors():
    created, _ = call("createMonitor", 201, body=models.CreateMonitor(rule="new-finding", target=lab_url))
    listed, _ = call("listMonitors")
    check(created.monitor.id in [m.id for m in listed.monitors], "listMonitors")
    deleted, _ = call("deleteMonitor", id=created.monitor.id)
    check(deleted.deleted == created.monitor.id, "deleteMonitor")


def webhooks():
    url = base.rstrip("/") + "/palisade-test-hook"
    created, _ = call("createWebhook", 201, body=models.CreateWebhook(url=url, events=["scan.completed"]))
    check(created.secret and len(created.secret) >= 16, "createWebhook: the secret, once")
    listed, _ = call("listWebhooks")
    check(created.webhook.id in [w.id for w in listed.webhooks], "listWebhooks")
    deliveries, _ = call("listDeliveries", id=created.webhook.id)
    check(deliveries.deliveries == [], "listDeliveries: nothing sent yet")
    deleted, _ = call("deleteWebhook", id=created.webhook.id)
    check(deleted.deleted == created.webhook.id, "deleteWebhook")


def keys():
    created, _ = call(
        "createKey", 201, body=models.CreateKey(name="python-ci", scopes=[models.Scope.SCANSREAD])
    )
    check(re.fullmatch(r"pal_[0-9a-f]{32}", created.secret), "createKey: pal_ + 32 hex digits")
    listed, _ = call("listKeys")
    check(created.key.id in [k.id for k in listed.keys], "listKeys")
    revoked, _ = call("revokeKey", id=created.key.id)
    check(revoked.key.id == created.key.id, "revokeKey")
    other = AuthenticatedClient(base_url=base, token=created.secret)
    from palisade_client.api.scans import list_scans

    check(list_scans.sync_detailed(client=other).status_code == 401, "a revoked key fails at once")


def server():
    health, _ = call("health")
    check(health.status == "ok", "health")
    _, response = call("openapi")
    check(json.loads(response.content)["paths"] == DOC["paths"], "openapi: the document this client was made from")
    _, response = call("openapi", profile="actions")
    actions = json.loads(response.content)
    check(len(actions["paths"]) < len(DOC["paths"]), "openapi: the Actions profile is smaller")


def main():
    target_id = targets()
    scan_id, total = scan()
    findings(scan_id, total)
    reports(scan_id, total)
    stats, _ = call("getStats")
    check(stats.targets >= 1, "getStats counts the target")
    cancel()
    if profile == "actions":
        for room in ("keys", "webhooks", "monitors", "schedules", "server"):
            check(importlib.util.find_spec(f"palisade_client.api.{room}") is None, f"no {room} in the Actions profile")
    if profile == "full":
        schedules()
        monitors()
        webhooks()
        keys()
        server()
    removed, _ = call("removeTarget", id=target_id)
    check(removed.target.id == target_id, "removeTarget")


main()
