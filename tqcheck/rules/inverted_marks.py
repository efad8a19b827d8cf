"""Opening question and exclamation marks (Spanish "¿…?", "¡…!"), from the locale's data."""

from __future__ import annotations

import bisect
from collections.abc import Iterator

import regex

from tqcheck.context import CheckContext
from tqcheck.document import Document
from tqcheck.findings import Category, Finding, FixAvailability, Severity
from tqcheck.rule import Rule, bad, good, replace
from tqcheck.rules._text import zipf

# Where a question or exclamation may open inside a sentence: after a comma, colon, semicolon or
# dash ("Si llueve, ¿vendrás?"). The fix is safe only when no such place exists.
CLAUSE_BREAK = regex.compile(r"[,;:—–]\s+")
# What stands before a question's first word and stays before its opening mark.
LEADING = regex.compile(r"[\s«“\"'‘(\[—–-]*")


class InvertedMarks(Rule):
    """Flags a question or exclamation without its opening mark in a language that writes one
    ("Qué ganamos?" for "¿Qué ganamos?" in Spanish).

    ## What it does
    For each closing mark listed in the locale's `inverted_marks` pairs (Spanish: "¿" "?" and
    "¡" "!"), looks back in its sentence, to the previous closing mark, for the opening one. A
    question with none is flagged from where it starts to its closing mark. A mark that is not
    punctuation ("?id=7" in an address, the editorial "(?)") is left alone. In a language
    without such pairs, an opening "¿" or "¡" before one of its everyday words is Spanish
    punctuation carried over ("¿Quem vai pagar?" in Portuguese).

    ## Why is this bad?
    Machine translation from English drops the opening mark, which Spanish orthography requires
    (RAE, *Ortografía*, 2010): the reader learns only at the end that the sentence was a question.

    ## Fix safety
    Safe when the question is the whole sentence; unsafe when a comma, colon or dash inside it
    leaves room for the question to start later ("Si llueve, ¿vendrás?"): both places are
    proposed, the sentence's start first.
    """

    code = "TQ510"
    name = "inverted-marks"
    category = Category.LOCALE
    severity = Severity.MINOR
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad(
            "El ministro preguntó a los periodistas. [[Qué ganamos con esperar otro año?]]",
            lang="es",
            fixed="El ministro preguntó a los periodistas. ¿Qué ganamos con esperar otro año?",
        ),
        bad(
            "«[[Es el fin de una era!]]», dijo el entrenador.",
            lang="es",
            fixed="«¡Es el fin de una era!», dijo el entrenador.",
        ),
        bad("[[Si el acuerdo fracasa, quién pagará la factura?]]", lang="es"),
        good("¿Qué ganamos con esperar otro año? ¡Nada!", lang="es"),
        good("Si el acuerdo fracasa, ¿quién pagará la factura?", lang="es"),
        good("La duda (?) persiste. Véase https://ejemplo.es/busqueda?q=paro para más datos.", lang="es"),
        good("What do we gain by waiting another year?"),
        bad(
            "[[¿]]Quem vai pagar a conta da reconstrução?",
            lang="pt",
            fixed="Quem vai pagar a conta da reconstrução?",
        ),
        good("The banner read “¿Dónde están?” in large letters."),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        pairs = ctx.data.locale.get("inverted_marks", [])
        if not pairs:
            yield from self._foreign_openers(doc, ctx)
            return
        opening_for = {closing: opening for opening, closing in pairs}
        text = doc.text
        for block in doc.blocks:
            starts = [sentence.start for sentence in doc.block_sentences(block)]
            # The opening mark is looked for back to the previous closing mark, across sentence
            # boundaries ("¿Vendrá el Sr. García?" may be split after "Sr."); the flagged question
            # starts no earlier than its own sentence.
            after_last = block.start
            for index in range(block.start, block.end):
                mark = text[index]
                if mark not in opening_for or not _punctuation(text, index):
                    continue
                looked, after_last = text[after_last:index], index + 1
                if opening_for[mark] in looked:
                    continue
                sentence_start = starts[bisect.bisect_right(starts, index) - 1] if starts else block.start
                start = max(sentence_start, index - len(looked))
                first = LEADING.match(text, start, index).end()
                if not regex.search(r"\p{L}", text[first:index]):
                    continue  # "?!" or a lone mark: nothing to open
                opening = opening_for[mark]
                kind = "question" if mark == "?" else "exclamation"
                # Inside a sentence with a comma, colon or dash the question may open after it.
                later = [m.end() for m in CLAUSE_BREAK.finditer(text, first, index)]
                suggestions = [
                    replace(
                        at, index + 1, opening + text[at : index + 1], 0.5 if later else 0.8, safe=not later
                    )
                    for at in [first, *later[-1:]]
                ]
                yield self.finding(
                    doc, first, index + 1, f"The {kind} has no opening “{opening}”.", suggestions
                )

    def _foreign_openers(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        """An opening "¿" or "¡" in a language that writes none, before a word of that language
        ("¿Quem vai pagar?" in Portuguese): Spanish punctuation carried over. Before a word
        commoner in Spanish, it opens a quotation in Spanish and stays."""
        for match in FOREIGN_OPENER.finditer(doc.text):
            word = match.group("word").lower()
            if zipf(word, ctx.lang) < FOREIGN_OPENER_WORD_ZIPF or zipf(word, "es") > zipf(word, ctx.lang):
                continue
            yield self.finding(
                doc,
                match.start(),
                match.start() + 1,
                f"“{match.group(0)[0]}” opens questions and exclamations in Spanish only.",
                [replace(match.start(), match.start() + 1, "", 0.8, safe=True)],
            )


# An opening mark before a word, and the word, where the language writes none.
FOREIGN_OPENER = regex.compile(r"[¿¡](?P<word>\p{L}+)")
# The word after it is the target language's everyday word (the question is in that language).
FOREIGN_OPENER_WORD_ZIPF = 3.0


def _punctuation(text: str, index: int) -> bool:
    """Whether the mark at `index` ends a question or exclamation: followed by a space, a closing
    quote or bracket, another mark or the end; not an address's "?q=" nor the editorial "(?)"."""
    after = text[index + 1 : index + 2]
    if after and not (after.isspace() or after in "»”\"’')]?!.,;:…"):
        return False
    return not (text[index - 1 : index] == "(" and after == ")")
