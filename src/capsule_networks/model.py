r"""
---
title: The CapsNet model for MNIST
order: 3
summary: >
  The three-layer CapsNet of Figure 1 with the reconstruction decoder of Figure 2,
  assembled from the capsule modules, and its total loss.
---

# The CapsNet model for MNIST

This file puts the [capsule modules](index.html) together into the network of Figure 1 of
[the paper](https://arxiv.org/abs/1710.09829), with the decoder of Figure 2:

* **Conv1**: 256 kernels of $9 \times 9$, stride 1, ReLU: `[1, 28, 28] -> [256, 20, 20]`;
* **PrimaryCaps**: 32 types of 8-D capsules from a $9 \times 9$, stride-2 convolution:
  `[256, 20, 20] -> [1152, 8]`;
* **DigitCaps**: 10 capsules of 16 dimensions, with routing: `[1152, 8] -> [10, 16]`;
* **Decoder**: $160 \to 512 \to 1024 \to 784$, used for the reconstruction loss.

## Parameters

* Conv1: $256 \times 81 + 256 = 20{,}992$;
* PrimaryCaps: $256 \times 256 \times 81 + 256 = 5{,}308{,}672$;
* DigitCaps, the matrices $\mathbf{W}_{ij}$: $1152 \times 10 \times 16 \times 8 = 1{,}474{,}560$;
* Decoder: $82{,}432 + 525{,}312 + 803{,}600 = 1{,}411{,}344$.

That is $6{,}804{,}224$ without the decoder and $8{,}215{,}568$ with it.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from capsule_networks import (
    Decoder,
    DigitCapsules,
    MarginLoss,
    PrimaryCapsules,
    ReconstructionLoss,
    capsule_lengths,
)


class CapsuleOutput(NamedTuple):
    r"""What one forward pass returns."""

    # The digit capsules $\mathbf{v}_j$, `[batch, 10, 16]`.
    v: torch.Tensor
    # Their lengths $\lVert \mathbf{v}_j \rVert$, the class probabilities, `[batch, 10]`.
    lengths: torch.Tensor
    # The longest capsule of each image, `[batch]`.
    predictions: torch.Tensor
    # The coupling coefficients $c_{ij}$ of the last routing iteration, `[batch, 1152, 10]`.
    c: torch.Tensor
    # The decoded images, `[batch, 784]`, or `None` for a model without a decoder.
    reconstructions: torch.Tensor | None


class CapsuleNetwork(nn.Module):
    r"""
    ## CapsNet

    `routing_iterations` is $r$ in Procedure 1 (the paper uses 3).
    `reconstruction=False` builds the network without the decoder.
    """

    def __init__(self, routing_iterations: int = 3, reconstruction: bool = True):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 256, kernel_size=9, stride=1)
        self.primary_capsules = PrimaryCapsules()
        self.digit_capsules = DigitCapsules(iterations=routing_iterations)
        self.decoder = Decoder() if reconstruction else None

    def forward(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> CapsuleOutput:
        r"""
        `images` is `[batch, 1, 28, 28]` with pixels in $[0, 1]$; `labels` is `[batch]`.
        In training mode the decoder needs `labels`; in evaluation mode they are not used.
        """
        # Conv1 with ReLU: `[batch, 256, 20, 20]`
        features = F.relu(self.conv1(images))
        # $\mathbf{u}_i$: `[batch, 1152, 8]`
        u = self.primary_capsules(features)
        # $\mathbf{v}_j$ and $c_{ij}$ after routing
        v, c = self.digit_capsules(u)
        # The predicted class is the longest digit capsule
        lengths = capsule_lengths(v)
        predictions = lengths.argmax(dim=-1)
        reconstructions = None
        if self.decoder is not None:
            reconstructions = self.decoder(v, self._capsule_to_decode(labels, predictions))
        return CapsuleOutput(v, lengths, predictions, c, reconstructions)

    def _capsule_to_decode(self, labels: torch.Tensor | None,
                           predictions: torch.Tensor) -> torch.Tensor:
        r"""The true label while training, the prediction otherwise (Section 4.1)."""
        if not self.training:
            return predictions
        if labels is None:
            raise ValueError("training mode masks the decoder by the true label: pass labels")
        return labels


class CapsuleLoss(nn.Module):
    r"""
    ## Total loss

    The margin loss of Eq. (4) plus the scaled reconstruction loss of Section 4.1.
    Both are sums over their terms (classes, pixels) and means over the batch.
    """

    def __init__(self):
        super().__init__()
        self.margin = MarginLoss()
        self.reconstruction = ReconstructionLoss()

    def forward(self, output: CapsuleOutput, images: torch.Tensor,
                labels: torch.Tensor) -> torch.Tensor:
        r"""Returns a scalar: the loss averaged over the batch."""
        loss = self.margin(output.v, labels)
        if output.reconstructions is not None:
            loss = loss + self.reconstruction(output.reconstructions, images)
        return loss


def count_parameters(model: nn.Module) -> int:
    r"""The number of trainable numbers in `model`."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
