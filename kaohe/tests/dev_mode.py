"""A pytest plugin loaded before Django (``-p kaohe.tests.dev_mode`` in pyproject.toml): the tests run the
app in development mode, with its demo secret and plain HTTP, as ``make run`` does. DEBUG stays off in
the tests all the same (pytest-django turns it off)."""

import os

os.environ.setdefault("KAOHE_DEV", "1")
