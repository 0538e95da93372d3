"""``python -m gansampler``: the same as the ``gansampler`` command."""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
