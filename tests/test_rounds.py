"""The training round: no per-round reads, lazy R1, and captured rounds.

The captured path runs on CUDA devices only. Its plumbing (static buffers,
the choice of graph, warm-up, recapture, fallback) is tested here on the CPU
by a stand-in capture that replays the round's Python code on the same
buffers, and for real by the tests marked ``cuda``.
"""

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback, GradientNormClipping, ProgressBar

import gansampler._net as net_module
import gansampler._rounds as rounds_module
from gansampler import Discriminator, GANNet, GANSampler, Generator
from gansampler._game import Game
from gansampler._net import _cloned
from gansampler._rounds import RoundIterator


def make_net(**kwargs):
    params = {
        "n_features": 1,
        "max_epochs": 2,
        "steps_per_epoch": 20,
        "batch_size": 32,
        "random_state": 0,
        "verbose": 0,
    }
    players = {"generator": Generator, "discriminator": Discriminator}
    return GANNet(**(players | params | kwargs))


@pytest.fixture
def Z():
    return torch.randn(300, 1, generator=torch.Generator().manual_seed(0))


def _weights(net):
    return [p.detach().clone() for p in net.generator_ema_.parameters()]


# --- One read per epoch -----------------------------------------------------


def test_losses_are_read_once_per_epoch(Z, monkeypatch):
    reads = []
    original = torch.Tensor.tolist

    def counting_tolist(self):
        reads.append(self.numel())
        return original(self)

    monkeypatch.setattr(torch.Tensor, "tolist", counting_tolist)
    monkeypatch.setattr(torch.Tensor, "item", lambda self: pytest.fail("item()"))
    net = make_net(max_epochs=3).fit(Z)
    # One transfer per epoch: two losses per round and the weights' check.
    assert reads == [2 * 20 + 1] * 3
    assert len(net.history) == 3


def test_the_history_keeps_every_rounds_losses(Z):
    net = make_net().fit(Z)
    for epoch in net.history:
        assert len(epoch["batches"]) == 20
        assert epoch["train_batch_count"] == 20
        for batch in epoch["batches"]:
            assert set(batch) == {
                "train_loss", "train_batch_size", "discriminator_loss",
                "generator_loss",
            }  # fmt: skip
            assert batch["train_loss"] == batch["generator_loss"]
            assert batch["train_batch_size"] == 32
        mean = np.mean([b["generator_loss"] for b in epoch["batches"]])
        assert epoch["generator_loss"] == pytest.approx(mean)


class RecordBatches(Callback):
    def initialize(self):
        self.seen = []
        return self

    def on_batch_end(self, net, batch=None, training=None, **kwargs):
        # The round's losses come as tensors; the history has its entry.
        self.seen.append(
            (len(net.history[-1]["batches"]), float(kwargs["loss"]), training)
        )


def test_callbacks_that_act_on_each_round_are_called_each_round(Z):
    recorder = RecordBatches()
    net = make_net(callbacks=[recorder]).fit(Z)
    assert [n for n, _, _ in recorder.seen] == list(range(1, 21)) * 2
    assert all(training for _, _, training in recorder.seen)
    losses = [b["generator_loss"] for e in net.history for b in e["batches"]]
    np.testing.assert_allclose([loss for _, loss, _ in recorder.seen], losses)


def test_gradient_callbacks_see_each_players_gradients(Z):
    clip = GradientNormClipping(gradient_clip_value=1e-6)
    clipped = make_net(callbacks=[clip]).fit(Z)
    free = make_net().fit(Z)
    moved = [
        (a - b).abs().max().item()
        for a, b in zip(
            clipped.generator_.parameters(), free.generator_.parameters(), strict=True
        )
    ]
    assert max(moved) > 0  # the clipping changed the training


class CountingBar(ProgressBar):
    counts = []

    def on_epoch_end(self, net, **kwargs):
        self.counts.append(self.pbar_.n)
        super().on_epoch_end(net, **kwargs)


def test_a_progress_bar_still_counts_rounds(Z):
    make_net(callbacks=[CountingBar(batches_per_epoch=20)]).fit(Z)
    assert CountingBar.counts == [20, 20]


# --- Lazy R1 ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("r1_penalty", "r1_interval", "expected"),
    [
        (1.0, 16, [0, 16, 32]),
        (1.0, 1, list(range(40))),
        (1.0, 7, [0, 7, 14, 21, 28, 35]),
        (0.0, 16, []),
    ],
)
def test_r1_is_applied_every_r1_interval_rounds(
    Z, monkeypatch, r1_penalty, r1_interval, expected
):
    net = make_net(r1_penalty=r1_penalty, r1_interval=r1_interval)
    flags = []
    play = Game.play

    def recording(self, batch, *, r1, ema_weight):
        flags.append(r1)
        return play(self, batch, r1=r1, ema_weight=ema_weight)

    monkeypatch.setattr(Game, "play", recording)
    net.fit(Z)
    assert [i for i, flag in enumerate(flags) if flag] == expected


def test_lazy_r1_carries_the_weight_of_the_rounds_it_skips(Z):
    # One round: the penalty, weighted by r1_interval, dominates D's gradient.
    class DiscriminatorGradient(Callback):
        def on_grad_computed(self, net, named_parameters, **kwargs):
            if norms is not None:
                grads = [p.grad for _, p in named_parameters]
                norms.append(float(torch.sqrt(sum(g.square().sum() for g in grads))))

    gradients = {}
    for interval in (1, 8):
        norms = None
        net = make_net(
            max_epochs=1, steps_per_epoch=1, r1_interval=interval, r1_penalty=100.0,
            callbacks=[DiscriminatorGradient()],
        ).initialize()  # fmt: skip
        norms = []
        net.partial_fit(Z)
        gradients[interval] = norms[0]  # D's update comes before G's
    assert gradients[8] > 4 * gradients[1]


def test_r1_interval_is_a_sampler_setting(X_normal, fast):
    sampler = GANSampler(**fast, r1_interval=4, random_state=0).fit(X_normal)
    assert sampler.net_.r1_interval == 4
    # auto: lazy on one column; on every round for whole rows and classes.
    assert GANSampler(**fast).fit(X_normal).net_.r1_interval == 16
    rows = np.hstack([X_normal, X_normal**2])
    assert GANSampler(**fast).fit(rows).net_.r1_interval == 1
    labels = np.arange(len(X_normal)) % 2
    assert GANSampler(**fast).fit(X_normal, labels).net_.r1_interval == 1
    assert GANSampler(**fast, r1_interval=8).fit(rows).net_.r1_interval == 8
    with pytest.raises(ValueError, match="r1_interval"):
        GANSampler(r1_interval=0).fit(X_normal)


@pytest.mark.parametrize(
    ("setting", "match"),
    [
        ({"r1_interval": 0}, "'r1_interval' parameter of GANNet must be an int"),
        ({"r1_interval": 2.5}, "'r1_interval' parameter of GANNet must be an int"),
        ({"cuda_graphs": "yes"}, "'cuda_graphs' parameter of GANNet must be"),
        ({"pac": 0}, "'pac' parameter of GANNet must be an int"),
    ],
)
def test_gannet_refuses_bad_round_settings(Z, setting, match):
    with pytest.raises(ValueError, match=match):
        make_net(**setting).fit(Z)


def test_gannet_checks_its_settings_with_the_estimators_table(Z):
    # NumPy integers, as a grid of np.arange gives, pass where the
    # estimator's table lets them.
    net = make_net(r1_interval=np.int64(4), pac=np.int64(2), max_epochs=1).fit(Z)
    assert net.r1_interval == 4 and net.n_rounds_ == 20
    with pytest.raises(ValueError, match="'noise' parameter of GANNet must be"):
        make_net(noise="cauchy").initialize()


# --- The leaner round --------------------------------------------------------


def test_built_in_optimizers_are_fused_where_torch_has_it(Z):
    net = make_net().initialize().initialize_optimizers()
    for optimizer in (net.generator_optimizer_, net.discriminator_optimizer_):
        assert optimizer.defaults.get("fused") is True
    # The user's settings win.
    net = make_net(generator_optimizer__fused=False).fit(Z)
    assert not net.generator_optimizer_.defaults.get("fused")
    assert make_net(generator_optimizer="sgd").fit(Z).generator_optimizer_


def test_real_and_generated_rows_share_a_pass_unless_d_has_batch_norm(Z):
    class NormedDiscriminator(torch.nn.Module):
        def __init__(self, n_inputs):
            super().__init__()
            self.layers = torch.nn.Sequential(
                torch.nn.Linear(n_inputs, 8), torch.nn.BatchNorm1d(8),
                torch.nn.Linear(8, 1),
            )  # fmt: skip

        def forward(self, X):
            return self.layers(X)

    plain = make_net().fit(Z)
    normed = make_net(discriminator=NormedDiscriminator).fit(Z)
    assert plain.history[-1, "generator_loss"] != normed.history[-1, "generator_loss"]
    shapes = []
    normed.discriminator_.register_forward_hook(
        lambda module, args, out: shapes.append(args[0].shape[0])
    )
    normed.set_params(max_epochs=1).partial_fit(Z)
    assert set(shapes) == {32}  # real and generated rows apart
    shapes.clear()
    plain.discriminator_.register_forward_hook(
        lambda module, args, out: shapes.append(args[0].shape[0])
    )
    plain.set_params(max_epochs=1).partial_fit(Z)
    assert 64 in shapes  # together


@pytest.mark.parametrize("r1_interval", [1, 4])
def test_rounds_with_r1_judge_real_rows_apart(Z, r1_interval):
    # R1's double backward runs through every row of the pass that judged
    # the real rows: with R1, generated rows must not share it.
    net = make_net(r1_interval=r1_interval, max_epochs=1).initialize()
    passes = []
    net.discriminator_.register_forward_hook(
        lambda module, args, out: passes.append(args[0].shape[0])
    )
    net.partial_fit(Z)
    # A round without R1: one pass of real and generated rows together (64),
    # one for G's update (32). With R1: real rows, generated rows, G's.
    n_rounds, with_r1 = 20, 20 // r1_interval
    assert passes.count(64) == n_rounds - with_r1
    assert len(passes) == 2 * n_rounds + with_r1


def _game(net, *, batch_size, pac=1, discriminator=None):
    """A Game of ``net``'s players, for judging rows outside a fit."""
    return Game(
        generator=net.generator_,
        discriminator=net.discriminator_ if discriminator is None else discriminator,
        generator_ema=net.generator_ema_,
        generator_optimizer=None,
        discriminator_optimizer=None,
        loss=net.criterion_,
        batch_size=batch_size,
        d_steps=1,
        pac=pac,
        r1_penalty=1.0,
        r1_interval=1,
    )


def test_joint_pass_gives_the_separate_passes_losses(Z):
    net = make_net().fit(Z)
    game = _game(net, batch_size=32)
    real, fake = torch.randn(32, 1), torch.randn(32, 1)
    assert game.joint_pass
    together = game.judge(real, fake, None)
    game.joint_pass = False
    apart = game.judge(real, fake, None)
    for a, b in zip(together, apart, strict=True):
        torch.testing.assert_close(a, b)


@pytest.mark.parametrize("pac", [1, 3])
def test_r1_takes_the_gradients_of_256_real_rows_of_a_larger_round(pac):
    # R1 is an average over real rows: rounds of more than 256 rows estimate
    # it on 256 of them (whole packs), judged in a pass of their own so that
    # its double backward runs through them alone.
    Z = torch.randn(2_000, 2, generator=torch.Generator().manual_seed(0))
    net = make_net(n_features=2, batch_size=600, pac=pac, r1_interval=2,
                   max_epochs=1, steps_per_epoch=4).initialize()  # fmt: skip
    passes = []
    net.discriminator_.register_forward_hook(
        lambda module, args, out: passes.append(args[0].shape[0] * pac)
    )
    net.partial_fit(Z)
    penalised = 256 // pac * pac
    with_r1 = [penalised, 600 - penalised + 600, 600]
    without_r1 = [1_200, 600]
    assert passes == (with_r1 + without_r1) * 2


@pytest.mark.parametrize("labelled", [False, True])
def test_rows_judged_apart_get_the_joint_pass_logits(Z, labelled):
    net = make_net(n_classes=2 if labelled else 0, pac=2, r1_interval=1)
    net.initialize()
    game = _game(net, batch_size=600, pac=2)
    rng = torch.Generator().manual_seed(1)
    real, fake = torch.randn(600, 1, generator=rng), torch.randn(600, 1, generator=rng)
    labels = torch.eye(2)[torch.arange(600) % 2] if labelled else None
    penalised = game._r1_rows(real)
    assert len(penalised) == 256
    logits_real, logits_fake, logits_penalised = game._judge_apart(
        penalised, real[256:], fake, labels
    )
    together = game.judge(real, fake, labels, together=True)
    torch.testing.assert_close(logits_real, together[0])
    torch.testing.assert_close(logits_fake, together[1])
    torch.testing.assert_close(logits_penalised, together[0][:128])


def test_r1_takes_every_row_where_a_row_s_logit_depends_on_its_batch():
    net = make_net(batch_size=600).initialize()
    batch_norm = torch.nn.Sequential(torch.nn.BatchNorm1d(1))
    game = _game(net, batch_size=600, discriminator=batch_norm)
    assert not game.joint_pass
    assert len(game._r1_rows(torch.zeros(600, 1))) == 600


@pytest.mark.parametrize("block_bytes", [1, 4096, 2**30])
def test_rounds_are_drawn_in_blocks(block_bytes):
    X = torch.arange(100.0).view(-1, 1)
    labels = torch.eye(3)[torch.arange(100) % 3]
    iterator = RoundIterator(
        X, labels, n_uniforms=5, n_rounds=7, n_real=8, n_noise=12, noise="normal",
        noise_dim=2, generator=torch.Generator().manual_seed(0), mix=True,
        block_bytes=block_bytes,
    )  # fmt: skip
    batches = list(iterator)
    assert len(batches) == len(iterator) == 7
    for real, rows_labels, noise, mix, uniforms in batches:
        assert real.shape == (8, 1) and noise.shape == (12, 2) and mix.shape == (8, 1)
        assert uniforms.shape == (12, 5) and 0 <= uniforms.min() < uniforms.max() < 1
        # Each real row keeps its own label.
        codes = real[:, 0].long() % 3
        torch.testing.assert_close(rows_labels[:8], torch.eye(3)[codes])
        assert rows_labels.shape == (12, 3)
    without_mix = RoundIterator(
        X, n_rounds=2, n_real=8, n_noise=16, noise="uniform", noise_dim=2,
        generator=torch.Generator().manual_seed(0), mix=False,
    )  # fmt: skip
    assert all(
        mix is None and labels is None and uniforms is None
        for _, labels, _, mix, uniforms in without_mix
    )


def test_a_fit_repeats_for_a_seed(Z):
    a, b = make_net().fit(Z), make_net().fit(Z)
    for x, y in zip(_weights(a), _weights(b), strict=True):
        torch.testing.assert_close(x, y, rtol=0, atol=0)


def test_snapshots_are_copies(Z):
    net = make_net().fit(Z)
    state = net._training_state()
    copied = _cloned(state)
    weight = next(iter(copied["generator_"].values()))
    weight.add_(1)
    assert not torch.equal(weight, next(iter(state["generator_"].values())))
    assert type(copied["generator_"]) is type(state["generator_"])
    assert copied["generator_"]._metadata == state["generator_"]._metadata


def test_the_cpu_runs_rounds_eagerly(Z):
    net = make_net().fit(Z)
    assert net.round_path_ == "eager"
    assert net._rounds_ is None  # dropped when training ends
    assert rounds_module.graph_obstacle(net) == "CUDA graphs need a CUDA device"
    assert rounds_module.graph_obstacle(make_net(cuda_graphs=False).initialize()) == (
        "cuda_graphs=False"
    )


# --- The captured path, run on the CPU by a stand-in ---------------------------


def _stand_in(monkeypatch, fail=False):
    """Capture that replays the round's Python code on the same buffers.

    A real capture runs nothing; the stand-in runs the round once to learn
    its outputs, so it puts the training state back afterwards. ``fail``:
    every capture fails, or with a number, those after that many.
    """
    captures, nets, devices = _Captures(), [], []

    def capture(round_fn, device):
        devices.append(("capture", device))
        if fail is True or (fail is not False and len(captures) >= fail):
            raise RuntimeError("operation not permitted when stream is capturing")
        captures.append(round_fn)
        saved = _cloned(nets[-1]._training_state())
        outputs = round_fn()
        for name, state in saved.items():
            getattr(nets[-1], name).load_state_dict(state)

        def replay():
            for static, fresh in zip(outputs, round_fn(), strict=True):
                static.copy_(fresh)

        return replay, outputs

    def no_obstacle(net):
        nets.append(net)
        return None if net.cuda_graphs else "cuda_graphs=False"

    monkeypatch.setattr(rounds_module, "capture_round", capture)
    monkeypatch.setattr(net_module, "graph_obstacle", no_obstacle)

    def stream(device=None):
        devices.append(("stream", device))
        return _NoStream()

    def on_device(device):
        devices.append(("device", device))
        return _Nothing()

    monkeypatch.setattr(rounds_module.torch.cuda, "Stream", stream)
    monkeypatch.setattr(rounds_module.torch.cuda, "stream", lambda s: _Nothing())
    monkeypatch.setattr(rounds_module.torch.cuda, "current_stream", stream)
    monkeypatch.setattr(rounds_module.torch.cuda, "device", on_device)
    captures.devices = devices
    return captures


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False


class _NoStream:
    def wait_stream(self, other):
        pass


class _Captures(list):
    """The captured rounds, and the devices that streams, captures and
    device contexts were asked for."""


def test_captured_rounds_train_as_eager_ones(Z, monkeypatch):
    eager = make_net(max_epochs=3).fit(Z)
    captures = _stand_in(monkeypatch)
    captured = make_net(max_epochs=3).fit(Z)
    assert captured.round_path_ == "cuda-graph" and eager.round_path_ == "eager"
    assert len(captures) == 2  # one graph with R1, one without
    for x, y in zip(_weights(eager), _weights(captured), strict=True):
        torch.testing.assert_close(x, y)
    eager_losses = [b["generator_loss"] for e in eager.history for b in e["batches"]]
    captured_losses = [
        b["generator_loss"] for e in captured.history for b in e["batches"]
    ]
    np.testing.assert_allclose(captured_losses, eager_losses, rtol=1e-5)


def test_captured_rounds_with_blocks_train_as_eager_ones(monkeypatch):
    # Two numbers, then blocks of 3 and 2 one-hot slots: the Gumbel noise is
    # an input of the round, copied into the graph's buffers like the rest.
    rng = torch.Generator().manual_seed(0)
    numbers = torch.randn(300, 2, generator=rng)
    slots = torch.cat([torch.eye(3)[torch.arange(300) % 3],
                       torch.eye(2)[torch.arange(300) % 2]], dim=1)  # fmt: skip
    rows = torch.cat([numbers, slots], dim=1)
    settings = {"n_features": 7, "blocks": (3, 2), "max_epochs": 3}
    eager = make_net(**settings).fit(rows)
    _stand_in(monkeypatch)
    captured = make_net(**settings).fit(rows)
    assert captured.round_path_ == "cuda-graph"
    for x, y in zip(_weights(eager), _weights(captured), strict=True):
        torch.testing.assert_close(x, y)
    Z = captured.generate(captured.generator_input(1000, torch.Generator()))
    assert Z.shape == (1000, 8)  # the rows, then a uniform number each
    assert ((Z[:, -1] >= 0) & (Z[:, -1] < 1)).all()


def test_captured_rounds_with_r1_on_part_of_the_rows_train_as_eager_ones(
    monkeypatch,
):
    # Rounds of 600 labelled rows: R1 takes 256 of them in a pass of their
    # own, sliced from the graph's static buffers like the rest.
    rng = torch.Generator().manual_seed(0)
    rows = torch.randn(1_000, 2, generator=rng)
    codes = torch.arange(1_000) % 2
    settings = {"n_features": 2, "n_classes": 2, "batch_size": 600,
                "steps_per_epoch": 4, "max_epochs": 2}  # fmt: skip
    eager = make_net(**settings).fit(rows, codes)
    _stand_in(monkeypatch)
    captured = make_net(**settings).fit(rows, codes)
    assert captured.round_path_ == "cuda-graph"
    for x, y in zip(_weights(eager), _weights(captured), strict=True):
        torch.testing.assert_close(x, y)


def test_captured_rounds_run_on_the_fit_s_device_not_the_current_one(Z, monkeypatch):
    # On cuda:1, torch's current stream and its default capture stream are
    # cuda:0's unless the device is named: every stream, capture and device
    # context names the fit's device.
    captures = _stand_in(monkeypatch)
    make_net(max_epochs=2).fit(Z)
    kinds = {kind for kind, _ in captures.devices}
    assert kinds == {"stream", "capture", "device"}
    assert {device for _, device in captures.devices} == {"cpu"}


def test_without_r1_one_graph_is_captured(Z, monkeypatch):
    captures = _stand_in(monkeypatch)
    make_net(r1_penalty=0.0).fit(Z)
    assert len(captures) == 1


class Halve(Callback):
    """Halves the generator's learning rate before the third epoch."""

    def on_epoch_begin(self, net, **kwargs):
        if len(net.history) == 2:
            for group in net.generator_optimizer_.param_groups:
                group["lr"] /= 2


def test_a_new_learning_rate_is_captured_again(Z, monkeypatch):
    captures = _stand_in(monkeypatch)
    make_net(max_epochs=3).fit(Z)
    assert len(captures) == 2
    captures.clear()
    make_net(max_epochs=3, callbacks=[Halve()]).fit(Z)
    assert len(captures) == 4


def test_the_path_is_known_after_rounds_of_warm_up_alone(Z, monkeypatch):
    # Three rounds warm up before a capture: a fit of no more was None.
    _stand_in(monkeypatch)
    assert make_net(max_epochs=1, steps_per_epoch=3).fit(Z).round_path_ == "eager"


def test_a_recapture_that_fails_is_the_path_said(Z, monkeypatch):
    # A new rate invalidates the graphs; where the next capture failed, the
    # path stayed "cuda-graph" (and on a GPU, the reason went unsaid).
    captures = _stand_in(monkeypatch, fail=2)
    net = make_net(max_epochs=3, callbacks=[Halve()]).fit(Z)
    assert len(captures) == 2 and net.round_path_ == "eager"


def test_a_round_that_cannot_be_captured_runs_eagerly(Z, monkeypatch, capsys):
    _stand_in(monkeypatch, fail=True)
    eager = make_net().fit(Z)
    assert eager.round_path_ == "eager"
    reference = make_net(cuda_graphs=False).fit(Z)
    for x, y in zip(_weights(eager), _weights(reference), strict=True):
        torch.testing.assert_close(x, y)


def test_callbacks_on_gradients_keep_rounds_eager():
    net = (
        make_net(callbacks=[GradientNormClipping(1.0)])
        .initialize()
        .initialize_optimizers()
    )
    net.device = "cuda"  # only the reason is asked for
    assert "gradients" in rounds_module.graph_obstacle(net)
    net = make_net(callbacks=[RecordBatches()]).initialize().initialize_optimizers()
    net.device = "cuda"
    assert "RecordBatches" in rounds_module.graph_obstacle(net)
    capturable = {
        "generator_optimizer__capturable": True,
        "discriminator_optimizer__capturable": True,
    }
    net = (
        make_net(callbacks=[ProgressBar()], **capturable)
        .initialize()
        .initialize_optimizers()
    )
    net.device = "cuda"
    assert rounds_module.graph_obstacle(net) is None
    net = (
        make_net(generator_optimizer=torch.optim.Adam)
        .initialize()
        .initialize_optimizers()
    )
    net.device = "cuda"
    assert "capturable" in rounds_module.graph_obstacle(net)
    net = (
        make_net(discriminator__dropout=0.5, **capturable)
        .initialize()
        .initialize_optimizers()
    )
    net.device = "cuda"
    assert "dropout" in rounds_module.graph_obstacle(net)


def test_optimizers_that_may_count_steps_on_the_host_keep_rounds_eager():
    # Adagrad keeps its step on the host, and its decay reads it in Python:
    # a replay would freeze both.
    for optimizer, reason in (
        (torch.optim.Adagrad, "Adagrad has no capturable setting"),
        (torch.optim.SGD, None),
    ):
        net = (
            make_net(generator_optimizer=optimizer, discriminator_optimizer=optimizer)
            .initialize()
            .initialize_optimizers()
        )
        net.device = "cuda"  # only the reason is asked for
        assert rounds_module.graph_obstacle(net) == reason


class _Recorded:
    """A stand-in for torch's CUDA streams, graphs and allocator, as torch
    runs them: the allocator records into a capture's pool from its start
    to its end; a capture that CUDA invalidated (``invalidated``) fails as
    it ends, before the allocator is told, and torch's own stream context is
    not left."""

    def __init__(self, monkeypatch, invalidated):
        self.current, self.graph_kwargs = ["caller's"], []
        self.recording, self.released = [], []
        recorded = self

        class Stream:
            def __init__(self, device=None):
                self.name = f"stream on {device}"

        class StreamContext:
            def __init__(self, stream):
                self.stream = stream

            def __enter__(self):
                self.previous = recorded.current[-1]
                recorded.current.append(self.stream.name)

            def __exit__(self, *args):
                recorded.current.append(self.previous)
                return False

        class Graph:
            def __init__(self, graph, **kwargs):
                recorded.graph_kwargs.append(kwargs)
                self.context = StreamContext(kwargs["stream"])
                self.pool = kwargs["pool"]

            def __enter__(self):
                self.context.__enter__()
                recorded.recording.append(self.pool)

            def __exit__(self, *args):
                if invalidated:
                    raise RuntimeError("operation failed due to a previous error")
                recorded.recording.remove(self.pool)
                self.context.__exit__(*args)
                return False

        def end(index, pool):
            if pool not in recorded.recording:
                raise RuntimeError("endAllocatePool: not currently recording")
            recorded.recording.remove(pool)

        cuda = rounds_module.torch.cuda
        monkeypatch.setattr(cuda, "Stream", Stream)
        monkeypatch.setattr(cuda, "stream", StreamContext)
        monkeypatch.setattr(cuda, "graph", Graph)
        monkeypatch.setattr(cuda, "CUDAGraph", object)
        monkeypatch.setattr(cuda, "graph_pool_handle", lambda: (0, 7))
        monkeypatch.setattr(rounds_module.torch._C, "_cuda_endAllocateToPool", end,
                            raising=False)  # fmt: skip
        monkeypatch.setattr(rounds_module.torch._C, "_cuda_releasePool",
                            lambda *args: recorded.released.append(args),
                            raising=False)  # fmt: skip


def test_a_failed_capture_gives_the_stream_and_the_allocator_back(monkeypatch):
    recorded = _Recorded(monkeypatch, invalidated=True)
    with pytest.raises(RuntimeError, match="previous error"):
        rounds_module.cuda_capture(lambda: None, "cuda:1")
    assert recorded.current[-1] == "caller's"
    assert recorded.recording == [] and recorded.released == [(1, (0, 7))]
    # Other threads' CUDA work goes on during a capture.
    assert recorded.graph_kwargs[0]["capture_error_mode"] == "thread_local"


def test_a_capture_that_ended_before_failing_is_left_to_its_graph(monkeypatch):
    # The graph gives its pool back itself: a second release would break it.
    recorded = _Recorded(monkeypatch, invalidated=False)

    def failing():
        raise ValueError("the round failed")

    with pytest.raises(ValueError, match="the round failed"):
        rounds_module.cuda_capture(failing, "cuda:1")
    assert recorded.current[-1] == "caller's"
    assert recorded.recording == [] and recorded.released == []


# --- On a GPU ------------------------------------------------------------------


@pytest.mark.cuda
def test_cuda_rounds_are_captured_and_repeat_for_a_seed(capsys):
    Z = torch.randn(1000, 1)
    a = make_net(device="cuda", verbose=1).fit(Z)
    assert a.round_path_ == "cuda-graph"
    assert "captured CUDA graphs" in capsys.readouterr().out
    b = make_net(device="cuda").fit(Z)
    for x, y in zip(_weights(a), _weights(b), strict=True):
        torch.testing.assert_close(x, y, rtol=0, atol=0)


@pytest.mark.cuda
def test_cuda_captured_rounds_match_eager_ones():
    Z = torch.randn(1000, 1)
    captured = make_net(device="cuda").fit(Z)
    eager = make_net(device="cuda", cuda_graphs=False).fit(Z)
    assert eager.round_path_ == "eager"
    for x, y in zip(_weights(captured), _weights(eager), strict=True):
        torch.testing.assert_close(x, y, rtol=1e-4, atol=1e-5)


@pytest.mark.cuda
def test_cuda_networks_that_read_the_device_run_eagerly(capsys):
    class Reading(torch.nn.Module):
        def __init__(self, n_inputs):
            super().__init__()
            self.linear = torch.nn.Linear(n_inputs, 1)

        def forward(self, X):
            out = self.linear(X)
            return out * (1.0 if out.mean().item() > -1e9 else 0.0)

    net = make_net(device="cuda", discriminator=Reading, verbose=1).fit(
        torch.randn(1000, 1)
    )
    assert net.round_path_ == "eager"
    assert "eagerly: the round could not be captured" in capsys.readouterr().out
    assert np.isfinite(net.history[-1, "generator_loss"])


@pytest.mark.cuda
def test_cuda_sampler_fits_with_captured_rounds(X_normal):
    sampler = GANSampler(max_epochs=2, steps_per_epoch=20, device="cuda",
                         random_state=0).fit(X_normal)  # fmt: skip
    assert sampler.net_.round_path_ == "cuda-graph"
    assert np.isfinite(sampler.sample(100, random_state=0)).all()


@pytest.mark.cuda
@pytest.mark.skipif(torch.cuda.device_count() < 2, reason="needs a second GPU")
def test_cuda_rounds_on_a_second_gpu_match_the_first_s():
    # cuda:1 is not the current device: its rounds are captured and replayed
    # on its own streams, and train as cuda:0's do.
    Z = torch.randn(1000, 1)
    first = make_net(device="cuda:0").fit(Z)
    second = make_net(device="cuda:1").fit(Z)
    assert second.round_path_ == "cuda-graph"
    for x, y in zip(_weights(first), _weights(second), strict=True):
        torch.testing.assert_close(x.cpu(), y.cpu(), rtol=1e-4, atol=1e-5)


def test_a_callback_class_or_none_acts_as_its_instances_would():
    from skorch.callbacks import Callback, EpochTimer, ProgressBar

    from gansampler._rounds import callback_obstacle

    class PerRound(Callback):
        def on_batch_end(self, net, **kwargs):
            pass

    assert callback_obstacle([EpochTimer, ("bar", ProgressBar), ("gone", None)]) is None
    assert callback_obstacle([("each", PerRound)]) == (
        "the callback PerRound acts on each round"
    )


@pytest.mark.parametrize("loss", ["bce", "wgan-gp"])
def test_the_recorded_discriminator_loss_is_the_game_s_without_penalties(Z, loss):
    # With "bce" it reads 2 log 2 where D cannot tell; R1's penalty (and
    # WGAN-GP's) would lift it.
    net = make_net(criterion__loss=loss, max_epochs=1, steps_per_epoch=2).fit(Z)
    game = _game(net, batch_size=32)
    game.r1_penalty = 1e3
    for name, player in (("generator", game.generator),
                         ("discriminator", game.discriminator)):  # fmt: skip
        setattr(game, name + "_optimizer", torch.optim.SGD(player.parameters(), lr=0))
    real, noise = Z[:32], torch.rand(32, net.noise_dim)
    mix = torch.rand(32, 1) if loss == "wgan-gp" else None
    with torch.no_grad():
        logits = game.judge(real, game.generator(noise), None)
        expected = game.loss.discriminator_loss(*logits)
    d_loss, _ = game.play((real, None, noise, mix, None), r1=True, ema_weight=0.0)
    torch.testing.assert_close(d_loss, expected)
