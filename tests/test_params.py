import inspect
from numbers import Integral

import numpy as np

from gansampler import GANNet, GANSampler
from gansampler._compat import Interval, StrOptions
from gansampler._params import (
    CONSTRAINTS,
    DEFAULTS,
    LOSSES,
    PARAMETERS,
    auto_setting,
    python_scalar,
)


def test_one_table_serves_the_estimator():
    signature = inspect.signature(GANSampler).parameters
    assert list(signature) == list(PARAMETERS)
    assert {name: p.default for name, p in signature.items()} == DEFAULTS
    assert GANSampler._parameter_constraints is CONSTRAINTS


def test_the_specs_become_scikit_learn_s_constraints_once():
    for name, parameter in PARAMETERS.items():
        assert parameter.constraints is CONSTRAINTS[name], name
    batch_size, auto = CONSTRAINTS["batch_size"]
    assert isinstance(batch_size, Interval)
    assert vars(batch_size) == vars(Interval(Integral, 1, None, closed="left"))
    assert isinstance(auto, StrOptions) and auto.options == {"auto"}
    (loss,) = CONSTRAINTS["loss"]
    assert isinstance(loss, StrOptions) and loss.options == set(LOSSES)
    assert CONSTRAINTS["random_state"] == ["random_state", np.random.Generator]
    assert CONSTRAINTS["generator"] == [callable, None]


def test_the_engine_shares_the_defaults_for_one_column():
    net = GANNet().get_params(deep=False)
    for name in ("noise", "noise_dim", "d_steps", "steps_per_epoch", "ema_decay",
                 "r1_penalty", "max_epochs", "batch_size"):  # fmt: skip
        expected = DEFAULTS[name]
        if expected == "auto":
            expected = auto_setting(name, 1)
        assert net[name] == expected, name


def test_auto_settings_grow_with_the_columns_and_keep_one_column_s():
    assert [auto_setting("noise_dim", d) for d in (1, 4, 30)] == [4, 4, 30]
    assert auto_setting("generator_hidden_size", 1) == 48
    assert auto_setting("generator_hidden_size", 30) == 240
    assert auto_setting("discriminator_hidden_size", 1) == 64
    assert [auto_setting("max_epochs", d) for d in (1, 2)] == [40, 120]


def test_no_table_gets_networks_wider_than_512():
    # 8 units per column bounds nothing on a table of few rows.
    for name, least in (
        ("generator_hidden_size", 48),
        ("discriminator_hidden_size", 64),
    ):
        assert auto_setting(name, 61, n_rows=104) == 488  # sonar's
        assert auto_setting(name, 500, n_rows=300) == 512
        assert auto_setting(name, 5000, n_rows=100) == 512
        assert auto_setting(name, 5000) == 512
        assert auto_setting(name, 1, n_rows=100) == least
        # Files of the rules before 0.15 rebuild their networks as they were.
        assert auto_setting(name, 70, sized_to_rows=False) == 560


def test_every_setting_has_help():
    assert all(p.help.strip() for p in PARAMETERS.values())


def test_numpy_scalars_become_python_numbers():
    assert type(python_scalar(np.int64(3))) is int
    assert type(python_scalar(np.float32(0.5))) is float
    assert python_scalar("adam") == "adam"
