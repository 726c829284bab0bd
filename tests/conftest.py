"""Shared test settings.

Under CI (the CI environment variable set), hypothesis runs derandomized so that a run
is reproducible; locally it explores new examples each time. No deadlines: timing is
measured in benchmarks, never asserted in tests.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
