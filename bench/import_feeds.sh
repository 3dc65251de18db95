#!/usr/bin/env bash
# Imports the real upstream advisory feeds with the release binary into a temporary database and reports, per feed,
# how many entries loaded, how many were skipped and why, and the time taken; then what the merged database holds.
#
#   bench/import_feeds.sh [FEEDS_DIR]        (default: ../shared/feeds relative to the repository)
#
# FEEDS_DIR holds retirejs-jsrepository-v4.json and cisa-kev.json, and optionally OSV JSON files (osv*.json).
# PALISADE_BIN picks a binary to use as it is (default: this checkout's release build, brought up to date first).
# Fails if any file is rejected: the import must read the real feeds.
set -euo pipefail
cd "$(dirname "$0")/.."
feeds="${1:-../shared/feeds}"
if [[ ! -d "$feeds" ]]; then
    echo "no feeds directory at $feeds: pass the directory holding the downloaded feeds" >&2
    exit 2
fi
if [[ -n "${PALISADE_BIN:-}" ]]; then
    bin="$PALISADE_BIN"
else
    cargo build --release --locked --quiet --bin palisade
    bin="${CARGO_TARGET_DIR:-target}/release/palisade"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PALISADE_DB="$work/palisade.db" PALISADE_NAMESERVERS=127.0.0.1:9 NO_COLOR=1

files=()
for name in retirejs-jsrepository-v4.json cisa-kev.json; do
    [[ -f "$feeds/$name" ]] && files+=("$feeds/$name")
done
shopt -s nullglob
files+=("$feeds"/osv*.json)
if [[ ${#files[@]} -eq 0 ]]; then
    echo "no feed files in $feeds" >&2
    exit 2
fi

status=0
for file in "${files[@]}"; do
    start=$(date +%s.%N)
    if ! "$bin" db import --format json "$file" > "$work/report.json" 2> "$work/err.txt"; then
        echo "REJECTED $file: $(cat "$work/err.txt")"
        status=1
        continue
    fi
    end=$(date +%s.%N)
    python3 - "$file" "$start" "$end" "$work/report.json" <<'EOF'
import json, sys
path, start, end, report = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
r = json.load(open(report))
print(f"{r['title']} ({path}, {r.get('version') or 'no version'})")
print(f"  wall time {end - start:.2f} s (import itself {r['millis'] / 1000:.2f} s), {r['records']} records stored")
print("  loaded:  " + ", ".join(f"{n} {k}" for k, n in r["loaded"].items()))
print(f"  skipped: {r['skipped_total']}")
for why, n in sorted(r["skipped"].items(), key=lambda kv: -kv[1]):
    print(f"    {n:>6}  {why}")
for what, n in r.get("notes", {}).items():
    print(f"  note: {n} {what}")
EOF
done
echo
"$bin" db status
exit $status
