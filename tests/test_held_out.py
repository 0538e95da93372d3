"""Tests of the held-out check (gansampler/_held_out.py) and of its part in
GANSampler's fit."""

import math
import warnings

import numpy as np
import pytest
import torch

from gansampler import GANSampler
from gansampler._held_out import (
    closer_share,
    column_ks,
    held_out_loss,
    nearest_neighbour_accuracy,
    one_hot_blocks,
)
from gansampler._params import auto_setting


def _normal(n_rows, seed, shift=0.0):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(n_rows, 3, generator=generator) + shift


def test_nearest_neighbour_accuracy_is_a_half_for_alike_samples_and_one_apart():
    alike = nearest_neighbour_accuracy(_normal(1000, 0), _normal(1000, 1))
    apart = nearest_neighbour_accuracy(_normal(1000, 0), _normal(1000, 1, 20.0))
    assert abs(float(alike) - 0.5) < 0.04
    assert float(apart) == 1.0


def test_nearest_neighbour_ties_are_broken_at_random():
    # Rows of categories: every row has twins in both samples.
    rows = torch.tensor([[0.0, 1.0], [1.0, 0.0]]).repeat(50, 1)
    alike = nearest_neighbour_accuracy(rows, rows.clone())
    assert float(alike) == pytest.approx(0.5, abs=0.01)
    # One level apart: each row's nearest are its own sample's twins.
    apart = nearest_neighbour_accuracy(rows[:, :1].repeat(1, 2), rows)
    assert float(apart) > 0.5


def test_closer_share_is_one_for_copies_and_a_half_for_new_rows():
    train, held_out = _normal(500, 0), _normal(500, 1)
    assert float(closer_share(train, train, held_out)) == 1.0
    assert float(closer_share(held_out, train, held_out)) == 0.0
    assert abs(float(closer_share(_normal(4000, 2), train, held_out)) - 0.5) < 0.04


def test_closer_share_counts_a_tie_as_half():
    rows = torch.tensor([[0.0], [1.0]])
    generated = torch.tensor([[0.5]])  # as far from 0 as from 1
    assert float(closer_share(generated, rows[:1], rows[1:])) == 0.5


def test_column_ks_is_zero_for_the_same_rows_and_one_apart():
    rows = _normal(200, 0)
    assert float(column_ks(rows, rows)) == 0.0
    assert float(column_ks(rows, rows + 100)) == 1.0
    shares = torch.tensor([[1.0], [0.0], [0.0], [0.0]])  # one-hot: 1/4 against 1/2
    assert float(column_ks(shares, torch.tensor([[1.0], [0.0]]))) == 0.25


def test_held_out_loss_adds_its_parts_and_only_the_excess_of_the_closer_share():
    train, held_out = _normal(300, 0), _normal(300, 1)
    loss, accuracy, shapes, closer = held_out_loss(train, train, held_out)
    assert float(closer) == 1.0
    assert float(loss) == pytest.approx(float(accuracy + shapes) + 0.5)
    loss, accuracy, shapes, closer = held_out_loss(held_out, train, held_out)
    assert float(closer) == 0.0
    assert float(shapes) == 0.0
    assert float(loss) == pytest.approx(float(accuracy))


def test_one_hot_blocks_picks_the_largest_logit_and_drops_the_uniform():
    rows = torch.tensor([[0.3, 2.0, -1.0, 5.0, 0.1, 0.7, 0.9]])
    coded = one_hot_blocks(rows, (3, 2))
    expected = torch.tensor([[0.3, 0.0, 0.0, 1.0, 0.0, 1.0]])
    torch.testing.assert_close(coded, expected)
    assert one_hot_blocks(rows, ()) is rows


def test_auto_rules_of_the_budget():
    assert auto_setting("max_epochs", 1, n_rows=10) == 40
    assert auto_setting("max_epochs", 14) == 120
    assert auto_setting("max_epochs", 14, n_rows=89, rows_per_epoch=25_600) == 120
    # A large table: each row drawn 800 times, up to 300 epochs.
    rows = {"rows_per_epoch": 25_600}
    assert auto_setting("max_epochs", 3, n_rows=3_840, **rows) == 120
    assert auto_setting("max_epochs", 3, n_rows=3_841, **rows) == 121
    assert auto_setting("max_epochs", 10, n_rows=9_510, **rows) == 298
    assert auto_setting("max_epochs", 10, n_rows=10**6, **rows) == 300
    assert auto_setting("max_epochs", 1, n_rows=10**6, **rows) == 40


def test_tables_with_blocks_train_networks_sized_to_their_rows():
    rows = {"rows_per_epoch": 25_600}
    # 50 epochs, or as many as draw each row 800 times, up to 300.
    assert auto_setting("max_epochs", 21, n_rows=500, n_blocks=14, **rows) == 50
    assert auto_setting("max_epochs", 21, n_rows=3_000, n_blocks=14, **rows) == 94
    assert auto_setting("max_epochs", 21, n_rows=10**6, n_blocks=14, **rows) == 300
    assert auto_setting("max_epochs", 21, n_rows=500, **rows) == 120  # numbers
    # A model saved before 0.15 is rebuilt with the rules it trained with.
    before = {"n_rows": 500, "n_blocks": 14, "sized_to_rows": False}
    assert auto_setting("max_epochs", 21, **before, **rows) == 120
    assert auto_setting("generator_hidden_size", 21, **before) == 168
    # At most 16 middle-layer weights per training row: 4 times the square
    # root of the rows wide, 8 per column where fewer, never below the
    # narrowest networks.
    for name, narrowest in (("generator_hidden_size", 48),
                            ("discriminator_hidden_size", 64)):  # fmt: skip
        assert auto_setting(name, 21, n_rows=500, n_blocks=14) == 89
        assert auto_setting(name, 21, n_rows=10**5, n_blocks=14) == 168
        assert auto_setting(name, 21, n_rows=50, n_blocks=14) == narrowest
        assert auto_setting(name, 21, n_blocks=14) == 168  # rows unknown
        # Whole rows of numbers: at most 32 weights per row (see below).
        assert auto_setting(name, 21, n_rows=500) == 126
    from gansampler._sampler import resolved_settings

    mixed = resolved_settings(GANSampler(), 21, n_rows=500, n_blocks=14)
    assert mixed["generator_hidden_size"] == mixed["discriminator_hidden_size"] == 89
    assert mixed["max_epochs"] == 50
    # Neither the held-out check nor the discriminator's dropout: 16
    # weights per row cannot learn rows by heart.
    assert not mixed["early_stopping"]
    assert mixed["discriminator_dropout"] == 0.0
    drawn_often = {"n_rows": 116, "max_epochs": 50, **rows, "held_out_check": False}
    assert auto_setting("discriminator_dropout", 17, n_blocks=17, **drawn_often) == 0
    assert auto_setting("discriminator_dropout", 17, **drawn_often) == 0.5


def test_auto_rules_of_the_update():
    # Whole rows of numbers of more than 307 rows (each drawn fewer than
    # 10,000 times by the budget): 1,024 rows an update; else 256.
    assert auto_setting("batch_size", 3, n_rows=307) == 256
    assert auto_setting("batch_size", 3, n_rows=308) == 1024
    assert auto_setting("batch_size", 1, n_rows=10**6) == 256
    assert auto_setting("batch_size", 3, n_rows=10**6, n_blocks=1) == 256
    assert auto_setting("batch_size", 3) == 256  # rows unknown
    # Learning rates 3 times as high for 4 times the rows, and an average
    # over as many rows; smaller updates keep the measured recipe.
    for batch, lr, decay in ((64, 2e-4, 0.999), (256, 2e-4, 0.999),
                             (1024, 6e-4, 0.996006)):  # fmt: skip
        for name in ("generator_lr", "discriminator_lr"):
            assert auto_setting(name, 3, batch_size=batch) == lr
        assert auto_setting("ema_decay", 3, batch_size=batch) == decay
    assert 2e-4 < auto_setting("generator_lr", 3, batch_size=512) < 6e-4
    # The discriminator learns twice as fast on whole rows of numbers of
    # more than 307 rows; elsewhere at the generator's rate.
    large = {"n_rows": 308, "batch_size": 1024}
    assert auto_setting("discriminator_lr", 3, **large) == 1.2e-3
    assert auto_setting("generator_lr", 3, **large) == 6e-4
    assert auto_setting("discriminator_lr", 3, n_rows=308, batch_size=256) == 4e-4
    for other in ({"n_rows": 307}, {"n_rows": 10**6, "n_blocks": 1}, {}):
        assert auto_setting("discriminator_lr", 3, batch_size=256, **other) == 2e-4
    assert auto_setting("discriminator_lr", 1, n_rows=10**6, batch_size=256) == 2e-4
    # An epoch draws 25,600 rows whatever the size of its rounds.
    for batch, steps in ((64, 100), (256, 100), (512, 50), (1024, 25), (10**6, 1)):
        assert auto_setting("steps_per_epoch", 3, batch_size=batch) == steps


def test_wide_tables_of_numbers_get_networks_sized_to_their_rows():
    # Whole rows of numbers of more than 307 rows: at most 32 middle-layer
    # weights per training row, 8 units per column where fewer, never below
    # the narrowest networks.
    for name, narrowest in (("generator_hidden_size", 48),
                            ("discriminator_hidden_size", 64)):  # fmt: skip
        assert auto_setting(name, 30, n_rows=1_000) == 178  # not 240
        assert auto_setting(name, 65, n_rows=898) == 169  # the digits, not 520
        assert auto_setting(name, 30, n_rows=1_800) == 240  # 32 x 1,800 = 240²
        assert auto_setting(name, 11, n_rows=9_510) == 88  # MAGIC keeps its own
        assert auto_setting(name, 3, n_rows=10**6) == narrowest
        # Tables of up to 307 rows keep 8 units per column (their held-out
        # check and dropout read the room), as do rows of unknown count,
        # one column and models saved before 0.15.
        assert auto_setting(name, 30, n_rows=307) == 240
        assert auto_setting(name, 30, n_rows=308) == 99
        assert auto_setting(name, 30) == 240
        assert auto_setting(name, 1, n_rows=10**6) == narrowest
        assert auto_setting(name, 30, n_rows=1_000, sized_to_rows=False) == 240
    from gansampler._sampler import resolved_settings

    wide = resolved_settings(GANSampler(), 30, n_rows=1_000)
    assert wide["generator_hidden_size"] == wide["discriminator_hidden_size"] == 178
    assert wide["max_epochs"] == 120 and wide["batch_size"] == 1024
    assert not wide["early_stopping"] and wide["discriminator_dropout"] == 0.0
    given = resolved_settings(GANSampler(generator_hidden_size=240), 30, n_rows=1_000)
    assert given["generator_hidden_size"] == 240
    assert given["discriminator_hidden_size"] == 178


def test_a_wide_fit_of_numbers_trains_networks_sized_to_its_rows(tmp_path):
    import gansampler

    X = np.random.default_rng(0).normal(size=(400, 30))
    sampler = GANSampler(max_epochs=1, steps_per_epoch=1, random_state=0).fit(X)
    width = 113  # the square root of 32 x 400, not 8 x 30
    assert sampler.net_.generator_.layers[0].out_features == width
    assert sampler.net_.discriminator_.layers[0].out_features == width
    # A saved model is rebuilt with the widths it trained with.
    sampler.save(tmp_path / "wide")
    loaded = gansampler.load(tmp_path / "wide")
    assert loaded.net_.generator_ema_.layers[0].out_features == width
    np.testing.assert_array_equal(
        loaded.sample(20, random_state=1), sampler.sample(20, random_state=1)
    )


def test_the_update_follows_the_table():
    from gansampler._sampler import resolved_settings

    numbers = resolved_settings(GANSampler(), 3, n_rows=667, n_classes=2)
    assert (numbers["batch_size"], numbers["steps_per_epoch"]) == (1024, 25)
    assert numbers["max_epochs"] == 120
    assert (numbers["generator_lr"], numbers["discriminator_lr"]) == (6e-4, 1.2e-3)
    assert numbers["ema_decay"] == 0.996006
    # MAGIC: each row drawn 800 times, in 1,024-row rounds.
    magic = resolved_settings(GANSampler(), 10, n_rows=9_510, n_classes=2)
    assert (magic["steps_per_epoch"], magic["max_epochs"]) == (25, 298)
    mixed = resolved_settings(GANSampler(), 21, n_rows=500, n_blocks=14)
    assert (mixed["batch_size"], mixed["steps_per_epoch"]) == (256, 100)
    assert mixed["generator_lr"] == mixed["discriminator_lr"] == 2e-4
    assert mixed["ema_decay"] == 0.999
    # A size given by hand: the rates, the average and the epoch follow it.
    given = resolved_settings(GANSampler(batch_size=1024), 1, n_rows=10_000)
    assert (given["generator_lr"], given["steps_per_epoch"]) == (6e-4, 25)
    assert given["max_epochs"] == 40
    given = resolved_settings(GANSampler(batch_size=512, steps_per_epoch=100), 3)
    assert (given["steps_per_epoch"], given["max_epochs"]) == (100, 120)


def test_a_fit_of_numbers_trains_with_the_large_update():
    X = np.random.default_rng(0).normal(size=(400, 2))
    sampler = GANSampler(max_epochs=1, random_state=0).fit(X)
    net = sampler.net_
    assert net.batch_size == 1024 and net.ema_decay == 0.996006
    assert net.steps_per_epoch == 25 and sampler.n_iter_ == 25
    lrs = [net.generator_optimizer_.param_groups[0]["lr"],
           net.discriminator_optimizer_.param_groups[0]["lr"]]  # fmt: skip
    assert lrs == [6e-4, 1.2e-3]
    assert net.history[-1, "batches", -1, "train_batch_size"] == 1024
    assert sampler.get_params()["batch_size"] == "auto"


def test_auto_rules_of_the_discriminators_dropout():
    # Where rows are each drawn 10,000 times or more, and the check is off.
    budget = {"max_epochs": 120, "rows_per_epoch": 25_600, "held_out_check": False}
    assert auto_setting("discriminator_dropout", 11, n_rows=307, **budget) == 0.5
    assert auto_setting("discriminator_dropout", 11, n_rows=308, **budget) == 0.0
    checked = budget | {"held_out_check": True}
    assert auto_setting("discriminator_dropout", 11, n_rows=89, **checked) == 0.0
    assert auto_setting("discriminator_dropout", 1, n_rows=100, **budget) == 0.0
    assert auto_setting("discriminator_dropout", 11) == 0.0  # rows unknown


def test_the_settings_resolve_in_the_order_their_rules_read_them():
    from gansampler._sampler import resolved_settings

    diabetes, heart, wine = (11, 221), (14, 135), (14, 89)
    for columns, rows in (diabetes, heart):
        settings = resolved_settings(GANSampler(), columns, n_rows=rows)
        assert not settings["early_stopping"]
        assert settings["discriminator_dropout"] == 0.5
    settings = resolved_settings(GANSampler(), wine[0], n_rows=wine[1])
    assert settings["early_stopping"]
    assert settings["discriminator_dropout"] == 0.0
    # The check turned off by hand: dropout in its place.
    unchecked = GANSampler(early_stopping=False)
    assert resolved_settings(unchecked, 14, n_rows=89)["discriminator_dropout"] == 0.5
    # A shorter budget draws each row fewer times: neither.
    short = resolved_settings(GANSampler(max_epochs=20), 14, n_rows=89)
    assert not short["early_stopping"] and short["discriminator_dropout"] == 0.0


def test_auto_rules_of_the_check():
    assert auto_setting("early_stopping", 1, n_rows=10_000) is False
    assert auto_setting("early_stopping", 3, n_rows=39) is False
    assert auto_setting("early_stopping", 3, n_rows=40) is True
    assert auto_setting("early_stopping", 3, n_rows=40, max_epochs=19) is False
    assert auto_setting("early_stopping", 3, n_rows=40, max_epochs=20) is True
    budget = {"max_epochs": 120, "rows_per_epoch": 25_600, "hidden_size": 240}
    assert auto_setting("early_stopping", 30, n_rows=307, **budget) is True
    assert auto_setting("early_stopping", 30, n_rows=308, **budget) is False
    # 128 weights per row or more: 80 ** 2 / 50.
    narrow = budget | {"hidden_size": 80}
    assert auto_setting("early_stopping", 10, n_rows=50, **narrow) is True
    assert auto_setting("early_stopping", 10, n_rows=51, **narrow) is False
    fraction = {n: auto_setting("validation_fraction", 3, n_rows=n)
                for n in (40, 200, 5_000, 100_000)}  # fmt: skip
    assert [round(fraction[n] * n) for n in fraction] == [10, 50, 500, 500]
    assert auto_setting("r1_interval", 1, n_classes=2) == 1
    assert auto_setting("r1_interval", 1) == 16


def test_auto_holds_back_the_rows_its_rule_names():
    # scikit-learn's splits round the share up: 50 / 265 * 265 is a hair
    # above 50 in floating point, and held back 51.
    from gansampler._params import _validation_rows

    for n_rows in [*range(40, 20_000), 200_003]:
        fraction = auto_setting("validation_fraction", 3, n_rows=n_rows)
        assert math.ceil(fraction * n_rows) == _validation_rows(n_rows), n_rows


@pytest.fixture(scope="module")
def rows():
    rng = np.random.default_rng(0)
    x = rng.normal(size=300)
    return np.column_stack([x, x**2 + 0.1 * rng.normal(size=300)])


def test_fit_records_the_check_each_epoch_and_keeps_the_best_epoch(rows):
    sampler = GANSampler(
        max_epochs=4, steps_per_epoch=20, early_stopping=True, random_state=0
    )
    sampler.fit(rows)
    history = sampler.history_
    assert len(history) == 4
    losses = history[:, "valid_loss"]
    assert all(np.isfinite(losses))
    for key in ("valid_nn", "valid_ks", "valid_closer", "valid_loss_best"):
        assert len(history[:, key]) == 4
    best = int(np.argmin(losses)) + 1
    assert sampler.net_.best_epoch_ == best
    assert sampler.best_epoch_ == best
    assert not sampler.net_.stopped_early_


def test_the_kept_generator_is_the_best_epochs(rows):
    kept = {}

    from skorch.callbacks import Callback

    class Keep(Callback):
        def on_epoch_end(self, net, **kwargs):
            epoch = len(net.history)
            state = net.generator_ema_.state_dict()
            kept[epoch] = {k: v.clone() for k, v in state.items()}

    sampler = GANSampler(max_epochs=4, steps_per_epoch=20, random_state=0,
                         early_stopping=True, callbacks=[Keep()]).fit(rows)  # fmt: skip
    best = kept[sampler.best_epoch_]
    for name, value in sampler.net_.generator_ema_.state_dict().items():
        assert torch.equal(value, best[name])


def test_training_stops_after_n_iter_no_change_epochs_without_progress(rows):
    sampler = GANSampler(
        max_epochs=60,
        steps_per_epoch=5,
        n_iter_no_change=2,
        early_stopping=True,
        random_state=0,
    ).fit(rows)
    epochs = len(sampler.history_)
    assert sampler.net_.stopped_early_
    assert epochs < 60
    assert epochs - sampler.best_epoch_ == 2
    assert sampler.n_iter_ == epochs * 5
    assert sampler.sample(5).shape == (5, 2)


def test_no_check_without_early_stopping(rows):
    sampler = GANSampler(max_epochs=2, steps_per_epoch=5, early_stopping=False,
                         random_state=0).fit(rows)  # fmt: skip
    assert "valid_loss" not in sampler.history_[-1]
    assert sampler.best_epoch_ is None
    assert sampler.net_.train_split is None


def test_no_check_by_default_on_one_column_few_rows_or_a_short_run(rows):
    for X, epochs in ((rows[:, :1], 20), (rows[:30], 20), (rows, 19)):
        sampler = GANSampler(max_epochs=epochs, steps_per_epoch=1, random_state=0)
        assert "valid_loss" not in sampler.fit(X).history_[-1]


def test_the_check_holds_back_each_class_and_takes_a_class_of_one_row(rows):
    y = np.r_[np.zeros(200, int), np.ones(99, int), 2]
    sampler = GANSampler(max_epochs=2, steps_per_epoch=5, early_stopping=True,
                         random_state=0).fit(rows, y)  # fmt: skip
    assert np.isfinite(sampler.history_[-1, "valid_loss"])
    assert set(sampler.sample(30, y=[2] * 30, random_state=0).shape) == {30, 2}


def test_the_check_on_a_mixed_table():
    pandas = pytest.importorskip("pandas")
    rng = np.random.default_rng(1)
    frame = pandas.DataFrame(
        {
            "size": rng.normal(size=120),
            "kind": rng.choice(["a", "b", "c"], size=120),
        }
    )
    sampler = GANSampler(max_epochs=2, steps_per_epoch=5, early_stopping=True,
                         random_state=0).fit(frame)  # fmt: skip
    assert 0 <= sampler.history_[-1, "valid_closer"] <= 1
    assert list(sampler.sample(4).columns) == ["size", "kind"]


def test_fits_with_the_check_are_reproducible(rows):
    def draw():
        sampler = GANSampler(
            max_epochs=3, steps_per_epoch=10, early_stopping=True, random_state=3
        )
        return sampler.fit(rows).sample(50, random_state=0)

    np.testing.assert_array_equal(draw(), draw())


def test_a_bad_fraction_is_a_clear_error(rows):
    with pytest.raises(ValueError, match="validation_fraction"):
        GANSampler(validation_fraction=1.5).fit(rows)


def test_a_split_too_small_to_check_is_a_clear_error_and_keeps_the_model(rows):
    sampler = GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0).fit(rows)
    before = sampler.sample(5, random_state=0)
    sampler.set_params(early_stopping=True, validation_fraction=0.001)
    with pytest.raises(ValueError, match="at least two rows on each side"):
        sampler.fit(rows)
    np.testing.assert_array_equal(sampler.sample(5, random_state=0), before)


@pytest.mark.parametrize("n_rows, fraction", [(3, "auto"), (120, 0.999)])
def test_a_split_without_two_rows_a_side_names_early_stopping(n_rows, fraction):
    rows = np.random.default_rng(0).normal(size=(n_rows, 2))
    sampler = GANSampler(early_stopping=True, validation_fraction=fraction)
    with pytest.raises(ValueError, match=r"early_stopping \(valid.*\) holds back \d+"):
        sampler.fit(rows)


def test_the_copula_start_rule():
    # On where whole rows are each drawn 10,000 times or more: by default,
    # tables of at most 307 rows; and for one column, whatever its rows.
    budget = {"max_epochs": 120, "rows_per_epoch": 25_600}
    assert auto_setting("copula_start", 13, n_rows=89, **budget)
    assert auto_setting("copula_start", 3, n_rows=307, **budget)
    assert not auto_setting("copula_start", 3, n_rows=308, **budget)
    assert not auto_setting("copula_start", 3, n_rows=89, n_blocks=1, **budget)
    assert not auto_setting("copula_start", 3)  # rows unknown
    assert auto_setting("copula_start", 1, n_rows=89, **budget)
    assert auto_setting("copula_start", 1, n_rows=1_000_000, **budget)
    assert auto_setting("copula_start", 1)
    assert not auto_setting("copula_start", 1, n_rows=89, n_blocks=1, **budget)


def test_one_column_starts_as_its_quantile_map():
    # Its copula is the normal the quantile map makes of it: after one round,
    # the samples are nearly the map's own.
    X = np.random.default_rng(0).gamma(2.0, 1.5, size=(2_000, 1))
    sampler = GANSampler(max_epochs=1, steps_per_epoch=1, random_state=0).fit(X)
    assert sampler.net_.generator_ema_.skip is not None
    drawn = sampler.sample(20_000, random_state=0)[:, 0]
    quantiles = np.linspace(0.05, 0.95, 19)
    error = np.abs(np.quantile(drawn, quantiles) - np.quantile(X, quantiles))
    assert error.max() < 0.15 * X.std()
    plain = GANSampler(max_epochs=1, steps_per_epoch=1, copula_start=False,
                       random_state=0).fit(X)  # fmt: skip
    drawn = plain.sample(20_000, random_state=0)[:, 0]
    error = np.abs(np.quantile(drawn, quantiles) - np.quantile(X, quantiles))
    assert error.max() > 0.5 * X.std()


def _correlated(n_rows, seed=0):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n_rows, 3))
    return z @ np.array([[1.0, 0.8, 0.0], [0.0, 0.6, -0.5], [0.0, 0.0, 0.7]])


def test_a_small_table_starts_from_its_copula():
    X = _correlated(100)
    # One round: the generator is still, nearly, the copula of the rows.
    sampler = GANSampler(max_epochs=1, steps_per_epoch=1, copula_start=True,
                         random_state=0).fit(X)  # fmt: skip
    G = sampler.net_.generator_ema_
    assert G.skip is not None and G.skip.weight.abs().sum() > 0
    drawn = sampler.sample(20_000, random_state=0)
    assert np.abs(np.corrcoef(drawn.T) - np.corrcoef(X.T)).max() < 0.15
    # Without it, one round draws rows far from the data's dependence.
    plain = GANSampler(max_epochs=1, steps_per_epoch=1, random_state=0).fit(X)
    assert plain.net_.generator_.skip is None
    drawn = plain.sample(20_000, random_state=0)
    assert np.abs(np.corrcoef(drawn.T) - np.corrcoef(X.T)).max() > 0.3
    # By default, on for this table; a larger one keeps the generator of
    # before.
    from gansampler._sampler import resolved_settings

    assert resolved_settings(GANSampler(), 3, n_rows=100)["copula_start"] is True
    assert resolved_settings(GANSampler(), 3, n_rows=400)["copula_start"] is False


def test_the_copula_start_takes_the_numbers_and_levels_of_a_mixed_table():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(_correlated(120), columns=["a", "b", "c"])
    X["kind"] = np.where(X["a"] > 0, "up", "down")
    X.loc[::10, "c"] = np.nan
    sampler = GANSampler(max_epochs=1, steps_per_epoch=1, copula_start=True,
                         random_state=0).fit(X)  # fmt: skip
    assert sampler.net_.generator_.skip is not None
    drawn = sampler.sample(5_000, random_state=0)
    assert list(drawn.columns) == ["a", "b", "c", "kind"]
    assert abs(drawn["a"].corr(drawn["b"]) - X["a"].corr(X["b"])) < 0.15
    # One column of numbers starts as the normal its quantile map makes, and
    # the levels are read off a score that goes with it ("up" where a > 0).
    one = GANSampler(max_epochs=1, steps_per_epoch=1, copula_start=True,
                     random_state=0).fit(X[["a", "kind"]])  # fmt: skip
    assert one.net_.generator_.skip.weight[0].abs().max() > 0.5
    drawn = one.sample(5_000, random_state=0)
    assert ((drawn["a"] > 0) == (drawn["kind"] == "up")).mean() > 0.75


def test_each_class_starts_from_its_own_mean():
    X = _correlated(150)
    y = np.repeat([0, 1, 2], 50)
    X = X + np.array([[0.0, 0.0, 0.0], [4.0, -2.0, 1.0], [-3.0, 3.0, 2.0]])[y]
    sampler = GANSampler(max_epochs=1, steps_per_epoch=1, copula_start=True,
                         random_state=0).fit(X, y)  # fmt: skip
    for label in range(3):
        drawn = sampler.sample(5_000, y=np.full(5_000, label), random_state=0)
        np.testing.assert_allclose(drawn.mean(0), X[y == label].mean(0), atol=0.3)
        # The spread within the class, not that of all the rows.
        assert (drawn.std(0) < 1.5 * X[y == label].std(0)).all()


def test_the_copula_start_reads_the_classes_on_the_data_s_device(monkeypatch):
    # The class codes reach the start as the rows do: placed on the net's
    # device (by skorch's to_tensor) as long integers, so that a GPU fit
    # does not mix devices. A CPU run cannot see two devices, so the test
    # checks that the codes went through the placement.
    import gansampler._net as net_module

    placed, seen = [], []

    def to_tensor(X, device):
        tensor = original(X, device=device).clone()  # placed: a new tensor
        placed.append(tensor)
        return tensor

    original = net_module.to_tensor
    monkeypatch.setattr(net_module, "to_tensor", to_tensor)
    monkeypatch.setattr(net_module.GANNet, "_start_from_copula",
                        lambda net, X, codes: seen.append(codes))  # fmt: skip
    X, y = _correlated(60), np.repeat([0, 1], 30)
    GANSampler(max_epochs=1, steps_per_epoch=1, copula_start=True).fit(X, y)
    (codes,) = seen
    assert codes.dtype == torch.long
    assert codes.data_ptr() in {t.data_ptr() for t in placed}
    assert torch.equal(codes.cpu(), torch.from_numpy(y))


def test_every_callback_sees_the_epoch_that_stops_training(rows):
    from skorch.callbacks import Callback

    seen = []

    class Log(Callback):
        def on_epoch_end(self, net, **kwargs):
            seen.append(len(net.history))

    sampler = GANSampler(max_epochs=60, steps_per_epoch=5, n_iter_no_change=1,
                         early_stopping=True, random_state=0,
                         callbacks=[Log()]).fit(rows)  # fmt: skip
    assert sampler.net_.stopped_early_
    assert seen == list(range(1, len(sampler.history_) + 1))


def test_a_check_that_ends_with_the_last_epoch_did_not_stop_early(rows, capsys):
    settings = {"steps_per_epoch": 5, "n_iter_no_change": 1, "verbose": 1,
                "early_stopping": True, "random_state": 0}  # fmt: skip
    stopped = GANSampler(max_epochs=60, **settings).fit(rows)
    assert stopped.net_.stopped_early_
    out = capsys.readouterr().out.splitlines()
    # The message follows the row of the epoch that stopped training.
    assert out[-1].startswith("Stopping")
    assert out[-2].split()[0] == str(len(stopped.history_))
    # The same training, whose last epoch is the one that stopped it.
    last = GANSampler(max_epochs=len(stopped.history_), **settings).fit(rows)
    assert last.history_[-1, "valid_loss_best"] is False
    assert not last.net_.stopped_early_
    assert "Stopping" not in capsys.readouterr().out


@pytest.mark.parametrize("fraction", ["auto", 0.8])
def test_the_rows_held_back_leave_every_class_a_training_row(fraction):
    # 40 classes of 3 rows: the 30 rows held back cannot be stratified, and
    # 0.8 would take every row of some classes.
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(120, 2)), np.repeat(np.arange(40), 3)
    for seed in range(10):
        sampler = GANSampler(
            max_epochs=1, steps_per_epoch=2, random_state=seed,
            early_stopping=True, validation_fraction=fraction,
        )  # fmt: skip
        net = sampler.fit(X, y).net_
        train, _ = net.train_split(np.arange(120), torch.as_tensor(y))
        assert set(y[np.asarray(train.indices)]) == set(range(40))


def test_a_fraction_cut_to_keep_every_class_is_told_and_recorded(tmp_path):
    # 10 classes of 2 rows: 0.9 would hold back 18 rows; 10 are. The record
    # said 0.9, in the file too, and nothing was said.
    import gansampler

    X, y = np.random.default_rng(0).normal(size=(20, 2)), np.repeat(np.arange(10), 2)
    sampler = GANSampler(early_stopping=True, validation_fraction=0.9, max_epochs=1,
                         steps_per_epoch=1, random_state=0)  # fmt: skip
    with pytest.warns(
        UserWarning, match="would hold back 18 of 20 rows.*holds back 10"
    ):
        sampler.fit(X, y)
    assert sampler.net_.train_split.n_held_out == 10
    assert sampler.resolved_params_["validation_fraction"] == 0.5
    sampler.save(tmp_path / "model.safetensors")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the fit's warnings, not told again
        loaded = gansampler.load(tmp_path / "model.safetensors")
    assert loaded.resolved_params_["validation_fraction"] == 0.5


def test_a_class_keeping_split_that_holds_back_as_asked_records_the_fraction_given():
    # A class of one row cannot be stratified: the split keeps it, and holds
    # back the 6 rows that 0.1 of 55 asks for.
    X = np.random.default_rng(0).normal(size=(55, 2))
    y = np.r_[np.zeros(54), 1]
    sampler = GANSampler(early_stopping=True, validation_fraction=0.1, max_epochs=1,
                         steps_per_epoch=1, random_state=0).fit(X, y)  # fmt: skip
    assert sampler.net_.train_split.n_held_out == 6
    assert sampler.resolved_params_["validation_fraction"] == 0.1


def test_classes_of_one_row_leave_the_auto_check_off_and_refuse_the_asked_one():
    from gansampler._params import DEFAULTS
    from gansampler._sampler import _held_out_split

    # 39 classes in 40 rows: a split that leaves every class a training row
    # holds back one row, too few for the check.
    counts = np.r_[np.ones(38, dtype=int), 2]
    params = {"validation_fraction": 0.25}
    auto = GANSampler(early_stopping=DEFAULTS["early_stopping"])
    assert _held_out_split(auto, params, 40, counts, seed=0) is None
    with pytest.raises(ValueError, match="Every class keeps a training row"):
        _held_out_split(GANSampler(early_stopping=True), params, 40, counts, 0)
    # Classes of many rows: stratified, even holding back most of them.
    split = _held_out_split(auto, {"validation_fraction": 0.6}, 40,
                            np.array([20, 20]), seed=0)  # fmt: skip
    assert split.stratified
