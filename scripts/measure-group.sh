#!/usr/bin/env bash
# The clinic group, measured (a measuring script, not a test):
#   * SITES branches (default 20), each with DAYS clinic days of the demo's
#     realistic records (default 150: about 3 million events in all),
#     shipped by the real branch servers into a PostgreSQL started here;
#   * shipping throughput: one branch alone, its whole log, in events/s;
#   * the lot rows folded again from all of it (`group migrate` from
#     schema 1);
#   * `group trace-lot` (the busiest lot, given at every site) and
#     `group report day` (the busiest day) against all of it, 5 runs each;
#   * the branch command round trip with shipping off and on
#     (benches/roundtrip.rs, the same day of 1,800 commands).
# Run: scripts/measure-group.sh [SITES] [DAYS]
# Needs PostgreSQL's server binaries (Debian: postgresql) and psql.
set -euo pipefail
cd "$(dirname "$0")/.."
SITES=${1:-20}
DAYS=${2:-150}
PORT=54991

cargo build --release --bins -q
FB=$PWD/target/release/flowboard
initdb=$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)
PGBIN=$(dirname "$initdb")

work=$(mktemp -d /tmp/fb-group-bench.XXXXXX)
chmod 755 "$work"
as_pg() {
  if [ "$(id -u)" = 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; else "$@"; fi
}
mkdir -p "$work/pg" "$work/sock"
[ "$(id -u)" = 0 ] && chown 65534:65534 "$work/pg" "$work/sock"
as_pg "$PGBIN/initdb" --no-sync -A trust -U flowboard -E UTF8 --locale=C -D "$work/pg/data" >/dev/null
as_pg "$PGBIN/postgres" -D "$work/pg/data" -c listen_addresses= -c port=$PORT -k "$work/sock" \
  -c shared_buffers=256MB -c max_wal_size=1GB >"$work/pg.log" 2>&1 &
PGPID=$!
servers=()
cleanup() {
  for p in "${servers[@]}"; do kill "$p" 2>/dev/null || true; done
  kill -INT $PGPID 2>/dev/null || true
  wait $PGPID 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
conn() { echo "host=$work/sock port=$PORT user=$1 dbname=${2:-flowboard}"; }
until psql -X -q "$(conn flowboard postgres)" -c 'SELECT 1' >/dev/null 2>&1; do sleep 0.1; done
psql -X -q "$(conn flowboard postgres)" -c 'CREATE DATABASE flowboard'
sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$(conn flowboard)" -c "$1"; }

"$FB" group --connection "$(conn flowboard)" --tls disable migrate
# The rights exactly as README gives them, and a role per benchmark site.
awk '/^```sql$/{getline l; if (l ~ /flowboard group rights/) {f=1; print l}; next} /^```$/{f=0} f' README.md >"$work/rights.sql"
psql -X -q -v ON_ERROR_STOP=1 "$(conn flowboard)" -f "$work/rights.sql"
for n in $(seq 1 "$SITES"); do sql "CREATE ROLE branch_s$(printf %02d "$n") LOGIN IN ROLE flowboard_branch"; done
sql "CREATE ROLE branch_bench LOGIN IN ROLE flowboard_branch"

echo "== writing $DAYS clinic days of demo records (one branch, copied to $SITES sites)"
: >"$work/empty.toml"
t0=$(date +%s.%N)
"$FB" --config "$work/empty.toml" --data-dir "$work/s00" demo --history-days "$DAYS" --fill-only >/dev/null
t1=$(date +%s.%N)
echo "  written in $(echo "$t1 - $t0" | bc) s"
site_config() {
  printf '[group]\nsite = "s%s"\nconnection = "%s"\ntls = "disable"\nbatch = 500\n' "$1" "$(conn "branch_s$1")" >"$work/s$1.toml"
}
for n in $(seq 1 "$SITES"); do
  i=$(printf %02d "$n")
  cp -a "$work/s00" "$work/s$i"
  site_config "$i"
done
events=$("$FB" --config "$work/empty.toml" --data-dir "$work/s00" --no-autostart verify 2>/dev/null | grep -o '[0-9]\+ events' | head -1 | grep -o '[0-9]\+' || true)
if [ -z "$events" ]; then
  # verify needs a server: start one on the template.
  "$FB" --config "$work/empty.toml" --data-dir "$work/s00" serve 2>/dev/null &
  servers+=($!)
  sleep 1
  events=$("$FB" --config "$work/empty.toml" --data-dir "$work/s00" --no-autostart verify | grep -o '[0-9]\+ events' | head -1 | grep -o '[0-9]\+')
  kill "${servers[-1]}"; wait "${servers[-1]}" 2>/dev/null || true
  servers=()
fi
echo "  $events events per site, $((events * SITES)) in all"

shipped() { sql "SELECT count(*) FROM events WHERE site = 's$1'"; }
start_site() {
  "$FB" --config "$work/s$1.toml" --data-dir "$work/s$1" serve 2>>"$work/servers.log" &
  servers+=($!)
}
wait_site() {
  until [ "$(shipped "$1" || echo 0)" -ge "$events" ]; do
    kill -0 $PGPID 2>/dev/null || { echo "PostgreSQL died: $(tail -3 "$work/pg.log")" >&2; exit 1; }
    for p in "${servers[@]}"; do
      kill -0 "$p" 2>/dev/null || { echo "a branch server died: $(tail -3 "$work/servers.log")" >&2; exit 1; }
    done
    sleep 0.2
  done
}

echo "== shipping throughput: site s01 alone, its whole log"
t0=$(date +%s.%N)
start_site 01
wait_site 01
t1=$(date +%s.%N)
secs=$(echo "$t1 - $t0" | bc)
echo "  $events events in $secs s: $(echo "$events / $secs" | bc) events/s (server start included)"

echo "== loading the other sites (two branch servers at a time)"
i=2
while [ "$i" -le "$SITES" ]; do
  a=$(printf '%02d' "$i"); b=$(printf '%02d' $((i + 1)))
  start_site "$a"
  [ "$((i + 1))" -le "$SITES" ] && start_site "$b"
  wait_site "$a"
  [ "$((i + 1))" -le "$SITES" ] && wait_site "$b"
  i=$((i + 2))
  # The copies are not needed once shipped (the disk is shared).
  for p in "${servers[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  servers=()
  rm -rf "$work/s$a" "$work/s$b"
done
for p in "${servers[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
servers=()
sql "VACUUM ANALYZE events" >/dev/null
sql "VACUUM ANALYZE administrations" >/dev/null
total=$(sql "SELECT count(*) FROM events")
size=$(sql "SELECT pg_size_pretty(pg_total_relation_size('events'))")
echo "  PostgreSQL holds $total events of $(sql "SELECT count(DISTINCT site) FROM events") sites ($size with indexes)"
echo "  and $(sql "SELECT count(*) FROM administrations WHERE lot IS NOT NULL") lot rows ($(sql "SELECT pg_size_pretty(pg_total_relation_size('administrations'))") with indexes)"

echo "== the lot rows folded again from every event, as migrating a schema-1 database does"
sql "DROP TABLE administrations; ALTER TABLE sites DROP COLUMN folded_seq; DELETE FROM schema_version WHERE version = 2"
t0=$(date +%s.%N)
"$FB" group --connection "$(conn flowboard)" --tls disable migrate 2>"$work/migrate.log"
t1=$(date +%s.%N)
echo "  $total events, $(sql "SELECT count(*) FROM administrations WHERE lot IS NOT NULL") lot rows in $(echo "$t1 - $t0" | bc) s ($(grep -c 'lot rows:' "$work/migrate.log") progress lines)"
awk '/^```sql$/{getline l; if (l ~ /flowboard group rights: the lot rows/) {f=1; print l}; next} /^```$/{f=0} f' README.md >"$work/rights2.sql"
psql -X -q -v ON_ERROR_STOP=1 "$(conn flowboard)" -f "$work/rights2.sql"
sql "VACUUM ANALYZE administrations" >/dev/null

HEAD=(group --connection "$(conn head_office)" --tls disable)
lot=$(sql "SELECT lot FROM administrations WHERE lot IS NOT NULL GROUP BY lot ORDER BY count(*) DESC LIMIT 1")
day=$(sql "SELECT (arrival AT TIME ZONE 'Asia/Tokyo')::date FROM events WHERE kind = 'arrived' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
timeit() {
  local what=$1; shift
  local runs=()
  for _ in 1 2 3 4 5; do
    local s e
    s=$(date +%s.%N)
    "$@" >"$work/out" 2>&1
    e=$(date +%s.%N)
    runs+=("$(echo "($e - $s) * 1000" | bc | cut -d. -f1)")
  done
  sorted=$(printf '%s\n' "${runs[@]}" | sort -n | tr '\n' ' ')
  echo "  $what: ${sorted}ms (median $(printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p) ms; goal under 1000)"
}
echo "== group commands over $total events (5 runs each, whole command: process start, connection, query, output)"
timeit "group trace-lot $lot" "$FB" --config "$work/empty.toml" "${HEAD[@]}" trace-lot "$lot"
echo "    $(head -1 "$work/out")"
timeit "group report day --date $day" "$FB" --config "$work/empty.toml" "${HEAD[@]}" report day --date "$day" --format json
echo "    $(grep -c '"arrived"' "$work/out") treatment rows"

echo "== the branch command round trip, shipping off then on"
cargo bench -q --bench roundtrip 2>/dev/null | sed -n '1,4p'
FLOWBOARD_BENCH_GROUP="$(conn branch_bench)" FLOWBOARD_BENCH_SITE=bench \
  cargo bench -q --bench roundtrip 2>/dev/null | sed -n '1,4p'
echo "  shipped by the bench branch: $(sql "SELECT count(*) FROM events WHERE site = 'bench'") events"
