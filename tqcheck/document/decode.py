"""Reading bytes as text: byte-order marks, UTF-8, charset detection checked against the language,
binary files refused; and the stamp that lets `fix` write only a file nobody changed meanwhile."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from tqcheck.errors import InputError
from tqcheck.languages import SUPPORTED, detect_language, unsupported_language


@dataclass(frozen=True, slots=True)
class FileStamp:
    """What a file was when it was read: `fix --write` replaces it only if it still is."""

    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of(cls, data: bytes, status: os.stat_result) -> FileStamp:
        return cls(len(data), status.st_mtime_ns, hashlib.sha256(data).hexdigest())


@dataclass(slots=True)
class Decoded:
    text: str
    encoding: str
    bom: bytes = b""
    stamp: FileStamp | None = None  # set when read from a file


# Longest first: UTF-32-LE's mark (FF FE 00 00) begins with UTF-16-LE's (FF FE).
BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode_bytes(data: bytes, path: str, encoding: str | None = None) -> Decoded:
    """Decode a file: an explicit encoding, else a BOM, else UTF-16/32 recognised by its zero bytes,
    else UTF-8, else charset detection. Raises InputError for binary data and for text in a
    language tqcheck does not support (Japanese, Korean) that only a legacy code page reveals."""
    if encoding:
        return _forced(data, path, encoding)
    for bom, name in BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(name)
            except UnicodeDecodeError as error:
                if name == "utf-32-le":  # or UTF-16-LE text that opens with a NUL character
                    continue
                raise InputError(f"invalid {name} after its byte-order mark", path) from error
            if "\x00" in text and name == "utf-32-le":  # UTF-16-LE whose first character is U+0000
                continue
            return Decoded(text, name, bom)
    if b"\x00" in data:  # anywhere: a NUL after the first few kilobytes is binary too
        wide = _utf16_or_32(data)
        if wide is None:
            raise InputError("binary file (contains NUL bytes); expected an article in text form", path)
        return Decoded(wide[1], wide[0])
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = _likeliest(list(from_bytes(data)))
    if best is None or best.encoding is None:
        raise InputError("cannot detect the text encoding (use --encoding)", path)
    text = str(best)
    if _looks_binary(text):
        raise InputError("binary file; expected an article in text form", path)
    _refuse_unsupported_script(text, best.encoding, path)
    encoding, text = _plausible_for_language(data, best.encoding, text)
    return Decoded(text, encoding)


def _forced(data: bytes, path: str, encoding: str) -> Decoded:
    """`--encoding NAME`: the user's choice, unless what it gives is plainly not text."""
    try:
        text = data.decode(encoding)
    except LookupError as error:
        raise InputError(f"unknown encoding {encoding!r}", path) from error
    except UnicodeDecodeError as error:
        raise InputError(
            f"cannot decode as {encoding}: {error.reason} at byte {error.start}", path
        ) from error
    if _garbled(text):
        raise InputError(
            f"decoding as {encoding} gives control, unassigned or private-use characters, or no "
            "spaces, line breaks or punctuation at all: not text in this encoding",
            path,
        )
    return Decoded(text, encoding)


# Characters no article holds: controls other than white space, unassigned code points,
# surrogates and private use. Wrong decodings (UTF-16 read from UTF-8 bytes) produce them.
GARBAGE_CATEGORIES = frozenset({"Cc", "Cn", "Co", "Cs"})
# Real text in any script has a space, a line break or a punctuation mark this often; a wrong
# two-byte decoding of Latin text gives a run of ideographs without any.
MAX_RUN_WITHOUT_BREAK = 200


def _garbled(text: str) -> bool:
    """Whether a decoding is plainly wrong: over 2% characters no article holds, or a long text
    without a single space, line break or punctuation mark."""
    import unicodedata

    sample = text[:20_000]
    if not sample:
        return False
    bad = 0
    since_break = longest = 0
    for ch in sample:
        category = unicodedata.category(ch)
        if category in GARBAGE_CATEGORIES and ch not in "\t\n\r\f":
            bad += 1
        if category[0] in "ZP" or ch in "\t\n\r\f":
            since_break = 0
        else:
            since_break += 1
            longest = max(longest, since_break)
    return bad / len(sample) > 0.02 or (longest > MAX_RUN_WITHOUT_BREAK and longest == len(sample))


# Without a byte-order mark, UTF-16 and UTF-32 show in their zero bytes: every ASCII character
# (each space and line break) carries one or three. A few stray NULs in other text are binary.
WIDE_ENCODINGS = ("utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be")
MIN_NUL_SHARE = 0.01


def _utf16_or_32(data: bytes) -> tuple[str, str] | None:
    if data.count(0) < MIN_NUL_SHARE * len(data):
        return None
    candidates = []
    for name in WIDE_ENCODINGS:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or not text or _garbled(text):
            continue
        # The right byte order puts ASCII characters (spaces, line breaks, digits) back together.
        ascii_share = sum(ch < "\x80" for ch in text[:20_000]) / min(len(text), 20_000)
        candidates.append((ascii_share, name, text))
    if not candidates:
        return None
    _, name, text = max(candidates, key=lambda c: c[0])
    return name, text


def _refuse_unsupported_script(text: str, encoding: str, path: str) -> None:
    language = unsupported_language(text)
    if language is not None:
        raise InputError(
            f"{language} text ({encoding}): language not supported; tqcheck checks "
            f"{', '.join(sorted(SUPPORTED))}",
            path,
        )


# Western and Central European code pages read most bytes alike; which one a file is in shows in
# the letters its decoding gives the article's language ("ñ", "¡" in Spanish, not "ń", "ˇ").
# UTF-8 is tried before charset detection, so it is not among them.
LATIN_CODEPAGES = ("cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2")
LANGUAGE_LETTERS = {
    "en": "",
    "fr": "àâæçéèêëîïôœùûüÿÀÂÆÇÉÈÊËÎÏÔŒÙÛÜŸ",
    "de": "äöüßÄÖÜ",
    "es": "áéíóúüñÁÉÍÓÚÜÑ",
    "pt": "áâãàçéêíóôõúüÁÂÃÀÇÉÊÍÓÔÕÚÜ",
}
# Non-ASCII marks any of these languages' articles may hold.
COMMON_MARKS = frozenset("\u00a0“”‘’‚„«»‹›–—…€£°·•×¡¿ºª§©®™")


def _plausible_for_language(data: bytes, encoding: str, text: str) -> tuple[str, str]:
    """The Latin code page whose decoding has the fewest characters foreign to the language.

    Short Western text with few accented bytes also passes for Big5 or GB18030 ("año" → "a隳"):
    those are weighed the same way. Real CJK text keeps its code page: it is detected as Chinese,
    and read as Latin it would have about twice as many foreign characters."""
    letters = LANGUAGE_LETTERS.get(detect_language(text))
    if letters is None:
        return encoding, text
    allowed = COMMON_MARKS | frozenset(letters)

    def foreign(decoded: str) -> int:
        return sum(1 for ch in decoded if ch > "\x7f" and ch not in allowed)

    best = (foreign(text), encoding, text)  # the detector's choice wins ties
    for candidate in LATIN_CODEPAGES:
        if candidate == encoding.lower():
            continue
        try:
            decoded = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        count = foreign(decoded)
        if count < best[0]:
            best = (count, candidate, decoded)
    return best[1], best[2]


# When several encodings read a file equally cleanly (short Western text decodes without a flaw as
# cp1252, cp1250 or cp775), the one newsrooms actually use wins.
COMMON_ENCODINGS = (
    "cp1252",
    "cp1251",
    "cp1256",
    "gb18030",
    "gbk",
    "big5",
    "latin_1",
    "iso8859_15",
    "cp1250",
    "koi8_r",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1257",
    "shift_jis",
    "euc_kr",
)


def _likeliest(matches: list):  # charset_normalizer matches -> the chosen one, or None
    if not matches:
        return None
    least_chaos = min(m.chaos for m in matches)
    tied = [m for m in matches if m.chaos <= least_chaos + 0.01]

    def rank(match) -> tuple[int, float]:
        name = (match.encoding or "").lower()
        common = COMMON_ENCODINGS.index(name) if name in COMMON_ENCODINGS else len(COMMON_ENCODINGS)
        return common, -match.coherence

    return min(tied, key=rank)


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return bool(sample) and control / len(sample) > 0.02
