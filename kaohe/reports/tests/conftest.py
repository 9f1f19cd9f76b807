from kaohe.results.tests.conftest import (  # noqa: F401 (the results tests' cycle, its runs dated before their 公示)
    runs_dated_before_their_notices,
    world,
)
