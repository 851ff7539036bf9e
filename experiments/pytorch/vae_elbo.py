"""Hands a project checkpoint to PyTorch: the seed's continuous MLP VAE written in PyTorch with the
project's parameter names, loaded from a project checkpoint (safetensors, read here without extra
packages), evaluated on images the project exported. Prints the mean negative ELBO per image with the
code at the posterior mean (z = mu, no sampling), which the project computes the same way
(test/pytorch.test.ts compares the two; docs/pytorch.md describes the format).

    python3 experiments/pytorch/vae_elbo.py CHECKPOINT.safetensors IMAGES.safetensors [--latent 3]

IMAGES.safetensors holds one tensor "x" (N, 3, 28, 28) in [0, 1].
"""
import argparse
import json
import struct

import torch
import torch.nn.functional as F

PIXELS = 3 * 28 * 28
HIDDEN = (512, 256)


def read_safetensors(path):
    """The F32 tensors and the metadata of a safetensors file (little-endian u64 header length, JSON header, data)."""
    with open(path, 'rb') as f:
        data = f.read()
    (header_length,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + header_length])
    metadata = header.pop('__metadata__', {})
    body = data[8 + header_length:]
    tensors = {}
    for name, entry in header.items():
        if entry['dtype'] != 'F32':
            raise ValueError(f'{path}: tensor {name} is {entry["dtype"]}, only F32 is read')
        begin, end = entry['data_offsets']
        tensors[name] = torch.frombuffer(bytearray(body[begin:end]), dtype=torch.float32).reshape(entry['shape'])
    return tensors, metadata


class ContinuousVae(torch.nn.Module):
    """The seed VAE: 2352-512-256-2L encoder (mu, logvar), L-256-512-2352 decoder of Bernoulli logits.
    Module names and order follow the project's (models/vae/networks.ts), so the state dict keys match."""

    def __init__(self, latent):
        super().__init__()
        h1, h2 = HIDDEN
        self.continuous_encoder = torch.nn.Sequential(
            torch.nn.Flatten(), torch.nn.Linear(PIXELS, h1), torch.nn.ReLU(), torch.nn.Linear(h1, h2), torch.nn.ReLU(), torch.nn.Linear(h2, 2 * latent))
        self.decoder = torch.nn.Sequential(
            torch.nn.Linear(latent, h2), torch.nn.ReLU(), torch.nn.Linear(h2, h1), torch.nn.ReLU(), torch.nn.Linear(h1, PIXELS), torch.nn.Unflatten(1, (3, 28, 28)))
        self.latent = latent

    def negative_elbo_at_mean(self, x):
        """Mean over the batch of BCE(decode(mu), x) summed over pixels plus KL(N(mu, var) || N(0, 1))."""
        h = self.continuous_encoder(x)
        mu, logvar = h[:, :self.latent], h[:, self.latent:]
        reconstruction = F.binary_cross_entropy_with_logits(self.decoder(mu), x, reduction='sum') / x.shape[0]
        kl = -0.5 * torch.sum(1 + logvar - mu * mu - logvar.exp()) / x.shape[0]
        return (reconstruction + kl).item()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('checkpoint')
    parser.add_argument('images')
    parser.add_argument('--latent', type=int, default=3)
    args = parser.parse_args()
    tensors, metadata = read_safetensors(args.checkpoint)
    if metadata.get('format') != 'engine-checkpoint-1':
        raise ValueError(f'{args.checkpoint}: format {metadata.get("format")!r}, expected a project checkpoint "engine-checkpoint-1"')
    model = ContinuousVae(args.latent)
    # the checkpoint also holds optimizer state under "<key>/<parameter>/<state>": not part of the model
    model.load_state_dict({name: t for name, t in tensors.items() if '/' not in name}, strict=True)
    x = read_safetensors(args.images)[0]['x']
    with torch.no_grad():
        print(json.dumps({'negative_elbo_at_mean': model.negative_elbo_at_mean(x), 'images': x.shape[0]}))


if __name__ == '__main__':
    main()
