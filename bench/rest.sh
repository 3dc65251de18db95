#!/usr/bin/env bash
# REST read benchmark: 100,000 findings stored, then wrk against a live release `palisade serve` on loopback.
# Latency: three loads with 4 connections (so the figures are the time a request takes, not time queued): the first
# findings page, pages deep in the scan (by cursor), and filtered first pages (which count their matches).
# Throughput: all of those paths mixed, with 32 connections. Prints wrk's latency distribution and requests/s.
# Usage: bench/rest.sh [findings=100000] [seconds=30] [connections=32]
set -euo pipefail
cd "$(dirname "$0")/.."
findings=${1:-100000} seconds=${2:-30} connections=${3:-32}
command -v wrk >/dev/null || { echo "bench/rest.sh needs wrk: apt-get install wrk" >&2; exit 2; }
cargo build --release --quiet
bin=$PWD/target/release/palisade
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
export PALISADE_DB=$work/palisade.db PALISADE_RATE_LIMIT=0 PALISADE_NAMESERVERS=127.0.0.1:9
key=$("$bin" keys create --org bench --name wrk --scopes scans:read)
scan=$(python3 bench/seed_findings.py "$PALISADE_DB" bench "$findings")
"$bin" serve --bind 127.0.0.1:0 2>"$work/serve.log" &
server=$!
for _ in $(seq 100); do grep -q "serving on" "$work/serve.log" && break; sleep 0.1; done
base=$(sed -n 's/^palisade: serving on \(http[^ ]*\).*/\1/p' "$work/serve.log")

# Cursors of pages spread through the whole scan.
python3 - "$base" "$key" "$scan" >"$work/deep.txt" <<'PY'
import json, sys, urllib.request
base, key, scan = sys.argv[1:]
cursor, page, out = None, 0, []
while True:
    path = f"/v1/scans/{scan}/findings?limit=100" + (f"&cursor={cursor}" if cursor else "")
    req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {key}"})
    body = json.load(urllib.request.urlopen(req))
    page += 1
    cursor = body.get("next_cursor")
    if not cursor:
        break
    if page % 10 == 0:
        out.append(f"/v1/scans/{scan}/findings?limit=25&cursor={cursor}")
print("\n".join(out))
PY
echo "/v1/scans/$scan/findings?limit=25" >"$work/first.txt"
printf '%s\n' "/v1/scans/$scan/findings?limit=25&category=secrets" \
    "/v1/scans/$scan/findings?limit=25&min_severity=high" >"$work/filtered.txt"

cat "$work/first.txt" "$work/deep.txt" "$work/filtered.txt" >"$work/mixed.txt"
echo "palisade $("$bin" --version | cut -d' ' -f2), $findings findings, $(nproc) cores, ${seconds}s per load"
run() { # load connections
    echo "== $1, $2 connections ($(wc -l <"$work/$1.txt") distinct paths)"
    PATHS_FILE=$work/$1.txt KEY=$key wrk -t2 -c"$2" -d"${seconds}s" --latency -s bench/paths.lua "$base" |
        grep -E "50%|90%|99%|Requests/sec|requests in|Non-2xx|Socket errors"
}
for load in first deep filtered; do run "$load" 4; done
run mixed "$connections"
