from kaohe.results.tests.conftest import world  # noqa: F401 (the results tests' cycle, reused)
