"""Safe YAML loading of scenario files with line tracking and ``extends``.

Everything here turns bad input into a :class:`ScenarioError` -- one line
naming the file, key path, line and what was expected -- so the CLI can print
it and exit 2 instead of showing a traceback.

Only :class:`yaml.SafeLoader` is used: tags such as
``!!python/object/apply:os.system`` are rejected, never executed.

Only regular files are read (a FIFO or a device named by ``extends`` is refused
without opening it for a blocking read), at most ``Limits.yaml_file_bytes`` of
them; ``extends`` must name a ``.yaml``/``.yml`` file, and the content of a file
reached through ``extends`` is never quoted in a message unless it is a
scenario mapping.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cnyx_sim.io.files import read_regular_file
from cnyx_sim.limits import DEFAULT_LIMITS, LIFT_HINT, Limits
from cnyx_sim.scenario.errors import KeyPath, ScenarioError, _is_index

__all__ = [
    "EXTENDS_KEY",
    "ResolvedScenarioDoc",
    "ScenarioLoader",
    "load_yaml_file",
    "locate",
    "resolve_extends",
    "scenario_error_at",
    "scenario_error_from_pydantic",
]

#: Top-level key naming the parent scenario file.
EXTENDS_KEY = "extends"
#: File name endings ``extends`` accepts.
SCENARIO_SUFFIXES = (".yaml", ".yml")

_MERGE_TAG = "tag:yaml.org,2002:merge"
_YAML_TAG_PREFIX = "tag:yaml.org,2002:"
_TOP_LEVEL_EXPECTED = "expected a mapping at the top level"
# Inputs whose repr is longer than this are not echoed in messages.
_MAX_ECHO_LEN = 40
# Errors looked at to pick the one reported (a union's members come first; a huge mapping gives thousands).
_MAX_ERRORS_SCANNED = 50
# pydantic error type of the typed fields' own problems (``scenario.types.located_error``).
_TYPED_FIELD_ERROR = "cnyx_sim"


def _node_line(node: Node) -> int:
    """1-based line where `node` starts."""
    return node.start_mark.line + 1


def _show_tag(tag: str) -> str:
    """Shorten ``tag:yaml.org,2002:x`` to the ``!!x`` form users write."""
    return "!!" + tag[len(_YAML_TAG_PREFIX):] if tag.startswith(_YAML_TAG_PREFIX) else tag


#: libyaml's parser when pyyaml was built with it (about 10 times faster on large files), else pyyaml's
#: own; both compose the same nodes, and the constructor and resolver are the safe ones either way.
_SafeBase = getattr(yaml, "CSafeLoader", None) if getattr(yaml, "__with_libyaml__", False) else None
_SafeBase = _SafeBase or yaml.SafeLoader


class ScenarioLoader(_SafeBase):
    """SafeLoader that rejects duplicate keys and records key line numbers.

    After :meth:`get_single_data`, :attr:`key_lines` maps the key path of
    every mapping key and sequence item to its 1-based line. Aliased content
    is recorded under every path it appears at (with the anchor's lines).

    Parameters
    ----------
    stream
        YAML text (or a file object).
    file
        File name used in error messages.

    Raises
    ------
    ScenarioError
        From :meth:`get_single_data`, for duplicate keys, non-scalar keys,
        recursive aliases, unsupported tags and uninterpretable values.
        Syntax errors still surface as :class:`yaml.YAMLError`.
    """

    #: Default upper bound on nodes visited while expanding aliases; stops
    #: "billion laughs" documents from exhausting memory (``Limits.yaml_nodes``).
    MAX_EXPANDED_NODES = DEFAULT_LIMITS.yaml_nodes

    def __init__(self, stream: Any, file: str = "<string>", max_nodes: int | None = None) -> None:
        super().__init__(stream)
        self.file = file
        self.max_nodes = self.MAX_EXPANDED_NODES if max_nodes is None else max_nodes
        self.key_lines: dict[KeyPath, int] = {}
        self.root_line: int | None = None
        # id(node) -> (first key path it appears at, mapping-key positions);
        # lets construction errors, which only know the node, name a path.
        self._node_paths: dict[int, tuple[KeyPath, frozenset[int]]] = {}
        self._current_node: Node | None = None
        self._expanded_nodes = 0

    # -- pyyaml hooks ---------------------------------------------------------

    def get_single_data(self) -> Any:
        """Compose, index and construct the single document in the stream."""
        node = self.get_single_node()
        if node is None:
            return None
        self.root_line = _node_line(node)
        try:
            self._index(node, (), frozenset(), set())
            return self.construct_document(node)
        except ScenarioError:
            raise
        except (yaml.YAMLError, ValueError, TypeError, ArithmeticError, AttributeError) as exc:
            # Safe constructors can raise plain ValueError etc., e.g. for an
            # impossible date such as 2024-13-45; give them a location.
            raise self._construction_error(exc) from None

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        # Remember the node being built: when a constructor fails, the last
        # node entered is the one that failed.
        self._current_node = node
        return super().construct_object(node, deep=deep)

    # -- indexing ---------------------------------------------------------------

    def _count_node(self, node: Node, path: KeyPath, positions: frozenset[int]) -> None:
        self._expanded_nodes += 1
        if self.max_nodes is not None and self._expanded_nodes > self.max_nodes:
            raise ScenarioError(
                self.file, path, _node_line(node),
                f"document too large after expanding aliases "
                f"(more than {self.max_nodes} entries; {LIFT_HINT})",
                mapping_key_positions=positions,
            )

    def _index(
        self, node: Node, path: KeyPath, positions: frozenset[int], active: set[int]
    ) -> None:
        """Record lines/paths below `node`; `active` holds ids on the stack."""
        self._count_node(node, path, positions)
        if id(node) in active:
            raise ScenarioError(
                self.file, path, _node_line(node),
                "an alias refers to the mapping or list that contains it "
                "(recursive data is not supported)",
                mapping_key_positions=positions,
            )
        self._node_paths.setdefault(id(node), (path, positions))
        if isinstance(node, MappingNode):
            active.add(id(node))
            for key, key_node, value_node in self._effective_pairs(node, path, positions, active):
                child_path = path + (key,)
                child_positions = positions | {len(path)} if _is_index(key) else positions
                self.key_lines[child_path] = _node_line(key_node)
                self._node_paths.setdefault(id(key_node), (child_path, child_positions))
                self._index(value_node, child_path, child_positions, active)
            active.discard(id(node))
        elif isinstance(node, SequenceNode):
            active.add(id(node))
            for index, item in enumerate(node.value):
                child_path = path + (index,)
                self.key_lines[child_path] = _node_line(item)
                self._index(item, child_path, positions, active)
            active.discard(id(node))

    def _effective_pairs(
        self,
        node: MappingNode,
        path: KeyPath,
        positions: frozenset[int],
        active: set[int],
    ) -> list[tuple[Any, Node, Node]]:
        """``(key, key_node, value_node)`` as the mapping will construct.

        Explicit keys come first and must be unique; keys pulled in by a
        ``<<: *anchor`` merge are added only if not explicit, the first merge
        source winning -- the same precedence as pyyaml's ``flatten_mapping``.
        """
        # key -> (key as first written, its line); the two can differ when
        # YAML values compare equal, e.g. 1 and true.
        first_seen: dict[Any, tuple[Any, int]] = {}
        pairs: list[tuple[Any, Node, Node]] = []
        merge_value: Node | None = None
        for key_node, value_node in node.value:
            line = _node_line(key_node)
            if key_node.tag == _MERGE_TAG:
                key: Any = "<<"
            elif isinstance(key_node, ScalarNode):
                key = self.construct_object(key_node, deep=True)
            else:
                raise ScenarioError(
                    self.file, path, line,
                    "mapping keys must be plain names or numbers, not lists or mappings",
                    mapping_key_positions=positions,
                )
            # One year written as 2022 and "2022" (or 2022.0) is the same key: the schema
            # would otherwise keep whichever came last, silently.
            key_id = _normalised_key(key)
            if key_id in first_seen:
                first_key, first_line = first_seen[key_id]
                same_as = "" if repr(first_key) == repr(key) else f" (the same as {first_key!r})"
                key_positions = positions | {len(path)} if _is_index(key) else positions
                raise ScenarioError(
                    self.file, path + (key,), line,
                    f"duplicate key '{key}'{same_as} (first at line {first_line})",
                    mapping_key_positions=key_positions,
                )
            first_seen[key_id] = (key, line)
            if key_node.tag == _MERGE_TAG:
                merge_value = value_node
            else:
                pairs.append((key, key_node, value_node))
        if merge_value is None:
            return pairs

        sources = merge_value.value if isinstance(merge_value, SequenceNode) else [merge_value]
        seen = {key for key, _, _ in pairs}
        # Guard against "<<" chains that lead back here. _index may already
        # have marked this node; only unmark it below if we marked it.
        newly_active = id(node) not in active
        active.add(id(node))
        for source in sources:
            if not isinstance(source, MappingNode):
                raise ScenarioError(
                    self.file, path + ("<<",), _node_line(source),
                    "a '<<' merge key needs a mapping or a list of mappings",
                    mapping_key_positions=positions,
                )
            if id(source) in active:
                raise ScenarioError(
                    self.file, path + ("<<",), _node_line(source),
                    "a '<<' merge refers to the mapping that contains it",
                    mapping_key_positions=positions,
                )
            for key, key_node, value_node in self._effective_pairs(source, path, positions, active):
                self._count_node(key_node, path, positions)
                if key not in seen:
                    seen.add(key)
                    pairs.append((key, key_node, value_node))
        if newly_active:
            active.discard(id(node))
        return pairs

    def _construction_error(self, exc: Exception) -> ScenarioError:
        """Turn a constructor failure into a located ScenarioError."""
        node = self._current_node
        path, positions = ((), frozenset())
        line: int | None = None
        if node is not None:
            path, positions = self._node_paths.get(id(node), (path, positions))
            line = _node_line(node)
        if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
            line = exc.problem_mark.line + 1
        problem = getattr(exc, "problem", None) or str(exc)
        if node is not None and problem.startswith("could not determine a constructor"):
            expected = (
                f"unsupported YAML tag {_show_tag(node.tag)} "
                "(only plain YAML data is allowed)"
            )
        elif node is not None and isinstance(node, ScalarNode):
            expected = f"cannot interpret value {node.value!r} as {_show_tag(node.tag)}: {problem}"
        else:
            expected = f"invalid YAML value: {problem}"
        return ScenarioError(self.file, path, line, expected, mapping_key_positions=positions)


_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")


def _normalised_key(key: Any) -> Any:
    """The identity of a mapping key for duplicate detection: integer text and integral floats are the
    integer they spell (year keys); everything else is itself."""
    if isinstance(key, str) and _INTEGER_TEXT.fullmatch(key):
        return int(key)
    if isinstance(key, float) and key.is_integer():
        return int(key)
    return key


# -- single files ---------------------------------------------------------------


def _describe_yaml_error(exc: yaml.YAMLError, text: str) -> tuple[int | None, str]:
    """(line, one-line message) for a pyyaml syntax/reader error."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        message = exc.problem or exc.context or "malformed document"
        if exc.problem and exc.context:
            context_line = exc.context_mark.line + 1 if exc.context_mark is not None else None
            where = f" at line {context_line}" if context_line and context_line != line else ""
            if exc.problem.startswith("but found"):
                # pyyaml split one sentence: "expected X" / "but found Y".
                message = f"{exc.context}{where} {exc.problem}"
            else:
                message = f"{exc.problem} ({exc.context}{where})"
        return line, f"invalid YAML: {message}"
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else None
        # pyyaml stores the offending character as its code point.
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return line, f"invalid YAML: special character #x{code:04x} is not allowed"
    return None, f"invalid YAML: {exc}"


def load_yaml_file(
    path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS, echo: bool = True
) -> tuple[dict[Any, Any], dict[KeyPath, int]]:
    """Safely load one YAML scenario file.

    Parameters
    ----------
    path
        The file to read (UTF-8; a regular file of at most ``limits.yaml_file_bytes``).
    limits
        Resource limits (file size, entries after expanding aliases).
    echo
        Whether a message may quote the file's content when it is not a
        mapping (False for files reached through ``extends``).

    Returns
    -------
    data : dict
        The top-level mapping.
    key_lines : dict
        1-based line for the key path of every mapping key and list item.

    Raises
    ------
    ScenarioError
        If the file cannot be read, is not valid YAML, has duplicate keys or
        unsupported tags, or its top level is not a mapping.
    """
    file = os.fspath(path)
    try:
        raw = read_regular_file(file, limits.yaml_file_bytes, "scenario file")
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise ScenarioError(file, (), None, f"cannot read file: {reason}") from None
    try:
        # utf-8-sig: tolerate a BOM, which some Windows editors add.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            file, (), raw.count(b"\n", 0, exc.start) + 1,
            "cannot read file: not valid UTF-8 text (save it as UTF-8)",
        ) from None

    loader: ScenarioLoader | None = None
    try:
        # The reader checks for forbidden characters already while being
        # constructed, so construction belongs inside the try.
        loader = ScenarioLoader(text, file=file, max_nodes=limits.yaml_nodes)
        data = loader.get_single_data()
        root_line = loader.root_line
    except ScenarioError:
        raise
    except yaml.YAMLError as exc:
        line, message = _describe_yaml_error(exc, text)
        if not echo:
            message = "invalid YAML (this file is not a scenario file)"
        raise ScenarioError(file, (), line, message) from None
    except RecursionError:
        raise ScenarioError(file, (), None, "invalid YAML: nesting is too deep") from None
    finally:
        if loader is not None:
            loader.dispose()

    if data is None:
        raise ScenarioError(file, (), None, f"{_TOP_LEVEL_EXPECTED} (the file is empty)")
    if not isinstance(data, dict):
        shown = repr(data)
        kind = "a list" if isinstance(data, list) else (
            f"the single value {shown}" if echo and len(shown) <= _MAX_ECHO_LEN else "a single value"
        )
        raise ScenarioError(file, (), root_line, f"{_TOP_LEVEL_EXPECTED} (got {kind})")
    return data, loader.key_lines


# -- extends ----------------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedScenarioDoc:
    """A scenario with its ``extends`` chain merged, plus provenance.

    Attributes
    ----------
    data : dict
        The merged document, without the ``extends`` key.
    origin : dict
        For every key path in `data`, the ``(file, line)`` that supplied the
        winning value.
    files : tuple of str
        The chain of files, child first.
    path : str
        The child file (the one the user asked for).
    """

    data: dict[Any, Any]
    origin: dict[KeyPath, tuple[str, int]]
    files: tuple[str, ...]
    path: str


def _is_year_path(value: Any) -> bool:
    """A non-empty mapping keyed only by years (``2022`` or ``"2022"``): a year path, which is one value."""
    return isinstance(value, dict) and bool(value) and all(
        (isinstance(k, int) and not isinstance(k, bool)) or (isinstance(k, str) and k.strip().isdigit())
        for k in value)


def _deep_merge(base: Mapping[Any, Any], override: Mapping[Any, Any]) -> dict[Any, Any]:
    """Merge `override` onto `base`: mappings recursively, all else replaced.

    A year path (a mapping keyed by years) replaces the parent's value whole: a child that writes
    ``{2022: 0.05, 2024: 0.03}`` means that step function, not the parent's years with two changed.
    """
    merged = dict(base)
    for key, value in override.items():
        if isinstance(merged.get(key), dict) and isinstance(value, dict) and not _is_year_path(value):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _iter_key_paths(value: Any, prefix: KeyPath = ()) -> Iterator[KeyPath]:
    """Yield the key path of every mapping key and list item below `value`."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, child in items:
        path = prefix + (key,)
        yield path
        yield from _iter_key_paths(child, path)


def _parent_path(child_file: str, target: str) -> str:
    """Path of `target` relative to the directory of `child_file`.

    Kept relative when `child_file` is, so messages show paths the way the
    user typed them.
    """
    joined = os.path.join(os.path.dirname(child_file), target)
    tidy = os.path.normpath(joined)
    # normpath collapses "dir/../x" lexically, which is wrong if dir is a
    # symlink; only use the tidy form when it names the same file.
    return tidy if Path(tidy).resolve() == Path(joined).resolve() else joined


def resolve_extends(path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS) -> ResolvedScenarioDoc:
    """Load a scenario and the chain of parents named by ``extends``.

    ``extends`` (top level only) is a path relative to the directory of the
    file containing it. The child overrides its parent key by key: mappings
    merge recursively; scalars, ``null`` and lists replace the parent value
    whole.

    Parameters
    ----------
    path
        The child scenario file.
    limits
        Resource limits applied to every file of the chain.

    Returns
    -------
    ResolvedScenarioDoc

    Raises
    ------
    ScenarioError
        For any problem in any file of the chain, a non-string ``extends``,
        a missing parent (reported at the child's ``extends`` line) or an
        ``extends`` cycle (reported at the ``extends`` that closes it).
    """
    child_file = os.fspath(path)
    # (file, data without extends, key lines), child first.
    chain: list[tuple[str, dict[Any, Any], dict[KeyPath, int]]] = []
    visited: list[Path] = []
    current_file = child_file
    while True:
        data, key_lines = load_yaml_file(current_file, limits=limits, echo=current_file == child_file)
        visited.append(Path(current_file).resolve())
        chain.append((current_file, data, key_lines))
        if EXTENDS_KEY not in data:
            break
        target = data.pop(EXTENDS_KEY)
        extends_line = key_lines.pop((EXTENDS_KEY,), None)
        if not isinstance(target, str) or not target.strip():
            got = repr(target)
            got = f" (got {got})" if len(got) <= _MAX_ECHO_LEN else ""
            raise ScenarioError(
                current_file, (EXTENDS_KEY,), extends_line,
                f"expected the path of the parent scenario file, relative to this file{got}",
            )
        if not target.strip().lower().endswith(SCENARIO_SUFFIXES):
            raise ScenarioError(
                current_file, (EXTENDS_KEY,), extends_line,
                "expected the path of a .yaml scenario file, relative to this file",
            )
        parent_file = _parent_path(current_file, target)
        parent_resolved = Path(parent_file).resolve()
        if parent_resolved in visited:
            start = visited[0].parent
            names = [os.path.relpath(p, start) for p in (*visited, parent_resolved)]
            raise ScenarioError(
                current_file, (EXTENDS_KEY,), extends_line,
                "extends cycle: " + " -> ".join(names),
            )
        if not os.path.exists(parent_file):
            raise ScenarioError(
                current_file, (EXTENDS_KEY,), extends_line,
                f"parent scenario not found: {parent_file}",
            )
        current_file = parent_file

    # Merge from the root ancestor down to the child.
    root_file, merged, root_lines = chain[-1]
    origin = {key_path: (root_file, line) for key_path, line in root_lines.items()}
    for file, data, key_lines in reversed(chain[:-1]):
        merged = _deep_merge(merged, data)
        # A path present in this file won (replaced or merged into); any
        # other path was inherited untouched, with its previous origin.
        origin = {
            key_path: (file, key_lines[key_path]) if key_path in key_lines else origin[key_path]
            for key_path in _iter_key_paths(merged)
        }
    return ResolvedScenarioDoc(
        data=merged,
        origin=origin,
        files=tuple(file for file, _, _ in chain),
        path=child_file,
    )


# -- locating errors ------------------------------------------------------------------


def _match_entry(container: Any, entry: Any) -> tuple[bool, Any]:
    """Find `entry` in `container`, allowing ``"2024"`` for an int key 2024.

    Validators often report dict keys as strings and vice versa.
    """
    if isinstance(container, dict):
        try:
            if entry in container:
                return True, entry
        except TypeError:  # unhashable loc entry: cannot be a key
            return False, None
        for alternative in _alternatives(entry):
            if alternative in container:
                return True, alternative
    elif isinstance(container, list) and _is_index(entry) and 0 <= entry < len(container):
        return True, entry
    return False, None


def _alternatives(entry: Any) -> list[Any]:
    if isinstance(entry, str):
        try:
            return [int(entry)]
        except ValueError:
            return []
    if _is_index(entry):
        return [str(entry)]
    return []


def _mapping_positions(data: Any, key_path: KeyPath) -> frozenset[int]:
    """Positions of int entries in `key_path` that are mapping keys in `data`."""
    positions: set[int] = set()
    current = data
    for position, entry in enumerate(key_path):
        if isinstance(current, dict):
            if _is_index(entry):
                positions.add(position)
            current = current.get(entry)
        elif isinstance(current, list) and _is_index(entry) and 0 <= entry < len(current):
            current = current[entry]
        else:
            current = None
    return frozenset(positions)


def locate(doc: ResolvedScenarioDoc, key_path: KeyPath) -> tuple[str, int | None]:
    """File and line for `key_path`, falling back to the nearest ancestor.

    Parameters
    ----------
    doc
        The resolved scenario.
    key_path
        Keys/indices from the root; string forms of int keys are accepted.

    Returns
    -------
    (file, line)
        ``(doc.path, None)`` if neither the path nor any ancestor is known
        (in particular for the empty path).
    """
    canonical: list[Any] = []
    current: Any = doc.data
    for entry in key_path:
        found, key = _match_entry(current, entry)
        if not found:
            break
        canonical.append(key)
        current = current[key]
    for length in range(len(canonical), 0, -1):
        where = doc.origin.get(tuple(canonical[:length]))
        if where is not None:
            return where
    return doc.path, None


def scenario_error_at(doc: ResolvedScenarioDoc, key_path: KeyPath, expected: str) -> ScenarioError:
    """A ScenarioError for `key_path` of a resolved scenario, located for you.

    Use this for semantic checks done after validation: it finds the file
    and line (see :func:`locate`) and knows which ints in `key_path` are
    mapping keys such as years, so they print as ``macro.deflator.2024``.

    Parameters
    ----------
    doc
        The resolved scenario.
    key_path
        Keys/indices from the root.
    expected
        What was expected, as a short sentence.

    Returns
    -------
    ScenarioError
    """
    key_path = tuple(key_path)
    file, line = locate(doc, key_path)
    return ScenarioError(
        file, key_path, line, expected,
        mapping_key_positions=_mapping_positions(doc.data, key_path),
    )


def _key_path_from_loc(data: Any, loc: tuple[Any, ...], error_type: str) -> KeyPath:
    """Map a pydantic ``loc`` onto a key path that exists in `data`.

    ``loc`` can contain entries that are not keys: model or union-member
    names, ``function-after[...]`` validator tags, discriminator values,
    ``[key]``. Entries not found in the data are skipped -- except the last
    entry of a ``missing`` error, which names the absent key.
    """
    path: list[Any] = []
    current: Any = data
    for index, entry in enumerate(loc):
        found, key = _match_entry(current, entry)
        if found:
            path.append(key)
            current = current[key]
        elif error_type == "missing" and index == len(loc) - 1:
            path.append(entry)
    return tuple(path)


def _error_key_path(data: Any, error: Mapping[str, Any]) -> KeyPath:
    """The key path of one pydantic error; a typed field's own errors continue it with ``ctx["subpath"]``
    (e.g. the unknown sector code below ``capital.investment_rate``)."""
    error_type = str(error.get("type", ""))
    path = _key_path_from_loc(data, tuple(error.get("loc", ())), error_type)
    subpath = (error.get("ctx") or {}).get("subpath") if error_type == _TYPED_FIELD_ERROR else None
    if subpath:
        current: Any = data
        for entry in path:
            current = current[entry]
        extended = list(path)
        for entry in subpath:
            found, key = _match_entry(current, entry)
            extended.append(key if found else entry)
            current = current[key] if found else None
        path = tuple(extended)
    return path


def _rank(error: Mapping[str, Any], path: KeyPath) -> tuple[bool, int]:
    """How telling an error is: a problem with the value itself beats "wrong type for this union member"
    (``float_type``, ``dict_type``, ...), and a deeper key beats a shallower one."""
    return (not str(error.get("type", "")).endswith("_type"), len(path))


def _first_error(data: Any, errors: list[Mapping[str, Any]]) -> tuple[Mapping[str, Any], KeyPath]:
    """The error to report and its key path: among the errors of the first error's key (a union reports one
    error per member), the most telling one -- for ``{2023: abc}`` the mapping member's error, which names
    the year, not the number member's "should be a valid number"."""
    first = errors[0]
    first_path = _error_key_path(data, first)
    best, best_path = first, first_path
    for other in errors[1:_MAX_ERRORS_SCANNED]:
        path = _error_key_path(data, other)
        if path[: len(first_path)] == first_path and _rank(other, path) > _rank(best, best_path):
            best, best_path = other, path
    return best, best_path


def _describe_pydantic_error(error: Mapping[str, Any]) -> str:
    """Short human sentence for one entry of ``ValidationError.errors()``."""
    error_type = error.get("type", "")
    message = str(error.get("msg", "invalid value"))
    if error_type == "missing":
        return "required key is missing"
    if error_type == "extra_forbidden":
        return "unknown key (not allowed here)"
    if error_type == _TYPED_FIELD_ERROR:
        return message  # written for the user, quoting what it needs
    if error_type in ("model_type", "model_attributes_type", "dict_type"):
        message = "expected a mapping of keys and values"
    if error_type == "value_error":
        message = message.removeprefix("Value error, ")
    elif error_type == "assertion_error":
        message = message.removeprefix("Assertion failed, ")
    if "input" in error and not isinstance(error["input"], Mapping):
        # Echo short offending values only; whole mappings (model-level
        # validators) are noise on a one-line message.
        shown = repr(error["input"])
        if len(shown) <= _MAX_ECHO_LEN:
            message += f" (got {shown})"
    return message


def scenario_error_from_pydantic(
    exc: pydantic.ValidationError, doc: ResolvedScenarioDoc
) -> ScenarioError:
    """Convert the first error of a pydantic validation into a ScenarioError.

    Parameters
    ----------
    exc
        Raised by validating ``doc.data``.
    doc
        The resolved scenario that was validated.

    Returns
    -------
    ScenarioError
        Located at the file and line that supplied the offending key (or its
        nearest present ancestor, e.g. for a missing key).
    """
    errors = exc.errors(include_url=False)
    if not errors:
        return ScenarioError(doc.path, (), None, "invalid scenario")
    error, key_path = _first_error(doc.data, errors)
    return scenario_error_at(doc, key_path, _describe_pydantic_error(error))
