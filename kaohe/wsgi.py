import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.settings")
django_application = get_wsgi_application()

# The ballot page (/b/), the busiest address during a sitting, skips the middleware stack: see public_wsgi.
from kaohe.ballots.public_wsgi import BallotPath  # noqa: E402 (after Django is set up)

application = BallotPath(django_application)
