#!/usr/bin/env bash
# Soak test (issue 18, item 6): gunicorn from busanportal/gunicorn.conf.py with production
# settings and Redis, wrk at 50 connections for 10 minutes over every public URL (each project
# and sector page in both languages, the lists, the timeline, the data page, the exports, the API
# and the feeds) while an official saves a change every second (benchmarks/soak_editor.py).
# Reports, and fails unless: zero 5xx, zero socket errors, worker memory (RSS) growth under 10%
# from the start of the load to its end, and every save public within 1 s (the first request
# sent after that time gets the new value; soak_editor.py also reports when that answer arrived).
#
#   benchmarks/soak.sh                                   # 10 minutes, SQLite, its own Redis
#   DURATION=60s benchmarks/soak.sh                      # shorter
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/busanportal_soak benchmarks/soak.sh
#
# Knobs: DURATION (600s), CONNECTIONS (50), THREADS (wrk threads, 4), GUNICORN_WORKERS
# (2 x CPUs + 1), PORT (8743), REDIS_PORT (16393; a redis-server of its own, without
# persistence, is started there unless REDIS_URL is given). max_requests is switched off, so that
# the memory figures show growth instead of hiding it behind worker restarts.
# Needs wrk and redis-server (`apt-get install -y wrk redis-server`).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-600s}
CONNECTIONS=${CONNECTIONS:-50}
THREADS=${THREADS:-4}
PORT=${PORT:-8743}
REDIS_PORT=${REDIS_PORT:-16393}
VENV=${VENV:-.venv}
PY="$VENV/bin/python"

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }

WORK=$(mktemp -d)
SERVER_PID= REDIS_PID= EDITOR_PID=
cleanup() {
  for pid in $EDITOR_PID $SERVER_PID $REDIS_PID; do
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

for name in $(env | grep -o '^DJANGO_[A-Z_]*' || true); do unset "$name"; done
export DJANGO_DEBUG=0
DJANGO_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_SECRET_KEY
export DJANGO_SECURE_PROXY_SSL_HEADER=1
# wrk sends everything from one address: the API's rate limit would turn most API calls into 429s.
export DJANGO_API_ANON_RATE=10000000/hour
export DJANGO_STATIC_ROOT="$WORK/static"
export DATABASE_URL=${DATABASE_URL:-sqlite:///$WORK/soak.sqlite3}
if [ -z "${REDIS_URL:-}" ]; then
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$WORK" --logfile "$WORK/redis.log" &
  REDIS_PID=$!
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

echo "== preparing: migrate, load the document, collectstatic ($DATABASE_URL, $REDIS_URL)"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py loaddata busan -v0
"$PY" manage.py collectstatic --noinput -v0

# Every public URL, from the database: the list is as long as the portfolio.
"$PY" manage.py shell -v0 -c '
from projects.models import Program, Project
from sectors.models import Sector
paths = ["/", "/projects/", "/projects/?year=undated", "/projects/?q=port&sort=-start",
         "/timeline/", "/sectors/", "/data/", "/projects/export.csv", "/projects/export.json",
         "/api/projects/", "/api/sectors/", "/api/programs/", "/feeds/projects/"]
for project in Project.objects.published():
    paths += [f"/projects/{project.slug}/", f"/api/projects/{project.slug}/"]
for sector in Sector.objects.all():
    paths += [f"/sectors/{sector.slug}/", f"/projects/?sector={sector.slug}",
              f"/feeds/sectors/{sector.slug}/", f"/projects/export.csv?sector={sector.slug}"]
for program in Program.objects.all():
    paths.append(f"/projects/?program={program.slug}")
paths += ["/ko" + path for path in paths if not path.startswith(("/api/", "/feeds/"))]
print("\n".join(paths))
' >"$WORK/urls.txt"
echo "   $(wc -l <"$WORK/urls.txt") URLs"

echo "== gunicorn -c busanportal/gunicorn.conf.py on 127.0.0.1:$PORT (max_requests off)"
GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_MAX_REQUESTS=0 \
  "$VENV/bin/gunicorn" -c busanportal/gunicorn.conf.py 2>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null || { echo "server did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }

worker_rss_kib() {  # the sum of the workers' resident memory
  local total=0
  for pid in $(pgrep -P "$SERVER_PID"); do
    total=$((total + $(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")))
  done
  echo "$total"
}

# Warm-up: every URL once, so that "start" is the memory of a worker that has served everything.
while read -r path; do
  curl -s -o /dev/null -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$PORT$path"
done <"$WORK/urls.txt"
RSS_START=$(worker_rss_kib)
echo "== worker RSS at start: $((RSS_START / 1024)) MiB ($(pgrep -P "$SERVER_PID" | wc -l) workers)"

"$PY" benchmarks/soak_editor.py "http://127.0.0.1:$PORT" >"$WORK/editor.out" 2>"$WORK/editor.err" &
EDITOR_PID=$!

echo "== wrk: $DURATION, $CONNECTIONS connections, $THREADS threads, and one save a second"
wrk --threads "$THREADS" --connections "$CONNECTIONS" --duration "$DURATION" --timeout 10s \
  --latency --script benchmarks/soak.lua "http://127.0.0.1:$PORT" -- "$WORK/urls.txt" | tee "$WORK/wrk.out"

RSS_END=$(worker_rss_kib)
kill -TERM "$EDITOR_PID"; wait "$EDITOR_PID" || true; EDITOR_PID=
EDITOR=$(grep "^EDITOR " "$WORK/editor.out" || { cat "$WORK/editor.out" "$WORK/editor.err" >&2; echo "EDITOR none"; })

echo "== server errors logged during the run"
grep -h '"level": "ERROR"' "$WORK/server.log" | head -n 20 || echo "none"

RESULT=$(grep '^RESULT ' "$WORK/wrk.out")
FIVEXX=$(sed -n 's/.* 5xx=\([0-9]*\).*/\1/p' <<<"$RESULT")
SOCKET_ERRORS=$(sed -n 's/.* socket_errors=\([0-9]*\).*/\1/p' <<<"$RESULT")
GROWTH=$(awk -v a="$RSS_START" -v b="$RSS_END" 'BEGIN {printf "%.1f", (b - a) * 100 / a}')
MAX_MS=$(sed -n 's/.* visible_max_ms=\([0-9]*\).*/\1/p' <<<"$EDITOR")
NEVER=$(sed -n 's/.* never_seen=\([0-9]*\).*/\1/p' <<<"$EDITOR")
echo "$RESULT"
echo "$EDITOR"
echo "SOAK rss_start_mib=$((RSS_START / 1024)) rss_end_mib=$((RSS_END / 1024)) growth_pct=$GROWTH"

FAILED=0
[ "$FIVEXX" = 0 ] || { echo "FAIL: $FIVEXX responses 5xx" >&2; FAILED=1; }
[ "$SOCKET_ERRORS" = 0 ] || { echo "FAIL: $SOCKET_ERRORS socket errors" >&2; FAILED=1; }
awk -v g="$GROWTH" 'BEGIN {exit !(g < 10)}' || { echo "FAIL: worker memory grew $GROWTH%" >&2; FAILED=1; }
{ [ -n "$MAX_MS" ] && [ "$NEVER" = 0 ] && [ "$MAX_MS" -lt 1000 ]; } || { echo "FAIL: a save took 1 s or more to reach the public page" >&2; FAILED=1; }
[ "$FAILED" = 0 ] && echo "PASS: zero 5xx, zero socket errors, memory growth $GROWTH%, saves public within ${MAX_MS} ms"
exit "$FAILED"
