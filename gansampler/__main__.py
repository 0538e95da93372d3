"""``python -m gansampler``: the same as the ``gansampler`` command."""

import sys

from ._cli import main

sys.exit(main())
