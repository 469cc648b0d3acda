"""What a person types into a search box, read into a small tree, and written out for each database.

The language: words (all must be there), ``"a phrase"``, ``prefix*``, ``OR``, ``NOT`` (or a
leading ``-``), ``AND`` (the default) and brackets. Operators are in capitals; in lower case
they are words. Nothing the person types reaches the database's own query syntax: every word
is reduced to letters and digits and quoted (FTS5) or passed as a parameter (PostgreSQL), so
``NEAR(``, column filters or ``:*`` cannot be smuggled in. A query that cannot be read is a
``QueryError`` in plain English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docket.errors import DocketError

MAX_QUERY_CHARS = 500
MAX_WORDS = 32
MAX_DEPTH = 8
OPERATORS = {"AND", "OR", "NOT"}
TOKEN = re.compile(r'\s*(?:(?P<quote>"[^"]*"?)|(?P<open>\()|(?P<close>\))|(?P<word>[^\s()"]+))')
WORD = re.compile(r"\w+")


class QueryError(DocketError):
    """A search that cannot be read, said so that the person can correct it."""


@dataclass(frozen=True)
class Term:
    word: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


@dataclass(frozen=True)
class All:
    """Every one of ``wanted``, and none of ``unwanted``."""

    wanted: tuple[Node, ...]
    unwanted: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Any:
    options: tuple[Node, ...]


Node = Term | Phrase | All | Any


def parse(text: str) -> Node:
    """The tree of a query, or ``QueryError`` saying what is wrong with it."""
    text = text.strip()
    if not text:
        raise QueryError("Enter the words to search for.")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"A search can be at most {MAX_QUERY_CHARS} characters long.")
    parser = _Parser(_tokens(text))
    node = parser.alternatives(0)
    if parser.peek() is not None:
        raise QueryError("There is a closing bracket “)” without an opening one.")
    if parser.words > MAX_WORDS:
        raise QueryError(f"A search can have at most {MAX_WORDS} words.")
    return node


def _tokens(text: str) -> list[tuple[str, str]]:
    found, position = [], 0
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None or match.end() == position:  # only trailing spaces are left
            break
        position = match.end()
        kind = match.lastgroup
        assert kind is not None
        found.append((kind, match[kind]))
    return found


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.at, self.words = tokens, 0, 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def alternatives(self, depth: int) -> Node:
        options = [self.all_of(depth)]
        while self.peek() == ("word", "OR"):
            self.take()
            options.append(self.all_of(depth))
        return options[0] if len(options) == 1 else Any(tuple(options))

    def all_of(self, depth: int) -> Node:
        wanted: list[Node] = []
        unwanted: list[Node] = []
        while (token := self.peek()) is not None and token[0] != "close" and token != ("word", "OR"):
            if token == ("word", "AND"):
                self.take()
                if self.peek() is None or self.peek() in {("word", "OR"), ("close", ")")}:
                    raise QueryError("“AND” needs a word after it.")
                continue
            negated = False
            if token == ("word", "NOT"):
                self.take()
                negated = True
                if self.peek() is None or self.peek() in {("word", "OR"), ("word", "AND"), ("close", ")")}:
                    raise QueryError("“NOT” needs a word after it, as in: strategy NOT draft.")
            elif token[0] == "word" and token[1].startswith("-") and len(token[1]) > 1:
                self.take()
                self.tokens.insert(self.at, ("word", token[1][1:]))
                negated = True
            node = self.single(depth)
            if node is not None:
                (unwanted if negated else wanted).append(node)
        if not wanted:
            if unwanted:
                raise QueryError("A search needs a word to look for, not only words to leave out (after NOT).")
            if self.peek() == ("word", "OR") or (self.at and self.tokens[self.at - 1] == ("word", "OR")):
                raise QueryError("“OR” needs words on both sides of it.")
            raise QueryError("Enter the words to search for: letters or numbers.")
        if len(wanted) == 1 and not unwanted:
            return wanted[0]
        return All(tuple(wanted), tuple(unwanted))

    def single(self, depth: int) -> Node | None:
        kind, value = self.take()
        if kind == "open":
            if depth >= MAX_DEPTH:
                raise QueryError(f"A search can have brackets at most {MAX_DEPTH} deep.")
            if self.peek() is None or self.peek() == ("close", ")"):
                raise QueryError("There is nothing between the brackets “( )”.")
            node = self.alternatives(depth + 1)
            if self.peek() != ("close", ")"):
                raise QueryError("A bracket “(” is not closed.")
            self.take()
            return node
        if kind == "quote":
            if len(value) < 2 or not value.endswith('"'):
                raise QueryError('A phrase is missing its closing quotation mark (").')
            words = tuple(word.lower() for word in WORD.findall(value[1:-1]))
            if not words:
                raise QueryError("There is nothing between the quotation marks.")
            self.words += len(words)
            return Term(words[0]) if len(words) == 1 else Phrase(words)
        prefix = value.endswith("*")
        words = tuple(word.lower() for word in WORD.findall(value))
        if not words:
            return None  # punctuation on its own: nothing to look for
        self.words += len(words)
        if len(words) > 1:  # knife-crime, e-mail: the words side by side
            return (
                Phrase(words) if not prefix else All(tuple(Term(w, i == len(words) - 1) for i, w in enumerate(words)))
            )
        return Term(words[0], prefix)


def fts5(node: Node) -> str:
    """The query in SQLite FTS5's syntax, every word quoted (nothing typed is read as syntax)."""
    if isinstance(node, Term):
        return f'"{node.word}"' + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return '"' + " ".join(node.words) + '"'
    if isinstance(node, Any):
        return "(" + " OR ".join(fts5(option) for option in node.options) + ")"
    wanted = " AND ".join(fts5(part) for part in node.wanted)
    if not node.unwanted:
        return f"({wanted})"
    return f"(({wanted}) NOT ({' OR '.join(fts5(part) for part in node.unwanted)}))"


def words_of(node: Node) -> list[str]:
    """The words searched for (not those left out): for highlighting, and for suggestions."""
    if isinstance(node, Term):
        return [node.word]
    if isinstance(node, Phrase):
        return list(node.words)
    parts = node.options if isinstance(node, Any) else node.wanted
    return [word for part in parts for word in words_of(part)]
