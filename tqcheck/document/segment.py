"""Sentences and tokens: spaCy's blank pipelines per language, safe on pathological runs."""

from __future__ import annotations

import hashlib
import itertools
import marshal
import os
import sys
import tempfile
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from tqcheck.locale_schema import Locale

import regex

from tqcheck.document.model import OPENING_MARKS, WORD_CHAR, Document, Sentence, Token

_PIPELINES: dict[str, object] = {}
_BUILDING = threading.Lock()


def _import_spacy():  # -> the spacy module
    """Import spaCy without its ML back ends and without its command line.

    thinc, spaCy's ML layer, imports torch whenever it is installed, only to offer GPU layers that
    blank pipelines never use; that would cost a second and break the promise that rules-only
    runs never load torch. An entry of None in sys.modules makes `import torch` fail there.

    spaCy's package init imports its command line (`spacy.info`), which pulls in weasel, typer's
    CLI, httpx and requests: about 0.4 s of a rules-only check that never calls it. A placeholder
    stands in for `spacy.cli.info` during the import and is removed afterwards, so a later
    `import spacy.cli` loads the real one.
    """
    hidden = [name for name in ("torch", "cupy", "tensorflow", "mxnet") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    placeholders = {}
    if "spacy" not in sys.modules and "spacy.cli" not in sys.modules:
        cli = types.ModuleType("spacy.cli")
        cli.__path__ = []  # a package, so that `spacy.cli.info` resolves below it
        info = types.ModuleType("spacy.cli.info")
        info.info = _no_cli  # type: ignore[attr-defined]
        placeholders = {"spacy.cli": cli, "spacy.cli.info": info}
        sys.modules.update(placeholders)
    try:
        import spacy
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
        for name, module in placeholders.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    return spacy


def _no_cli(*args: object, **kwargs: object) -> None:
    raise RuntimeError("spacy.info is not loaded by tqcheck; import spacy.cli.info for it")


def pipeline(lang: str):  # -> spacy.language.Language
    """A blank spaCy pipeline with a rule-based sentencizer (no statistical model to download),
    as the language's locale.toml says: spaCy language, word segmenter, sentence-final marks."""
    from tqcheck.resources import locale_of

    if lang not in _PIPELINES:
        spec = locale_of(lang)
        spacy = _import_spacy()
        # One build at a time: the two contexts swap functions of `re` and put them back.
        with _BUILDING, _charsets_memoised(), _patterns_remembered():
            if lang not in _PIPELINES:
                _PIPELINES[lang] = _blank(spacy, lang, spec)
    return _PIPELINES[lang]


def _blank(spacy, lang: str, spec: Locale):  # -> spacy.language.Language
    config = {}
    if spec.segmenter:
        if spec.segmenter == "jieba":
            import_jieba()
        config = {"nlp": {"tokenizer": {"segmenter": spec.segmenter}}}
    nlp = spacy.blank(spec.spacy_lang or lang, config=config)
    # Chinese ends sentences with full-width marks only; an ASCII "." is a decimal point or a URL's.
    nlp.add_pipe(
        "sentencizer", config={"punct_chars": list(spec.sentence_ends)} if spec.sentence_ends else {}
    )
    return nlp


def import_jieba():  # -> the jieba module
    """jieba, quiet, reading its dictionary caches whole.

    jieba keeps each dictionary as one marshalled object in a cache file and reads it with
    `marshal.load(file)`, which asks the file for every string and number separately: 0.6 s for
    the default dictionary's 9 MB (350,000 words), where `marshal.loads` of the file's bytes
    takes 0.17 s. Both read the same one object, so jieba's `marshal` is given a `load` that
    reads the file first; its cache files are written as before."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    if getattr(jieba, "marshal", None) is marshal:
        jieba.marshal = _WholeFileMarshal  # type: ignore[attr-defined]
    return jieba


class _WholeFileMarshal:
    """The marshal module as jieba uses it, with `load` reading the file whole first."""

    dump = staticmethod(marshal.dump)
    dumps = staticmethod(marshal.dumps)
    loads = staticmethod(marshal.loads)

    @staticmethod
    def load(file: BinaryIO) -> object:
        return marshal.loads(file.read())


@contextmanager
def _charsets_memoised() -> Iterator[None]:
    """Python's `re` optimises each character class of a pattern on its own, in Python: spaCy's
    French token_match repeats one class of all Unicode letters in some 250 alternatives, which
    took 2 to 3 s per process (more than a whole folder's checks of French). While the pipeline
    is built, the optimisation of a class already seen is remembered: the same input gives the
    same compiled pattern, only once. Where `re`'s internals differ (another Python), nothing
    is changed."""
    try:
        from re import _compiler
    except ImportError:  # pragma: no cover - Python before 3.11
        yield
        return
    optimise = getattr(_compiler, "_optimize_charset", None)
    if optimise is None:  # pragma: no cover
        yield
        return
    memo: dict[tuple, object] = {}

    def memoised(charset, iscased=None, fixup=None, fixes=None):
        try:
            key = (tuple(charset), iscased, fixup, id(fixes))
            return memo[key]
        except KeyError:
            memo[key] = result = optimise(charset, iscased, fixup, fixes)
            return result
        except TypeError:  # an unhashable class item: not remembered
            return optimise(charset, iscased, fixup, fixes)

    _compiler._optimize_charset = memoised
    try:
        yield
    finally:
        _compiler._optimize_charset = optimise


# Patterns at least this long are kept compiled in the cache folder (spaCy's affix and token
# patterns run from 2,000 to 1,450,000 characters; short ones compile faster than a file is read).
LONG_PATTERN = 2000


@contextmanager
def _patterns_remembered() -> Iterator[None]:
    """While a pipeline is built, long patterns compiled by `re` are kept in the cache folder as
    the code `re` compiled them to, and later processes rebuild the pattern from that code
    instead of parsing and compiling it again (French's token pattern, 1.45 million characters,
    cost over a second even with the character classes remembered). The code is `re`'s own,
    taken as it compiled the pattern, and the file's name holds the pattern's digest, its flags,
    the Python version and the engine's magic number: another Python or another pattern never
    reads it. A damaged or unreadable file is compiled again; an unwritable folder only costs
    the compile."""
    try:
        import _sre
        from re import _compiler
    except ImportError:  # pragma: no cover
        yield
        return
    compile_, code_ = getattr(_compiler, "compile", None), getattr(_compiler, "_code", None)
    if compile_ is None or code_ is None or not hasattr(_sre, "compile"):  # pragma: no cover
        yield
        return
    from tqcheck.lm import cache_dir

    folder = cache_dir() / "patterns"
    engine = f"{sys.version}|{getattr(_sre, 'MAGIC', '')}|{getattr(_sre, 'CODESIZE', '')}"

    def remembered(pattern, flags=0):  # -> re.Pattern
        if not isinstance(pattern, str) or len(pattern) < LONG_PATTERN or flags & 128:  # 128: re.DEBUG
            return compile_(pattern, flags)
        digest = hashlib.sha256(f"{engine}|{flags}|{pattern}".encode("utf-8", "surrogatepass")).hexdigest()
        path = folder / f"{digest}.marshal"
        try:
            final_flags, code, groups, groupindex, indexgroup = marshal.loads(path.read_bytes())
            return _sre.compile(pattern, final_flags, code, groups, groupindex, tuple(indexgroup))
        except (OSError, EOFError, ValueError, TypeError, RuntimeError):  # missing or damaged
            pass
        captured = []

        def code_kept(tree, code_flags):
            captured.append(code_(tree, code_flags))
            return captured[-1]

        _compiler._code = code_kept
        try:
            compiled = compile_(pattern, flags)
        finally:
            _compiler._code = code_
        if len(captured) == 1:
            indexgroup = [None] * (compiled.groups + 1)
            for name, index in compiled.groupindex.items():
                indexgroup[index] = name
            code = [int(op) for op in captured[0]]  # the opcodes are int subclasses
            state = (compiled.flags, code, compiled.groups, dict(compiled.groupindex), indexgroup)
            with suppress(ValueError):  # something marshal cannot hold: not kept
                _write_quietly(path, marshal.dumps(state))
        return compiled

    _compiler.compile = remembered
    try:
        yield
    finally:
        _compiler.compile = compile_


def _write_quietly(path: Path, data: bytes) -> None:
    """Write through a temporary file renamed into place; a cache that cannot be written only
    costs the next process the compile."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".pattern-", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)


# spaCy peels prefixes and suffixes off a token one at a time, searching the rest each time:
# quadratic on a long run without spaces ("![![![…", "!!!!…"). Such a run is no prose; it is
# handed to spaCy as one plain word of the same length, so offsets are unchanged.
LONG_RUN = regex.compile(r"(?<!\S)\S{1000,}")  # from the start of a run only: linear
LONG_SYMBOL_RUN = regex.compile(
    r"(?<![^\s\p{L}\p{M}\p{N}])[^\s\p{L}\p{M}\p{N}]{1000,}"
)  # Chinese runs text without spaces


def _tame_long_runs(text: str, lang: str) -> str:
    from tqcheck.resources import locale_of

    pattern = LONG_RUN if locale_of(lang).spaced else LONG_SYMBOL_RUN
    return pattern.sub(lambda m: "x" * len(m.group(0)), text)


# spaCy refuses texts over its max_length (1,000,000 characters) and a parse's memory grows with
# its length: a longer block (one line of a megabyte) goes to spaCy in pieces cut at white space.
MAX_PIECE = 100_000


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """text[start:end] as consecutive spans of at most MAX_PIECE characters, cut after a space or
    line break in the second half of each piece when there is one (a word is rarely cut)."""
    pieces = []
    while end - start > MAX_PIECE:
        limit = start + MAX_PIECE
        cut = max(text.rfind(space, start + MAX_PIECE // 2, limit) for space in " \n\t\u3000")
        cut = cut + 1 if cut > start else limit
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


# A run of letters of a script jieba does not segment (Cyrillic, Arabic, accented Latin): it
# cuts them one letter per token, which makes "Москва" six words of a Chinese sentence.
FOREIGN_LETTERS = regex.compile(r"(?:(?!\p{Han})[\p{L}\p{M}])+")


def _foreign_letter_runs(group: list[Token], text: str) -> list[Token]:
    """The tokens of an unspaced language's sentence with each run of letters of another script
    that the segmenter cut apart joined again into one word."""
    joined: list[Token] = []
    for token in group:
        before = joined[-1] if joined else None
        if (
            before is not None
            and before.is_word
            and token.is_word
            and before.end == token.start
            and FOREIGN_LETTERS.fullmatch(before.text)
            and FOREIGN_LETTERS.fullmatch(token.text)
        ):
            joined[-1] = Token(before.start, token.end, text[before.start : token.end], True, False)
        else:
            joined.append(token)
    return joined


def segment(doc: Document) -> None:
    """Fill in sentences and tokens for every block, with absolute offsets into doc.text."""
    from tqcheck.resources import locale_of

    unspaced = not locale_of(doc.lang).spaced
    nlp = pipeline(doc.lang)
    spans = [(block, piece) for block in doc.blocks for piece in _pieces(doc.text, block.start, block.end)]
    texts = [_tame_long_runs(doc.text[start:end], doc.lang) for _, (start, end) in spans]
    tokens: list[Token] = []
    sentences: list[Sentence] = []
    parsed_pieces = zip(spans, nlp.pipe(texts, batch_size=64), strict=True)
    for index, block_pieces in itertools.groupby(parsed_pieces, key=lambda item: item[0][0].index):
        block = doc.blocks[index]
        groups: list[list[Token]] = []
        for (_, (piece_start, _)), parsed in block_pieces:
            for span in parsed.sents:
                group = []
                for tok in span:
                    start = piece_start + tok.idx
                    end = start + len(tok.text)
                    text = doc.text[start:end]  # not tok.text: a long run was masked for spaCy
                    is_word = bool(WORD_CHAR.search(text)) and not tok.is_space
                    group.append(Token(start, end, text, is_word, tok.is_space))
                if unspaced:
                    group = _foreign_letter_runs(group, doc.text)
                # Sentences keep their own text, not trailing white space.
                while group and group[-1].is_space:
                    group.pop()
                if group:
                    groups.append(group)
        # An opening mark ("¿", "¡", "«") belongs to the sentence it opens, not the one before.
        for before, after in itertools.pairwise(groups):
            while len(before) > 1 and before[-1].text in OPENING_MARKS:
                after.insert(0, before.pop())
                while before and before[-1].is_space:
                    before.pop()
        for group in groups:
            if not group:
                continue
            first = len(tokens)
            for token in group:
                token.sentence = len(sentences)
            tokens.extend(group)
            sentences.append(
                Sentence(group[0].start, group[-1].end, block.index, first, len(tokens), len(sentences))
            )
    doc.tokens = tokens
    doc.sentences = sentences
