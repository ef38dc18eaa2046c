"""Where models run: the device and precision choices, and their resolution to what this machine supports.

torch is imported inside the functions, so the CLI builds its options from these names without loading it.
"""

from __future__ import annotations

from .errors import ConfigError

DEVICES = ("auto", "cpu", "cuda")
DEVICE_HELP = "auto: cuda when a GPU is available, else cpu"
PRECISIONS = ("auto", "fp32", "bf16", "int8")
"""Model precisions: ``auto`` picks bf16 where the hardware runs it fast; int8 is CPU inference only."""
TRAIN_PRECISIONS = tuple(p for p in PRECISIONS if p != "int8")
TRAIN_PRECISION_HELP = "auto: bf16 autocast on GPUs and AMX CPUs, else fp32"
PRECISION_HELP = TRAIN_PRECISION_HELP + "; int8: dynamic quantization (CPU only)"


def resolve_device(device: str) -> str:
    """``auto`` -> ``cuda`` when available else ``cpu``; ``cuda`` without a GPU is a :class:`ConfigError`."""
    import torch

    if device not in DEVICES:
        raise ConfigError(f"device must be auto, cpu or cuda, not {device!r}")
    if device == "cuda" and not torch.cuda.is_available():
        raise ConfigError("device 'cuda' requested but no CUDA GPU is available")
    return "cuda" if device == "auto" and torch.cuda.is_available() else ("cpu" if device == "auto" else device)


def resolve_precision(precision: str, device: str) -> str:
    """``auto`` -> ``bf16`` on a bf16-capable GPU or a CPU with AMX tiles, else ``fp32``.

    On AMX CPUs bf16 autocast tags ~2x faster and trains ~1.5x faster than fp32 at the same F1 (bench_ner.py);
    without AMX, bf16 on CPU is emulated and slow, so ``auto`` keeps fp32 there.
    """
    import torch

    if precision not in PRECISIONS:
        raise ConfigError(f"precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
    if precision == "int8" and device != "cpu":
        raise ConfigError("int8 quantization is CPU only; use device='cpu'")
    if precision == "bf16" and device == "cuda" and not torch.cuda.is_bf16_supported():
        raise ConfigError("precision bf16 requested but this GPU does not support bfloat16")
    if precision != "auto":
        return precision
    if device == "cuda":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp32"
    amx = getattr(torch.cpu, "_is_amx_tile_supported", lambda: False)
    return "bf16" if amx() else "fp32"
