"""The documentation site is generated from the code: every public name must carry a docstring that says what it
computes, and every page the navigation names must exist (``mkdocs build --strict`` in CI checks the links)."""
from __future__ import annotations

import inspect
from pathlib import Path

import yaml

import samarkand

ROOT = Path(__file__).resolve().parents[1]


def _nav_files(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [f for x in node for f in _nav_files(x)]
    if isinstance(node, dict):
        return [f for v in node.values() for f in _nav_files(v)]
    return []


def test_every_public_name_has_a_docstring():
    missing = []
    for name in samarkand.__all__:
        if name.startswith("__"):
            continue
        obj = getattr(samarkand, name)
        doc = inspect.getdoc(obj) or ""
        if len(doc) < 30:
            missing.append(name)
    assert not missing, f"public names without a real docstring: {missing}"


def test_dir_lists_the_public_api():
    listed = dir(samarkand)
    assert "dependencies" in listed and "stress" in listed
    assert set(samarkand.__all__) <= set(listed)


def test_navigation_names_only_existing_pages():
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: None)
    cfg = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    generated = {"reference/cli.md", "reference/api.md", "reference/python.md"}
    for page in _nav_files(cfg["nav"]):
        if page in generated:
            continue
        if page.startswith("examples/"):
            assert (ROOT / page).exists(), page
        else:
            assert (ROOT / "docs" / page).exists(), page
