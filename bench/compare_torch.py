# PyTorch's side of bench:compare: the workloads of bench/compare-engine.ts (see there) on the CPU, with
# torch.set_num_threads(--threads). Prints one JSON line {framework, workload, samples}.
#   python3 bench/compare_torch.py --workload vae-step --threads 1 [--warmup 2] [--runs 5]
# Layouts are PyTorch's own (NCHW, as the engine's).
import argparse
import json
import time

import torch
import torch.nn.functional as F

BATCH = 128
ELEMENTWISE_SHAPE = (128, 64, 28, 28)


def vae_step():
    """The seed's continuous MLP VAE: 2352-512-256-6 encoder, 3-256-512-2352 decoder, one Adam step."""
    encoder = torch.nn.Sequential(torch.nn.Linear(2352, 512), torch.nn.ReLU(), torch.nn.Linear(512, 256), torch.nn.ReLU(), torch.nn.Linear(256, 6))
    decoder = torch.nn.Sequential(torch.nn.Linear(3, 256), torch.nn.ReLU(), torch.nn.Linear(256, 512), torch.nn.ReLU(), torch.nn.Linear(512, 2352))
    optimizer = torch.optim.Adam([*encoder.parameters(), *decoder.parameters()], lr=1e-3)
    x = torch.rand(BATCH, 2352)

    def run():
        optimizer.zero_grad()
        h = encoder(x)
        mu, logvar = h[:, :3], h[:, 3:]
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        logits = decoder(z)
        reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction='sum')
        kl = -0.5 * torch.sum(1 + logvar - mu * mu - logvar.exp())
        loss = (reconstruction + kl) / BATCH
        loss.backward()
        optimizer.step()
        loss.item()

    return run


def conv_forward():
    x, w, b = torch.randn(BATCH, 32, 28, 28), torch.randn(64, 32, 3, 3), torch.randn(64)

    def run():
        with torch.no_grad():
            F.conv2d(x, w, b, padding=1)

    return run


def conv_backward():
    x = torch.randn(BATCH, 32, 28, 28, requires_grad=True)
    w = torch.randn(64, 32, 3, 3, requires_grad=True)
    b = torch.randn(64, requires_grad=True)
    dy = torch.randn(BATCH, 64, 28, 28)

    def run():
        y = F.conv2d(x, w, b, padding=1)
        torch.autograd.grad(y, [x, w, b], dy)

    return run


def elementwise(f):
    def setup():
        x, y = torch.randn(*ELEMENTWISE_SHAPE), torch.randn(*ELEMENTWISE_SHAPE)
        c = torch.randn(*ELEMENTWISE_SHAPE) > 0
        return lambda: f(x, y, c)

    return setup


def matmul_1024():
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    return lambda: a @ b


WORKLOADS = {
    'vae-step': vae_step,
    'conv-forward': conv_forward,
    'conv-backward': conv_backward,
    'mul': elementwise(lambda x, y, c: x * y),
    'gt-scalar': elementwise(lambda x, y, c: x > 0),
    'add-scalar': elementwise(lambda x, y, c: x + 1),
    'where': elementwise(lambda x, y, c: torch.where(c, x, y)),
    'matmul-1024': matmul_1024,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--workload', required=True, choices=sorted(WORKLOADS))
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--runs', type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    run = WORKLOADS[args.workload]()
    for _ in range(args.warmup):
        run()
    samples = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        run()
        samples.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({'framework': f'pytorch-{args.threads}t', 'workload': args.workload, 'samples': samples}))


if __name__ == '__main__':
    main()
