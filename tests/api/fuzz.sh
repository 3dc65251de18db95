#!/usr/bin/env bash
# Fuzzes the REST API of a live `palisade serve` with Schemathesis, from /v1/openapi.json. Run inside a network
# namespace of its own (`unshare -rn`): the fuzzer starts scans of whatever targets it invents, and there they can
# reach nothing but loopback.
# Usage: fuzz.sh PALISADE_BIN SCHEMATHESIS_BIN WORK_DIR [schemathesis options]
set -euo pipefail
bin=$1 st=$2 dir=$3
shift 3
ip link set lo up 2>/dev/null || true
export PALISADE_DB="$dir/palisade.db" PALISADE_NAMESERVERS=127.0.0.1:9 PALISADE_RATE_LIMIT=0
key=$("$bin" keys create --org fuzz --name schemathesis --scopes admin)
"$bin" serve --bind 127.0.0.1:0 2>"$dir/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    grep -q "serving on" "$dir/serve.log" && break
    sleep 0.1
done
base=$(sed -n 's/^palisade: serving on \(http[^ ]*\).*/\1/p' "$dir/serve.log")
[ -n "$base" ] || { cat "$dir/serve.log" >&2; exit 3; }
cd "$dir"  # Schemathesis keeps a cache in the working directory: keep it out of the repository
"$st" run "$base/v1/openapi.json" -H "Authorization: Bearer $key" --no-color "$@"
