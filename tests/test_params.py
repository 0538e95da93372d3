import inspect

import numpy as np

from gansampler import GANNet, GANSampler
from gansampler._params import CONSTRAINTS, DEFAULTS, PARAMETERS, python_scalar


def test_one_table_serves_the_estimator():
    signature = inspect.signature(GANSampler).parameters
    assert list(signature) == list(PARAMETERS)
    assert {name: p.default for name, p in signature.items()} == DEFAULTS
    assert GANSampler._parameter_constraints is CONSTRAINTS


def test_the_engine_shares_the_defaults():
    net = GANNet().get_params(deep=False)
    for name in ("noise", "noise_dim", "d_steps", "steps_per_epoch", "ema_decay",
                 "r1_penalty", "max_epochs", "batch_size"):  # fmt: skip
        assert net[name] == DEFAULTS[name], name


def test_every_setting_has_help():
    assert all(p.help.strip() for p in PARAMETERS.values())


def test_numpy_scalars_become_python_numbers():
    assert type(python_scalar(np.int64(3))) is int
    assert type(python_scalar(np.float32(0.5))) is float
    assert python_scalar("adam") == "adam"
