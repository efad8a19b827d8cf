"""Locale punctuation: spacing around punctuation, quotation marks, balance, doubled spaces.

Eight rules (TQ501–TQ508), each with its docs and examples, in one module as ruff groups a rule
family: they share the locale's punctuation data and its helpers."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import regex
from ftfy.badness import is_bad

from tqcheck.context import CheckContext
from tqcheck.document import Document
from tqcheck.findings import Category, Finding, FixAvailability, Severity, Suggestion
from tqcheck.rule import Rule, bad, good, replace

NBSP, NNBSP = "\u00a0", "\u202f"
SPACE_BEFORE = regex.compile(
    r"(?<=[\p{L}\p{N}\p{M}”»’)\]])([ \t\u00a0\u202f]+)"
    # An ASCII mark must end a word (not ".5", not "..."); full-width marks need no space after them.
    r"(?:([,.;:!?،؛؟])(?![.\p{N}])(?=[\s\"”’»)\]]|$)|([，。；：！？、]))"
)
SPACE_ON_WRONG_SIDE = regex.compile(r"(?<=[\p{L}\p{M}])([ \u00a0]+)([,;،؛])(?=\p{L})")
MISSING_AFTER_COMMA = regex.compile(r"(?<=\p{L}\p{M}*\p{L}\p{M}*)([,;،؛])(?=\p{L})")
MISSING_AFTER_STOP = regex.compile(r"(?<=\p{Ll}\p{Ll})([.!?])(?=\p{Lu}\p{Ll})")
# A quotation stays within its paragraph: no line break of any kind inside (a file with CR
# line endings, or one stray CR, breaks lines too; TQ505 checks pairs per paragraph likewise).
BREAKS = r"\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029"
DOUBLE_QUOTE_STYLES = {
    ("“", "”"): regex.compile(rf"“[^“”„«»\"{BREAKS}]{{1,400}}”"),
    ("„", "“"): regex.compile(rf"„[^“”„«»\"{BREAKS}]{{1,400}}“"),
    ("«", "»"): regex.compile(rf"«[^«»{BREAKS}]{{1,600}}»"),
    ("»", "«"): regex.compile(rf"»[^«»{BREAKS}]{{1,600}}«"),
    ('"', '"'): regex.compile(rf"\"[^\"“”„«»{BREAKS}]{{1,400}}\""),
    ("”", "”"): regex.compile(rf"”[^“”„«»\"{BREAKS}]{{1,400}}”"),
    ("「", "」"): regex.compile(rf"「[^「」{BREAKS}]{{1,400}}」"),
}
INNER_SPACES = " \t\u00a0\u202f"
BRACKETS = {"(": ")", "[": "]", "{": "}", "（": "）", "【": "】", "《": "》"}
ACRONYM_AFTER = regex.compile(r"\p{Lu}[\p{Lu}\p{N}&.-]{1,9}\b")


class SpaceBeforePunctuation(Rule):
    """Flags a space before a comma, period, semicolon, colon, exclamation or question mark
    ("said , the"), except where the language puts one (French ; : ! ?), and a space just inside
    quotation marks ("« No habrá »" in Spanish).

    ## What it does
    Looks for white space between a word and the punctuation that follows it; the characters
    that take a space in the language (`space_before` in `locale.toml`) are left to TQ503. Inside
    the language's double quotation marks (`quotes`), a space after the opening mark or before
    the closing one is flagged, except in guillemets that take one (`guillemet_inner_space`).

    ## Why is this bad?
    Detokenisation errors in MT output leave tokens separated by spaces.

    ## Fix safety
    Safe: only the space goes.
    """

    code = "TQ501"
    name = "space-before-punctuation"
    category = Category.LOCALE
    severity = Severity.MINOR
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad(
            "The minister [[said ,]] the port will reopen.", fixed="The minister said, the port will reopen."
        ),
        bad("Die Gewerkschaft hat [[zugestimmt .]]", lang="de", fixed="Die Gewerkschaft hat zugestimmt."),
        bad("政府[[表示 ，]]停火仍在维持。", lang="zh", fixed="政府表示，停火仍在维持。"),
        good("Le ministre a déclaré : « Nous rouvrirons le port ! »", lang="fr"),
        good("The rate fell to .5 percent ... then rose."),
        bad("El ministro afirmó: [[« ]]No habrá más recortes[[ »]].", lang="es"),
        bad("أكد المتحدث باسم الحكومة[[ ،]]أن الانتخابات ستجرى في موعدها.", lang="ar"),
        good("El ministro afirmó: «No habrá más recortes».", lang="es"),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        allowed = set(ctx.data.locale.get("space_before", ""))
        for match in SPACE_BEFORE.finditer(doc.text):
            mark = match.group(2) or match.group(3)
            if mark in allowed or "\n" in match.group(1):
                continue
            # Report the word before too, so the span reads naturally ("said ,").
            before = doc.tokens_between(max(0, match.start() - 60), match.start())
            start = before[-1].start if before and before[-1].end == match.start() else match.start()
            end = match.end()
            yield self.finding(
                doc,
                start,
                end,
                f"Space before “{mark}”.",
                [replace(start, end, doc.text[start : match.start()] + mark, 0.95, safe=True)],
            )
        for match in SPACE_ON_WRONG_SIDE.finditer(doc.text):
            # "الحكومة ،أن", "the minister ,who": the space stands before the mark instead of after it.
            mark = match.group(2)
            if mark in allowed:
                continue
            yield self.finding(
                doc,
                match.start(),
                match.end(),
                f"Space before “{mark}” instead of after it.",
                [replace(match.start(), match.end(), f"{mark} ", 0.95, safe=True)],
            )
        yield from _spaces_inside_quotes(self, doc, ctx)


def _spaces_inside_quotes(rule: Rule, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
    """A space just inside the language's quotation marks ("« No habrá »" in Spanish, "„ Wir“"),
    where the locale writes none: French guillemets take one (`guillemet_inner_space`, TQ503's
    job), and single marks are apostrophes too ("the ’90s")."""
    spec = ctx.data.spec
    # In the locale's order, each pair once: a set's order would follow the hash seed.
    for opening, closing in dict.fromkeys(tuple(pair) for pair in [*spec.quotes, *spec.inner_quotes]):
        pattern = DOUBLE_QUOTE_STYLES.get((opening, closing))
        if pattern is None or opening == closing or (opening in "«»" and spec.guillemet_inner_space):
            continue
        for match in pattern.finditer(doc.text):
            quoted = match.group(0)
            lead = len(quoted) - 1 - len(quoted[1:].lstrip(INNER_SPACES))
            trail = len(quoted) - 1 - len(quoted[:-1].rstrip(INNER_SPACES))
            if lead and lead + trail < len(quoted) - 2:
                start = match.start()
                yield rule.finding(
                    doc,
                    start,
                    start + 1 + lead,
                    f"Space after the opening “{opening}”.",
                    [replace(start, start + 1 + lead, opening, 0.95, safe=True)],
                )
            if trail and lead + trail < len(quoted) - 2:
                end = match.end()
                yield rule.finding(
                    doc,
                    end - 1 - trail,
                    end,
                    f"Space before the closing “{closing}”.",
                    [replace(end - 1 - trail, end, closing, 0.95, safe=True)],
                )


class MissingSpaceAfterPunctuation(Rule):
    """Flags a comma, semicolon or sentence end glued to the next word ("army,which", "ended.The").

    ## What it does
    Flags a comma or semicolon between two letters, and a period, exclamation or question mark
    between a lowercase word and a capitalised one; numbers, abbreviations ("U.S.", "e.g.") and
    domain names are left alone. Not applied to Chinese, which uses no spaces.

    ## Why is this bad?
    Segment joins and detokenisation drop the space; words run together for readers and search.

    ## Fix safety
    Safe: one space is inserted.
    """

    code = "TQ502"
    name = "missing-space-after-punctuation"
    category = Category.LOCALE
    severity = Severity.MINOR
    fix_availability = FixAvailability.ALWAYS
    spaced_only = True  # full-width marks carry their own spacing
    examples = (
        bad(
            "The [[army,which]] crossed the river, withdrew.",
            fixed="The army, which crossed the river, withdrew.",
        ),
        bad("The talks [[ended.The]] ministers left.", fixed="The talks ended. The ministers left."),
        bad("قال الوزير إن [[الهدنة،صامدة]] تماما.", lang="ar", fixed="قال الوزير إن الهدنة، صامدة تماما."),
        good("Prices rose 1,5% in the U.S. and e.g. in Japan; see example.com for details."),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        for pattern in (MISSING_AFTER_COMMA, MISSING_AFTER_STOP):
            for match in pattern.finditer(doc.text):
                start, end = self._word_span(doc.text, match.start(), match.end())
                if "://" in doc.text[start:end] or "@" in doc.text[start:end]:
                    continue
                if regex.search(r"&#?\w+$", doc.text[start : match.start()]) and match.group(1) == ";":
                    continue  # the ";" that ends a character reference ("&nbsp;"): TQ207 reports it
                mark = match.group(1)
                fixed = doc.text[start : match.start()] + mark + " " + doc.text[match.end() : end]
                yield self.finding(
                    doc, start, end, f"No space after “{mark}”.", [replace(start, end, fixed, 0.9, safe=True)]
                )

    @staticmethod
    def _word_span(text: str, start: int, end: int) -> tuple[int, int]:
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        while end < len(text) and not text[end].isspace() and text[end] not in ",.;:!?":
            end += 1
        return start, end


class FrenchSpacing(Rule):
    """Flags French punctuation without its no-break space: before ; : ! ? %, and inside « ».

    ## What it does
    In French text, checks that a space (preferably a narrow no-break space, U+202F, or a
    no-break space, U+00A0) stands before ; : ! ?, between a figure and "%", and after « and
    before ». Times ("10:30"), URLs and ratios are left alone.

    ## Why is this bad?
    French typography requires the space; MT from English drops it.

    ## Fix safety
    Safe: a no-break space is inserted (narrow before ; ! ?, ordinary no-break elsewhere).
    """

    code = "TQ503"
    name = "french-spacing"
    category = Category.LOCALE
    severity = Severity.MINOR
    fix_availability = FixAvailability.ALWAYS
    languages = frozenset({"fr"})
    examples = (
        bad(
            "Le ministre a [[déclaré:]] la grève est finie.",
            lang="fr",
            fixed="Le ministre a déclaré\u00a0: la grève est finie.",
        ),
        bad("Pourquoi [[maintenant?]]", lang="fr", fixed="Pourquoi maintenant\u202f?"),
        bad("Il a parlé de [[«crise»]] hier.", lang="fr", fixed="Il a parlé de «\u00a0crise\u00a0» hier."),
        bad(
            "Le chômage atteint [[7,5%]] en mars.", lang="fr", fixed="Le chômage atteint 7,5\u00a0% en mars."
        ),
        good("Le chômage atteint 7,5\u00a0% en mars, soit 0,2 point de plus.", lang="fr"),
        good(
            "Le ministre a déclaré\u00a0: «\u00a0La grève est finie\u202f!\u00a0» à 10:30, voir https://example.fr.",
            lang="fr",
        ),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        text = doc.text
        for match in regex.finditer(r"(?<=[\p{L}\p{N}”»)\]])([;:!?])(?=[\s\"”»)]|$)", text):
            if match.group(1) == ":" and regex.match(r"\d", text[match.end() : match.end() + 1]):
                continue
            start, end = self._word_start(text, match.start()), match.end()
            space = NBSP if match.group(1) == ":" else NNBSP
            fixed = text[start : match.start()] + space + match.group(1)
            yield self.finding(
                doc,
                start,
                end,
                f"French puts a no-break space before “{match.group(1)}”.",
                [replace(start, end, fixed, 0.9, safe=True)],
            )
        # The percent sign is a unit: a no-break space between it and the figure ("7,5 %").
        for match in regex.finditer(r"(?<![\p{L}\p{N}.,])(\d(?:[\d\u202f\u00a0.,]*\d)?)%", text):
            yield self.finding(
                doc,
                match.start(),
                match.end(),
                "French puts a no-break space before “%”.",
                [replace(match.start(), match.end(), f"{match.group(1)}{NBSP}%", 0.9, safe=True)],
            )
        for match in regex.finditer(r"«([^«»\n]{1,600})»", text):
            inner = match.group(1)
            if inner[:1].isspace() and inner[-1:].isspace():
                continue
            fixed = f"«{NBSP}{inner.strip()}{NBSP}»"
            yield self.finding(
                doc,
                match.start(),
                match.end(),
                "French guillemets take a no-break space inside.",
                [replace(match.start(), match.end(), fixed, 0.9, safe=True)],
            )

    @staticmethod
    def _word_start(text: str, position: int) -> int:
        start = position
        while start > 0 and not text[start - 1].isspace() and position - start < 40:
            start -= 1
        return start


def _quotations(text: str, accepted: list[tuple[str, str]]) -> list[tuple[tuple[str, str], int, int]]:
    """Quotations of every style, the language's own styles paired first.

    Pairing the accepted styles first and masking them keeps German »Krise« und »Not« from being
    read as a French «…» running from the first closing mark to the next opening one.
    """
    found = []
    masked = text
    ordered = [s for s in accepted if s in DOUBLE_QUOTE_STYLES] + [
        s for s in DOUBLE_QUOTE_STYLES if s not in accepted
    ]
    for style in ordered:
        # One style's matches do not overlap: mask them all in one rebuild, not one per match
        # (quadratic on a long article).
        pieces, cursor = [], 0
        for match in DOUBLE_QUOTE_STYLES[style].finditer(masked):
            found.append((style, match.start(), match.end()))
            pieces += [masked[cursor : match.start()], " " * (match.end() - match.start())]
            cursor = match.end()
        if pieces:
            masked = "".join(pieces) + masked[cursor:]
    found.sort(key=lambda item: item[1])
    return found


def _outermost(quotations: list[tuple[tuple[str, str], int, int]]) -> list[tuple[tuple[str, str], int, int]]:
    """The quotations not nested in one that opens earlier, in order (they come sorted by start)."""
    outer = []
    reach = -1  # the furthest end of the quotations opening before the current start
    i = 0
    while i < len(quotations):
        j = i
        while j < len(quotations) and quotations[j][1] == quotations[i][1]:
            j += 1
        outer += [q for q in quotations[i:j] if q[2] > reach]
        reach = max(reach, *(q[2] for q in quotations[i:j]))
        i = j
    return outer


def _quote_pairs(ctx: CheckContext) -> list[tuple[str, str]]:
    return [tuple(pair) for pair in ctx.data.locale.get("quotes", [])]  # type: ignore[misc]


class QuoteStyle(Rule):
    """Flags quotation marks of another language's style (“…” in German or French text) and a
    quotation style that differs from the one the article uses elsewhere.

    ## What it does
    Finds double-quote quotations of every style (“…”, „…“, «…», "…", 「…」) and checks each
    against the accepted pairs of the language (`quotes` in `locale.toml`). Among accepted
    styles, a minority style is flagged when the article uses another one at least twice as
    often. Quotations nested inside another are secondary quotes: they are checked only where the
    locale names its inner marks (`inner_quotes`: Russian „…“ inside «…»), against those and the
    accepted pairs.

    ## Why is this bad?
    MT outputs the source language's quotation marks, or English ones; a publication uses
    its language's marks consistently.

    ## Fix safety
    Safe: only the quotation marks change (French spacing added for « »).
    """

    code = "TQ504"
    name = "quote-style"
    category = Category.LOCALE
    severity = Severity.MINOR
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad(
            "Der Minister sprach von einer [[“Krise”]].",
            lang="de",
            fixed="Der Minister sprach von einer „Krise“.",
        ),
        bad(
            "Le ministre a parlé de [[“crise”]].",
            lang="fr",
            fixed="Le ministre a parlé de «\u00a0crise\u00a0».",
        ),
        bad("Министр назвал это [[“кризисом”]].", lang="ru", fixed="Министр назвал это «кризисом»."),
        bad(
            'Dijo «basta» y luego «nunca más», y añadió [["se acabó"]].',
            lang="es",
            fixed="Dijo «basta» y luego «nunca más», y añadió «se acabó».",
        ),
        good("He called it a “crisis” and said “enough”."),
        good("Il a dit : « Le mot “crise” est trop fort. »", lang="fr"),
        bad(
            'Он сказал: «Команда [["заслужила эту победу"]] больше всех».',
            lang="ru",
            fixed="Он сказал: «Команда „заслужила эту победу“ больше всех».",
        ),
        good("Он сказал: «Команда „заслужила эту победу“ больше всех».", lang="ru"),
        good("Er sagte: „Das Wort ‚Krise‘ ist zu stark.“", lang="de"),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        accepted = _quote_pairs(ctx)
        if not accepted:
            return
        quotations = _quotations(doc.text, accepted)
        outer = _outermost(quotations)
        counts: dict[tuple[str, str], int] = {}
        for style, _, _ in outer:
            counts[style] = counts.get(style, 0) + 1
        accepted_counts = {s: n for s, n in counts.items() if s in accepted}
        # The article's own style: the most used accepted one, the house style breaking a tie.
        dominant = max(
            accepted_counts, key=lambda s: (accepted_counts[s], -accepted.index(s)), default=accepted[0]
        )
        language = ctx.data.locale.get("name", ctx.lang)
        for style, start, end in outer:
            if style == dominant:
                continue
            shown, usual = f"{style[0]}…{style[1]}", f"{dominant[0]}…{dominant[1]}"
            if style in accepted:
                message = f"Quotation marks {shown} differ from the article's usual {usual}."
            else:
                message = f"Quotation marks {shown} are not used in {language}; use {usual}."
            target = dominant
            inner = doc.text[start + 1 : end - 1]
            space = str(ctx.data.locale.get("guillemet_inner_space", ""))
            if target == ("«", "»") and space:
                fixed = f"«{space}{inner.strip()}{space}»"
            else:
                fixed = f"{target[0]}{inner}{target[1]}"
            yield self.finding(doc, start, end, message, [replace(start, end, fixed, 0.85, safe=True)])
        yield from self._nested(doc, ctx, outer, accepted)

    def _nested(
        self,
        doc: Document,
        ctx: CheckContext,
        outer: list[tuple[tuple[str, str], int, int]],
        accepted: list[tuple[str, str]],
    ) -> Iterator[Finding]:
        """A quotation inside another in marks the language uses at neither level (straight or
        English quotes inside Russian «…»), where the locale names its inner marks (`inner_quotes`)."""
        inner_styles = [tuple(pair) for pair in ctx.data.locale.get("inner_quotes", [])]
        if not inner_styles:
            return
        language = ctx.data.locale.get("name", ctx.lang)
        target = inner_styles[0]
        text = doc.text
        for outer_style, outer_start, outer_end in outer:
            if outer_style not in accepted:
                continue  # flagged as a whole above; its fix rewrites the marks around the inner ones
            for style, pattern in DOUBLE_QUOTE_STYLES.items():
                if style in inner_styles or style in accepted:
                    continue
                for match in pattern.finditer(text, outer_start + 1, outer_end - 1):
                    start, end = match.span()
                    fixed = f"{target[0]}{text[start + 1 : end - 1]}{target[1]}"
                    message = (
                        f"Quotation marks {style[0]}…{style[1]} inside a quotation are not used in "
                        f"{language}; use {target[0]}…{target[1]}."
                    )
                    yield self.finding(
                        doc, start, end, message, [replace(start, end, fixed, 0.85, safe=True)]
                    )


class UnbalancedDelimiters(Rule):
    """Flags an opening bracket or quotation mark without its closing partner in the paragraph,
    or a closing one without an opening one.

    ## What it does
    Pairs brackets and the language's quotation marks (those with distinct opening and closing
    characters, from `locale.toml`) within each paragraph; straight double quotes must come in
    even numbers. It stays quiet where the imbalance is not the translation's doing: a quotation
    that runs on into the next paragraph (which opens with a quotation mark again, as news style
    writes multi-paragraph quotes), the same imbalance in the source, and, in a one-paragraph
    segment of segment-level MT, a quotation opened before the segment or left open after it.

    ## Why is this bad?
    MT drops one half of a pair when it reorders a sentence, and the reader cannot tell where
    a quotation or aside ends.

    ## Fix safety
    Unsafe: the closing mark is proposed after an acronym ("(UN" → "(UN)") or at the sentence
    end, which may not be where it belongs.
    """

    code = "TQ505"
    name = "unbalanced-delimiters"
    category = Category.LOCALE
    severity = Severity.MINOR
    fix_availability = FixAvailability.SOMETIMES
    examples = (
        bad(
            "The Rail Workers' Union [[(]]RWU said the strike would go on.",
            fixed="The Rail Workers' Union (RWU) said the strike would go on.",
        ),
        bad("He said [[“]]we will never give up.", fixed="He said “we will never give up.”"),
        bad("The vote was postponed[[)]] until May."),
        good("The union (RWU) said “we will go on” and left [see page 2]."),
        good("Er sagte: „Wir machen weiter.“", lang="de"),
        good(
            "The mayor spoke first.\n\n“We will rebuild the bridge, and we will do it this year.\n\n"
            "“Nobody will be left behind,” she said."
        ),
        good("„Obwohl der Rückzug begonnen hat, bleibt die Lage angespannt.", lang="de"),
        good("we will never give up,” the minister said on Monday."),
        good(
            "Il a déclaré : « Nous ne céderons pas.",
            lang="fr",
            source="He said: “We will not give in.",
            source_lang="en",
        ),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        pairs = dict(BRACKETS)
        for opening, closing in _quote_pairs(ctx):
            if closing in "’'‘":  # single quotes share their closing mark with the apostrophe
                continue
            if opening != closing and opening not in pairs.values() and closing not in pairs:
                pairs.setdefault(opening, closing)
        closers = {close: open_ for open_, close in pairs.items()}
        text = doc.text
        # The source's own imbalance is the translation's right to keep: a quote the source leaves
        # open (it continues in the next segment or paragraph) stays open in a faithful translation.
        source_quotes_odd, source_brackets_odd = _imbalance(ctx.source.text) if ctx.source else (False, False)
        segment = doc.is_segment
        for index, block in enumerate(doc.blocks):
            if is_bad(text[block.start : block.end]):
                continue  # mojibake garbles quotation marks; TQ205 reports the cause
            # A quotation running on into the next paragraph, which opens with a quotation mark.
            after = doc.blocks[index + 1].start if index + 1 < len(doc.blocks) else None
            runs_on = after is not None and text[after] in pairs and text[after] not in BRACKETS
            excused = partial(
                _excused,
                text,
                block.start,
                source_odd=(source_quotes_odd, source_brackets_odd),
                runs_on=runs_on,
                segment=segment,
            )

            stack: list[tuple[str, int]] = []
            for position in range(block.start, block.end):
                char = text[position]
                if char in pairs and not (char in closers and stack and stack[-1][0] == closers[char]):
                    stack.append((char, position))
                elif char in closers:
                    if stack and stack[-1][0] == closers[char]:
                        stack.pop()
                    elif any(open_ == closers[char] for open_, _ in stack):
                        while stack and stack[-1][0] != closers[char]:
                            char_open, at = stack.pop()
                            if not excused(at, char_open, True):
                                yield self._unclosed(doc, char_open, at, pairs)
                        stack.pop()
                    elif not excused(position, char, False):
                        yield self.finding(
                            doc, position, position + 1, f"“{char}” closes nothing in this paragraph."
                        )
            for char, position in stack:
                if not excused(position, char, True):
                    yield self._unclosed(doc, char, position, pairs)
            straight = [i for i in range(block.start, block.end) if text[i] == '"']
            # Straight quotes cannot tell an opening from a closing one: in a segment, the odd one
            # may belong to a quotation that began or ends in another segment.
            if len(straight) % 2 and not segment and not excused(straight[0], '"', True):
                position = straight[-1]
                yield self.finding(
                    doc, position, position + 1, "Odd number of straight quotation marks in this paragraph."
                )

    def _unclosed(self, doc: Document, char: str, position: int, pairs: dict[str, str]) -> Finding:
        closing = pairs[char]
        suggestions: list[Suggestion] = []
        acronym = ACRONYM_AFTER.match(doc.text, position + 1)
        sentence = doc.sentence_at(position)
        if char == "(" and acronym:
            suggestions.append(replace(position, acronym.end(), f"({acronym.group(0)})", 0.6, safe=False))
        elif sentence is not None and char not in BRACKETS:
            end = sentence.end
            suggestions.append(replace(position, end, doc.text[position:end] + closing, 0.4, safe=False))
        return self.finding(
            doc,
            position,
            position + 1,
            f"“{char}” is never closed with “{closing}” in this paragraph.",
            suggestions,
        )


def _excused(
    text: str,
    block_start: int,
    position: int,
    char: str,
    opening: bool,
    *,
    source_odd: tuple[bool, bool],
    runs_on: bool,
    segment: bool,
) -> bool:
    """Whether the mark at `position` is unbalanced through no fault of the translation.
    `source_odd`: the source's quotes and brackets are unbalanced themselves; `runs_on`: the next
    paragraph opens with a quotation mark; `segment`: the document is one paragraph cut from a
    longer text."""
    if char in BRACKETS or char in BRACKETS.values():
        return source_odd[1]  # an aside does not run on into another paragraph
    if source_odd[0] or (opening and runs_on):
        return True
    # A segment's quotation may have opened before it, or open at its start and close after it.
    return segment and (not opening or not text[block_start:position].strip())


# Double quotation marks of every script, straight ones included; single quotes double as
# apostrophes, so they are left out of the count.
QUOTE_MARKS = frozenset('"“”„«»「」『』')


def _imbalance(text: str) -> tuple[bool, bool]:
    """Whether a text (the source) leaves a quotation or a bracket unbalanced, whatever its
    language's quotation style: an odd number of double quotation marks, more opening brackets
    than closing ones or the reverse."""
    quotes = sum(1 for char in text if char in QUOTE_MARKS)
    brackets = sum(text.count(o) - text.count(c) for o, c in BRACKETS.items())
    return quotes % 2 == 1, brackets != 0


DOUBLED_SPACES = regex.compile(r"(?<=\S)[ \u00a0]{2,}(?=\S)")
WORD_BEFORE = regex.compile(r"[\p{L}\p{M}\p{N}]*", regex.REVERSE)  # matched backwards from the spaces
WORD_AFTER = regex.compile(r"[\p{L}\p{M}\p{N}]*")


class DoubledSpace(Rule):
    """Flags two or more spaces between words ("two  days").

    ## What it does
    Looks for runs of spaces inside a line; indentation and HTML (where browsers collapse
    spaces) are left alone.

    ## Why is this bad?
    Removed words and joined segments leave double spaces that show in print and break search.

    ## Fix safety
    Safe: the run becomes one space.
    """

    code = "TQ506"
    name = "doubled-space"
    category = Category.LOCALE
    severity = Severity.MINOR
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad("The strike lasted [[two  days]].", fixed="The strike lasted two days."),
        good("The strike lasted two days.\n    Indented lines are left alone."),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        if not doc.whitespace_significant:
            return
        text = doc.text
        last_end = 0
        # The run of spaces first, then the words either side: one pattern matching words before
        # spaces retries every letter of a long word without spaces (quadratic).
        for spaces in DOUBLED_SPACES.finditer(text):
            start = WORD_BEFORE.match(text, last_end, spaces.start()).start()
            end = WORD_AFTER.match(text, spaces.end()).end()
            last_end = end
            fixed = text[start : spaces.start()] + " " + text[spaces.end() : end]
            yield self.finding(
                doc,
                start,
                end,
                "Two or more spaces between words.",
                [replace(start, end, fixed, 0.95, safe=True)],
            )
