"""gunicorn's settings for the portal, read from the working directory by `gunicorn` itself (the
Dockerfile, docker-compose.yml and `make load` all start it from the project's root).

Every value can be set in the environment; the defaults are what the load test measured best on
two cores (bench/results/load-latest.md).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# The pages are CPU-bound Python: a few processes per core, each with a few threads for the time
# a request waits on PostgreSQL or Redis.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# An idle keep-alive connection is kept longer than a person (or a proxy) waits between two
# requests: closed sooner, the server races the client's next request on it, and the client sees
# "connection reset by peer".
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
# A worker is replaced after this many requests (with jitter), so no slow leak grows for ever.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
