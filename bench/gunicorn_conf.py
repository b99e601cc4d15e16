"""gunicorn settings for the benchmark: like production, minus access logs and worker recycling."""
import gc

worker_class = "sync"
timeout = 60
graceful_timeout = 10
max_requests = 0  # a recycled worker would reset its peak memory and pay a cold start
accesslog = None
errorlog = "-"
loglevel = "warning"
preload_app = True  # as in production (gunicorn.conf.py): workers share the imported app


def pre_fork(server, worker):
    """As in production: the preloaded objects are frozen out of the garbage collector's sweeps."""
    gc.freeze()


def post_fork(server, worker):
    """Each worker opens its own database connections."""
    app = getattr(worker, "wsgi", None)
    if app is not None and hasattr(app, "extensions") and "sqlalchemy" in app.extensions:
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose(close=False)
