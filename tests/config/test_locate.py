"""The line of a key path in a TOML file (tomllib gives none): headers counted per array of
tables, dotted and quoted keys, values over several lines, strings that look like TOML."""

from __future__ import annotations

import json
import tomllib

from hypothesis import given, settings
from hypothesis import strategies as st

from recall_tui.config.locate import Lines

TRICKY = "\n".join([
    'title = """',
    '[fake]',
    'capacity = 1',
    '"""  # a multi-line string that looks like TOML',
    "'lit' = 'C:\\path\\'",
    '"quoted.key" = 1',
    'a.b = 2',
    'list = [',
    '  "x]", # a bracket in a string',
    '  { k = "}" },',
    ']',
    '',
    '[[templates]]',
    'clinic = "A"',
    '',
    '[[templates]]',
    'clinic = "B"',
    'capcity = 3',
    '',
    '[[templates.slots]]',
    'at = "07:00"',
    '',
    '[templates.extra]',
    "note = '''",
    '[[templates]]',
    "'''",
    '',
    '[other . "sub table"]',
    'x = 1',
]) + "\n"


def test_tricky_toml():
    lines = Lines(TRICKY)
    assert lines.line_of(("title",)) == 1
    assert lines.line_of(("lit",)) == 5
    assert lines.line_of(("quoted.key",)) == 6
    assert lines.line_of(("a", "b")) == 7
    assert lines.line_of(("list", 1, "k")) == 8  # inside a value: the key's line
    assert lines.line_of(("templates", 0, "clinic")) == 14
    assert lines.line_of(("templates", 1, "capcity")) == 18
    assert lines.line_of(("templates", 1, "capacity")) == 16  # missing: its table's header
    assert lines.line_of(("templates", 1, "slots", 0, "at")) == 21
    assert lines.line_of(("templates", 1, "extra", "note")) == 24
    assert lines.line_of(("other", "sub table", "x")) == 29
    assert lines.line_of(("nowhere",)) is None
    assert len(tomllib.loads(TRICKY)["templates"]) == 2  # the string's [[templates]] is text


# -- any document -------------------------------------------------------------------------------

KEYS = st.sampled_from(["a", "b", "code", "days", "x-y", "k_2", "a.b", "two words", "ngày"])
SCALARS = st.one_of(
    st.integers(-10**6, 10**6), st.booleans(),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
    st.sampled_from(["[x]", "a = 1", "# no", "\"q\"", "[[t]]", "}{"]),
    st.lists(st.integers(0, 9), max_size=3))
MULTILINE = st.sampled_from(['"""\n[fake]\nk = 1\n"""', "'''\n[[t]]\n'''",
                             '[\n  1,\n  2, # ]\n]', '{ p = "]", q = [1, 2] }'])


def _key(k: str) -> str:
    return k if k.replace("-", "").replace("_", "").isascii() and \
        k.replace("-", "").replace("_", "").isalnum() else json.dumps(k, ensure_ascii=False)


@st.composite
def documents(draw, depth=0):
    keys = draw(st.lists(KEYS, unique=True, max_size=4))
    doc = {}
    for k in keys:
        kind = draw(st.integers(0, 3 if depth < 2 else 1))
        if kind == 0:
            doc[k] = ("scalar", draw(SCALARS))
        elif kind == 1:
            doc[k] = ("raw", draw(MULTILINE))
        elif kind == 2:
            doc[k] = ("table", draw(documents(depth + 1)))
        else:
            doc[k] = ("array", draw(st.lists(documents(depth + 1), min_size=1, max_size=3)))
    return doc


def _write(doc, path, header, out, where):
    """TOML for ``doc`` at ``path``; ``where``: each written key's path -> its line."""
    if header:
        out.append(header)
    for k, (kind, v) in doc.items():
        if kind in ("scalar", "raw"):
            where[path + (k,)] = len(out) + 1
            text = v if kind == "raw" else json.dumps(v, ensure_ascii=False)
            out.extend(f"{_key(k)} = {text}".split("\n"))
    for k, (kind, v) in doc.items():
        dotted = ".".join(_key(p) for p in path if isinstance(p, str))
        name = f"{dotted}.{_key(k)}" if dotted else _key(k)
        if kind == "table":
            _write(v, path + (k,), f"[{name}]", out, where)
        elif kind == "array":
            for i, item in enumerate(v):
                _write(item, path + (k, i), f"[[{name}]]", out, where)


@settings(max_examples=150, deadline=None)
@given(documents())
def test_every_written_key_is_found_on_its_line(doc):
    out, where = [], {}
    _write(doc, (), None, out, where)
    text = "\n".join(out) + "\n"
    data = tomllib.loads(text)  # the writer writes TOML
    assert isinstance(data, dict)
    lines = Lines(text)
    for path, line in where.items():
        assert lines.line_of(path) == line, (path, text)
