"""Settings of the peak benchmark's application server (bench_peak.py): those of
bench_http.py (the project's own production settings and the bare page), with the
session and CSRF cookies not marked Secure. The server answers plain HTTP on the
loopback, and a client — a browser or locust — never sends a Secure cookie back over
plain HTTP; in production TLS ends in front of gunicorn and the cookies stay Secure.
The product's settings are not changed."""

from _http_settings import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
