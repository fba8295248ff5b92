"""Settings every test shares.

Property tests check answers, not speed (speed is measured in benchmarks/): hypothesis' default 200 ms deadline per
example would turn a loaded CI machine, or the first example paying for a lazy import, into a failure of the
answer's test. Explicit @settings elsewhere still set their own example counts.
"""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("buildcheck", deadline=None)
settings.load_profile("buildcheck")
