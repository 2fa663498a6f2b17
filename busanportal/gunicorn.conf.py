"""gunicorn's settings for the portal: ``gunicorn -c busanportal/gunicorn.conf.py``.

Each setting can be overridden from the environment (``GUNICORN_*`` below, or gunicorn's own
``GUNICORN_CMD_ARGS``), so one file serves production, the benchmarks and the fault suite.

Request limits: the longest legitimate address is a filter URL naming every sector, a program,
a status, a year, a sort order, a page and a 200-character Korean search, percent-encoded (nine
bytes a character); tests/test_http.py computes it and checks it fits below
``limit_request_line``. gunicorn's ceiling, 8,190 bytes, is also nginx's default
(``large_client_header_buffers 4 8k``). Longer request lines, more than 100 header fields or a
header above 8,190 bytes are refused by gunicorn itself, with its own plain 400 page, before the
application (and its headers) is reached: README "Production settings".

Workers: gthread, so that slow clients wait in the worker's poller instead of holding a worker
(a sync worker blocks on a client that sends its request slowly until ``timeout`` kills it; the
fault suite measures both). Two threads per process: the app is CPU-bound, more threads add
memory and contention, not throughput (benchmarks/README.md). For the same reason one process
per CPU and one more, not gunicorn's usual 2 x CPUs + 1: on two CPUs under ``load.sh`` five
processes contended for them and the slowest answers waited longest (p99 226-277 ms against
105 ms for three, with more requests served).

Recycling: a worker is replaced after about 20,000 requests (a bound on any slow leak). At
1,000, under load every worker was replaced every few seconds, and booting Django again took
the CPU the answers needed: ``load.sh`` served 900 requests a second with a p99 of 0.8-1.2 s,
against 1,600 and 0.1-0.3 s at 20,000 (benchmarks/README.md, issue 19).
"""

import multiprocessing
import os

wsgi_app = "busanportal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# A request still running after this long is stuck: the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Idle kept-alive connections close after this long (behind a proxy that reuses them).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Bounds any slow growth of a worker's memory; the jitter keeps workers from restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "2000"))
backlog = int(os.environ.get("GUNICORN_BACKLOG", "2048"))

limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# The application logs errors as JSON lines on stderr (busanportal/jsonlog.py); gunicorn's own
# messages go there too, its access log only when asked for.
errorlog = "-"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# gunicorn 26+ opens a control socket by default; the portal has no use for it.
control_socket_disable = True
