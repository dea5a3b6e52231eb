"""Generated model files for the demo, the tests and the benchmark (Aman's own).

Pickles are written by hand from opcodes, so no framework is needed and nothing is ever
unpickled: a torch-style zip (``archive/data.pkl`` plus raw tensor storage), a pickle with
an unreviewed import, a Keras archive with a Lambda layer and a clean safetensors file.
"""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

PROTO2 = b"\x80\x02"


def global_op(module: str, name: str) -> bytes:
    """The GLOBAL opcode importing ``module.name`` (protocol 0-2 form)."""
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def torch_like_pickle() -> bytes:
    """An OrderedDict holding one tensor rebuilt from storage '0' (imports only allowlisted)."""
    storage = (
        b"("
        + b"X\x07\x00\x00\x00storage"
        + global_op("torch", "FloatStorage")
        + b"X\x01\x00\x00\x000"
        + b"X\x03\x00\x00\x00cpu"
        + b"K\x04"
        + b"t"
        + b"Q"  # BINPERSID
    )
    tensor = (
        global_op("torch._utils", "_rebuild_tensor_v2")
        + b"("
        + storage
        + b"K\x00"
        + b"K\x02K\x02\x86"
        + b"K\x02K\x01\x86"
        + b"\x89"
        + global_op("collections", "OrderedDict")
        + b")R"
        + b"t"
        + b"R"
    )
    return (
        PROTO2
        + global_op("collections", "OrderedDict")
        + b")R"
        + b"X\x06\x00\x00\x00weight"
        + tensor
        + b"s"
        + b"."
    )


def review_pickle() -> bytes:
    """A pickle constructing an object of a module outside the allowlist."""
    return PROTO2 + global_op("sklearn.linear_model._logistic", "LogisticRegression") + b")R."


def write_torch_zip(path: Path, tensor_bytes: int = 16, *, chunks: int = 1) -> Path:
    """A PyTorch-style zip: pickle, version and ``chunks`` stored (uncompressed) tensors."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("archive/data.pkl", torch_like_pickle())
        archive.writestr("archive/version", b"3\n")
        block = b"\x00" * min(tensor_bytes, 1 << 24)
        for i in range(chunks):
            with archive.open(f"archive/data/{i}", "w", force_zip64=True) as member:
                left = tensor_bytes
                while left > 0:
                    member.write(block[: min(left, len(block))])
                    left -= len(block)
    return path


def write_safetensors(
    path: Path, tensors: dict[str, tuple[str, list[int]]], extra: bytes = b""
) -> Path:
    """A safetensors file of zero-filled tensors (``extra`` appended after the data)."""
    sizes = {"F32": 4, "F16": 2, "BF16": 2, "I64": 8, "U8": 1}
    header: dict[str, object] = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, (dtype, shape) in tensors.items():
        count = 1
        for dim in shape:
            count *= dim
        header[name] = {
            "dtype": dtype,
            "shape": shape,
            "data_offsets": [offset, offset + count * sizes[dtype]],
        }
        offset += count * sizes[dtype]
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + b"\x00" * offset + extra)
    return path


def write_keras(path: Path, *, lambda_layer: bool) -> Path:
    layers: list[dict[str, object]] = [
        {
            "module": "keras.layers",
            "class_name": "Dense",
            "config": {"name": "dense", "units": 2},
            "registered_name": None,
        }
    ]
    if lambda_layer:
        layers.append(
            {
                "module": "keras.layers",
                "class_name": "Lambda",
                "config": {
                    "name": "scale",
                    "function": {"class_name": "__lambda__", "config": {"code": "ZGVtbw=="}},
                },
                "registered_name": None,
            }
        )
    config = {
        "module": "keras",
        "class_name": "Sequential",
        "config": {"name": "m", "layers": layers},
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("metadata.json", json.dumps({"keras_version": "3.6.0"}))
    return path


def write_registry(directory: Path, *, hardened: bool) -> None:
    """A small demo model registry."""
    directory.mkdir(parents=True, exist_ok=True)
    write_safetensors(
        directory / "fraud-scorer.safetensors", {"w": ("F32", [4, 4]), "b": ("F32", [4])}
    )
    write_keras(directory / "risk-model.keras", lambda_layer=not hardened)
    if not hardened:
        write_torch_zip(directory / "legacy-embedding.pt", 64)
        (directory / "churn-model.pkl").write_bytes(review_pickle())
