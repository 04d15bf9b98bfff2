r"""
---
title: Capsule Networks
order: 2
summary: >
  An annotated PyTorch implementation of Dynamic Routing Between Capsules
  (Sabour, Frosst and Hinton, 2017), faithful to the paper and to the authors' code.
---

# Capsule Networks

This is an annotated [PyTorch](https://pytorch.org) implementation of
[Dynamic Routing Between Capsules](https://arxiv.org/abs/1710.09829)
by Sara Sabour, Nicholas Frosst and Geoffrey Hinton (NIPS 2017).

A *capsule* is a small group of neurons whose output is a vector instead of a single number.
The length of the vector is the probability that an entity (for example, a digit) is present.
The direction of the vector describes the properties of that entity, such as its position,
thickness or slant. Capsules in one layer send their output to capsules in the next layer
through *routing by agreement*: a lower capsule sends more of its output to the higher capsules
whose outputs agree with its own prediction.

This file holds the building blocks in the order of the paper:

* [Squash](#squash), the non-linearity of Eq. (1);
* [PrimaryCapsules](#primary-capsules), the first capsule layer;
* [DigitCapsules](#digit-capsules) and [Router](#router), Eq. (2), Eq. (3) and Procedure 1;
* [MarginLoss](#margin-loss), Eq. (4);
* [Decoder](#decoder) and [ReconstructionLoss](#reconstruction-loss), the regulariser of Section 4.1.

The assembled network is in [model.py](model.html), the data in [data.py](data.html),
the training loop in [train.py](train.html), evaluation in [evaluate.py](evaluate.html)
and the pictures in [figures.py](figures.html).
[The readme](readme.html) shows how to run it and the results.

## Where popular implementations differ from the paper

We checked each formula against the paper and the authors' reference code
(`research/capsules` in the TensorFlow models repository). Several widely copied versions differ:

* the coupling coefficients are a softmax over the *inputs* instead of over the *outputs*;
* the margin loss does not square its two hinges;
* the decoder is masked by the prediction during training instead of by the true label;
* the reconstruction loss is a mean instead of a sum of squared errors;
* the primary capsules take their 8 dimensions from channels that belong to different groups.

The notes below point out each of these where it matters.
Table 1 of the paper reports a test error of $(0.25 \pm 0.005)\%$ on MNIST for CapsNet with
3 routing iterations and the reconstruction loss, against $0.39\%$ for the convolutional baseline.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = [
    "Squash",
    "PrimaryCapsules",
    "DigitCapsules",
    "Router",
    "MarginLoss",
    "Decoder",
    "ReconstructionLoss",
    "capsule_lengths",
]


class Squash(nn.Module):
    r"""
    ## Squash

    Eq. (1) of the paper. It keeps the direction of a vector $\mathbf{s}_j$ and maps its length
    into $[0, 1)$, so that the length can be read as a probability:

    $$\mathbf{v}_j = \frac{{\lVert \mathbf{s}_j \rVert}^2}{1 + {\lVert \mathbf{s}_j \rVert}^2}
      \frac{\mathbf{s}_j}{\lVert \mathbf{s}_j \rVert}$$

    Short vectors shrink to almost zero length and long vectors get a length just below one.

    **Pitfall:** for a zero vector, $\mathbf{s}_j / \lVert \mathbf{s}_j \rVert$ is $0/0$,
    and so is the gradient of $\lVert \mathbf{s}_j \rVert$. Both give `nan`, and one `nan`
    spreads to every weight in one optimiser step. We add a small $\epsilon$ inside the
    square root.
    """

    def __init__(self, epsilon: float = 1e-8):
        super().__init__()
        self.epsilon = epsilon

    def forward(self, s: torch.Tensor) -> torch.Tensor:
        r"""
        `s` has shape `[..., capsule_dim]`: the last axis is the capsule vector.
        The result $\mathbf{v}$ has the same shape.
        """
        # ${\lVert \mathbf{s}_j \rVert}^2$, kept as an axis of size one for broadcasting
        squared_norm = (s * s).sum(dim=-1, keepdim=True)
        # $\sqrt{{\lVert \mathbf{s}_j \rVert}^2 + \epsilon}$ is never zero,
        # so the value and the gradient stay finite for $\mathbf{s}_j = 0$
        norm = torch.sqrt(squared_norm + self.epsilon)
        # $$\mathbf{v}_j = \frac{{\lVert \mathbf{s}_j \rVert}^2}{1 + {\lVert \mathbf{s}_j \rVert}^2}
        #   \frac{\mathbf{s}_j}{\lVert \mathbf{s}_j \rVert}$$
        return s * (squared_norm / ((1.0 + squared_norm) * norm))


class PrimaryCapsules(nn.Module):
    r"""
    ## Primary Capsules

    The first capsule layer of Section 4. It is one convolution with $9 \times 9$ kernels and
    stride 2 that has $32 \times 8 = 256$ output channels. On a $20 \times 20$ input it gives a
    $6 \times 6$ grid. The channels form 32 groups ("capsule types") of 8 channels each, so
    there are $32 \times 6 \times 6 = 1152$ capsules $\mathbf{u}_i$ of 8 dimensions.
    Each capsule is squashed with Eq. (1).

    There is no routing between Conv1 and PrimaryCapsules: this layer is an ordinary convolution
    whose outputs are grouped into vectors.

    **Pitfall:** a capsule is 8 *consecutive* channels of one group at one position, as in the
    authors' code. A common shortcut, `view(batch, 8, -1)` on the `[batch, 256, 6, 6]` output,
    puts channels $k, k + 32, k + 64, \dots$ into one capsule, so each vector mixes
    the outputs of 8 different capsule types.
    """

    def __init__(self, in_channels: int = 256, n_types: int = 32, capsule_dim: int = 8,
                 kernel_size: int = 9, stride: int = 2):
        super().__init__()
        self.n_types = n_types
        self.capsule_dim = capsule_dim
        self.conv = nn.Conv2d(in_channels, n_types * capsule_dim, kernel_size, stride=stride)
        self.squash = Squash()

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        r"""
        `features` is the output of Conv1, `[batch, 256, 20, 20]`.
        Returns the capsules $\mathbf{u}$, `[batch, 1152, 8]`,
        ordered by capsule type, then row, then column.
        """
        out = self.conv(features)
        batch, _, height, width = out.shape
        # Split the channel axis as (type, dimension): `[batch, 32, 8, 6, 6]`
        out = out.view(batch, self.n_types, self.capsule_dim, height, width)
        # Move the 8 dimensions last, then flatten (type, row, column) into one capsule axis
        u = out.permute(0, 1, 3, 4, 2).reshape(batch, -1, self.capsule_dim)
        # $\mathbf{u}_i = \mathrm{squash}(\cdot)$ over each 8-D vector
        return self.squash(u)


class DigitCapsules(nn.Module):
    r"""
    ## Digit Capsules

    The final layer of Section 4: 10 capsules of 16 dimensions, one per digit class.
    Each pair of a primary capsule $i$ and a digit capsule $j$ has its own
    $16 \times 8$ weight matrix $\mathbf{W}_{ij}$ that turns $\mathbf{u}_i$ into a prediction,
    as in Eq. (2):

    $$\hat{\mathbf{u}}_{j|i} = \mathbf{W}_{ij} \mathbf{u}_i$$

    That is $1152 \times 10 \times 16 \times 8 = 1{,}474{,}560$ weights. The matrices are not
    shared between the 36 positions of a capsule type. There is no bias in this layer: the paper's
    count of 8.2M parameters (6.8M without the decoder) is the count without one. The authors' code
    adds a bias of $10 \times 16$ values to $\mathbf{s}_j$, which we leave out.
    The [Router](#router) then combines the predictions.
    """

    def __init__(self, n_in: int = 1152, n_out: int = 10, in_dim: int = 8, out_dim: int = 16,
                 iterations: int = 3, init_std: float = 0.1):
        super().__init__()
        self.n_out = n_out
        self.out_dim = out_dim
        # $\mathbf{W}_{ij}$ for every pair: `[n_in, n_out, out_dim, in_dim]`.
        # The authors' code draws it from a normal distribution with standard deviation 0.1,
        # truncated at two standard deviations.
        self.weight = nn.Parameter(torch.empty(n_in, n_out, out_dim, in_dim))
        nn.init.trunc_normal_(self.weight, std=init_std, a=-2 * init_std, b=2 * init_std)
        self.router = Router(iterations)

    def predictions(self, u: torch.Tensor) -> torch.Tensor:
        r"""
        `u` is $\mathbf{u}$, `[batch, n_in, in_dim]`.
        Returns $\hat{\mathbf{u}}_{j|i}$, `[batch, n_out, n_in, out_dim]`.
        """
        batch, n_in, in_dim = u.shape
        # All 10 matrices $\mathbf{W}_{ij}$ of input capsule $i$ side by side, as one
        # `[in_dim, n_out * out_dim]` matrix (a view of the weight, no copy)
        weight = self.weight.view(n_in, self.n_out * self.out_dim, in_dim).transpose(1, 2)
        # $\hat{\mathbf{u}}_{j|i} = \mathbf{W}_{ij} \mathbf{u}_i$ as one batched matrix
        # product over $i$: `[n_in, batch, in_dim] @ [n_in, in_dim, n_out * out_dim]`
        u_hat = torch.bmm(u.transpose(0, 1), weight)
        # Reorder to `[batch, n_out, n_in, out_dim]` once, so that each sum over $i$ in the
        # routing reads contiguous memory; this copy makes a training step faster overall
        u_hat = u_hat.view(n_in, batch, self.n_out, self.out_dim).permute(1, 2, 0, 3)
        return u_hat.contiguous()

    def forward(self, u: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        r"""
        `u` is $\mathbf{u}$, `[batch, 1152, 8]`.
        Returns $\mathbf{v}$, `[batch, 10, 16]`, and $c$, `[batch, 1152, 10]`.
        """
        return self.router(self.predictions(u))


class Router(nn.Module):
    r"""
    ## Router

    Routing by agreement, Procedure 1 of the paper. Its input is the set of predictions
    $\hat{\mathbf{u}}_{j|i}$ that each lower capsule $i$ makes for each higher capsule $j$.
    Its output is the higher capsules $\mathbf{v}_j$ and the coupling coefficients $c_{ij}$.

    Each iteration does the following:

    * turn the routing logits $b_{ij}$ into coupling coefficients with a softmax over $j$, Eq. (3);
    * take the weighted sum $\mathbf{s}_j = \sum_i c_{ij} \hat{\mathbf{u}}_{j|i}$, Eq. (2);
    * squash it, $\mathbf{v}_j = \mathrm{squash}(\mathbf{s}_j)$, Eq. (1);
    * add the agreement $\hat{\mathbf{u}}_{j|i} \cdot \mathbf{v}_j$ to $b_{ij}$.

    The logits $b_{ij}$ are not parameters. They start at zero at every forward pass and are
    kept for each example separately: the routing of one image never depends on another image
    or on an earlier batch.

    Gradients flow through all iterations, as in the authors' code: $c_{ij}$ depends on
    $\hat{\mathbf{u}}_{j|i}$ through the agreement, and backpropagation follows that path too.
    """

    def __init__(self, iterations: int = 3):
        super().__init__()
        if iterations < 1:
            raise ValueError(f"routing needs at least one iteration, got {iterations}")
        self.iterations = iterations
        self.squash = Squash()

    def forward(self, u_hat: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        r"""
        `u_hat` is $\hat{\mathbf{u}}_{j|i}$ with shape `[batch, n_out, n_in, out_dim]`:
        for each example and each higher capsule $j$, the predictions of all lower capsules.
        Returns $\mathbf{v}$, `[batch, n_out, out_dim]`, and the coupling coefficients
        $c_{ij}$ of the last iteration, `[batch, n_in, n_out]`.
        """
        batch, n_out, n_in, _ = u_hat.shape
        # $b_{ij} \leftarrow 0$ for every example, at every call.
        # We keep it as `[batch, n_out, n_in]`, the layout of `u_hat`.
        b = u_hat.new_zeros(batch, n_out, n_in)
        for iteration in range(self.iterations):
            # $c_{ij} = \frac{\exp(b_{ij})}{\sum_k \exp(b_{ik})}$, Eq. (3).
            # Input capsule $i$ splits its output among the higher capsules $j$, so the
            # softmax is over $j$, which is axis 1 here. Several popular versions take it
            # over the input capsules $i$ instead.
            c = b.softmax(dim=1)
            # $\mathbf{s}_j = \sum_i c_{ij} \hat{\mathbf{u}}_{j|i}$, Eq. (2)
            s = torch.einsum("bji,bjid->bjd", c, u_hat)
            # $\mathbf{v}_j = \mathrm{squash}(\mathbf{s}_j)$, Eq. (1)
            v = self.squash(s)
            # The logits after the last iteration would never be used, so we skip that update
            if iteration + 1 < self.iterations:
                # $b_{ij} \leftarrow b_{ij} + \hat{\mathbf{u}}_{j|i} \cdot \mathbf{v}_j$
                b = b + torch.einsum("bjid,bjd->bji", u_hat, v)
        # $c_{ij}$ indexed as `[batch, i, j]` (a view, no copy)
        return v, c.transpose(1, 2)


def capsule_lengths(v: torch.Tensor, epsilon: float = 1e-8) -> torch.Tensor:
    r"""
    The length $\lVert \mathbf{v}_k \rVert$ of each capsule, `[..., dim] -> [...]`.
    The $\epsilon$ keeps the gradient finite for a zero-length capsule, as in [Squash](#squash).
    """
    # $\lVert \mathbf{v}_k \rVert = \sqrt{\sum_d v_{kd}^2 + \epsilon}$
    return torch.sqrt((v * v).sum(dim=-1) + epsilon)


class MarginLoss(nn.Module):
    r"""
    ## Margin Loss

    Eq. (4) of the paper. The length of digit capsule $k$ is the probability that digit $k$
    is present. Each capsule gets its own loss:

    $$L_k = T_k \max(0, m^{+} - \lVert\mathbf{v}_k\rVert)^2
      + \lambda (1 - T_k) \max(0, \lVert\mathbf{v}_k\rVert - m^{-})^2$$

    $T_k = 1$ if the image shows digit $k$ and $0$ otherwise; $m^{+} = 0.9$, $m^{-} = 0.1$
    and $\lambda = 0.5$. The total loss of an image is the sum over the 10 capsules,
    and we average it over the batch.

    The first term pushes the correct capsule longer than $0.9$; the second pushes the others
    shorter than $0.1$. The factor $\lambda$ stops the absent digits from shrinking all the
    capsules early in training.

    **Pitfall:** *both* hinges are squared. Without the squares the loss has a constant slope
    right up to the margin.
    """

    def __init__(self, m_positive: float = 0.9, m_negative: float = 0.1, lambda_: float = 0.5,
                 n_classes: int = 10):
        super().__init__()
        self.m_positive = m_positive
        self.m_negative = m_negative
        self.lambda_ = lambda_
        self.n_classes = n_classes

    def forward(self, v: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        r"""
        `v` is the digit capsules, `[batch, 10, 16]`; `labels` are class indices, `[batch]`.
        Returns a scalar.
        """
        lengths = capsule_lengths(v)
        # $T_k$, one-hot: `[batch, 10]`
        present = F.one_hot(labels, self.n_classes).to(lengths.dtype)
        # $T_k \max(0, m^{+} - \lVert\mathbf{v}_k\rVert)^2$
        loss_present = present * F.relu(self.m_positive - lengths).pow(2)
        # $\lambda (1 - T_k) \max(0, \lVert\mathbf{v}_k\rVert - m^{-})^2$
        loss_absent = self.lambda_ * (1.0 - present) * F.relu(lengths - self.m_negative).pow(2)
        # $\sum_k L_k$ for each image, then the mean over the batch
        return (loss_present + loss_absent).sum(dim=-1).mean()


class Decoder(nn.Module):
    r"""
    ## Decoder

    Section 4.1 and Figure 2 of the paper. Three fully connected layers rebuild the input image
    from the digit capsules: $160 \to 512 \to 1024 \to 784$, with ReLU after the first two and a
    sigmoid at the end, so that each output is a pixel intensity in $[0, 1]$.

    Before decoding, every digit capsule except one is set to zero ("masked"), so the decoder
    has to read the image from the 16 numbers of one capsule.

    * During training the kept capsule is the one of the **true label**.
    * At inference it is the capsule of the **prediction**, the longest one.

    **Pitfall:** masking by the prediction during training (as some implementations do) teaches
    the decoder to draw the wrong digit whenever the classifier is wrong.
    """

    def __init__(self, n_classes: int = 10, capsule_dim: int = 16, image_pixels: int = 784):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(n_classes * capsule_dim, 512),
            nn.ReLU(inplace=True),
            nn.Linear(512, 1024),
            nn.ReLU(inplace=True),
            nn.Linear(1024, image_pixels),
            nn.Sigmoid(),
        )

    def forward(self, v: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        r"""
        `v` is the digit capsules, `[batch, 10, 16]`; `keep` is the class index whose capsule
        is kept, `[batch]`. Returns the reconstructed images, flat: `[batch, 784]`.
        """
        # A one-hot mask over the 10 capsules: `[batch, 10, 1]`
        mask = F.one_hot(keep, v.shape[1]).to(v.dtype).unsqueeze(-1)
        return self.layers((v * mask).flatten(1))


class ReconstructionLoss(nn.Module):
    r"""
    ## Reconstruction Loss

    The sum of squared differences between the input pixels and the reconstruction, scaled
    down by $0.0005$ "so that it does not dominate the margin loss during training"
    (Section 4.1):

    $$0.0005 \sum_p (x_p - \hat{x}_p)^2$$

    We sum over the 784 pixels and average over the batch, as for the margin loss.

    **Pitfall:** a *mean* over pixels (`nn.MSELoss()`) is 784 times smaller, so the
    reconstruction then has almost no weight.
    """

    def __init__(self, scale: float = 0.0005):
        super().__init__()
        self.scale = scale

    def forward(self, reconstructions: torch.Tensor, images: torch.Tensor) -> torch.Tensor:
        r"""
        `reconstructions` is `[batch, 784]`; `images` is `[batch, 1, 28, 28]` with pixels
        in $[0, 1]$. Returns a scalar.
        """
        # $0.0005 \sum_p (x_p - \hat{x}_p)^2$, then the mean over the batch
        squared_errors = (reconstructions - images.flatten(1)).pow(2)
        return self.scale * squared_errors.sum(dim=-1).mean()
