"""Settings of the HTTP benchmark's application server (bench_http.py): the project's
own settings, production-like (``DJANGO_DEBUG=0``, given by the benchmark), with one
change: the URLconf adds the bare page the other pages are compared with. The product's
URLs never carry it."""

from lienhe213.settings import *  # noqa: F403

ROOT_URLCONF = "_http_urls"
