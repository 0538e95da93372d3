"""
=====================================
Reading the pictures of a fitted GAN
=====================================

:mod:`gansampler.plotting` draws two pictures of a fitted sampler. This
example fits the canonical bell curve, N(4, 1.25), and a skewed, bounded
variable (waiting times, exponential) side by side, and explains what to read
in each picture.

Set ``GANSAMPLER_EXAMPLE_EPOCHS`` to shorten the run.
"""

# %%
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from gansampler import GANSampler
from gansampler.plotting import plot_distribution, plot_history

max_epochs = int(os.environ.get("GANSAMPLER_EXAMPLE_EPOCHS", 40))
rng = np.random.default_rng(0)
X = np.column_stack([rng.normal(4.0, 1.25, 5_000), rng.exponential(2.0, 5_000)])
train, held_out = X[:4_000], X[4_000:]
sampler = GANSampler(max_epochs=max_epochs, random_state=0).fit(train)

# %%
# Samples against data
# --------------------
# One row per feature (x0: the bell curve; x1: the waiting times). On the
# left, the histogram of rows the sampler did not
# see in training (grey) and of its samples (blue line), on one scale: where
# the line follows the grey bars, the sampler generates values as often as
# they occur. The title gives two distances between the two, W1/std (how far,
# on average, samples would have to move to match the data, in standard
# deviations) and KS (the largest gap between their cumulative
# distributions); 0 is a perfect match, and against 1,000 rows about 0.04
# (W1/std) and 0.03 (KS) is as close as chance allows.
#
# On the right, the Q-Q plot: each dot is one percentile, the data's on the
# horizontal axis, the samples' on the vertical. On the diagonal the two
# distributions match; dots above it mean the samples are too large there,
# below too small. The ends of the line are the tails: dots that bend away
# from the diagonal at the ends mean tails too short or too long. The
# waiting times' hard edge at 0 shows as the first dot sitting on the
# diagonal at 0: no negative waiting times are generated.
fig, axes = plot_distribution(sampler, held_out)
fig.savefig("reading_distribution.png", dpi=100)

# %%
# The training
# ------------
# On the left, the two players' losses after each epoch. They do not fall to
# 0 as a model's loss would: the discriminator and the generator play against
# each other, and the game is over when neither gains. With the default game
# (``loss="bce"``) the dotted lines mark that point, where the discriminator
# cannot tell samples from data any more (its loss is 2 log 2 = 1.39, the
# generator's log 2 = 0.69).
#
# On the right, the fidelity after each epoch: the same W1/std, between
# 10,000 samples and the training rows. It falls fast, then flattens: a
# curve still falling at the last epoch asks for more epochs (``max_epochs``),
# one that flattened early says fewer would do.
fig, axes = plot_history(sampler)
fig.savefig("reading_history.png", dpi=100)
print(f"fidelity after the last epoch: {sampler.history_[-1, 'train_w1']:.4f}")
print(f"score on held-out rows: {sampler.score(held_out):.4f}")
plt.show()
