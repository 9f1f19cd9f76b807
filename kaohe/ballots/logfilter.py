"""Keep 测评码 and ballots out of the logs: a filter that masks the path after /b/ (and any c= parameter),
and drops the access loggers' records of /b/ altogether — a line per ballot page with its time, address and
user agent would tell who was at the ballot page when.

Attached in ``apps.Config.ready`` to Django's request and development-server loggers and to gunicorn's
access and error loggers. The reverse proxy in front keeps its own access log: docs/operations.md shows
how to leave /b/ out of it.
"""

from __future__ import annotations

import logging
import re

PUBLIC_PREFIX = "/b/"
_PATH = re.compile(r"/b/[^\s\"'?#]+")
_PARAMETER = re.compile(r"([?&]c=)[^\s\"'&#]+")
MASK = "/b/…"
LOGGERS = ("django.request", "django.server", "gunicorn.access", "gunicorn.error")
ACCESS_LOGGERS = ("django.server", "gunicorn.access")
_PUBLIC_REQUEST = re.compile(r"(^|[\s\"])(GET|POST|HEAD|PUT|OPTIONS|DELETE|PATCH) /b/")


def mask(text: str) -> str:
    return _PARAMETER.sub(r"\1…", _PATH.sub(MASK, text))


class MaskBallotCodes(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot be formatted is left to the handler's error path
            return True
        if record.name in ACCESS_LOGGERS and _PUBLIC_REQUEST.search(message):
            return False
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        request = getattr(record, "request", None)
        if request is not None and getattr(request, "path", "").startswith(PUBLIC_PREFIX):
            # The request object would be printed by an e-mail or Sentry handler; drop it.
            record.request = None
        return True


def install() -> None:
    log_filter = MaskBallotCodes()
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskBallotCodes) for f in logger.filters):
            logger.addFilter(log_filter)
