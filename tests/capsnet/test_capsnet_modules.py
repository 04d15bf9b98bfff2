"""The capsule modules and the assembled model: shapes, formulas and parameter counts."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn as nn

from capsule_networks import (
    Decoder,
    DigitCapsules,
    MarginLoss,
    PrimaryCapsules,
    ReconstructionLoss,
    Router,
    Squash,
    capsule_lengths,
)
from capsule_networks.model import CapsuleLoss, CapsuleNetwork, count_parameters


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


def test_squash_matches_hand_computed_values():
    # |s| = 3 -> |v| = 9 / (1 + 9) = 0.9 along s / 3; |s| = 1 -> |v| = 1 / 2 along s
    s = torch.tensor([[1.8, 2.4], [0.6, -0.8]])
    v = Squash()(s)
    assert torch.allclose(v, torch.tensor([[0.54, 0.72], [0.3, -0.4]]), atol=1e-6)


def test_squash_maps_lengths_into_unit_interval_and_keeps_direction():
    s = torch.randn(64, 1152, 8) * torch.logspace(-3, 2, 64).view(64, 1, 1)
    v = Squash()(s)
    lengths = v.norm(dim=-1)
    assert lengths.min() >= 0 and lengths.max() < 1
    cosine = nn.functional.cosine_similarity(v, s, dim=-1)
    assert torch.allclose(cosine, torch.ones_like(cosine), atol=1e-5)
    # Longer inputs give longer outputs: the order of the lengths is kept
    order = s.norm(dim=-1).flatten().argsort()
    assert (lengths.flatten()[order].diff() >= -1e-6).all()  # float32 rounding near 1


def test_squash_of_zero_vector_has_finite_value_and_gradient():
    s = torch.zeros(3, 8, requires_grad=True)
    v = Squash()(s)
    v.sum().backward()
    assert torch.equal(v, torch.zeros_like(v))
    assert torch.isfinite(s.grad).all()


def test_capsule_length_of_zero_vector_has_finite_gradient():
    v = torch.zeros(2, 10, 16, requires_grad=True)
    capsule_lengths(v).sum().backward()
    assert torch.isfinite(v.grad).all()


def test_primary_capsule_is_eight_consecutive_channels_of_one_group_at_one_position():
    layer = PrimaryCapsules()
    layer.conv = nn.Identity()
    layer.squash = nn.Identity()
    features = torch.randn(2, 256, 6, 6)
    u = layer(features)
    assert u.shape == (2, 1152, 8)
    for group, row, col in [(0, 0, 0), (5, 2, 3), (31, 5, 5)]:
        capsule = group * 36 + row * 6 + col
        assert torch.equal(u[:, capsule], features[:, group * 8:(group + 1) * 8, row, col])


def test_model_output_shapes():
    model = CapsuleNetwork()
    images = torch.rand(3, 1, 28, 28)
    output = model(images, torch.tensor([1, 2, 3]))
    assert output.v.shape == (3, 10, 16)
    assert output.lengths.shape == (3, 10)
    assert output.predictions.shape == (3,)
    assert output.c.shape == (3, 1152, 10)
    assert output.reconstructions.shape == (3, 784)
    assert (output.reconstructions >= 0).all() and (output.reconstructions <= 1).all()


def test_predictions_match_w_ij_times_u_i():
    layer = DigitCapsules()
    u = torch.randn(4, 1152, 8)
    expected = torch.einsum("ijdk,bik->bjid", layer.weight, u)
    assert torch.allclose(layer.predictions(u), expected, atol=1e-5)


def test_coupling_coefficients_sum_to_one_over_output_capsules():
    u_hat = torch.randn(5, 10, 1152, 16) * 0.1
    _, c = Router(iterations=3)(u_hat)
    assert c.shape == (5, 1152, 10)
    assert torch.allclose(c.sum(dim=-1), torch.ones(5, 1152), atol=1e-5)
    # Over the inputs they do not sum to one: the softmax is not over that axis
    assert not torch.allclose(c.sum(dim=1), torch.ones(5, 10))


def test_routing_logits_start_at_zero_at_every_forward():
    # One input capsule, two outputs, 1-D predictions u_hat = (2, 0). Worked out by hand:
    # b = 0 -> c = (1/2, 1/2) -> s = (1, 0) -> v = (1/2, 0) -> b = (2 * 1/2, 0) = (1, 0)
    # -> c = softmax(1, 0) = (e / (e + 1), 1 / (e + 1)), the c of the second iteration.
    u_hat = torch.tensor([2.0, 0.0]).view(1, 2, 1, 1)  # [batch, n_out, n_in, dim]
    e = math.e
    expected = torch.tensor([e / (e + 1), 1 / (e + 1)]).view(1, 1, 2)
    router = Router(iterations=2)
    for _ in range(2):
        # Logits kept from the first call would start the second at b = (1, 0), not 0
        v, c = router(u_hat)
        assert torch.allclose(c, expected, atol=1e-6)
        assert v[0, 1].abs().max() == 0 and 0 < v[0, 0, 0] < 1


def test_routing_of_each_example_is_independent_of_the_batch():
    router = Router(iterations=3)
    u_hat = torch.randn(4, 10, 1152, 16) * 0.1
    v_batch, c_batch = router(u_hat)
    for k in range(4):
        v_one, c_one = router(u_hat[k:k + 1])
        assert torch.allclose(v_batch[k], v_one[0], atol=1e-6)
        assert torch.allclose(c_batch[k], c_one[0], atol=1e-6)
    v_again, _ = router(u_hat)
    assert torch.equal(v_again, v_batch)


def test_gradients_flow_through_the_routing_iterations():
    u_hat = (torch.randn(2, 10, 1152, 16) * 0.1).requires_grad_()
    _, c = Router(iterations=3)(u_hat)
    assert c.requires_grad
    c.sum(dim=1).pow(2).sum().backward()  # c: [batch, n_in, n_out]
    assert u_hat.grad.abs().sum() > 0


def _capsules_with_lengths(lengths: list[list[float]]) -> torch.Tensor:
    """Digit capsules pointing along the first axis with the given lengths."""
    v = torch.zeros(len(lengths), 10, 16)
    v[:, :, 0] = torch.tensor(lengths)
    return v


def test_margin_loss_equals_hand_value_with_both_hinges_squared():
    lengths = [[0.5, 0.6, 0.05, 0, 0, 0, 0, 0, 0, 0.3],
               [0.95, 0.1, 0, 0, 0, 0, 0, 0, 0, 0]]
    v = _capsules_with_lengths(lengths)
    labels = torch.tensor([0, 0])
    # Image 1: (0.9 - 0.5)^2 + 0.5 (0.6 - 0.1)^2 + 0.5 (0.3 - 0.1)^2; image 2: 0
    first = 0.4 ** 2 + 0.5 * 0.5 ** 2 + 0.5 * 0.2 ** 2
    expected = (first + 0.0) / 2
    assert MarginLoss()(v, labels).item() == pytest.approx(expected, abs=1e-6)


def test_reconstruction_loss_is_scaled_sum_over_pixels_mean_over_batch():
    images = torch.zeros(2, 1, 28, 28)
    reconstructions = torch.full((2, 784), 0.5)
    reconstructions[1] = 0.0
    expected = 0.0005 * (784 * 0.25 + 0.0) / 2
    assert ReconstructionLoss()(reconstructions, images).item() == pytest.approx(expected)


def test_decoder_sees_only_the_kept_capsule():
    decoder = Decoder()
    v = torch.randn(2, 10, 16)
    noisy = v.clone()
    noisy[:, 1:] = torch.randn(2, 9, 16)
    keep = torch.tensor([0, 0])
    assert torch.equal(decoder(v, keep), decoder(noisy, keep))


def test_decoder_is_masked_by_label_in_training_and_by_prediction_in_eval():
    model = CapsuleNetwork()
    images = torch.rand(4, 1, 28, 28)
    model.train()
    output = model(images, torch.tensor([0, 1, 2, 3]))
    labels = (output.predictions + 1) % 10
    output = model(images, labels)
    assert torch.allclose(output.reconstructions, model.decoder(output.v, labels))
    assert not torch.allclose(output.reconstructions,
                              model.decoder(output.v, output.predictions))
    model.eval()
    output = model(images, labels)
    assert torch.allclose(output.reconstructions, model.decoder(output.v, output.predictions))


def test_training_mode_without_labels_is_an_error():
    with pytest.raises(ValueError, match="labels"):
        CapsuleNetwork().train()(torch.rand(1, 1, 28, 28))


def test_model_without_reconstruction_has_no_decoder_loss():
    model = CapsuleNetwork(reconstruction=False)
    images, labels = torch.rand(2, 1, 28, 28), torch.tensor([3, 4])
    output = model(images, labels)
    assert output.reconstructions is None
    assert CapsuleLoss()(output, images, labels).item() == pytest.approx(
        MarginLoss()(output.v, labels).item())


def test_parameter_counts_match_the_paper():
    assert count_parameters(CapsuleNetwork()) == 8_215_568
    assert count_parameters(CapsuleNetwork(reconstruction=False)) == 6_804_224
    layer = DigitCapsules()
    assert tuple(layer.weight.shape) == (1152, 10, 16, 8)
    assert not any("bias" in name for name, _ in layer.named_parameters())


def test_no_nan_after_a_step_from_an_all_zero_image():
    model = CapsuleNetwork()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    images, labels = torch.zeros(2, 1, 28, 28), torch.tensor([0, 1])
    loss = CapsuleLoss()(model(images, labels), images, labels)
    loss.backward()
    optimizer.step()
    assert math.isfinite(loss.item())
    assert all(torch.isfinite(p).all() for p in model.parameters())


def test_figure_4_perturbs_each_of_16_dimensions_in_11_steps():
    from capsule_networks.figures import perturbed_dimensions, reconstruction_grid

    model = CapsuleNetwork().eval()
    image = torch.rand(1, 28, 28)
    steps = torch.linspace(-0.25, 0.25, 11).numpy()
    pictures = perturbed_dimensions(model, image, steps)
    assert pictures.shape == (16 * 11, 28, 28)
    # The middle step (0.0) of every row is the unchanged reconstruction
    plain = model(image.unsqueeze(0)).reconstructions.view(28, 28).detach().numpy()
    for dim in range(16):
        assert abs(pictures[dim * 11 + 5] - plain).max() < 1e-5
    assert abs(pictures[0] - pictures[10]).max() > 0
    grid = reconstruction_grid(model, torch.rand(3, 1, 28, 28))
    assert grid.shape == (2 * 28 + 2, 3 * 28 + 2 * 2)


def test_figure_4_of_a_model_without_decoder_says_what_it_needs():
    from capsule_networks.figures import perturbed_dimensions

    model = CapsuleNetwork(reconstruction=False).eval()
    with pytest.raises(ValueError, match="needs the decoder"):
        perturbed_dimensions(model, torch.rand(1, 28, 28), torch.linspace(-0.25, 0.25, 3).numpy())


def test_defaults_are_the_papers_settings():
    from capsule_networks.train import TrainConfig, parse_args

    # 3 routing iterations everywhere a run starts from
    assert TrainConfig().routing_iterations == parse_args([]).routing_iterations == 3
    assert CapsuleNetwork().digit_capsules.router.iterations == 3
    # Eq. (4): m+ = 0.9, m- = 0.1, lambda = 0.5; Section 4.1: the reconstruction scaled 0.0005
    margin = MarginLoss()
    assert (margin.m_positive, margin.m_negative, margin.lambda_) == (0.9, 0.1, 0.5)
    assert ReconstructionLoss().scale == 0.0005
    assert TrainConfig().reconstruction and TrainConfig().max_shift == 2


def test_training_loss_is_margin_plus_scaled_summed_error_of_the_labels_reconstruction():
    model = CapsuleNetwork().train()
    images, labels = torch.rand(3, 1, 28, 28), torch.tensor([1, 5, 9])
    output = model(images, labels)
    squared_errors = (model.decoder(output.v, labels) - images.flatten(1)).pow(2)
    expected = MarginLoss()(output.v, labels) + 0.0005 * squared_errors.sum(dim=1).mean()
    assert CapsuleLoss()(output, images, labels).item() == pytest.approx(expected.item(), rel=1e-6)
