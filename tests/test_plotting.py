import numpy as np
import pytest
from sklearn.base import clone

from gansampler import GANSampler
from gansampler.exceptions import NotFittedError

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from gansampler.plotting import plot_distribution, plot_history  # noqa: E402

FAST = {"max_epochs": 3, "steps_per_epoch": 10, "batch_size": 64}


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(4.0, 1.25, 600), rng.poisson(3.0, 600)])
    return GANSampler(**FAST, random_state=0).fit(X), X


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def is_png(path):
    return path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_distribution_renders_a_histogram_and_a_qq_plot_per_feature(
    fitted, tmp_path
):
    sampler, X = fitted
    fig, axes = plot_distribution(sampler, X)
    assert axes.shape == (2, 2)
    hist, qq = axes[0]
    assert hist.get_title().startswith("x0: W1/std")
    assert [t.get_text() for t in hist.get_legend().get_texts()] == [
        "data (600 rows)",
        "generated (10,000 samples)",
    ]
    assert qq.get_xlabel() == "x0, data quantile"
    # 99 percentiles of the generated samples against the data's.
    assert len(qq.lines[1].get_xdata()) == 99
    fig.savefig(tmp_path / "distribution.png")
    assert is_png(tmp_path / "distribution.png")


def test_discrete_features_get_one_bin_per_value(fitted):
    sampler, X = fitted
    _, axes = plot_distribution(sampler, X, features=[1])
    bars = axes[0, 0].patches
    lefts = sorted({round(bar.get_x() + bar.get_width() / 2, 6) for bar in bars[:-1]})
    assert all(float(v).is_integer() for v in lefts)


def test_features_by_name_and_position():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"height": rng.normal(170, 8, 300), "age": rng.normal(40, 9, 300)}
    )
    sampler = GANSampler(**FAST, random_state=0).fit(frame)
    _, axes = plot_distribution(sampler, frame, features=["age"])
    assert axes.shape == (1, 2) and axes[0, 0].get_xlabel() == "age"
    _, axes = plot_distribution(sampler, frame, features=[-1, 0])
    assert [row[0].get_xlabel() for row in axes] == ["age", "height"]
    with pytest.raises(ValueError, match="Unknown feature 'weight'"):
        plot_distribution(sampler, frame, features=["weight"])
    with pytest.raises(ValueError, match="Feature 5 is out of range"):
        plot_distribution(sampler, frame, features=[5])


def test_same_picture_at_every_call(fitted):
    sampler, X = fitted
    first = plot_distribution(sampler, X)[1][0, 1].lines[1].get_ydata()
    again = plot_distribution(sampler, X)[1][0, 1].lines[1].get_ydata()
    np.testing.assert_array_equal(first, again)


def test_draws_on_given_axes(fitted):
    sampler, X = fitted
    fig, axes = plt.subplots(3, 2)
    returned_fig, returned = plot_distribution(sampler, X, axes=axes[:2])
    assert returned_fig is fig and returned[0, 0] is axes[0, 0]
    returned_fig, returned = plot_history(sampler, axes=axes[2])
    assert returned_fig is fig and returned[1] is axes[2, 1]


def test_wrong_data_shape_is_a_clear_error(fitted):
    sampler, _ = fitted
    with pytest.raises(ValueError, match=r"fitted on 2 features"):
        plot_distribution(sampler, np.zeros((10, 3)))
    with pytest.raises(ValueError, match="X has no rows"):
        plot_distribution(sampler, np.zeros((0, 2)))


def test_too_few_or_too_many_axes_are_a_clear_error(fitted):
    sampler, X = fitted
    with pytest.raises(ValueError, match=r"needs 2: pass those of plt.subplots\(1, 2"):
        plot_history(sampler, axes=plt.subplots(1, 1)[1])
    with pytest.raises(ValueError, match="axes holds 6 Axes, and this picture needs 4"):
        plot_distribution(sampler, X, axes=plt.subplots(3, 2)[1])


@pytest.mark.parametrize(
    "features, message",
    [
        ([], "features is empty"),
        ([1.5], "neither a name nor a position"),
        ([True], "neither a name nor a position"),
    ],
)
def test_bad_features_are_clear_errors(fitted, features, message):
    sampler, X = fitted
    with pytest.raises(ValueError, match=message):
        plot_distribution(sampler, X, features=features)


def test_missing_values_are_drawn_and_unfitted_samplers_are_clear_errors(fitted):
    sampler, X = fitted
    X = X.copy()
    X[3, 0] = np.nan
    # A table of numbers fitted without missing values: the held-out rows'
    # missing ones are left out of the histogram and counted in the legend,
    # as score leaves them out.
    fig, _ = plot_distribution(sampler, X, n_samples=300)
    legend = [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    assert any("missing" in text for text in legend), legend
    X[4, 1] = np.inf
    with pytest.raises(ValueError, match="infinite values"):
        plot_distribution(sampler, X)
    for function in (plot_distribution, lambda s, X: plot_history(s)):
        with pytest.raises(NotFittedError, match=r"(?i)call fit first"):
            function(GANSampler(), X)


def test_dataframe_columns_are_matched_by_name():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(0, 1, 300), "b": rng.normal(50, 1, 300)})
    sampler = GANSampler(**FAST, random_state=0).fit(frame)
    _, axes = plot_distribution(sampler, frame[["b", "a"]])
    # Column "a" of the data is drawn against the sampler's "a".
    assert axes[0, 0].get_xlabel() == "a"
    assert axes[0, 0].patches[0].get_x() < 10


def test_many_features_say_which_are_drawn():
    X = np.random.default_rng(0).normal(size=(300, 8))
    sampler = GANSampler(**FAST, random_state=0).fit(X)
    fig, axes = plot_distribution(sampler, X)
    assert axes.shape == (6, 2)
    assert fig.get_suptitle().startswith("The first 6 of 8 features")


def test_uneven_values_get_continuous_bins():
    X = np.array([0.0, 0.001, 1000.0] * 100).reshape(-1, 1)
    sampler = GANSampler(**FAST, random_state=0).fit(X)
    _, axes = plot_distribution(sampler, X)
    assert len(axes[0, 0].patches) <= 2 * 51


def test_bins_are_counted_before_any_is_made():
    # Values bunched within a billionth, beside others over a wide range:
    # NumPy's Freedman-Diaconis edges would take hundreds of GiB.
    from gansampler.plotting import _bins

    rng = np.random.default_rng(0)
    bunched = rng.random(400) < 0.8
    x = np.where(bunched, 9.99 + rng.normal(0, 1e-9, 400), rng.uniform(1, 20, 400))
    assert len(_bins(x, x)) == 51
    assert len(_bins(rng.normal(size=100) * 1e-300, rng.normal(size=100))) == 51
    # As NumPy counts them elsewhere.
    real, generated = rng.normal(size=3_000), rng.normal(size=3_000)
    low, high = np.quantile(np.concatenate([real, generated]), [0.001, 0.999])
    edges = np.histogram_bin_edges(real, bins="fd", range=(low, high))
    np.testing.assert_allclose(
        _bins(real, generated), np.linspace(low, high, len(edges))
    )


@pytest.fixture(scope="module")
def mixed():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    income = rng.lognormal(3, 0.5, 400)
    income[rng.random(400) < 0.2] = np.nan
    frame = pd.DataFrame(
        {
            "home": rng.choice(["owner", "renter", "other"], 400, p=[0.5, 0.3, 0.2]),
            "income": income,
            "age": rng.integers(18, 80, 400),
            "member": rng.random(400) < 0.3,
        }
    )
    frame.loc[rng.random(400) < 0.1, "home"] = None
    return GANSampler(**FAST, random_state=0).fit(frame), frame


def test_category_columns_get_bars_of_shares_with_missing_values_apart(mixed):
    sampler, frame = mixed
    _, axes = plot_distribution(sampler, frame)
    assert axes.shape == (4, 2)
    bars, shares = axes[0]
    levels = [level for level in sampler.table_map_.columns_[0].codec.levels_
              if level is not None]  # fmt: skip
    assert [t.get_text() for t in bars.get_xticklabels()] == [*levels, "missing"]
    # The data's bars, then the samples' outlines, one of each per level.
    data, generated = bars.patches[:4], bars.patches[4:]
    expected = frame["home"].value_counts(dropna=False, normalize=True)
    np.testing.assert_allclose(
        [bar.get_height() for bar in data],
        [*expected[levels], expected[expected.index.isna()].sum()],
    )
    assert sum(bar.get_height() for bar in generated) == pytest.approx(1.0)
    assert bars.get_title().startswith("home: TV ")
    assert shares.get_title() == "Shares: on the diagonal when they match"
    np.testing.assert_allclose(shares.lines[1].get_xdata(),
                               [bar.get_height() for bar in data])  # fmt: skip
    # Booleans are categories too, without a bar for missing values.
    assert [t.get_text() for t in axes[3, 0].get_xticklabels()] == ["False", "True"]


def test_number_columns_of_mixed_tables_keep_their_histograms(mixed, tmp_path):
    sampler, frame = mixed
    fig, axes = plot_distribution(sampler, frame, features=["income", "age"])
    hist, qq = axes[0]
    assert hist.get_title().startswith("income: W1/std")
    legend = [t.get_text() for t in hist.get_legend().get_texts()]
    share = frame["income"].isna().mean()
    assert legend[0] == f"data (400 rows, {share:.1%} missing)"
    assert legend[1].startswith("generated (10,000 samples")
    assert len(qq.lines[1].get_xdata()) == 99
    assert axes[1, 0].get_xlabel() == "age"
    fig.savefig(tmp_path / "mixed.png")
    assert is_png(tmp_path / "mixed.png")


def test_mixed_pictures_are_the_same_at_every_call(mixed):
    sampler, frame = mixed

    def heights():
        _, axes = plot_distribution(sampler, frame)
        return [bar.get_height() for bar in axes[0, 0].patches]

    assert heights() == heights()


def test_dates_are_drawn_on_a_date_axis():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "day": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.integers(0, 60, 300), unit="D"),
            "kind": rng.choice(["a", "b"], 300),
        }
    )
    sampler = GANSampler(**FAST, random_state=0).fit(frame)
    _, axes = plot_distribution(sampler, frame, features=["day"])
    low, high = axes[0, 0].get_xlim()
    # Matplotlib's dates count days since 1970-01-01.
    day = matplotlib.dates.date2num(np.datetime64("2024-01-01"))
    assert day - 30 < low < day + 1 and day + 58 < high < day + 90
    assert isinstance(axes[0, 0].xaxis.get_major_formatter(),
                      matplotlib.dates.AutoDateFormatter)  # fmt: skip


def test_dates_at_the_ends_of_the_calendar_draw(tmp_path):
    # The axes' margins ran past the year 9999, which matplotlib cannot draw.
    pd = pytest.importorskip("pandas")
    ends = np.array(["0001-01-01", "9999-12-31"] * 20, dtype="datetime64[s]")
    frame = pd.DataFrame({"x": np.arange(40.0), "d": ends})
    sampler = GANSampler(**FAST, random_state=0).fit(frame)
    fig, _ = plot_distribution(sampler, frame)
    fig.savefig(tmp_path / "ends.png")


def test_mixed_data_of_the_wrong_shape_or_levels_are_clear_errors(mixed):
    sampler, frame = mixed
    with pytest.raises(ValueError, match="X has no column 'member'"):
        plot_distribution(sampler, frame.drop(columns="member"))
    with pytest.raises(ValueError, match="fitted on 4 features"):
        plot_distribution(sampler, frame.to_numpy()[:, :3])
    with pytest.raises(ValueError, match="n_samples must be a positive integer"):
        plot_distribution(sampler, frame, n_samples=0)


def test_an_ordered_category_s_bars_keep_its_order():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    sizes = ["small", "medium", "large"]  # the most common last
    frame = pd.DataFrame({
        "x": rng.normal(size=300),
        "size": pd.Categorical(rng.choice(sizes, 300, p=[0.2, 0.3, 0.5]),
                               categories=sizes, ordered=True),
    })  # fmt: skip
    sampler = GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0).fit(frame)
    assert sampler.table_map_.columns_[1].codec.levels_[0] == "large"
    _, axes = plot_distribution(sampler, frame)
    assert [t.get_text() for t in axes[1, 0].get_xticklabels()] == sizes


def test_levels_the_sampler_never_saw_get_a_bar_of_their_own(mixed):
    # Held-out rows can hold a rare level: drawn as score counts it.
    sampler, frame = mixed
    unknown = frame.copy()
    unknown.loc[:39, "home"] = "boat"
    _, axes = plot_distribution(sampler, unknown, features=["home"])
    labels = [text.get_text() for text in axes[0, 0].get_xticklabels()]
    assert labels[-1] == "not seen in fit"
    heights = [bar.get_height() for bar in axes[0, 0].patches]
    assert heights[len(labels) - 1] == pytest.approx(0.1)  # 40 of 400 rows
    assert heights[-1] == 0.0  # no sample has it


def test_many_levels_share_a_bar_after_the_twentieth():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"code": rng.choice([f"c{i:02d}" for i in range(30)], 600),
         "x": rng.normal(size=600)}
    )  # fmt: skip
    sampler = GANSampler(**FAST, random_state=0).fit(frame)
    _, axes = plot_distribution(sampler, frame, features=["code"])
    labels = [t.get_text() for t in axes[0, 0].get_xticklabels()]
    assert len(labels) == 20 and labels[-1] == "11 others"
    assert sum(bar.get_height() for bar in axes[0, 0].patches[:20]) == pytest.approx(1)


def test_plot_history_draws_losses_and_fidelity(fitted, tmp_path):
    sampler, _ = fitted
    fig, (loss, fidelity) = plot_history(sampler)
    labels = [t.get_text() for t in loss.get_legend().get_texts()]
    assert labels == ["discriminator", "generator", "equilibrium: D cannot tell"]
    np.testing.assert_allclose(
        loss.lines[0].get_ydata(), sampler.history_[:, "discriminator_loss"]
    )
    np.testing.assert_allclose(
        fidelity.lines[0].get_ydata(), sampler.history_[:, "train_w1"]
    )
    w1 = np.asarray(sampler.history_[:, "train_w1"])
    # A log scale when the fidelity spans a factor of ten, else linear.
    expected = "log" if w1.max() >= 10 * w1.min() else "linear"
    assert fidelity.get_yscale() == expected
    fig.savefig(tmp_path / "history.png")
    assert is_png(tmp_path / "history.png")


def test_plot_history_draws_the_held_out_check_and_the_kept_epoch(fitted):
    sampler, X = fitted
    sampler = clone(sampler).set_params(early_stopping=True).fit(X)
    _, (_, fidelity) = plot_history(sampler)
    (check,) = [
        ax for ax in fidelity.figure.axes if ax.get_ylabel().startswith("valid")
    ]
    np.testing.assert_allclose(
        check.lines[0].get_ydata(), sampler.history_[:, "valid_loss"]
    )
    labels = [t.get_text() for t in check.get_legend().get_texts()]
    assert labels[-1] == f"kept: epoch {sampler.best_epoch_}"


def test_plot_history_without_equilibrium_for_other_games():
    X = np.random.default_rng(0).normal(size=(300, 1))
    sampler = GANSampler(**FAST, loss="hinge", random_state=0).fit(X)
    _, (loss, _) = plot_history(sampler)
    assert len(loss.lines) == 2


def test_plot_history_needs_a_fitted_sampler():
    with pytest.raises(ValueError, match="Call fit first"):
        plot_history(GANSampler())


def test_plot_history_draws_the_game_the_sampler_was_fitted_with():
    X = np.random.default_rng(0).normal(size=(100, 1))
    sampler = GANSampler(**FAST, loss="hinge", random_state=0).fit(X)
    sampler.set_params(loss="bce")  # for the next fit
    _, (loss, _) = plot_history(sampler)
    assert len(loss.lines) == 2  # no equilibrium of bce on a hinge fit
    plt.close("all")


def test_plot_distribution_matches_columns_by_name_of_any_type():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = pd.DataFrame({0: rng.normal(size=300), 1: rng.normal(100, 1, 300)})
    sampler = GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0).fit(X)
    _, axes = plot_distribution(sampler, X[[1, 0]], n_samples=500)
    # Column 0's data is set against column 0's samples, wherever X had it
    # (against column 1's, 100 apart, the distance would be about 100).
    title = axes.ravel()[0].get_title()
    assert float(title.split("W1/std ")[1].split(",")[0]) < 10
    plt.close("all")


def test_one_feature_can_be_named_without_a_list():
    X = np.random.default_rng(0).normal(size=(200, 2))
    sampler = GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0).fit(X)
    for feature in ("x1", 1):
        _, axes = plot_distribution(sampler, X, features=feature, n_samples=200)
        assert axes.shape == (1, 2) and axes[0, 0].get_title().startswith("x1")
    plt.close("all")


def test_plot_history_marks_the_epoch_partial_fit_kept(fitted):
    # net_.partial_fit runs the check again: the generator that samples is
    # the net's best epoch, which the plot marks.
    sampler, X = fitted
    sampler = clone(sampler).set_params(early_stopping=True, max_epochs=2).fit(X)
    sampler.net_.partial_fit(sampler.table_map_.encode(X))
    kept = sampler.net_.best_epoch_
    assert kept is not None and kept > 2
    _, (_, fidelity) = plot_history(sampler)
    (check,) = [
        ax for ax in fidelity.figure.axes if ax.get_ylabel().startswith("valid")
    ]
    labels = [t.get_text() for t in check.get_legend().get_texts()]
    assert labels[-1] == f"kept: epoch {kept}"
    plt.close("all")


def test_missing_cells_get_the_missing_bar_where_fit_saw_none():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"t": rng.choice(["p", "q"], 300), "x": rng.normal(size=300)})
    sampler = GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0).fit(frame)
    held_out = frame.copy()
    held_out.loc[:29, "t"] = None
    _, axes = plot_distribution(sampler, held_out, features="t", n_samples=500)
    labels = [text.get_text() for text in axes[0, 0].get_xticklabels()]
    assert labels[-1] == "missing" and "not seen in fit" not in labels
    assert axes[0, 0].patches[len(labels) - 1].get_height() == pytest.approx(0.1)


def test_the_rows_of_one_class_are_set_against_samples_of_that_class():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], [400, 100])
    X = rng.normal(size=(500, 1)) + 6.0 * y[:, None]
    sampler = GANSampler(max_epochs=4, steps_per_epoch=20, random_state=0).fit(X, y)

    def distance(axes):
        return float(axes[0, 0].get_title().split("W1/std ")[1].split(",")[0])

    ones = X[y == 1]
    _, mixed = plot_distribution(sampler, ones, n_samples=1000)
    _, own = plot_distribution(sampler, ones, n_samples=1000, y=y[y == 1])
    assert distance(own) < distance(mixed) / 3
    with pytest.raises(ValueError, match=r"one class label per row of X \(100\)"):
        plot_distribution(sampler, ones, y=y)


def test_classes_for_samples_keep_the_rows_shares():
    from gansampler.plotting import _classes_for

    labels = np.array(["a"] * 7 + ["b"] * 2 + ["c"])
    assert list(_classes_for(labels, 10, 25)) == ["a"] * 18 + ["b"] * 5 + ["c"] * 2
    assert list(_classes_for(np.array([3, 3, 1]), 3, 4)) == [3, 3, 3, 1]
    # A flag stays apart from the number it equals.
    flags = _classes_for(np.array([True, 1, 1, True], dtype=object), 4, 4)
    assert [type(label) for label in flags] == [bool, bool, int, int]


def test_a_resampler_or_another_estimator_is_a_clear_error(fitted):
    from sklearn.preprocessing import StandardScaler

    from gansampler import GANResampler

    _, X = fitted
    for function in (plot_distribution, lambda r, X: plot_history(r)):
        with pytest.raises(TypeError, match=r"pass resampler.samplers_\[label\]"):
            function(GANResampler(), X)
    with pytest.raises(TypeError, match=r"needs a GANSampler .* got StandardScaler"):
        plot_distribution(StandardScaler().fit(X), X)


def test_columns_that_hold_no_numbers_are_named(fitted):
    pd = pytest.importorskip("pandas")
    sampler, X = fitted
    frame = pd.DataFrame(X, columns=["a", "b"])
    sampler = clone(sampler).set_params(max_epochs=1).fit(frame)
    # Missing values, however they are written, are missing: drawn as such.
    for missing in (frame.astype({"b": "Int64"}).assign(b=pd.NA),
                    frame.astype({"b": object}).assign(b=None)):  # fmt: skip
        plot_distribution(sampler, missing, n_samples=300)
    for odd in ("x", pd.Timestamp("2020-01-01")):
        with pytest.raises(ValueError, match=r"Column 'b' of X holds .* not numbers"):
            plot_distribution(sampler, frame.assign(b=odd))
    with pytest.raises(ValueError, match="X holds values that are not numbers"):
        plot_distribution(sampler, np.array([["1", "x"]] * 3))
    plot_distribution(sampler, np.array([[1.0, pd.NA]] * 3, dtype=object),
                      n_samples=300)  # fmt: skip
    # Names may repeat: columns are read by position.
    plain = clone(sampler).fit(X)
    plot_distribution(plain, pd.DataFrame(X, columns=["a", "a"]), n_samples=300)


def test_names_that_are_not_strings_title_and_pick_their_columns():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(300, 3)), columns=[10, 20, 30])
    sampler = GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0).fit(frame)
    for feature in (20, "20", 1, np.array(20)):
        _, axes = plot_distribution(sampler, frame, features=feature, n_samples=300)
        assert axes[0, 0].get_title().startswith("20: W1/std")
        plt.close("all")
    # A float or a flag is no name of ints.
    for feature in (20.0, True):
        with pytest.raises(ValueError, match="neither a name nor a position"):
            plot_distribution(sampler, frame, features=feature)


def test_odd_features_and_axes_are_clear_errors(fitted):
    sampler, X = fitted
    with pytest.raises(ValueError, match="neither a name nor a position"):
        plot_distribution(sampler, X, features=0.0)
    _, axes = plot_distribution(sampler, X, features=np.array(1), n_samples=300)
    assert axes[0, 0].get_title().startswith("x1")
    with pytest.raises(TypeError, match=r"axes must hold matplotlib Axes .* got str"):
        plot_distribution(sampler, X, features=0, axes=["a", "b"])
    with pytest.raises(TypeError, match="axes must hold matplotlib Axes"):
        plot_history(sampler, axes=["a", "b"])
    with pytest.raises(TypeError, match="got NoneType"):
        plot_history(sampler, axes=[plt.subplots()[1], None])


def test_infinite_samples_are_a_clear_error(fitted):
    sampler, X = fitted

    class Infinite:
        n_features_in_ = 2

        def sample(self, n_samples, random_state=None):
            rows = sampler.sample(n_samples, random_state=random_state)
            rows[0, 0] = np.inf
            return rows

    with pytest.raises(ValueError, match="x0: the samples hold infinite values"):
        plot_distribution(Infinite(), X, features=0)


def test_plot_history_says_what_its_figures_are(fitted, mixed):
    sampler, _ = fitted
    _, (_, fidelity) = plot_history(sampler)
    assert fidelity.get_ylabel() == "W1/std, samples vs training data"
    _, (_, fidelity) = plot_history(mixed[0])
    assert fidelity.get_ylabel() == "mean of W1/std (numbers) and TV (categories)"
    # Missing numbers, but no category column: distances only.
    holes = np.random.default_rng(0).normal(size=(300, 2))
    holes[:30, 0] = np.nan
    _, (_, fidelity) = plot_history(clone(sampler).set_params(max_epochs=1).fit(holes))
    assert fidelity.get_ylabel() == "W1/std, samples vs training data"
    diverged = clone(sampler).fit(np.random.default_rng(0).normal(size=(300, 2)))
    diverged.history_[1]["diverged"] = True
    _, (_, fidelity) = plot_history(diverged)
    labels = [t.get_text() for t in fidelity.get_legend().get_texts()]
    assert "diverged: rolled back" in labels
