"""Hypothesis strategies for YAML values and hand-written YAML with known data (``from yaml_values import ...``).

YAML: the scenario loader must accept everything a user can write in safe YAML, so the strategies reach the
hard cases and not only nested mappings of numbers: lists (also of mappings and of lists), nulls in their
three spellings, booleans, anchors and aliases, and merge keys (``<<: *a`` and ``<<: [*a, *b]``).

- :data:`yaml_values` / :data:`yaml_documents`: Python values as ``yaml.safe_load`` returns them; dump them
  with ``yaml.safe_dump`` (a value used twice in one document is dumped once with an anchor and an alias).
- :func:`yaml_texts`: YAML text written by hand with anchors, aliases, merge keys and null spellings, together
  with the data a correct loader returns and the line of every key written outside the anchored mapping.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from hypothesis import strategies as st

#: Scalars a safe YAML load produces. Text excludes control, surrogate and line/paragraph-separator
#: characters: PyYAML does not round-trip some of them (U+0085), and one-line flow rendering needs none.
yaml_text = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=12)
yaml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10**9, 10**9),
    st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=False),
    yaml_text,
)
#: Mapping keys anywhere in a document (any text: ``safe_dump`` quotes what would resolve to another type).
yaml_keys = yaml_text
#: Nested values: scalars, lists and mappings, at most 20 leaves.
yaml_values = st.recursive(
    yaml_scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(yaml_keys, children, max_size=4)),
    max_leaves=20,
)
#: A document: a mapping at the top (a scenario file must be one).
yaml_documents = st.dictionaries(yaml_keys, yaml_values, max_size=5)

#: Keys that can be written plain in hand-made YAML (never a bool, null, number or merge key).
plain_keys = st.from_regex(r"k_[a-z0-9_]{0,6}", fullmatch=True)


def flow(value) -> str:
    """``value`` as one line of flow-style YAML."""
    return yaml.safe_dump(value, default_flow_style=True, width=float("inf")).rstrip("\n").removesuffix("\n...")


@dataclass(frozen=True)
class YamlText:
    """A hand-written YAML document and what a correct loader returns for it.

    Attributes
    ----------
    text : the document.
    data : ``yaml.safe_load(text)`` by the YAML spec (merge keys: explicit keys win over merged ones).
    key_lines : ``key path -> line`` (1-based) of every key written in the document outside the anchored
        mappings (the keys a merge brings in are written at the anchor).
    """

    text: str
    data: dict
    key_lines: dict[tuple, int]


@st.composite
def yaml_texts(draw) -> YamlText:
    """A document with two anchored mappings, a mapping that merges one, a mapping that merges both (``<<: [*a,
    *b]``), a list item that merges one, a plain alias, and nulls written as ``~``, ``null`` or nothing."""
    first = draw(st.dictionaries(plain_keys, yaml_values, max_size=4))
    # The two anchored mappings share no key: for ``<<: [*a, *b]`` the YAML merge spec lets the earlier mapping
    # win a shared key, but PyYAML 6.0.4 (and so every loader built on it) lets the later one win for keys longer
    # than one character (it de-duplicates merged keys by string identity). Disjoint keys keep the strategy
    # about what the loader controls.
    second = draw(st.dictionaries(plain_keys.filter(lambda key: key not in first), yaml_values, max_size=4))
    overrides = draw(st.dictionaries(plain_keys, yaml_values, max_size=3))
    item_overrides = draw(st.dictionaries(plain_keys, yaml_scalars, max_size=2))
    null_spelling = draw(st.sampled_from(["", " ~", " null"]))
    lines = [f"first: &a {flow(first)}", f"second: &b {flow(second)}", "merged_one:", "  <<: *a"]
    key_lines: dict[tuple, int] = {("first",): 1, ("second",): 2, ("merged_one",): 3}
    for key, value in overrides.items():
        lines.append(f"  {key}: {flow(value)}")
        key_lines[("merged_one", key)] = len(lines)
    lines += ["merged_both:", "  <<: [*a, *b]"]
    key_lines[("merged_both",)] = len(lines) - 1
    lines += ["items:", "  - <<: *b"]
    key_lines[("items",)] = len(lines) - 1
    for key, value in item_overrides.items():
        lines.append(f"    {key}: {flow(value)}")
        key_lines[("items", 0, key)] = len(lines)
    lines.append("  - *a")
    lines.append(f"nothing:{null_spelling}")
    key_lines[("nothing",)] = len(lines)
    lines.append("again: *b")
    key_lines[("again",)] = len(lines)
    data = {
        "first": first,
        "second": second,
        "merged_one": {**first, **overrides},
        "merged_both": {**second, **first},
        "items": [{**second, **item_overrides}, first],
        "nothing": None,
        "again": second,
    }
    return YamlText("\n".join(lines) + "\n", data, key_lines)
