"""scikit-learn's own estimator checks, run on GANSampler and GANResampler."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from gansampler import GANResampler, GANSampler

# A tiny training budget: these checks test the contract, not the fit.
FAST = {"max_epochs": 1, "steps_per_epoch": 3, "batch_size": 16}

EXPECTED_FAILED_CHECKS: dict[str, str] = {}


@parametrize_with_checks(
    [
        GANSampler(**FAST, random_state=0),
        # The checks' classes have a handful of rows each.
        GANResampler(sampler=GANSampler(**FAST), min_class_size=2, random_state=0),
    ],
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
