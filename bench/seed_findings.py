#!/usr/bin/env python3
"""Fills a Palisade database with one completed scan of N findings, for bench/rest.sh.

Usage: seed_findings.py DB ORG N   (prints the scan id)
The database must exist (any palisade command creates it); the org must exist (palisade keys create makes it).
"""
import random
import sqlite3
import sys

db, org, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
con = sqlite3.connect(db)
now = "2026-11-21T00:00:00.000Z"
scan = "benchscn"
hosts = [f"site{i}.bench.example" for i in range(50)]
con.execute("DELETE FROM findings WHERE scan_id = ?", (scan,))
con.execute("DELETE FROM scan_targets WHERE scan_id = ?", (scan,))
con.execute("DELETE FROM scans WHERE id = ?", (scan,))
con.execute(
    "INSERT INTO scans (id, org_id, profile, status, phase, checks_done, checks_total, created_at, started_at,"
    " finished_at) VALUES (?, ?, 'standard', 'completed', 'completed', 100, 100, ?, ?, ?)",
    (scan, org, now, now, now),
)
for pos, host in enumerate(hosts):
    tid = f"t{pos:07d}"
    con.execute(
        "INSERT OR IGNORE INTO targets (id, org_id, input, url, host, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (tid, org, host, f"https://{host}/", host, now),
    )
    con.execute(
        "INSERT INTO scan_targets (scan_id, target_id, position, url, host, security_score, risk_grade)"
        " VALUES (?, ?, ?, ?, ?, 50, 'C')",
        (scan, tid, pos, f"https://{host}/", host),
    )
severities = [("info", 0), ("low", 1), ("medium", 2), ("high", 3), ("critical", 4)]
categories = ["headers", "tls", "disclosure", "secrets", "api", "components"]
rng = random.Random(1)
rows = []
for seq in range(1, n + 1):
    sev, rank = rng.choices(severities, weights=[30, 30, 25, 12, 3])[0]
    cat = rng.choice(categories)
    tid = f"t{rng.randrange(len(hosts)):07d}"
    rows.append((
        scan, f"{seq:016x}", seq, tid, f"{cat}.bench-rule", cat, cat, sev, rank, "high",
        f"Benchmark finding {seq}", "A finding made up for the benchmark, as long as a real one. " * 3,
        f"https://{hosts[0]}/path/{seq}", "evidence " * 20, "Do the fix the fix file says. " * 4,
        '["https://developer.mozilla.org/"]', 200, "[]", 0, None, "new", now, None,
    ))
con.executemany(
    "INSERT INTO findings (scan_id, fingerprint, seq, target_id, check_id, module, category, severity, severity_rank,"
    " confidence, title, description, location, evidence, remediation, refs, cwe, cve, kev, cvss, status, found_at,"
    " root_cause) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    rows,
)
con.commit()
print(scan)
