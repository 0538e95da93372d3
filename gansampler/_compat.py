"""Private scikit-learn helpers, imported in one place.

scikit-learn keeps its parameter-validation machinery in private modules; if
they move, only this file changes.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.validation import validate_data

__all__ = [
    "HasMethods",
    "Interval",
    "InvalidParameterError",
    "StrOptions",
    "_fit_context",
    "imblearn_sampler_tags",
    "validate_data",
    "validate_parameter_constraints",
]


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
