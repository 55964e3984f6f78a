from ..en_GB.formats import *  # noqa: F401,F403  (the same: see trialsite/formats/__init__.py)
