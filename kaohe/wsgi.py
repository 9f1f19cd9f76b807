import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.settings")
django_application = get_wsgi_application()

# The ballot page (/b/), the busiest address during a sitting, skips the middleware stack: see public_wsgi.
from kaohe.ballots.public_wsgi import BallotPath  # noqa: E402 (after Django is set up)

application = BallotPath(django_application)

# The URL maps are built at the first request: every view module and the API's 225 operations with their
# schemas, some 95,000 objects. Built now, they are frozen with the rest below.
from django.urls import get_resolver  # noqa: E402

get_resolver().reverse_dict  # noqa: B018 (the property builds the maps)

# What start-up loaded (Django, the apps, the URL maps, pypinyin's dictionary of some 200,000 phrase lists)
# lives as long as the process: moved out of the collector's reach, so a full collection no longer walks it,
# which cost 80–150 ms every few requests of a large page.
gc.freeze()
