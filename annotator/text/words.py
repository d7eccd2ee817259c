"""What counts as a word when texts are compared (near-duplicate shingles, similar
claims): a run of Unicode word characters. Apart from the near-duplicate machinery, so
that comparing claims (the window's Duplicates tab) does not import numpy with it."""

from __future__ import annotations

import re

WORDS = re.compile(r"\w+", re.UNICODE)
