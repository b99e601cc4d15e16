"""gunicorn settings for the benchmark: production's (gunicorn.conf.py), minus access logs and worker recycling."""
import runpy
from pathlib import Path

_production = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))

worker_class = "sync"
timeout = 60
graceful_timeout = 10
max_requests = 0  # a recycled worker would reset its peak memory and pay a cold start
accesslog = None
errorlog = "-"
loglevel = "warning"
preload_app = _production["preload_app"]  # workers share the imported app, as in production
when_ready = _production["when_ready"]  # the master compiles the templates and configures the ORM
pre_fork = _production["pre_fork"]  # the preloaded objects frozen out of the garbage collector's sweeps
post_fork = _production["post_fork"]  # each worker opens its own database connections
