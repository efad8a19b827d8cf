"""Broken characters: mojibake and look-alike letters from another script."""

from __future__ import annotations

from collections.abc import Iterator

import regex

from tqcheck.context import CheckContext
from tqcheck.document import Document
from tqcheck.findings import Category, Finding, FixAvailability, Severity
from tqcheck.resources import homoglyphs
from tqcheck.rule import Rule, bad, good, replace
from tqcheck.rules._text import scripts_in

# Runs of non-space text that contain a character outside ASCII: the only places mojibake hides.
NON_ASCII_RUN = regex.compile(r"\S*[^\x00-\x7f]\S*(?:[ \u00a0]\S*[^\x00-\x7f]\S*)*")
# Punctuation ftfy may leave attached to a run; it is not part of the mojibake.
EDGE_PUNCTUATION = ".,;:!?()[]«»\"'"
# Runs of non-ASCII letters and symbols (spaces inside allowed): where text decoded with a legacy
# code page of the language hides ("Ìîñêâà", "ط§ظ„ظ‚", "浣犲ソ锛屽寳浜"). Punctuation ends a run.
# The language's own punctuation ends a run (CJK and full-width marks, guillemets, curly quotes,
# dashes, Arabic marks); the Latin-1 punctuation that mojibake is made of ("§", "„") does not.
NATIVE_PUNCTUATION = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65“”‘’«»…—–،؛؟"
LEGACY_RUN = regex.compile(
    rf"[^\s\x00-\x7f{NATIVE_PUNCTUATION}\ufffd]+(?:[ ][^\s\x00-\x7f{NATIVE_PUNCTUATION}\ufffd]+)*"
)
REPLACEMENT = "\ufffd"
# A repair must read this much better (mean Zipf frequency of its words) than the run it replaces.
REPAIR_GAIN_ZIPF = 2.0
# In unspaced text, a character rarer than this may be part of mojibake; stretches up to this
# long are tried.
RARE_CHARACTER_ZIPF = 2.5
MAX_STRETCH = 40
# A character reference left in the text ("&nbsp;", "&#8212;"): markup that was escaped twice.
ENTITY = regex.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,9}|#[0-9]{2,7}|#[xX][0-9A-Fa-f]{2,6});")


def _unchanged_words(text: str, fixed: str) -> int:
    """Length of the common beginning of two strings, cut back to a word boundary."""
    common = 0
    for a, b in zip(text, fixed, strict=False):
        if a != b:
            break
        common += 1
    if common == len(text) == len(fixed):
        return common
    while common > 0 and not (text[common - 1].isspace() or text[common - 1] in EDGE_PUNCTUATION):
        common -= 1
    return common


class Mojibake(Rule):
    """Flags text decoded with the wrong character set ("cafÃ©", "â€œ", "ÐœÐ¾Ñ..."), using ftfy.

    ## What it does
    Finds runs of non-ASCII text that ftfy judges bad, and proposes ftfy's repair when the repair
    re-decodes the bytes (an encode/decode step), never for mere typographic changes. Beyond ftfy,
    the language's legacy code pages (`legacy_encodings`: Windows-1251, Windows-1256, GBK) are
    tried both ways (UTF-8 read as the code page, the code page read as Latin-1), and a repair
    whose words are much commoner (wordfreq) is proposed. Characters lost in decoding (U+FFFD,
    and its GBK form "锟斤拷") are flagged without a fix.

    ## Why is this bad?
    A CMS or scraper that reads UTF-8 as Windows-1252 or Latin-1 garbles every accented letter,
    and in Cyrillic, Arabic or Chinese whole words.

    ## Fix safety
    Safe: ftfy's byte-level repair restores the original characters exactly. A code-page repair
    is unsafe (the code page is a guess from word frequencies); lost characters have no fix.
    """

    code = "TQ205"
    name = "mojibake"
    category = Category.FLUENCY
    severity = Severity.MAJOR
    fix_availability = FixAvailability.SOMETIMES  # lost characters cannot be restored
    examples = (
        bad("The mayor opened a [[cafÃ©]] in the square.", fixed="The mayor opened a café in the square."),
        bad("[[FranÃ§ois]] Dumas a été élu.", lang="fr", fixed="François Dumas a été élu."),
        bad(
            "Die Regierung sprach [[Ã¼ber]] den Streik.",
            lang="de",
            fixed="Die Regierung sprach über den Streik.",
        ),
        bad("O governo anunciou uma nova [[aÃ§Ã£o]] contra a seca.", lang="pt"),
        bad("Председатель [[Ð¿Ñ€ÐµÐ·Ð¸Ð´ÐµÐ½Ñ‚]] прибыл.", lang="ru", fixed="Председатель президент прибыл."),
        good("The café in São Paulo served crème brûlée to Ørsted's engineers."),
        good("Der Bürgermeister sprach über die Straße.", lang="de"),
        bad(
            "Делегация прибыла в [[Ìîñêâó]] в понедельник.",
            lang="ru",
            fixed="Делегация прибыла в Москву в понедельник.",
        ),
        bad(
            "وصل الوفد إلى [[ط§ظ„ظ‚ط§ظ‡ط±ط©]] يوم الاثنين.",
            lang="ar",
            fixed="وصل الوفد إلى القاهرة يوم الاثنين.",
        ),
        bad("代表团周一抵达[[浣犲ソ]]。", lang="zh", fixed="代表团周一抵达你好。"),
        bad("代表团周一抵达[[锟斤拷锟斤拷]]会议将于周二举行。", lang="zh"),
        bad("The delegation arrived in [[\ufffd]]rebro on Monday."),
        good("Делегация прибыла в Москву в понедельник.", lang="ru"),
        good("代表团周一抵达北京，会议将于周二举行。", lang="zh"),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        from ftfy import TextFixerConfig, fix_and_explain
        from ftfy.badness import is_bad

        config = TextFixerConfig(
            uncurl_quotes=False,
            fix_latin_ligatures=False,
            fix_character_width=False,
            normalization=None,
            fix_line_breaks=False,
        )
        flagged: list[tuple[int, int]] = []
        yield from self._legacy_code_pages(doc, ctx, flagged)
        for run in NON_ASCII_RUN.finditer(doc.text):
            text = run.group(0)
            if any(run.start() < b and a < run.end() for a, b in flagged) or not is_bad(text):
                continue
            fixed, steps = fix_and_explain(text, config=config)
            if fixed == text or not any(step.action in ("encode", "decode", "apply") for step in steps or []):
                continue
            # Keep only the garbled words: drop what ftfy left unchanged at both ends.
            head = _unchanged_words(text, fixed)
            tail = _unchanged_words(text[head:][::-1], fixed[head:][::-1])
            start, end = run.start() + head, run.end() - tail
            text, fixed = text[head : len(text) - tail], fixed[head : len(fixed) - tail]
            flagged.append((start, end))
            yield self.finding(
                doc,
                start,
                end,
                f"Mojibake: “{text}” looks like “{fixed}” decoded with the wrong character set.",
                [replace(start, end, fixed, 0.9, safe=True)],
            )

    def _legacy_code_pages(
        self, doc: Document, ctx: CheckContext, flagged: list[tuple[int, int]]
    ) -> Iterator[Finding]:
        """What ftfy does not repair: text in the language's own legacy code pages
        (`legacy_encodings`: Windows-1251, GBK...) read as another one. A run is re-encoded and
        decoded both ways (UTF-8 bytes read as the code page; the code page's bytes read as
        Latin-1), and a repair that reads much better (wordfreq) is proposed. Characters lost in
        decoding (U+FFFD, and its GBK form "锟斤拷") are flagged without a fix."""
        encodings = ctx.data.spec.legacy_encodings
        text = doc.text
        # U+FFFD, and what it becomes written as UTF-8 and read as a legacy code page ("锟斤拷").
        lost_forms = [REPLACEMENT] + [
            form
            for encoding in encodings
            if (form := _decode(REPLACEMENT * 2, "utf-8", encoding)) is not None
        ]
        lost = regex.compile("(?:" + "|".join(regex.escape(form) for form in lost_forms) + ")+")
        for match in lost.finditer(text):
            flagged.append(match.span())
            yield self.finding(
                doc,
                match.start(),
                match.end(),
                f"“{match.group(0)}”: characters lost when the text was decoded; restore them from the source.",
                [],
            )
        for run in LEGACY_RUN.finditer(text):
            if any(run.start() < b and a < run.end() for a, b in flagged):
                continue
            for start, end, repaired in _repairs(run, encodings, ctx):
                flagged.append((start, end))
                yield self.finding(
                    doc,
                    start,
                    end,
                    f"Mojibake: “{text[start:end]}” looks like “{repaired}” decoded with the wrong code page.",
                    [replace(start, end, repaired, 0.8, safe=False)],
                )


def _repairs(
    run: regex.Match[str], encodings: list[str], ctx: CheckContext
) -> Iterator[tuple[int, int, str]]:
    """The stretches of a run that one re-decoding repairs into much better text, as (start, end,
    repair). A run may hold good words beside garbled ones ("إلى ط§ظ„ظ‚ط§ظ‡ط±ط© للمشاركة"), so each
    re-decoding is tried word by word and the words it changes are taken together."""
    if not ctx.data.spaced:
        yield from _unspaced_repairs(run, encodings, ctx)
        return
    words = list(regex.finditer(r"\S+", run.group(0)))
    done_until = 0
    for written, read in _readings(encodings):
        group: list[tuple[regex.Match[str], str]] = []
        for word in [*words, None]:
            decoded = _decode(word.group(0), written, read, cut_ends=True) if word is not None else None
            if word is not None and decoded not in (None, word.group(0)):
                group.append((word, decoded))
                continue
            if group and group[0][0].start() >= done_until:
                original = " ".join(w.group(0) for w, _ in group)
                repaired = " ".join(d for _, d in group)
                if _reads_much_better(repaired, original, ctx):
                    done_until = group[-1][0].end()
                    yield run.start() + group[0][0].start(), run.start() + group[-1][0].end(), repaired
            group = []


def _readings(encodings: list[str]) -> list[tuple[str, str]]:
    """The (written as, read as) pairs that garble text of these code pages: UTF-8 read as the
    code page, and the code page read as Latin-1 or Windows-1252."""
    return [
        (written, read) for e in encodings for written, read in ((e, "utf-8"), ("latin-1", e), ("cp1252", e))
    ]


def _unspaced_repairs(
    run: regex.Match[str], encodings: list[str], ctx: CheckContext
) -> Iterator[tuple[int, int, str]]:
    """In unspaced text, the longest stretches that re-decode into much better text ("浣犲ソ" in
    "抵达浣犲ソ"). Only a run with a rare character can hold mojibake (GBK's reading of UTF-8
    makes rare characters and stray kana), and only there is every stretch tried."""
    from tqcheck.rules._text import zipf

    text = run.group(0)
    if all(zipf(char, ctx.lang) >= RARE_CHARACTER_ZIPF for char in text):
        return
    ways = _readings(encodings)
    position = 0
    while position < len(text) - 1:
        found = None
        for stop in range(min(len(text), position + MAX_STRETCH), position + 1, -1):
            piece = text[position:stop]
            for written, read in ways:
                repaired = _decode(piece, written, read)
                if repaired not in (None, piece) and _reads_much_better(repaired, piece, ctx):
                    found = (stop, repaired)
                    break
            if found:
                break
        if found is None:
            position += 1
            continue
        yield run.start() + position, run.start() + found[0], found[1]
        position = found[0]


def _reads_much_better(repaired: str, original: str, ctx: CheckContext) -> bool:
    """Whether a repair is in the language's scripts and its words are much commoner (wordfreq)."""
    from tqcheck.rules._text import zipf
    from tqcheck.wordlists import wordfreq_module

    def readability(candidate: str) -> float:
        # In a spaced script, garbled text splits into stray letters ("ط", "ظ") that wordfreq
        # knows as letters: a one-letter word counts as unknown.
        words = wordfreq_module(ctx.lang).tokenize(candidate, ctx.lang)
        known = [zipf(w, ctx.lang) if len(w) > 1 or not ctx.data.spaced else 0.0 for w in words]
        return sum(known) / len(known) if known else 0.0

    if not set(scripts_in(repaired)) <= set(ctx.data.scripts):
        return False
    return readability(repaired) >= readability(original) + REPAIR_GAIN_ZIPF


def _decode(text: str, written_as: str, read_as: str, *, cut_ends: bool = False) -> str | None:
    """`text` encoded with `written_as` and decoded with `read_as`; None where either fails. With
    `cut_ends`, read as UTF-8, a character cut at either end (its other bytes lost beside a "�")
    is dropped."""
    try:
        data = text.encode(written_as)
        return data.decode(read_as)
    except LookupError:
        return None
    except UnicodeDecodeError:
        if not cut_ends or read_as != "utf-8":
            return None
        decoded = data.decode("utf-8", errors="replace").strip(REPLACEMENT)
        return decoded if decoded and REPLACEMENT not in decoded else None
    except UnicodeError:
        return None


class HtmlEntity(Rule):
    """Flags a character reference left in the text ("&nbsp;", "&amp;", "&#8212;").

    ## What it does
    Finds named and numeric character references that stand for a character (Python's
    `html.unescape` changes them) in plain text, JSON records and HTML (where the reader has
    already decoded one level, so a reference left is one escaped twice). Markdown is skipped:
    there a reference is how the source writes the character.

    ## Why is this bad?
    A pipeline that escapes text twice, or copies a page's source, leaves markup that readers see
    as "&nbsp;" instead of a space.

    ## Fix safety
    Safe: the reference is replaced by the character it stands for.
    """

    code = "TQ207"
    name = "html-entity"
    category = Category.FLUENCY
    severity = Severity.MAJOR
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad(
            "The talks resumed on Monday[[&nbsp;]]in Geneva.",
            fixed="The talks resumed on Monday\u00a0in Geneva.",
        ),
        bad(
            "Переговоры возобновились [[&#8212;]] сообщил МИД.",
            lang="ru",
            fixed="Переговоры возобновились — сообщил МИД.",
        ),
        good("Tom & Jerry and AT&T; the R&D budget rose & fell."),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        import html

        if doc.format == "md":
            return
        for match in ENTITY.finditer(doc.text):
            character = html.unescape(match.group(0))
            if character == match.group(0):
                continue  # not a reference HTML knows ("&T;")
            yield self.finding(
                doc,
                match.start(),
                match.end(),
                f"The character reference “{match.group(0)}” stands for “{character}”.",
                [replace(match.start(), match.end(), character, 0.9, safe=True)],
            )


class Homoglyph(Rule):
    """Flags a word that mixes scripts with look-alike letters ("Pаris" with a Cyrillic "а").

    ## What it does
    For each word whose letters come from two scripts, checks whether every letter outside the
    language's script is a known look-alike (`data/common/homoglyphs.tsv`, from Unicode's
    confusables) and proposes the word written in one script.

    ## Why is this bad?
    The word looks right but search, spell-checking, hyphenation and screen readers treat it as
    another word; it comes from OCR, keyboard layouts or deliberate obfuscation.

    ## Fix safety
    Safe: each replaced letter looks the same.
    """

    code = "TQ206"
    name = "homoglyph"
    category = Category.FLUENCY
    severity = Severity.MINOR
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad("The summit in [[Pаris]] ended early.", fixed="The summit in Paris ended early."),
        bad("El [[gоbierno]] anunció medidas.", lang="es", fixed="El gobierno anunció medidas."),
        bad("Министр [[oбороны]] прибыл.", lang="ru", fixed="Министр обороны прибыл."),
        good("The ΔT of the reactor and the Москва–Paris flight."),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        own_scripts = ctx.data.scripts
        table = homoglyphs()
        for token in doc.tokens:
            if not token.is_word or (token.text.isascii() and "Latin" in own_scripts):
                continue
            counts = scripts_in(token.text)
            if len(counts) < 2:
                continue
            target = next((s for s in own_scripts if s in counts and s in table), None)
            if target is None:
                continue
            mapping = table[target]
            letters = [ch for ch in token.text if ch.isalpha() and scripts_in(ch).get(target) is None]
            if not letters or not all(ch in mapping for ch in letters):
                continue
            fixed = "".join(mapping.get(ch, ch) if ch in letters else ch for ch in token.text)
            yield self.finding(
                doc,
                token.start,
                token.end,
                f"“{token.text}” mixes {target} letters with look-alikes from another script.",
                [replace(token.start, token.end, fixed, 0.95, safe=True)],
            )
