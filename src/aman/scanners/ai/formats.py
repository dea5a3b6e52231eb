"""Which kind of model file this is, from its name and first bytes (never by loading it)."""

from __future__ import annotations

from pathlib import PurePosixPath

PICKLE_EXT = frozenset({".pkl", ".pickle", ".dill"})
JOBLIB_EXT = frozenset({".joblib"})
TORCH_EXT = frozenset({".pt", ".pth", ".ckpt", ".bin"})
NUMPY_EXT = frozenset({".npy"})
NPZ_EXT = frozenset({".npz"})
ZIP_EXT = frozenset({".zip"})
KERAS_EXT = frozenset({".keras"})
H5_EXT = frozenset({".h5", ".hdf5"})
SAFETENSORS_EXT = frozenset({".safetensors"})
ONNX_EXT = frozenset({".onnx"})
GGUF_EXT = frozenset({".gguf"})
MODEL_EXT = (
    PICKLE_EXT | JOBLIB_EXT | TORCH_EXT | NUMPY_EXT | NPZ_EXT | ZIP_EXT | KERAS_EXT | H5_EXT
) | (SAFETENSORS_EXT | ONNX_EXT | GGUF_EXT)

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
H5_MAGIC = b"\x89HDF\r\n\x1a\n"
NUMPY_MAGIC = b"\x93NUMPY"
PICKLE_PROTOS = tuple(bytes([0x80, v]) for v in range(2, 6))


def suffix(name: str) -> str:
    return PurePosixPath(name.lower()).suffix


def accepts(rel: str) -> bool:
    return suffix(rel) in MODEL_EXT


def looks_like_pickle(head: bytes) -> bool:
    """Protocol 2+ pickles start with PROTO; older ones with an opcode like '(' or 'c'."""
    return head.startswith(PICKLE_PROTOS) or head[:1] in (b"(", b"c", b"}", b"]", b"\x80")


def classify(name: str, head: bytes) -> str:
    """A format name: torch-zip, torch-legacy, pickle, joblib, numpy, npz, zip, keras, h5,
    safetensors, onnx, gguf, or unknown."""
    ext = suffix(name)
    if head.startswith(ZIP_MAGIC):
        if ext in KERAS_EXT:
            return "keras"
        if ext in NPZ_EXT:
            return "npz"
        return "torch-zip" if ext in TORCH_EXT else "zip"
    if ext in SAFETENSORS_EXT:
        return "safetensors"
    if head.startswith(H5_MAGIC) or ext in H5_EXT:
        return "h5"
    if head.startswith(NUMPY_MAGIC):
        return "numpy"
    if head.startswith(b"GGUF") or ext in GGUF_EXT:
        return "gguf"
    if ext in ONNX_EXT:
        return "onnx"
    if ext in TORCH_EXT:
        return "torch-legacy" if looks_like_pickle(head) else "unknown"
    if ext in JOBLIB_EXT:
        return "joblib"
    if ext in PICKLE_EXT or (looks_like_pickle(head[:2]) and ext not in MODEL_EXT):
        return "pickle"
    return "unknown"
