"""Warnings told at the user's line, not at a line of gansampler."""

import sys
import warnings

__all__ = ["warn"]

# Packages that a call from the user passes through on its way to a warning:
# scikit-learn's wrappers of fit and imbalanced-learn's pipelines, skorch's
# training loop, joblib's loading and the pickle module it unpickles with.
_LIBRARIES = frozenset(
    {"gansampler", "sklearn", "imblearn", "skorch", "torch", "joblib", "pickle"}
)


def warn(message, category=None):
    """:func:`warnings.warn`, at the first caller outside gansampler and the
    libraries it calls through (so that the location shown, and filters by
    module, are the user's); at the direct caller where every caller is."""
    frame, level = sys._getframe(1), 2
    while frame is not None and (
        frame.f_globals.get("__name__", "").partition(".")[0] in _LIBRARIES
    ):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level if frame is not None else 2)
