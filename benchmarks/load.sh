#!/usr/bin/env bash
# Load test (issue 9, item 6): gunicorn with production settings on loopback, then wrk for
# 60 seconds at 50 concurrent connections over a mix of pages (benchmarks/load.lua). Fails unless
# there are zero 5xx responses and zero socket errors (connect, read, write or timeout).
#
#   benchmarks/load.sh                                  # throwaway SQLite database
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/busanportal_load benchmarks/load.sh
#   REDIS_URL=redis://127.0.0.1:6379/9 benchmarks/load.sh   # shared page cache, as in production
#
# Knobs: DURATION (60s), CONNECTIONS (50), THREADS (wrk threads, 4), WORKERS (gunicorn worker
# processes, CPUs + 1) and GUNICORN_THREADS (2 per worker), as busanportal/gunicorn.conf.py,
# TIMEOUT (wrk's per-request timeout, 10s; a slower answer counts as a socket error), PORT (8742). Needs wrk (`apt-get install wrk`).
# The PostgreSQL database must exist; it is migrated and the document loaded (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-60s}
CONNECTIONS=${CONNECTIONS:-50}
THREADS=${THREADS:-4}
WORKERS=${WORKERS:-$(($(nproc) + 1))}
GUNICORN_THREADS=${GUNICORN_THREADS:-2}
TIMEOUT=${TIMEOUT:-10s}
PORT=${PORT:-8742}
VENV=${VENV:-.venv}

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Production settings: debug off, a fresh key, hashed static files, the HTTPS redirect on behind a
# TLS-terminating proxy whose X-Forwarded-Proto header wrk sends. Inherited DJANGO_* variables
# are dropped so that nothing from the caller's shell switches a protection off.
for name in $(env | grep -o '^DJANGO_[A-Z_]*' || true); do unset "$name"; done
export DJANGO_DEBUG=0
DJANGO_SECRET_KEY=$("$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_SECRET_KEY
export DJANGO_SECURE_PROXY_SSL_HEADER=1
export DJANGO_STATIC_ROOT="$WORK/static"
export DATABASE_URL=${DATABASE_URL:-sqlite:///$WORK/load.sqlite3}

echo "== preparing: migrate, load the document, collectstatic ($DATABASE_URL)"
"$VENV/bin/python" manage.py migrate --noinput -v0
"$VENV/bin/python" manage.py loaddata busan -v0
"$VENV/bin/python" manage.py collectstatic --noinput -v0

echo "== gunicorn: $WORKERS workers x $GUNICORN_THREADS threads on 127.0.0.1:$PORT"
# The production configuration file (gthread workers, limits, timeouts), with the knobs above.
GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS="$WORKERS" GUNICORN_THREADS="$GUNICORN_THREADS" \
  "$VENV/bin/gunicorn" -c busanportal/gunicorn.conf.py \
  --no-control-socket --error-logfile "$WORK/gunicorn.log" 2>"$WORK/django.log" &
SERVER_PID=$!
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null || { echo "server did not start" >&2; cat "$WORK/gunicorn.log" >&2; exit 1; }

# The stylesheet's hashed name is known only to the running server; add it to the mix.
STYLESHEET=$(curl -s -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$PORT/" \
  | grep -o '/static/css/site\.[0-9a-f]*\.css' | head -n 1 || true)

echo "== wrk: $DURATION, $CONNECTIONS connections, $THREADS threads, timeout $TIMEOUT"
wrk --threads "$THREADS" --connections "$CONNECTIONS" --duration "$DURATION" --timeout "$TIMEOUT" \
  --latency --script benchmarks/load.lua "http://127.0.0.1:$PORT" -- $STYLESHEET | tee "$WORK/wrk.out"

echo "== server errors logged during the run"
grep -h '"level": "ERROR"' "$WORK/django.log" | head -n 20 || echo "none"

RESULT=$(grep '^RESULT ' "$WORK/wrk.out")
FIVEXX=$(sed -n 's/.* 5xx=\([0-9]*\).*/\1/p' <<<"$RESULT")
SOCKET_ERRORS=$(sed -n 's/.* socket_errors=\([0-9]*\).*/\1/p' <<<"$RESULT")
if [ "$FIVEXX" != 0 ] || [ "$SOCKET_ERRORS" != 0 ]; then
  echo "FAIL: $FIVEXX responses 5xx, $SOCKET_ERRORS socket errors" >&2
  exit 1
fi
echo "PASS: zero 5xx, zero socket errors"
