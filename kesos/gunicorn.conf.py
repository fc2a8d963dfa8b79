"""gunicorn settings for `kesos serve` (each can be overridden on the command line or through
GUNICORN_CMD_ARGS). Access lines go through Kesos's redacting log setup: no NIK, KK or
searched name reaches them."""

import multiprocessing
import os

from base.logging import console_logging

bind = os.environ.get("KESOS_BIND", "127.0.0.1:8000")
# Web requests are short (long work goes to the job worker): (2 x cores) + 1 sync workers.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("KESOS_WEB_THREADS", "1"))
timeout = int(os.environ.get("KESOS_WEB_TIMEOUT", "60"))
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then (memory of big pages)
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
logconfig_dict = {
    **console_logging(os.environ.get("LOG_FORMAT", "text")),
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
