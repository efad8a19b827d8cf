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
    re-decodes the bytes (an encode/decode step), never for mere typographic changes.

    ## Why is this bad?
    A CMS or scraper that reads UTF-8 as Windows-1252 or Latin-1 garbles every accented letter,
    and in Cyrillic, Arabic or Chinese whole words.

    ## Fix safety
    Safe: ftfy's byte-level repair restores the original characters exactly.
    """

    code = "TQ205"
    name = "mojibake"
    category = Category.FLUENCY
    severity = Severity.MAJOR
    fix_availability = FixAvailability.ALWAYS
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
        for run in NON_ASCII_RUN.finditer(doc.text):
            text = run.group(0)
            if not is_bad(text):
                continue
            fixed, steps = fix_and_explain(text, config=config)
            if fixed == text or not any(step.action in ("encode", "decode", "apply") for step in steps or []):
                continue
            # Keep only the garbled words: drop what ftfy left unchanged at both ends.
            head = _unchanged_words(text, fixed)
            tail = _unchanged_words(text[head:][::-1], fixed[head:][::-1])
            start, end = run.start() + head, run.end() - tail
            text, fixed = text[head : len(text) - tail], fixed[head : len(fixed) - tail]
            yield self.finding(
                doc,
                start,
                end,
                f"Mojibake: “{text}” looks like “{fixed}” decoded with the wrong character set.",
                [replace(start, end, fixed, 0.9, safe=True)],
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
