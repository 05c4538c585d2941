"""The WSGI application gunicorn serves (`gunicorn config.wsgi`).

Start-up loads the URLconf, and with it every app's views, serializers and filters, instead
of leaving that to the first request. It then moves everything built so far out of the
garbage collector's reach (`gc.freeze`): the app registry, models, URL patterns and
serializer fields live as long as the worker, and a full collection no longer walks their
190,000 objects in the middle of a request, which added milliseconds to the slowest API
calls.
"""

import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
import_module(settings.ROOT_URLCONF)
gc.freeze()
