"""How the rounds of a fit are drawn and played: eagerly, or replayed from
CUDA graphs.

:class:`RoundIterator` draws the data of each round (real rows, labels,
noise), many rounds at a time. :class:`Rounds` plays them with a
:class:`~gansampler._game.Game`. A round of the game on small networks is
dozens of tiny kernels; on a GPU, launching them one by one costs far more
than running them. Captured once as a CUDA graph, a round is a single
launch: its inputs are copied into static buffers, the graph replays, and
its losses are copied out, with no read from the device until the epoch
ends.
"""

import torch
from skorch import NeuralNet
from skorch.callbacks import Callback, ProgressBar

from ._networks import Dropout
from ._noise import draw_noise

# What a round trains, and what a snapshot of training holds.
TRAINED = (
    "generator_",
    "discriminator_",
    "generator_ema_",
    "generator_optimizer_",
    "discriminator_optimizer_",
)

# Rounds whose draws are made together take at most this many bytes.
_BLOCK_BYTES = 4 * 2**20


class RoundIterator:
    """Yields the data of one round of the game per step.

    Each round gets ``n_real`` rows drawn with replacement from ``X``,
    ``n_noise`` rows of noise and, with ``mix``, ``n_real`` uniform mixing
    weights (for WGAN-GP's interpolates; None otherwise), so an epoch costs
    the same whatever the size of the data. With ``labels`` (one-hot rows),
    it also gets the labels of the real rows followed by those of ``n_noise -
    n_real`` more rows drawn from the data, for the generator's own update;
    without, None.

    The draws of many rounds are made together, on the data's device, in
    blocks of at most ``block_bytes``: a few calls per epoch rather than a few
    per round.
    """

    def __init__(
        self,
        X,
        labels=None,
        *,
        n_uniforms=0,
        n_rounds,
        n_real,
        n_noise,
        noise,
        noise_dim,
        generator,
        mix=True,
        block_bytes=_BLOCK_BYTES,
    ):
        self.X = X
        self.labels = labels
        self.n_uniforms = n_uniforms
        self.n_rounds = n_rounds
        self.n_real = n_real
        self.n_noise = n_noise
        self.noise = noise
        self.noise_dim = noise_dim
        self.generator = generator
        self.mix = mix
        self.block_bytes = block_bytes

    def __len__(self):
        return self.n_rounds

    def __iter__(self):
        X, labels, g = self.X, self.labels, self.generator
        n_rows = self.n_real if labels is None else self.n_noise
        width = X.shape[1] + (0 if labels is None else labels.shape[1])
        per_round = 8 * n_rows + 4 * (
            n_rows * width
            + self.n_noise * (self.noise_dim + self.n_uniforms)
            + self.n_real * self.mix
        )
        block = max(1, min(self.n_rounds, self.block_bytes // per_round))
        for start in range(0, self.n_rounds, block):
            m = min(block, self.n_rounds - start)
            rows = torch.randint(len(X), (m, n_rows), generator=g, device=X.device)
            noise = draw_noise(
                self.noise, m * self.n_noise, self.noise_dim, g, X.device
            ).view(m, self.n_noise, self.noise_dim)
            mix = None
            if self.mix:
                mix = torch.rand(m, self.n_real, 1, generator=g, device=X.device,
                                 dtype=torch.float32)  # fmt: skip
            uniforms = None
            if self.n_uniforms:
                uniforms = torch.rand(m, self.n_noise, self.n_uniforms, generator=g,
                                      device=X.device, dtype=torch.float32)  # fmt: skip
            real = X[rows[:, : self.n_real]]
            rows_labels = None if labels is None else labels[rows]
            for i in range(m):
                yield (
                    real[i],
                    None if rows_labels is None else rows_labels[i],
                    noise[i],
                    None if mix is None else mix[i],
                    None if uniforms is None else uniforms[i],
                )


# Eager rounds before a capture, on a side stream as torch asks: they set up
# the optimizers' state and CUDA's libraries, and are rounds of the fit like
# any other.
WARMUP_ROUNDS = 3


def defines(net, method):
    """Whether the net or one of its callbacks does something on ``method``."""
    if getattr(type(net), method) is not getattr(NeuralNet, method):
        return True
    return any(
        getattr(type(callback), method, None) is not getattr(Callback, method)
        for _, callback in net.callbacks_
    )


def callback_obstacle(callbacks):
    """Why rounds with these skorch callbacks (``(name, callback)`` pairs or
    callbacks) cannot be captured, or None: a capture replays no Python, so
    no callback may act on each round (a progress bar only counts them)."""
    for entry in callbacks:
        callback = entry[1] if isinstance(entry, tuple | list) else entry
        if callback is None:  # skorch's way to leave a named callback out
            continue
        # A class (that skorch will instantiate) acts as its instances do.
        kind = callback if isinstance(callback, type) else type(callback)
        if getattr(kind, "on_grad_computed", None) is not (Callback.on_grad_computed):
            return "a callback acts on the gradients of each round"
        if issubclass(kind, ProgressBar):
            continue
        for method in ("on_batch_begin", "on_batch_end"):
            if getattr(kind, method, None) is not getattr(Callback, method):
                return f"the callback {kind.__name__} acts on each round"
    return None


def _settings(optimizer):
    """An optimizer's settings, which a captured step keeps as constants."""
    return repr(
        [{k: v for k, v in g.items() if k != "params"} for g in optimizer.param_groups]
    )


def cuda_capture(round_fn, device):
    """Capture ``round_fn`` as a CUDA graph on ``device``: returns the graph's
    replay and the tensors the captured round returned, which each replay
    refills. The capture runs on a stream of that device (torch's default
    capture stream belongs to whichever device was current when it was first
    made)."""
    graph = torch.cuda.CUDAGraph()
    stream = torch.cuda.Stream(device=device)
    # A pool of the capture's own, which a failed capture can give back.
    pool = torch.cuda.graph_pool_handle()
    # The first context gives the caller its stream back where the capture
    # fails: torch's own leaves the capture stream current then.
    # "thread_local": the other threads' CUDA work (a draw) goes on
    # meanwhile; by default it would fail, and the capture with it.
    try:
        with (
            torch.cuda.stream(stream),
            torch.cuda.graph(
                graph, pool=pool, stream=stream, capture_error_mode="thread_local"
            ),
        ):
            outputs = round_fn()
    except BaseException:
        _end_capture(device, pool)
        raise
    return graph.replay, outputs


def _end_capture(device, pool):
    """Have torch's allocator end a capture that failed before it ended
    (``cudaStreamEndCapture`` refused it): torch leaves it recording into
    the capture's pool, for the whole process. A capture that did end (a
    failure after it) is left to the graph, which gives its pool back."""
    index = torch.device(device).index
    index = torch.cuda.current_device() if index is None else index
    end = getattr(torch._C, "_cuda_endAllocateToPool", None)
    release = getattr(torch._C, "_cuda_releasePool", None)
    if end is None or release is None:  # private names, in recent torch
        return
    try:
        end(index, pool)  # refused where the capture ended
    except RuntimeError:
        return
    release(index, pool)


# The capture used on CUDA devices; a test replaces it to run the captured
# path on the CPU.
capture_round = cuda_capture


def graph_obstacle(net):
    """Why the rounds of ``net`` cannot be captured, or None if they can."""
    if not net.cuda_graphs:
        return "cuda_graphs=False"
    if torch.device(net.device).type != "cuda":
        return "CUDA graphs need a CUDA device"
    for method in ("on_grad_computed", "on_batch_begin", "on_batch_end"):
        if getattr(type(net), method) is not getattr(NeuralNet, method):
            return "the net acts on each round"
    reason = callback_obstacle(net.callbacks_)
    if reason is not None:
        return reason
    if any(isinstance(m, Dropout) and m.p for m in net.discriminator_.modules()):
        return "the discriminator's dropout draws in each round"
    for name in ("generator_optimizer_", "discriminator_optimizer_"):
        optimizer = getattr(net, name)
        if "capturable" not in optimizer.defaults:
            # SGD holds its state on the device; others without the flag
            # (Adagrad, one's own) may count steps on the host, which a
            # replay would not.
            if type(optimizer) is not torch.optim.SGD:
                return f"{type(optimizer).__name__} has no capturable setting"
        elif not all(group.get("capturable") for group in optimizer.param_groups):
            return f"{type(optimizer).__name__} is not capturable=True"
    return None


class CapturedRounds:
    """The rounds of a game captured as graphs: one without the R1 penalty
    and, where it is used, one with it."""

    def __init__(self, game, batch, device):
        self.inputs = [None if t is None else t.detach().clone() for t in batch]
        self.ema_weight = torch.zeros((), device=batch[0].device, dtype=torch.float32)
        self.optimizers = (game.generator_optimizer, game.discriminator_optimizer)
        self.settings = [_settings(optimizer) for optimizer in self.optimizers]
        self.graphs = {}
        for r1 in (False, True) if game.r1_penalty else (False,):
            # Gradients are allocated inside each graph, as torch's
            # whole-network capture does.
            for optimizer in self.optimizers:
                optimizer.zero_grad(set_to_none=True)
            self.graphs[r1] = capture_round(
                lambda r1=r1: game.play(self.inputs, r1=r1, ema_weight=self.ema_weight),
                device,
            )

    def still_valid(self):
        """False once the optimizers' settings (the learning rate) changed."""
        return self.settings == [_settings(optimizer) for optimizer in self.optimizers]

    def replay(self, batch, *, r1, ema_weight):
        for static, tensor in zip(self.inputs, batch, strict=True):
            if static is not None:
                static.copy_(tensor)
        self.ema_weight.fill_(ema_weight)
        replay, (d_loss, g_loss) = self.graphs[r1]
        replay()
        return d_loss.clone(), g_loss.clone()


class Rounds:
    """The rounds of a fit: a :class:`~gansampler._game.Game` played eagerly,
    or, where ``obstacle`` is None (see :func:`graph_obstacle`), captured as
    CUDA graphs after :data:`WARMUP_ROUNDS` eager rounds on a side stream
    of ``device``.

    ``path`` is None until the first round decides, then ``"eager"`` or
    ``"cuda-graph"``; ``obstacle`` says why rounds run eagerly.
    """

    def __init__(self, game, *, obstacle, device):
        self.game = game
        self.obstacle = obstacle
        self.device = device
        self.graphs = None
        self.played = 0
        self.stream = None
        self.path = None

    def prepare(self):
        """Before an epoch: drop graphs whose constants are stale."""
        if self.graphs is not None and not self.graphs.still_valid():
            self.graphs = None

    def play(self, batch, *, r1, ema_weight):
        """Play one round; returns its losses (D's, G's) on the device."""
        if self.graphs is None and self.obstacle is not None:
            self.played += 1
            self.path = "eager"
            return self.game.play(batch, r1=r1, ema_weight=ema_weight)
        # Streams, captures and replays on the fit's device, which need not
        # be the current one (cuda:1).
        with torch.cuda.device(self.device):
            return self._play_on_device(batch, r1=r1, ema_weight=ema_weight)

    def _play_on_device(self, batch, *, r1, ema_weight):
        if self.graphs is not None:
            return self.graphs.replay(batch, r1=r1, ema_weight=ema_weight)
        if self.played >= WARMUP_ROUNDS:
            try:
                self.graphs = CapturedRounds(self.game, batch, self.device)
            except Exception as exc:  # any failure to capture means eager rounds
                self.obstacle = f"the round could not be captured ({exc})"
            else:
                self.path = "cuda-graph"
                return self.graphs.replay(batch, r1=r1, ema_weight=ema_weight)
        self.played += 1
        if self.obstacle is not None:
            self.path = "eager"
            return self.game.play(batch, r1=r1, ema_weight=ema_weight)
        # Warm-up rounds run on a side stream, as torch asks before a capture.
        if self.stream is None:
            self.stream = torch.cuda.Stream(device=self.device)
        main = torch.cuda.current_stream(self.device)
        self.stream.wait_stream(main)
        with torch.cuda.stream(self.stream):
            losses = self.game.play(batch, r1=r1, ema_weight=ema_weight)
        main.wait_stream(self.stream)
        return losses
