"""Private scikit-learn and imbalanced-learn helpers, imported in one place.

scikit-learn keeps its parameter-validation machinery in private modules, and
imbalanced-learn the helper that gives resampled data their input's type; if
they move, only this file changes.
"""

import numpy as np
from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    InvalidParameterError,
    StrOptions,
    make_constraint,
    validate_parameter_constraints,
)
from sklearn.utils._param_validation import Interval as _Interval
from sklearn.utils.validation import validate_data

__all__ = [
    "HasMethods",
    "Interval",
    "InvalidParameterError",
    "StrOptions",
    "_fit_context",
    "arrays_transformer",
    "imblearn_sampler_tags",
    "make_constraint",
    "validate_data",
    "validate_parameter_constraints",
]


def arrays_transformer(X, y):
    """imbalanced-learn's ``ArraysTransformer(X, y)``, which gives resampled
    arrays the types of ``X`` and ``y``.

    Imported on use: loading a model reads this module, and imbalanced-learn
    takes a while to import.
    """
    from imblearn.utils._validation import ArraysTransformer

    return ArraysTransformer(X, y)


def imblearn_sampler_tags(tags):
    """``tags`` as imbalanced-learn's tags of a sampler, when it is installed.

    imbalanced-learn recognises a sampler by its ``sampler_tags``; without
    imbalanced-learn, scikit-learn's tags are returned unchanged.
    """
    try:
        from imblearn.utils._tags import InputTags, SamplerTags, Tags
    except ImportError:
        return tags
    input_tags = InputTags(two_d_array=True, dataframe=True)
    return Tags(
        estimator_type="sampler",
        target_tags=tags.target_tags,
        input_tags=input_tags,
        sampler_tags=SamplerTags(sample_indices=False),
        non_deterministic=tags.non_deterministic,
    )


class Interval(_Interval):
    """scikit-learn's ``Interval``, without booleans: ``True`` is an
    ``Integral`` and a ``Real`` to Python, and a mistake for a number of
    epochs, a width or a learning rate."""

    def is_satisfied_by(self, val):
        return not isinstance(val, bool | np.bool_) and super().is_satisfied_by(val)
