"""gunicorn settings for the benchmark: like production, minus access logs and worker recycling."""
worker_class = "sync"
timeout = 60
graceful_timeout = 10
max_requests = 0  # a recycled worker would reset its peak memory and pay a cold start
accesslog = None
errorlog = "-"
loglevel = "warning"
