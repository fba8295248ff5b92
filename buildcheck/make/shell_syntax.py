"""The POSIX shell grammar, as far as recipe lines need it: words with their quoting and
expansions, operators, and the lists, pipelines, subshells and brace groups they form.

Python's shlex splits words but knows neither parameter expansion nor line continuation nor the
shell's operators as the grammar has them, so this small lexer and parser are ours. Control flow
(`if`, `for`, `while`, `case`), functions and here-documents raise ShellUnsupported: shell.py
reports such a line instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MAX_NESTING = 50   # subshells and groups inside each other


class ShellUnsupported(Exception):
    """A construct the model does not simulate (control flow, functions, here-documents...)."""


# ---- the shell lexer ---------------------------------------------------------------------------

PartKind = Literal["lit", "qlit", "param", "qparam", "subst", "qsubst", "tilde"]


@dataclass(frozen=True)
class Part:
    kind: PartKind
    text: str


@dataclass(frozen=True)
class Word:
    parts: tuple[Part, ...]

    @property
    def plain(self) -> str | None:
        """The word's text when it is a single unquoted literal (keywords, operators of test...)."""
        if len(self.parts) == 1 and self.parts[0].kind == "lit":
            return self.parts[0].text
        if not self.parts:
            return None
        return None

    @property
    def literal_text(self) -> str:
        return "".join(p.text for p in self.parts if p.kind in ("lit", "qlit"))


@dataclass(frozen=True)
class Operator:
    text: str


Token = Word | Operator

_OPERATORS = ("&&", "||", ";;", "<<-", "<<", ">>", "<&", ">&", "<>", ">|", ";", "&", "|", "(", ")", "<", ">", "\n")


def _read_until_close(text: str, position: int, opener: str, closer: str) -> int:
    """Index just past the `closer` matching an opener already consumed (quotes respected)."""
    depth = 1
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char == "'":
            end = text.find("'", position + 1)
            position = len(text) if end < 0 else end + 1
            continue
        if char == '"':
            position += 1
            while position < len(text) and text[position] != '"':
                position += 2 if text[position] == "\\" else 1
            position += 1
            continue
        if char == opener:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                return position + 1
        position += 1
    raise ShellUnsupported("unterminated " + opener)


def _dollar(text: str, position: int, quoted: bool) -> tuple[Part, int]:
    """The expansion starting at text[position] == '$'."""
    following = text[position + 1:position + 2]
    kind_param: PartKind = "qparam" if quoted else "param"
    kind_subst: PartKind = "qsubst" if quoted else "subst"
    if following == "(":
        end = _read_until_close(text, position + 2, "(", ")")
        return Part(kind_subst, text[position:end]), end
    if following == "{":
        end = text.find("}", position + 2)
        if end < 0:
            raise ShellUnsupported("unterminated ${")
        inner = text[position + 2:end]
        name = inner
        if not inner or not (inner.replace("_", "a").isalnum()):
            # ${X:-default} and friends: not modelled
            return Part(kind_subst, text[position:end + 1]), end + 1
        return Part(kind_param, name), end + 1
    if following and (following.isalpha() or following == "_"):
        end = position + 1
        while end < len(text) and (text[end].isalnum() or text[end] == "_"):
            end += 1
        return Part(kind_param, text[position + 1:end]), end
    if following and following in "@*#?-$!0123456789":
        return Part(kind_subst, text[position:position + 2]), position + 2
    return Part("qlit" if quoted else "lit", "$"), position + 1


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    length = len(text)
    while position < length:
        char = text[position]
        if char in " \t":
            position += 1
            continue
        if char == "\\" and text[position + 1:position + 2] == "\n":
            position += 2
            continue
        if char == "#":
            end = text.find("\n", position)
            position = length if end < 0 else end
            continue
        operator = next((op for op in _OPERATORS if text.startswith(op, position)), None)
        if operator is not None:
            if operator in ("<<", "<<-"):
                raise ShellUnsupported("here-document")
            tokens.append(Operator(operator))
            position += len(operator)
            continue
        parts: list[Part] = []
        literal: list[str] = []

        def flush(kind: PartKind = "lit") -> None:
            if literal:
                parts.append(Part(kind, "".join(literal)))
                literal.clear()

        at_start = True
        while position < length:
            char = text[position]
            if char in " \t\n;&|()<>":
                # an IO number: digits right before < or >
                break
            if char == "\\":
                following = text[position + 1:position + 2]
                position += 2
                if following == "\n":
                    continue
                flush()
                parts.append(Part("qlit", following))
            elif char == "'":
                end = text.find("'", position + 1)
                if end < 0:
                    raise ShellUnsupported("unterminated quote")
                flush()
                parts.append(Part("qlit", text[position + 1:end]))
                position = end + 1
            elif char == '"':
                flush()
                position += 1
                quoted_literal: list[str] = []
                while True:
                    if position >= length:
                        raise ShellUnsupported("unterminated quote")
                    inner = text[position]
                    if inner == '"':
                        position += 1
                        break
                    if inner == "\\" and text[position + 1:position + 2] in ("$", "`", '"', "\\", "\n"):
                        if text[position + 1] != "\n":
                            quoted_literal.append(text[position + 1])
                        position += 2
                    elif inner == "$":
                        if quoted_literal:
                            parts.append(Part("qlit", "".join(quoted_literal)))
                            quoted_literal.clear()
                        part, position = _dollar(text, position, True)
                        parts.append(part)
                    elif inner == "`":
                        end = text.find("`", position + 1)
                        if end < 0:
                            raise ShellUnsupported("unterminated backquote")
                        if quoted_literal:
                            parts.append(Part("qlit", "".join(quoted_literal)))
                            quoted_literal.clear()
                        parts.append(Part("qsubst", text[position:end + 1]))
                        position = end + 1
                    else:
                        quoted_literal.append(inner)
                        position += 1
                parts.append(Part("qlit", "".join(quoted_literal)))
            elif char == "$":
                flush()
                part, position = _dollar(text, position, False)
                parts.append(part)
            elif char == "`":
                end = text.find("`", position + 1)
                if end < 0:
                    raise ShellUnsupported("unterminated backquote")
                flush()
                parts.append(Part("subst", text[position:end + 1]))
                position = end + 1
            elif char == "~" and at_start:
                end = position + 1
                while end < length and text[end] not in " \t\n;&|()<>/":
                    end += 1
                parts.append(Part("tilde", text[position + 1:end]))
                position = end
            else:
                literal.append(char)
                position += 1
            at_start = False
        flush()
        if parts:
            tokens.append(Word(tuple(parts)))
    return tokens


# ---- the parser ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SimpleCommand:
    assignments: tuple[tuple[str, Word], ...]
    words: tuple[Word, ...]


@dataclass(frozen=True)
class Group:
    body: tuple[AndOr, ...]
    subshell: bool


@dataclass(frozen=True)
class Pipeline:
    commands: tuple[SimpleCommand | Group, ...]
    negated: bool = False


@dataclass(frozen=True)
class AndOr:
    pipelines: tuple[Pipeline, ...]
    connectors: tuple[str, ...]   # "&&" / "||" between pipelines


_RESERVED = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for",
                       "in", "function", "select"})


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.position = 0
        self.depth = 0

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def at_operator(self, *texts: str) -> bool:
        token = self.peek()
        return isinstance(token, Operator) and token.text in texts

    def at_word(self, text: str) -> bool:
        token = self.peek()
        return isinstance(token, Word) and token.plain == text

    def skip_separators(self) -> None:
        while self.at_operator("\n", ";", "&"):
            self.position += 1

    def program(self, closing: str | None = None) -> tuple[AndOr, ...]:
        items: list[AndOr] = []
        self.skip_separators()
        while self.peek() is not None:
            if closing is not None and (self.at_operator(closing) or self.at_word(closing)):
                break
            items.append(self.and_or())
            if self.peek() is None:
                break
            if not self.at_operator("\n", ";", "&"):
                if closing is not None and (self.at_operator(closing) or self.at_word(closing)):
                    break
                raise ShellUnsupported("unexpected " + _spell(self.peek()))
            self.skip_separators()
        return tuple(items)

    def and_or(self) -> AndOr:
        pipelines = [self.pipeline()]
        connectors: list[str] = []
        while self.at_operator("&&", "||"):
            connectors.append(self.take().text)  # type: ignore[union-attr]
            while self.at_operator("\n"):
                self.position += 1
            pipelines.append(self.pipeline())
        return AndOr(tuple(pipelines), tuple(connectors))

    def pipeline(self) -> Pipeline:
        negated = False
        if self.at_word("!"):
            self.position += 1
            negated = True
        commands = [self.command()]
        while self.at_operator("|"):
            self.position += 1
            while self.at_operator("\n"):
                self.position += 1
            commands.append(self.command())
        return Pipeline(tuple(commands), negated)

    def command(self) -> SimpleCommand | Group:
        token = self.peek()
        if token is None:
            raise ShellUnsupported("missing command")
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ShellUnsupported("nesting deeper than " + str(MAX_NESTING))
        try:
            return self._command(token)
        finally:
            self.depth -= 1

    def _command(self, token: Token) -> SimpleCommand | Group:
        if isinstance(token, Operator) and token.text == "(":
            self.position += 1
            body = self.program(")")
            if not self.at_operator(")"):
                raise ShellUnsupported("unterminated (")
            self.position += 1
            self._skip_redirections()
            return Group(body, subshell=True)
        if isinstance(token, Word) and token.plain == "{":
            self.position += 1
            body = self.program("}")
            if not self.at_word("}"):
                raise ShellUnsupported("unterminated {")
            self.position += 1
            self._skip_redirections()
            return Group(body, subshell=False)
        if isinstance(token, Word) and token.plain in _RESERVED:
            raise ShellUnsupported(token.plain or "")
        assignments: list[tuple[str, Word]] = []
        words: list[Word] = []
        while True:
            token = self.peek()
            if token is None:
                break
            if isinstance(token, Operator):
                if token.text in ("<", ">", ">>", "<&", ">&", "<>", ">|"):
                    self.position += 1
                    if isinstance(self.peek(), Word):
                        self.position += 1
                    continue
                break
            self.position += 1
            if _is_io_number(token) and self.at_operator("<", ">", ">>", "<&", ">&", "<>", ">|"):
                continue
            if not words:
                assignment = _assignment(token)
                if assignment is not None:
                    assignments.append(assignment)
                    continue
            words.append(token)
        return SimpleCommand(tuple(assignments), tuple(words))

    def _skip_redirections(self) -> None:
        while self.at_operator("<", ">", ">>", "<&", ">&", "<>", ">|"):
            self.position += 1
            if isinstance(self.peek(), Word):
                self.position += 1


def _spell(token: Token | None) -> str:
    if token is None:
        return "end"
    return token.text if isinstance(token, Operator) else (token.literal_text or "word")


def _is_io_number(token: Word) -> bool:
    return token.plain is not None and token.plain.isdigit()


def _assignment(token: Word) -> tuple[str, Word] | None:
    first = token.parts[0]
    if first.kind != "lit" or "=" not in first.text:
        return None
    name, _, rest = first.text.partition("=")
    if not name or not (name[0].isalpha() or name[0] == "_") or not all(c.isalnum() or c == "_" for c in name):
        return None
    parts = ((Part("lit", rest),) if rest else ()) + token.parts[1:]
    return name, Word(tuple(parts))


def parse(text: str) -> tuple[AndOr, ...]:
    parser = _Parser(tokenize(text))
    program = parser.program()
    if parser.peek() is not None:
        raise ShellUnsupported("unexpected " + _spell(parser.peek()))
    return program
