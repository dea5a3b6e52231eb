"""Input limits for hostile files: every reader and extractor is bounded by these numbers.

A configuration bundle, a manifest tree or a model archive comes from someone else's system,
so sizes, counts and compression ratios are capped before anything is read into memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aman.frameworks.yaml_safe import YamlLimits

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps applied while walking, extracting and parsing.

    - ``max_text_bytes``: one configuration, manifest or JSON file read into memory;
    - ``max_model_bytes``: one model file (streamed, never held in memory);
    - ``max_files``: files examined in one run;
    - ``max_entries``: members of one archive;
    - ``max_ratio``: uncompressed/compressed size of an archive member (above 1 MiB);
    - ``max_expanded_bytes``: bytes an upload bundle may expand to, in all;
    - ``max_pickle_bytes``: bytes of one pickle stream the scanner parses (its opcodes
      are held in memory while globals are collected);
    - ``max_header_bytes``: a safetensors header or a Keras ``config.json``.
    """

    max_text_bytes: int = 16 * MIB
    max_model_bytes: int = 256 * GIB
    max_files: int = 50_000
    max_entries: int = 100_000
    max_ratio: float = 200.0
    max_expanded_bytes: int = 4 * GIB
    max_pickle_bytes: int = 256 * MIB
    max_header_bytes: int = 100 * MIB
    yaml: YamlLimits = field(default_factory=YamlLimits)

    def __post_init__(self) -> None:
        numbers = (
            self.max_text_bytes,
            self.max_model_bytes,
            self.max_files,
            self.max_entries,
            self.max_expanded_bytes,
            self.max_pickle_bytes,
            self.max_header_bytes,
        )
        if min(numbers) < 1 or self.max_ratio < 1:
            raise ValueError("limits must be positive (ratio >= 1)")


RATIO_FLOOR = 1 * MIB  # members smaller than this are never a bomb, whatever their ratio


def ratio_exceeded(uncompressed: int, compressed: int, limits: Limits) -> bool:
    """True when a member expands beyond the allowed ratio (small members excepted)."""
    if uncompressed < RATIO_FLOOR:
        return False
    return uncompressed > limits.max_ratio * max(compressed, 1)
