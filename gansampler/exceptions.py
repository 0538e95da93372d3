"""Exceptions and warnings raised by gansampler.

Every exception derives from :class:`GANSamplerError` and, where one exists,
from the matching scikit-learn or Python exception, so ``except NotFittedError``
works with either library's class.
"""

import functools

from sklearn.exceptions import NotFittedError as _SklearnNotFittedError

__all__ = [
    "CollapseWarning",
    "DeviceError",
    "DivergenceWarning",
    "DroppedParameterWarning",
    "GANSamplerError",
    "IdentifierWarning",
    "InconsistentVersionWarning",
    "NotFittedError",
    "SharedRowsWarning",
    "TooManyLevelsError",
    "TrainingDivergedError",
]


class GANSamplerError(Exception):
    """Base class of the exceptions raised by gansampler."""


class NotFittedError(GANSamplerError, _SklearnNotFittedError):
    """Raised when a sampler is used before :meth:`~gansampler.GANSampler.fit`.

    It is also an :class:`sklearn.exceptions.NotFittedError` (hence a
    :class:`ValueError` and an :class:`AttributeError`).

    Examples
    --------
    >>> from gansampler import GANSampler
    >>> from gansampler.exceptions import NotFittedError
    >>> try:
    ...     GANSampler().sample(3)
    ... except NotFittedError as exc:
    ...     print(exc)  # doctest: +NORMALIZE_WHITESPACE
    This GANSampler instance is not fitted yet. Call 'fit' with appropriate
    arguments before using this estimator.
    """


class TooManyLevelsError(GANSamplerError, ValueError):
    """Raised when a column of text or categories has too many levels to learn.

    A column whose distinct values outnumber both ``max_categories`` and half
    the rows is an identifier or free text, not categories: drop it, or raise
    ``max_categories`` to learn it anyway. It is also a :class:`ValueError`.

    Attributes
    ----------
    column : str or int
        The column's name (its position in an array).
    n_levels, n_rows, max_categories : int
        Its distinct values, the table's rows and the limit.
    """

    def __init__(self, column, n_levels, n_rows, max_categories, advice=""):
        self.column = column
        self.n_levels = n_levels
        self.n_rows = n_rows
        self.max_categories = max_categories
        self.advice = advice
        super().__init__(
            f"Column {column!r} has {n_levels:,} distinct values in {n_rows:,} "
            "rows: an identifier or free text, not categories. Drop it from X, "
            f"or raise max_categories (now {max_categories:,}) to learn it "
            f"anyway.{' ' + advice if advice else ''}"
        )

    def __reduce__(self):
        return type(self), (self.column, self.n_levels, self.n_rows,
                            self.max_categories, self.advice)  # fmt: skip


class TrainingDivergedError(GANSamplerError, RuntimeError):
    """Raised when training diverges before its first epoch is complete.

    A loss became NaN or infinite and no earlier generator is there to fall
    back on. The sampler keeps the state it had before ``fit``. Lower the
    learning rates, or raise ``r1_penalty``.
    """


class DeviceError(GANSamplerError, RuntimeError):
    """Raised when a network does not run on the device it was placed on.

    A custom network that keeps a tensor outside its parameters and buffers
    leaves it behind when the network moves to a GPU: register every tensor
    it uses (``register_buffer``), so that it moves with the module.
    """


class DivergenceWarning(UserWarning):
    """Warns that training diverged and stopped early.

    A loss became NaN or infinite; the networks of the last epoch whose losses
    were all finite are kept, so the sampler still samples finite values.
    """


class CollapseWarning(UserWarning):
    """Warns that the generator collapsed: its samples lost the data's spread.

    Checked at the end of ``fit``, on 10,000 samples: a column whose samples
    spread less than a tenth as wide as the data's rows (standard deviations
    in the networks' space, where every column of the data has 1), or a
    discrete column whose samples take fewer than half of the values that
    hold 1% of the rows or more. The message names the columns and what to
    change; the sampler is kept as trained.
    """


class DroppedParameterWarning(UserWarning):
    """Warns that a parameter was left out of a safe model file, or out of a
    model loaded from one.

    Saving drops a value that the format cannot name (a random state
    instance, a function defined inside another); loading drops code the
    caller did not trust (a custom discriminator, optimizer or callback).
    Either way the parameter takes its default, which matters only when the
    model is trained again: the saved networks still sample as before.
    """


class SharedRowsWarning(UserWarning):
    """Warns that held-out rows repeat training rows, so that the
    closer-to-training share cannot see copies of them.

    :func:`gansampler.metrics.closer_to_training_share` compares each
    generated row's distance to the training rows with its distance to the
    held-out rows. A generated row that copies a row both sets hold is as
    near to each, a tie that counts half: such copies leave the share near
    0.5. Where every column takes few values (categories, counts) or records
    are duplicated, read :func:`gansampler.metrics.exact_copy_share` of the
    generated rows beside that of the held-out rows.
    """


class IdentifierWarning(UserWarning):
    """Warns that a column of text or categories will repeat its real
    values in the samples, as a column of identifiers would.

    Levels seen in fewer than 5 rows are pooled, learned as one level and
    drawn as one of them at random, unlinked from the rest of their rows.
    Where 20 levels or more are pooled and hold most of the column's rows (an
    ID, a name, free text; or categories of a table too small for them), the
    samples repeat those values as they are. Drop such a column from X where
    its values must not be shared. With more distinct values than both
    ``max_categories`` and half the rows, ``fit`` refuses it
    (:class:`TooManyLevelsError`).
    """


class InconsistentVersionWarning(UserWarning):
    """Warns that a sampler is loaded under another gansampler version.

    A model saved by one version of gansampler and loaded by another may
    behave differently or break; refit it, or load it with the version it
    was saved with.

    Parameters
    ----------
    estimator_name : str
        Name of the loaded estimator's class.
    current_version : str
        Version of gansampler doing the loading.
    original_version : str
        Version of gansampler that saved the estimator, or ``"unknown"``.
    """

    def __init__(
        self, *, estimator_name: str, current_version: str, original_version: str
    ) -> None:
        super().__init__(estimator_name, current_version, original_version)
        self.estimator_name = estimator_name
        self.current_version = current_version
        self.original_version = original_version

    def __reduce__(self):
        # Its arguments are keywords: pickled (a warning raised as an error
        # in a worker process) and copied, it is rebuilt with them.
        settings = {"estimator_name": self.estimator_name,
                    "current_version": self.current_version,
                    "original_version": self.original_version}  # fmt: skip
        return functools.partial(type(self), **settings), ()

    def __str__(self) -> str:
        return (
            f"Trying to load estimator {self.estimator_name} from gansampler "
            f"version {self.original_version} when using version "
            f"{self.current_version}. This might lead to breaking code or invalid "
            "results. Use at your own risk. Refit the estimator with the current "
            "version, or load it with the version that saved it."
        )
