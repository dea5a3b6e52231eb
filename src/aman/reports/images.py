"""Chart specs to images on the server (vl-convert), for PDF and HTML reports.

SVG is the default: vector, small, selectable. WeasyPrint's SVG renderer however draws SVG
text one code point at a time, without the bidirectional algorithm, so Arabic labels come out
unjoined and reversed and combining marks float free. A chart whose text holds right-to-left
letters or combining marks is therefore rasterised by vl-convert instead (resvg shapes text
with HarfBuzz rules), at three times its size so it stays sharp in print. The spec is the same
either way; only the output format differs.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import orjson
import vl_convert

VL_VERSION = "5.20"  # the Vega-Lite the specs are written for (Altair 5), as vl-convert names it
PNG_SCALE = 3.0
_TEXT = re.compile(r"<text[^>]*>([^<]*)</text>")
_CACHE: OrderedDict[str, ChartImage] = OrderedDict()
_CACHE_SIZE = 256
_LOCK = threading.Lock()


@dataclass(frozen=True)
class ChartImage:
    media_type: str  # image/svg+xml or image/png
    data: bytes
    width: float  # CSS pixels
    height: float

    @property
    def data_uri(self) -> str:
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


def needs_shaping(text: str) -> bool:
    """True when `text` has right-to-left letters or combining marks."""
    for ch in text:
        if unicodedata.bidirectional(ch) in ("R", "AL", "AN") or unicodedata.combining(ch):
            return True
    return False


def _size(svg: str) -> tuple[float, float]:
    found = re.search(r'<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"', svg)
    if found is None:
        raise ValueError("vl-convert returned an SVG without a size")
    return float(found.group(1)), float(found.group(2))


def _render(spec: dict[str, Any], locale: str | None) -> ChartImage:
    options: dict[str, Any] = {"vl_version": VL_VERSION}
    if locale:
        options["format_locale"] = locale
    svg = vl_convert.vegalite_to_svg(spec, **options)
    width, height = _size(svg)
    texts = " ".join(_TEXT.findall(svg))
    if needs_shaping(texts):
        png = vl_convert.vegalite_to_png(spec, scale=PNG_SCALE, **options)
        return ChartImage("image/png", png, width, height)
    return ChartImage("image/svg+xml", svg.encode("utf-8"), width, height)


def chart_image(spec: dict[str, Any], number_locale: str | None = None) -> ChartImage:
    """The chart as an image (cached by content: reports redraw the same charts often).

    `number_locale` is a d3-format locale name such as "fr-FR" (decimal commas)."""
    key = hashlib.sha256(orjson.dumps(spec, option=orjson.OPT_SORT_KEYS)).hexdigest()
    key += f":{number_locale}"
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return cached
    image = _render(spec, number_locale)
    with _LOCK:
        _CACHE[key] = image
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return image
