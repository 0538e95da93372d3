"""How the rounds of a fit run: eagerly, or replayed from CUDA graphs.

A round of the game on small networks is dozens of tiny kernels; on a GPU,
launching them one by one costs far more than running them. Captured once as
a CUDA graph, a round is a single launch: its inputs are copied into static
buffers, the graph replays, and its losses are copied out, with no read from
the device until the epoch ends.
"""

import torch
from skorch import NeuralNet
from skorch.callbacks import Callback, ProgressBar
from torch.nn.modules.batchnorm import _BatchNorm

# What a round trains, and what a snapshot of training holds.
TRAINED = (
    "generator_",
    "discriminator_",
    "generator_ema_",
    "generator_optimizer_",
    "discriminator_optimizer_",
)

# Eager rounds before a capture, on a side stream as torch asks: they set up
# the optimizers' state and CUDA's libraries, and are rounds of the fit like
# any other.
WARMUP_ROUNDS = 3


def _defines(net, method):
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
        callback = entry[1] if isinstance(entry, tuple) else entry
        if getattr(type(callback), "on_grad_computed", None) is not (
            Callback.on_grad_computed
        ):
            return "a callback acts on the gradients of each round"
        if isinstance(callback, ProgressBar):
            continue
        for method in ("on_batch_begin", "on_batch_end"):
            if getattr(type(callback), method, None) is not getattr(Callback, method):
                return f"the callback {type(callback).__name__} acts on each round"
    return None


def _settings(optimizer):
    """An optimizer's settings, which a captured step keeps as constants."""
    return repr(
        [{k: v for k, v in g.items() if k != "params"} for g in optimizer.param_groups]
    )


def cuda_capture(round_fn):
    """Capture ``round_fn`` as a CUDA graph: returns the graph's replay and
    the tensors the captured round returned, which each replay refills."""
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        outputs = round_fn()
    return graph.replay, outputs


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
    for name in ("generator_optimizer_", "discriminator_optimizer_"):
        optimizer = getattr(net, name)
        if "capturable" in optimizer.defaults and not all(
            group.get("capturable") for group in optimizer.param_groups
        ):
            return f"{type(optimizer).__name__} is not capturable=True"
    return None


class CapturedRounds:
    """The rounds of a net captured as graphs: one without the R1 penalty and,
    where it is used, one with it."""

    def __init__(self, net, batch):
        self.inputs = [None if t is None else t.detach().clone() for t in batch]
        self.ema_weight = torch.zeros((), device=batch[0].device)
        self.settings = [
            _settings(net.generator_optimizer_),
            _settings(net.discriminator_optimizer_),
        ]
        self.graphs = {}
        for r1 in (False, True) if net.r1_penalty else (False,):
            # Gradients are allocated inside each graph, as torch's
            # whole-network capture does.
            net.generator_optimizer_.zero_grad(set_to_none=True)
            net.discriminator_optimizer_.zero_grad(set_to_none=True)
            self.graphs[r1] = capture_round(
                lambda r1=r1: net.play_round(
                    self.inputs, r1=r1, ema_weight=self.ema_weight
                )
            )

    def still_valid(self, net):
        """False once the optimizers' settings (the learning rate) changed."""
        return self.settings == [
            _settings(net.generator_optimizer_),
            _settings(net.discriminator_optimizer_),
        ]

    def replay(self, batch, *, r1, ema_weight):
        for static, tensor in zip(self.inputs, batch, strict=True):
            if static is not None:
                static.copy_(tensor)
        self.ema_weight.fill_(ema_weight)
        replay, (d_loss, g_loss) = self.graphs[r1]
        replay()
        return d_loss.clone(), g_loss.clone()


class Rounds:
    """What the rounds of a fit share: views of the generator's weights and
    of their average, who listens to each round, and the captured graphs."""

    def __init__(self, net):
        generator, average = net.generator_, net.generator_ema_
        self.owners = Rounds._owners(net)
        self.current = list(generator.parameters())
        self.averaged = list(average.parameters())
        self.current_buffers = list(generator.buffers())
        self.averaged_buffers = list(average.buffers())
        self.generator_weights = [p for p in self.current if p.requires_grad]
        self.discriminator_weights = [
            p for p in net.discriminator_.parameters() if p.requires_grad
        ]
        # Real and generated rows go through D together, unless a row's
        # output depends on the rest of its batch.
        self.joint_pass = not any(
            isinstance(m, _BatchNorm) for m in net.discriminator_.modules()
        )
        self.grad_listeners = _defines(net, "on_grad_computed")
        self.per_batch = _defines(net, "on_batch_begin") or _defines(
            net, "on_batch_end"
        )
        self.obstacle = graph_obstacle(net)
        self.graphs = None
        self.played = 0
        self.stream = None
        self.announced = False

    def serves(self, net):
        """Whether ``net`` still has the players and optimizers seen here."""
        return all(
            a is b for a, b in zip(self.owners, Rounds._owners(net), strict=True)
        )

    @staticmethod
    def _owners(net):
        return [getattr(net, name, None) for name in TRAINED]

    def prepare(self, net):
        """Before an epoch: drop graphs whose constants are stale."""
        if self.graphs is not None and not self.graphs.still_valid(net):
            self.graphs = None

    def play(self, net, batch, *, r1, ema_weight):
        if self.graphs is not None:
            return self.graphs.replay(batch, r1=r1, ema_weight=ema_weight)
        if self.obstacle is None and self.played >= WARMUP_ROUNDS:
            try:
                self.graphs = CapturedRounds(net, batch)
            except Exception as exc:  # any failure to capture means eager rounds
                self.obstacle = f"the round could not be captured ({exc})"
            else:
                self._announce(net)
                return self.graphs.replay(batch, r1=r1, ema_weight=ema_weight)
        self.played += 1
        if self.obstacle is not None:
            self._announce(net)
            return net.play_round(batch, r1=r1, ema_weight=ema_weight)
        # Warm-up rounds run on a side stream, as torch asks before a capture.
        if self.stream is None:
            self.stream = torch.cuda.Stream(device=net.device)
        self.stream.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(self.stream):
            losses = net.play_round(batch, r1=r1, ema_weight=ema_weight)
        torch.cuda.current_stream().wait_stream(self.stream)
        return losses

    def _announce(self, net):
        """Record, once, which path the rounds took; say it on a GPU."""
        if self.announced:
            return
        self.announced = True
        net.round_path_ = "eager" if self.graphs is None else "cuda-graph"
        if net.verbose and torch.device(net.device).type == "cuda":
            if self.graphs is not None:
                print("Training rounds run as captured CUDA graphs.")
            else:
                print(f"Training rounds run eagerly: {self.obstacle}.")
