"""Normalised search text for requirements in English, Arabic and French, and a small ranker.

Users search in their own language and rarely type diacritics, so text is folded the same way
on both sides: Unicode compatibility decomposition with combining marks removed (French
accents, Arabic harakat and hamza carriers), case-folded, tatweel dropped, Arabic letter
variants unified (alef forms, alef maqsura, taa marbuta), Arabic-Indic digits made ASCII. Tokens
get a light stem (Arabic article/conjunction prefixes and common suffixes; Latin plural -s/-x)
so that "الشبكات" finds "شبكة" and "clés" finds "clé". The DB layer stores `SearchDocument.text`
and may pre-filter with it; `rank` orders candidates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from aman.frameworks.schemas import Pack, Requirement

LANGUAGES: Final = ("en", "ar", "fr")
_TATWEEL: Final = "\u0640"
_CHAR_MAP: Final = str.maketrans(
    {
        "\u0649": "\u064a",  # alef maqsura -> yeh
        "\u0629": "\u0647",  # taa marbuta -> heh
        "\u06cc": "\u064a",  # Farsi yeh -> yeh
        "\u06a9": "\u0643",  # keheh -> kaf
        "\u0671": "\u0627",  # alef wasla -> alef
        "œ": "oe",
        "æ": "ae",
        "\u2019": " ",  # right single quotation mark (typographic apostrophe)
        "'": " ",
        "_": " ",
        **{chr(0x0660 + digit): str(digit) for digit in range(10)},
        **{chr(0x06F0 + digit): str(digit) for digit in range(10)},
    }
)
_WORD: Final = re.compile(r"\w+")
_ARABIC_LETTER: Final = re.compile(r"[\u0621-\u064a]")
_AR_PREFIXES: Final = ("وال", "بال", "كال", "فال", "لل", "ال")
_AR_SUFFIXES: Final = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")
_STOPWORD_LIST: Final = (
    # English
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of",
    "on", "or", "the", "to", "with",
    # French (elided articles are split off at the apostrophe)
    "au", "aux", "c", "ce", "d", "dans", "de", "des", "du", "en", "et", "j", "l", "la", "le",
    "les", "m", "n", "ou", "par", "pour", "qu", "s", "sur", "t", "un", "une",
    # Arabic
    "في", "من", "على", "إلى", "عن", "و", "أو", "أن", "إن", "مع", "هذا", "هذه", "التي", "الذي",
)  # fmt: skip


def normalise(text: str) -> str:
    """Fold text for matching: no accents/harakat/tatweel, case-folded, letter variants unified."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace(_TATWEEL, "").casefold().translate(_CHAR_MAP)


STOPWORDS: Final = frozenset(normalise(word) for word in _STOPWORD_LIST)


def stem(token: str) -> str:
    """A light, language-aware stem of one normalised token."""
    if _ARABIC_LETTER.match(token):
        for prefix in _AR_PREFIXES:
            if token.startswith(prefix) and len(token) - len(prefix) >= 2:
                token = token[len(prefix) :]
                break
        if token.startswith("\u0648") and len(token) >= 4:  # conjunction waw
            token = token[1:]
        for suffix in _AR_SUFFIXES:
            if token.endswith(suffix) and len(token) - len(suffix) >= 3:
                return token[: -len(suffix)]
        return token
    if len(token) > 3 and token[-1] in "sx" and not token.endswith("ss"):
        return token[:-1]
    return token


def tokens(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Normalised, stemmed tokens of `text`, in order."""
    words = _WORD.findall(normalise(text))
    return [stem(word) for word in words if keep_stopwords or word not in STOPWORDS]


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """Searchable form of one requirement in one language."""

    ref_id: str
    lang: str
    title_tokens: tuple[str, ...]
    body_tokens: tuple[str, ...]
    fallback: bool

    @property
    def text(self) -> str:
        """Space-separated tokens (title first), for storage and SQL pre-filtering."""
        return " ".join((*self.title_tokens, *self.body_tokens))


def _fields(requirement: Requirement, lang: str) -> tuple[str, str, bool]:
    if lang == "en":
        return requirement.title, requirement.description or "", False
    entry = requirement.translations.get(lang)
    title = entry.title if entry and entry.title else None
    body = entry.description if entry and entry.description else None
    fallback = title is None or (body is None and bool(requirement.description))
    return title or requirement.title, body or requirement.description or "", fallback


def search_document(requirement: Requirement, lang: str) -> SearchDocument:
    """Title + description in `lang` (English where no translation: `fallback`)."""
    title, body, fallback = _fields(requirement, lang)
    ref_tokens = tokens(requirement.ref_id, keep_stopwords=True)
    return SearchDocument(
        ref_id=requirement.ref_id,
        lang=lang,
        title_tokens=tuple([*ref_tokens, *tokens(title)]),
        body_tokens=tuple(tokens(body)),
        fallback=fallback,
    )


def search_documents(pack: Pack, languages: Sequence[str] = LANGUAGES) -> list[SearchDocument]:
    return [search_document(r, lang) for r in pack.requirements for lang in languages]


@dataclass(frozen=True, slots=True)
class SearchHit:
    ref_id: str
    lang: str
    score: float


_TITLE_WEIGHT: Final = 2.0
_BODY_WEIGHT: Final = 1.0
_PREFIX_FACTOR: Final = 0.6
_REF_BONUS: Final = 10.0


def _token_score(query_token: str, title: frozenset[str], body: frozenset[str]) -> float:
    best = 0.0
    for weight, words in ((_TITLE_WEIGHT, title), (_BODY_WEIGHT, body)):
        if query_token in words:
            best = max(best, weight)
        elif len(query_token) >= 3 and any(word.startswith(query_token) for word in words):
            best = max(best, weight * _PREFIX_FACTOR)
    return best


def score(query: str | Sequence[str], document: SearchDocument) -> float:
    """0 when some query word is missing; otherwise higher for title and exact matches."""
    wanted = tokens(query) if isinstance(query, str) else list(query)
    if not wanted:
        return 0.0
    title, body = frozenset(document.title_tokens), frozenset(document.body_tokens)
    total = 0.0
    for token in wanted:
        value = _token_score(token, title, body)
        if value == 0.0:
            return 0.0
        total += value
    if isinstance(query, str) and normalise(query.strip()) == normalise(document.ref_id):
        total += _REF_BONUS
    return total


def rank(
    query: str, documents: Iterable[SearchDocument], limit: int | None = 50
) -> list[SearchHit]:
    """Documents matching every query word, best first (ties by ref_id), one hit per ref_id."""
    best: dict[str, SearchHit] = {}
    for document in documents:
        value = score(query, document)
        if value <= 0:
            continue
        current = best.get(document.ref_id)
        if current is None or value > current.score:
            best[document.ref_id] = SearchHit(document.ref_id, document.lang, value)
    hits = sorted(best.values(), key=lambda hit: (-hit.score, hit.ref_id))
    return hits if limit is None else hits[:limit]
