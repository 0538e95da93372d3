"""Private scikit-learn helpers, imported in one place.

scikit-learn keeps its parameter-validation machinery in private modules; if
they move, only this file changes.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.validation import validate_data

__all__ = [
    "HasMethods",
    "Interval",
    "StrOptions",
    "_fit_context",
    "validate_data",
    "validate_parameter_constraints",
]
