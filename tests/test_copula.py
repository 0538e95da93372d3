import numpy as np
import pytest
import torch

from gansampler import GANSampler, Generator
from gansampler._copula import LOGIT_SCALE, gaussian_copula


def _one_hot(codes, width):
    return torch.nn.functional.one_hot(torch.as_tensor(codes), width).double()


def _slots(copula, z, start, width, latent):
    """The slot each latent score ``z`` picks: the largest of the block's
    logits read off it."""
    rows = slice(start, start + width)
    logits = z[:, None] * copula.readout[rows, latent] + copula.readout_bias[rows]
    return logits.argmax(1)


def test_numbers_alone_give_their_mean_and_covariance():
    X = torch.from_numpy(np.random.default_rng(0).normal(size=(500, 3)))
    X = X @ torch.tensor([[1.0, 0.5, 0.0], [0.0, 1.0, -0.4], [0.0, 0.0, 0.3]]).double()
    copula = gaussian_copula(X, ())
    torch.testing.assert_close(copula.mean, X.mean(0))
    covariance = copula.cholesky @ copula.cholesky.T
    torch.testing.assert_close(covariance, torch.cov(X.T) + 1e-4 * torch.eye(3))
    assert copula.readout is None and copula.readout_bias is None


def test_a_block_s_logits_pick_each_slot_in_its_share():
    # Slots own intervals of the normal line as wide as their shares: a
    # standard normal score picks each as often as the rows hold it.
    codes = np.repeat([0, 1, 2, 3], [500, 50, 300, 150])
    X = _one_hot(codes, 4)
    copula = gaussian_copula(X, (4,))
    assert copula.readout.shape == (4, 1)
    z = torch.randn(200_000, generator=torch.Generator().manual_seed(0)).double()
    shares = torch.bincount(_slots(copula, z, 0, 4, 0), minlength=4) / len(z)
    np.testing.assert_allclose(shares, [0.5, 0.05, 0.3, 0.15], atol=0.005)
    # Neighbouring slots trade places LOGIT_SCALE logits per unit of score.
    assert set(copula.readout[:, 0].tolist()) == {LOGIT_SCALE * r for r in range(4)}


def test_slots_are_ordered_along_the_numbers():
    # A level whose rows hold large numbers sits at the high end of the
    # score, which then goes with the numbers.
    rng = np.random.default_rng(1)
    x = rng.normal(size=3_000)
    codes = np.where(x > 0.8, 2, np.where(x < -0.5, 0, 1))
    X = torch.cat([torch.from_numpy(x)[:, None], _one_hot(codes, 3)], 1)
    copula = gaussian_copula(X, (3,))
    covariance = copula.cholesky @ copula.cholesky.T
    assert covariance[0, 1] / covariance[0, 0].sqrt() > 0.8
    # Slot 0 (low numbers) is read off the low end, slot 2 the high end.
    ranks = copula.readout[1:, 1] / LOGIT_SCALE
    assert ranks.tolist() == [0.0, 1.0, 2.0]
    # Drawn from the copula, each slot's numbers sit where the data's do.
    gauss = torch.randn(50_000, 2, generator=torch.Generator().manual_seed(0))
    drawn = copula.mean + gauss.double() @ copula.cholesky.T
    slots = _slots(copula, drawn[:, 1], 1, 3, 1)
    for slot in range(3):
        assert abs(drawn[slots == slot, 0].mean() - x[codes == slot].mean()) < 0.25


def test_category_columns_alone_keep_their_association():
    # No numbers: slots in order of their shares, and two blocks that
    # agree in 90% of the rows agree in most draws.
    rng = np.random.default_rng(2)
    a = (rng.random(4_000) < 0.6).astype(int)
    b = np.where(rng.random(4_000) < 0.9, a, 1 - a)
    X = torch.cat([_one_hot(a, 2), _one_hot(b, 2)], 1)
    copula = gaussian_copula(X, (2, 2))
    gauss = torch.randn(50_000, 2, generator=torch.Generator().manual_seed(0))
    scores = gauss.double() @ copula.cholesky.T
    agree = _slots(copula, scores[:, 0], 0, 2, 0) == _slots(
        copula, scores[:, 1], 2, 2, 1
    )
    assert agree.double().mean() > 0.8


def test_many_blocks_still_give_a_factor_and_scores_of_variance_one():
    # The scores' covariances with each other are approximate: with many
    # small blocks the matrix can be indefinite, and the nearest covariance
    # is factored, not a diagonal.
    rng = np.random.default_rng(3)
    base = rng.integers(0, 3, size=200)
    blocks = [_one_hot(np.where(rng.random(200) < 0.95, base, 2 - base), 3)
              for _ in range(12)]  # fmt: skip
    copula = gaussian_copula(torch.cat(blocks, 1), (3,) * 12)
    covariance = copula.cholesky @ copula.cholesky.T
    assert torch.isfinite(copula.cholesky).all()
    # Mended, the scores keep their variance of 1.
    np.testing.assert_allclose(covariance.diagonal(), 1.0, atol=1e-3)
    off_diagonal = covariance - torch.diag(covariance.diagonal())
    assert off_diagonal.abs().max() > 0.5


def test_classes_get_shifts_of_the_numbers_and_the_scores():
    rng = np.random.default_rng(4)
    codes = torch.as_tensor(np.repeat([0, 1], 200))
    x = rng.normal(size=400) + 3.0 * codes.numpy()
    levels = np.where(rng.random(400) < 0.8, codes.numpy(), 1 - codes.numpy())
    X = torch.cat([torch.from_numpy(x)[:, None], _one_hot(levels, 2)], 1)
    copula = gaussian_copula(X, (2,), codes, 2)
    assert copula.class_shifts.shape == (2, 2)
    # The second class sits higher on the number and on the level's score.
    assert (copula.class_shifts[1] > copula.class_shifts[0]).all()


def test_nothing_to_start_from():
    # Blocks of one slot (a column of one level) and no numbers.
    assert gaussian_copula(torch.ones(10, 2).double(), (1, 1)) is None


def test_start_from_refuses_a_readout_that_does_not_fit():
    G = Generator(n_inputs=3, n_outputs=4, hidden_size=8, linear_skip=True)
    mean, factor = torch.zeros(2), torch.eye(2)
    with pytest.raises(ValueError, match=r"a readout of shape \(m, d\)"):
        G.start_from(mean, factor, readout=torch.zeros(5, 2))
    with pytest.raises(ValueError, match=r"got .*\(4, 3\)"):
        G.start_from(mean, factor, readout=torch.zeros(4, 3))
    with pytest.raises(ValueError, match="its bias of shape"):
        G.start_from(mean, factor, readout=torch.zeros(4, 2),
                     readout_bias=torch.zeros(3))  # fmt: skip
    with pytest.raises(ValueError, match="its bias of shape"):
        G.start_from(mean, factor, readout_bias=torch.zeros(2))


def test_start_from_reads_outputs_off_the_gaussian():
    G = Generator(n_inputs=2, n_outputs=3, hidden_size=8, linear_skip=True)
    readout = torch.tensor([[1.0, 0.0], [2.0, 0.0], [0.0, -1.0]])
    G.start_from(torch.tensor([1.0, 2.0]), torch.eye(2), readout=readout,
                 readout_bias=torch.tensor([0.0, 0.5, 0.0]))  # fmt: skip
    torch.testing.assert_close(G.skip.weight, readout)
    noise = torch.randn(100_000, 2, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        out = G(noise)
    # The layers start small: the outputs are nearly the readout's.
    np.testing.assert_allclose(out.mean(0), [1.0, 2.5, -2.0], atol=0.1)


def test_a_mixed_table_starts_with_its_categories_tied_to_its_numbers():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    x = rng.normal(size=2_000)
    kind = np.where(x + 0.5 * rng.normal(size=2_000) > 0.8, "a",
                    np.where(x < -0.5, "b", "c"))  # fmt: skip
    X = pd.DataFrame({"x": x, "y": 2 * x + 0.3 * rng.normal(size=2_000),
                      "kind": kind})  # fmt: skip
    # A round at a rate too small to move the weights: the copula start.
    settings = dict(max_epochs=1, steps_per_epoch=1, generator_lr=1e-12,
                    discriminator_lr=1e-12, random_state=0)  # fmt: skip
    drawn = (
        GANSampler(copula_start=True, **settings).fit(X).sample(20_000, random_state=1)
    )
    means, real = drawn.groupby("kind")["x"].mean(), X.groupby("kind")["x"].mean()
    np.testing.assert_allclose(means[["a", "b", "c"]], real[["a", "b", "c"]],
                               atol=0.2)  # fmt: skip
    # Without the start, the levels do not know the numbers.
    plain = GANSampler(copula_start=False, **settings).fit(X)
    means = plain.sample(20_000, random_state=1).groupby("kind")["x"].mean()
    assert np.abs(means[["a", "b"]] - real[["a", "b"]]).max() > 0.5


def _draw(copula, n, seed=0, shift=None):
    gauss = torch.randn(
        n, len(copula.mean), generator=torch.Generator().manual_seed(seed)
    )
    drawn = copula.mean + gauss.double() @ copula.cholesky.T
    return drawn if shift is None else drawn + shift


def test_slots_follow_the_number_that_tells_them_apart():
    # The level follows c alone, off the numbers' first principal axis
    # (a and b): the slots are ordered along c, and the copula ties them
    # to it as the data do.
    rng = np.random.default_rng(0)
    a = rng.normal(size=2_000)
    b = 0.7 * a + 0.7 * rng.normal(size=2_000)
    c = rng.normal(size=2_000)
    codes = np.where(c > 0.6, 2, np.where(c < -0.6, 0, 1))
    numbers = np.stack([a, b, c], 1)
    numbers = (numbers - numbers.mean(0)) / numbers.std(0)
    X = torch.cat([torch.from_numpy(numbers), _one_hot(codes, 3)], 1)
    copula = gaussian_copula(X, (3,))
    drawn = _draw(copula, 100_000)
    slots = _slots(copula, drawn[:, 3], 3, 3, 3)
    means = [float(drawn[slots == k, 2].mean()) for k in range(3)]
    real = [numbers[codes == k, 2].mean() for k in range(3)]
    assert means[0] < means[1] < means[2]
    np.testing.assert_allclose(means, real, atol=0.35)


def test_blocks_past_the_noise_start_at_their_shares():
    # Noise of 3 dimensions carries the 2 numbers and one score: the second
    # block starts at its shares through its logits' bias, on its own.
    rng = np.random.default_rng(5)
    numbers = torch.from_numpy(rng.normal(size=(400, 2)))
    first = _one_hot(rng.integers(0, 2, 400), 2)
    second = _one_hot((rng.random(400) < 0.2).astype(int), 2)
    X = torch.cat([numbers, first, second], 1)
    copula = gaussian_copula(X, (2, 2), n_noise=3)
    assert copula.cholesky.shape == (3, 3)
    assert copula.readout[4:].abs().max() == 0
    torch.testing.assert_close(copula.readout_bias[4:], second.mean(0).log())
    # With room, it gets a score of its own.
    assert gaussian_copula(X, (2, 2), n_noise=4).cholesky.shape == (4, 4)


def test_uniform_noise_starts_blocks_at_their_shares():
    # A linear map of uniform noise is no normal: its scores would miss the
    # intervals of rare levels.
    codes = np.repeat([0, 1, 2], [500, 470, 30])
    X = torch.cat([torch.randn(1_000, 1).double(), _one_hot(codes, 3)], 1)
    copula = gaussian_copula(X, (3,), normal_noise=False)
    assert copula.cholesky.shape == (1, 1)
    torch.testing.assert_close(copula.readout_bias[1:], X[:, 1:].mean(0).log())


def test_a_block_in_one_slot_starts_at_its_shares():
    # Every training row in one slot (the rows with missing values all held
    # out): no score, whose variance would be next to nothing.
    X = torch.cat([torch.randn(50, 1).double(), _one_hot(np.zeros(50, int), 2)], 1)
    copula = gaussian_copula(X, (2,))
    assert copula.cholesky.shape == (1, 1)
    assert copula.readout_bias[1] == 0 and copula.readout_bias[2] < -9


def test_each_class_keeps_its_levels_shares():
    # Within a class a score varies less than over all the rows: each class
    # starts near its own shares, not blurred towards the others'.
    rng = np.random.default_rng(0)
    classes = rng.choice(3, p=[0.6, 0.3, 0.1], size=3_000)
    shares = np.array([[0.8, 0.15, 0.05], [0.1, 0.8, 0.1], [0.05, 0.15, 0.8]])
    levels = np.array([rng.choice(3, p=shares[c]) for c in classes])
    X = _one_hot(levels, 3)
    codes = torch.as_tensor(classes)
    copula = gaussian_copula(X, (3,), codes, 3)
    for c in range(3):
        drawn = _draw(copula, 50_000, shift=copula.class_shifts[c])
        slots = _slots(copula, drawn[:, 0], 0, 3, 0)
        start = torch.bincount(slots, minlength=3).double() / 50_000
        assert abs(start[c] - shares[c, c]) < 0.25, (c, start)


def _start_shares(sampler, n=20_000):
    """Each block's slot shares as the fitted generator draws them (Gumbel
    noise included), before the calibration's bias."""
    net, table = sampler.net_, sampler.table_map_
    rows = net.generate(net.generator_input(n, torch.Generator().manual_seed(1)))
    shares, start = [], table.n_numbers_
    for width in table.block_sizes_:
        slots = rows[:, start : start + width].argmax(1)
        shares.append(torch.bincount(slots, minlength=width).double() / n)
        start += width
    return shares


@pytest.mark.parametrize("noise", ["normal", "uniform"])
def test_a_fit_starts_its_blocks_in_their_shares(noise):
    # Four columns with missing values: eight coordinates for noise of four
    # dimensions (the default), and uniform noise: every block still starts
    # near its shares.
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(600, 4)), columns=list("wxyz"))
    for column in X:
        X.loc[rng.random(600) < 0.2, column] = np.nan
    sampler = GANSampler(copula_start=True, noise=noise, max_epochs=1,
                         steps_per_epoch=1, generator_lr=1e-12,
                         discriminator_lr=1e-12, random_state=0).fit(X)  # fmt: skip
    assert sampler.net_.noise_dim == 4
    for shares, column in zip(_start_shares(sampler), X, strict=True):
        missing = X[column].isna().mean()
        assert abs(shares.min() - missing) < 0.06, (column, shares)


def test_a_network_of_one_s_own_with_a_skip_layer_is_not_started(fast):
    # A residual layer named ``skip`` is the user's, no copula's.
    class Residual(torch.nn.Module):
        def __init__(self, n_inputs, n_outputs):
            super().__init__()
            self.body = torch.nn.Linear(n_inputs, n_outputs)
            self.skip = torch.nn.Linear(n_inputs, n_outputs)

        def forward(self, noise):
            return self.body(noise) + self.skip(noise)

    X = np.random.default_rng(0).normal(size=(100, 3))
    sampler = GANSampler(**fast, generator=Residual, random_state=0).fit(X)
    assert np.isfinite(sampler.sample(5, random_state=0)).all()
