"""The preview is tested on the performance inputs' world (units scored, rated, adjusted), not the results'."""

from kaohe.performance.tests.conftest import world  # noqa: F401
