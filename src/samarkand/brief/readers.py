"""Text for readers: what the brief and the dashboard say never names a build path, a repository or a file of the
project's build ("see shared/data/SOURCES.md", "owner/repo (commit 1a2b3c4)", "facts/cbam/README.md",
"was reachable").  The methods' provenance (JSON API, ``Result.provenance``) keeps the full trail; the page says
what kind of source it was (a third-party copy, a shipped fact table) and the original publisher it cites.

:func:`for_readers` rewrites the text of a rendered page outside its ``<script>`` elements (the charts' data).
"""
from __future__ import annotations

import re
from collections.abc import Callable

_SCRIPT = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>)", re.S | re.I)
_HEX = r"[0-9a-f]{6,40}"
_REPO = r"(?<![\w.])(?:github\.com/)?[A-Za-z0-9][\w.-]*/[A-Za-z][\w.-]*[A-Za-z0-9]"
_FILE = r"(?<![\w.])[\w.-]+(?:/[\w.-]+)*\.(?:csv|parquet|json|md|yaml|yml|zip|RData)\b"
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r",?\s*\(?see shared/data/SOURCES\.md(?:, ('|&#39;)[^'&]*('|&#39;))?\)?", re.I), ""),
    (re.compile(r"\bshared/data/[\w./-]+"), "the project's source notes"),
    (re.compile(r"\bwas reachable\b"), "was available"),
    (re.compile(r"\bwere reachable\b"), "were available"),
    (re.compile(r"Public GitHub research notes"), "public research notes"),
    (re.compile(r"\s*\(public repository notes\)"), ""),
    (re.compile(r"\bone repository note\b"), "one published note"),
    (re.compile(rf"{_REPO}\s+(?:{_FILE})(?:,\s*{_FILE})*(?:\s*\(commit {_HEX}\))?"), "a third-party copy"),
    (re.compile(rf"{_REPO}\s*\(commit {_HEX}\)(?:\s+{_FILE})?(?:,\s*[\w/]+/)?"), "a third-party copy"),
    (re.compile(rf"{_REPO}(?:\s+[\w.-]+)?,\s*commit {_HEX}"), "a third-party copy"),
    (re.compile(rf"\(github\.com/[\w./-]+,\s*commit {_HEX}\)"), ""),
    (re.compile(rf"\bvia [\w.-]+/[\w.-]+ commit {_HEX}"), "via a third-party copy"),
    (re.compile(rf"\b[\w-]+ commit {_HEX}"), "a third-party release"),
    (re.compile(rf"samarkand fact table {_FILE}"), "samarkand's shipped fact table"),
    (re.compile(rf"\(\s*{_FILE}(?:,\s*gap \d+)?\);?"), ""),
    (re.compile(_FILE), "a source file"),
    (re.compile(r"\s*\((?:[a-z0-9]+_){2,}[a-z0-9]+\)"), ""),          # an internal table name in brackets
)


def for_text(text: str) -> str:
    """One piece of text as a reader should see it (see the module docstring)."""
    for pattern, repl in _RULES:
        text = pattern.sub(repl, text)
    return text


_TAG = re.compile(r"(<[^>]*>)")


def for_readers(html: str, text_only: Callable[[str], str] | None = None) -> str:
    """A rendered page with :func:`for_text` applied outside its scripts and styles; ``text_only`` (e.g. the web's
    path scrubber) is applied to the text between tags only, so that it cannot take '</option>' for a path."""
    def clean(part: str) -> str:
        if text_only is not None:
            part = "".join(t if j % 2 else text_only(t) for j, t in enumerate(_TAG.split(part)))
        return for_text(part)

    parts = _SCRIPT.split(html)
    return "".join(p if i % 2 else clean(p) for i, p in enumerate(parts))


__all__ = ["for_readers", "for_text"]
