"""`buildcheck fix`: edit cargo config files so they stop turning debug info on, keeping everything else.

Edits are made with tomlkit, which keeps comments, key order, quoting, dotted keys
(`profile.release.debug = true`), inline tables and `[target.'cfg(unix)']` headers as
written. Two edits exist:

    SetKey(("profile", "release", "debug"), False)        set or add one key
    RemoveRustflags(("build", "rustflags"))                take the debug options out of a
                                                           rustflags string or array

Every edit is checked before anything is written: the new text must parse with the
standard TOML parser (tomllib) and equal the old data with exactly the intended change
(`_expected_data`). A mismatch means tomlkit did something we did not ask for, and the
file is left alone.

`write_edited` is the only function in buildcheck that writes a user's file, and only
for `fix --write`: it keeps a backup (`<file>.bak`, or `.bak.N` when that exists), writes
a temporary file in the same directory, fsyncs it and renames it over the original, so a
crash leaves either the old or the new file, never half of one.
"""

from __future__ import annotations

import copy
import difflib
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions
from tomlkit.items import InlineTable, String

from buildcheck.args import rustc
from buildcheck.args.split import split_whitespace
from buildcheck.errors import ConfigError, InputError
from buildcheck.recommend.edits import Edit, SetKey, dotted
from buildcheck.i18n import _

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

# Cargo config files are small; anything larger is not one (and must not eat memory).
MAX_CONFIG_BYTES = 4 * 1024 * 1024



@dataclass(frozen=True, kw_only=True)
class EditResult:
    path: str
    old_text: str
    new_text: str
    diff: str
    applied: tuple[str, ...]
    skipped: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return self.old_text != self.new_text


# --- which tokens of a rustflags value to drop -------------------------------------------

def _kept_indices(tokens: Sequence[str], flags: tuple[str, ...] | None) -> list[int]:
    """Indices of the tokens that stay; a split option (`-C`, `debuginfo=2`) goes as a whole."""
    kept: list[int] = []
    for option in rustc.parse_rustc_args(tokens):
        drop = rustc.turns_debuginfo_on(option) if flags is None else (
            option.written in flags or "".join(option.tokens) in flags)
        if not drop:
            kept.extend(range(option.start, option.end))
    return kept


def _cleaned_rustflags(value: Any, flags: tuple[str, ...] | None) -> Any:
    """The plain-data result of a RemoveRustflags on `value` (a str or a list of str)."""
    if isinstance(value, str):
        tokens = split_whitespace(value)
        return " ".join(tokens[i] for i in _kept_indices(tokens, flags))
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [value[i] for i in _kept_indices(value, flags)]
    return value


# --- the same edits on plain data (tomllib) and on the tomlkit document -------------------

def _expected_data(data: dict[str, Any], edits: Sequence[Edit]) -> dict[str, Any]:
    out = copy.deepcopy(data)
    for edit in edits:
        parent: Any = out
        for key in edit.key_path[:-1]:
            # SetKey creates missing tables; RemoveRustflags has nothing to do without them.
            parent = parent.setdefault(key, {}) if isinstance(edit, SetKey) else parent.get(key, {})
            if not isinstance(parent, dict):
                break  # _apply_to_document reports this as a ConfigError first
        if not isinstance(parent, dict):
            continue
        last = edit.key_path[-1]
        if isinstance(edit, SetKey):
            parent[last] = edit.value
        elif last in parent:
            parent[last] = _cleaned_rustflags(parent[last], edit.flags)
    return out


def _lookup(document: Any, key_path: Sequence[str], *, create: bool, path: str) -> Any | None:
    """The table holding the last key of `key_path`, created when asked (inline where the parent is inline)."""
    container = document
    for depth, key in enumerate(key_path[:-1]):
        if key not in container:
            if not create:
                return None
            container[key] = tomlkit.inline_table() if isinstance(container, InlineTable) else tomlkit.table()
        container = container[key]
        if not hasattr(container, "keys"):
            raise ConfigError(_("{key} is not a table, cannot edit {target}").format(
                key=dotted(key_path[: depth + 1]), target=dotted(key_path)), path=path)
    return container


def _apply_to_document(document: Any, edit: Edit, path: str) -> bool:
    """Apply one edit; False when there was nothing to do (a rustflags key that is not there)."""
    last = edit.key_path[-1]
    if isinstance(edit, SetKey):
        parent = _lookup(document, edit.key_path, create=True, path=path)
        current = parent.get(last)
        plain = current.unwrap() if hasattr(current, "unwrap") else current
        if type(plain) is type(edit.value) and plain == edit.value:
            return False
        parent[last] = edit.value
        return True
    parent = _lookup(document, edit.key_path, create=False, path=path)
    if parent is None or last not in parent:
        return False
    value = parent[last]
    plain = value.unwrap() if hasattr(value, "unwrap") else value
    cleaned = _cleaned_rustflags(plain, edit.flags)
    if cleaned == plain:
        return False
    if isinstance(value, String):
        # Same quoting as before (basic or literal); the trailing comment is kept by tomlkit.
        # read from the text as written, which every tomlkit version gives (String.type is not in 0.12)
        parent[last] = tomlkit.string(cleaned, literal=value.as_string().lstrip().startswith("'"))
    elif isinstance(plain, list):
        # Delete from the end so indices stay valid; tomlkit keeps the other elements' comments.
        kept = set(_kept_indices(plain, edit.flags))
        for index in reversed(range(len(plain))):
            if index not in kept:
                del value[index]
    return True


def _parse_error(exc: tomlkit.exceptions.ParseError, path: str) -> ConfigError:
    return ConfigError(_("not valid TOML: {error}").format(error=exc), path=path, line=getattr(exc, "line", None))


def edit_config_text(text: str, edits: Sequence[Edit], *, path: str, display_path: str | None = None) -> EditResult:
    """The new text of the config file at `path` (whose text is `text`) after `edits`, and the diff."""
    try:
        document = tomlkit.parse(text)
        before = tomllib.loads(text)
    except tomlkit.exceptions.ParseError as exc:
        raise _parse_error(exc, path) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_("not valid TOML: {error}").format(error=exc), path=path) from None

    applied: list[str] = []
    skipped: list[str] = []
    for edit in edits:
        (applied if _apply_to_document(document, edit, path) else skipped).append(edit.describe())
    new_text = tomlkit.dumps(document)
    if text.count("\r\n") * 2 > text.count("\n"):
        # A CRLF file stays CRLF: tomlkit writes the lines it adds with a bare LF.
        new_text = new_text.replace("\r\n", "\n").replace("\n", "\r\n")

    try:
        after = tomllib.loads(new_text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_("refusing to edit: the result would not be valid TOML ({error})").format(error=exc),
                          path=path) from None
    if after != _expected_data(before, edits):
        raise ConfigError(_("refusing to edit: the result would change more than intended"), path=path)

    label = display_path or path
    # git-style a/ b/ prefixes for relative paths (`patch -p1`, `git apply`); an absolute path such as
    # ~/.cargo/config.toml stays as it is on both sides, as `diff -u` prints it (`patch -p0`).
    before_label, after_label = (label, label) if os.path.isabs(label) else ("a/" + label, "b/" + label)
    diff = "".join(difflib.unified_diff(
        text.splitlines(keepends=True), new_text.splitlines(keepends=True),
        fromfile=before_label, tofile=after_label))
    if diff and not diff.endswith("\n"):
        diff += "\n\\ No newline at end of file\n"
    return EditResult(path=path, old_text=text, new_text=new_text, diff=diff,
                      applied=tuple(applied), skipped=tuple(skipped))


def read_config_text(path: str | os.PathLike[str]) -> str:
    """A config file's text, exactly (line endings included), or an InputError/ConfigError."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise InputError(_("cannot read {path}: {error}").format(path=path, error=exc.strerror or exc)) from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise InputError(_("{path} is larger than {limit} bytes; not a cargo config file").format(
            path=path, limit=MAX_CONFIG_BYTES))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(_("not UTF-8 (byte {offset})").format(offset=exc.start), path=str(path)) from None


def edit_config_file(path: str | os.PathLike[str], edits: Sequence[Edit], *,
                     display_path: str | None = None) -> EditResult:
    return edit_config_text(read_config_text(path), edits, path=str(path), display_path=display_path)


def _backup_path(target: Path) -> Path:
    candidate = target.with_name(target.name + ".bak")
    n = 1
    while candidate.exists() or candidate.is_symlink():
        candidate = target.with_name(f"{target.name}.bak.{n}")
        n += 1
    return candidate


def write_edited(result: EditResult) -> Path | None:
    """Write `result.new_text` over its file, atomically, after a backup; returns the backup's path.

    Refuses (InputError) when the file changed since it was read. A symlinked config is
    edited at its target so the link stays a link. Nothing is written when nothing changed.
    """
    if not result.changed:
        return None
    target = Path(os.path.realpath(result.path))
    if read_config_text(target) != result.old_text:
        raise InputError(_("{path} changed since it was read; run buildcheck fix again").format(path=result.path))
    try:
        mode = target.stat().st_mode & 0o7777
        backup = _backup_path(target)
        with open(backup, "xb") as handle:  # x: never overwrite an existing backup
            handle.write(result.old_text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(backup, mode)
        fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".buildcheck-tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(result.new_text.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp_name, mode)
            os.replace(temp_name, target)
        except BaseException:
            try:
                os.unlink(temp_name)
            except OSError:
                pass
            raise
        _fsync_directory(target.parent)
    except OSError as exc:
        raise InputError(_("cannot write {path}: {error}").format(path=target, error=exc.strerror or exc)) from None
    return backup


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; some file systems refuse to open directories, which is fine."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
