"""Page residue: what a scraper copied from the page around the article."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache

import regex
from rapidfuzz import fuzz

from tqcheck.context import CheckContext
from tqcheck.document import Document, Sentence, Token
from tqcheck.findings import Category, Finding, FixAvailability, Severity
from tqcheck.resources import joined_pattern
from tqcheck.rule import Rule, bad, delete_line, good, replace
from tqcheck.rules._text import SENTENCE_END, fold, is_capitalised, zipf
from tqcheck.wordlists import top_words

WIDGET_TOKEN = regex.compile(r"[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}'’-]*")
COUNTER = regex.compile(r"[\s\-–—|:]*[(\[]?\d{1,4}[)\]]?\s*$")


NOT_WORD = regex.compile(r"[^\p{L}\p{M}\p{N}]+")
# A breadcrumb trail: three or more short items joined by one navigation separator
# ("Home > World > Europe", "الرئيسية / اقتصاد / طاقة").
BREADCRUMB_SEPARATORS = (">", "›", "»", "/", "|", "→", "::")
BREADCRUMB_ITEM = regex.compile(
    r"[\p{L}\p{M}][\p{L}\p{M}\p{N}'’.&-]*(?:[ \u00a0][\p{L}\p{M}\p{N}'’.&-]+){0,3}"
)
# A trail's label: up to four words and a colon ("You are here:", "Vous êtes ici :").
BREADCRUMB_LABEL = regex.compile(r"[\p{L}\p{M}'’]+(?:\s[\p{L}\p{M}'’]+){0,3}\s?[:：]\s*")
LABELLED_BREADCRUMB_SEPARATORS = (">", "›", "»", "→")
# A capitalised word this common opens the sentence that follows an inline related-article headline.
SENTENCE_OPENER_ZIPF = 5.0
# The longest stretch of words read as furniture at the start of a sentence.
FURNITURE_MAX_WORDS = 12
# The shortest page marker looked for inside a sentence: "Print", "Share" are words there too.
INLINE_MARKER_MIN_CHARS = 6


def _normalise(text: str) -> str:
    return " ".join(NOT_WORD.sub(" ", text).casefold().split())


class PageResidue(Rule):
    """Flags lines of page furniture left in the article: share and follow widgets, comment prompts,
    "read more" and related-article lines, advertisement markers.

    ## What it does
    Matches each line (block) against the residue patterns of the target language
    (`data/<lang>/residue.toml`) and of every language (`data/common/residue.toml`), and flags lines
    made only of widget words: network names, share/follow/comment verbs and counters
    ("Google News Follow 1", "Facebook Twitter WhatsApp"), and prompts to follow an account: a
    handle in a short stretch whose first or second word is a follow verb, a pronoun attached or
    not ("Síguela en X: @marialopez"). The patterns hold the site's own links (privacy policy,
    "skip to content"), media controls ("Enlarge this image"), photo agencies' credit lines ("AFP
    via Getty Images"), a blog's category line ("Posted in Local News") and stamps that count
    back from now ("Updated 3 hours ago"); a dated publication stamp stays, since articles carry
    one. A breadcrumb trail is three short items joined by one navigation separator ("Home >
    News > Local"), or two capitalised ones after a short label ("Sie sind hier: Startseite >
    Politik"). A related-article label (`inline_labels`)
    that opens a sentence inside a paragraph ("… the unions reject. Read also: Port strike enters
    third day The governor …") is the scraper's lost line break; its headline ends before the
    next sentence's common opening word.

    ## Why is this bad?
    A scraper that feeds a translation pipeline copies the page, not the article; the widgets are
    translated along with the text and published as if they were part of it.

    ## Fix safety
    Safe: the fix deletes the whole line and nothing else. A headline run into a paragraph is
    unsafe to delete: where it ends is a guess.
    """

    code = "TQ101"
    name = "page-residue"
    category = Category.RESIDUE
    severity = Severity.MAJOR
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad("Talks resume on Monday.\n\n[[Google News Follow 1]]\n", fixed="Talks resume on Monday.\n\n"),
        bad("The port reopened.\n\n[[Leave a Reply]]\n", fixed="The port reopened.\n\n"),
        bad("Le port a rouvert.\n\n[[Laisser un commentaire]]\n", lang="fr", fixed="Le port a rouvert.\n\n"),
        bad("Der Hafen ist wieder offen.\n\n[[Lesen Sie auch: Streik in Hamburg]]\n", lang="de"),
        bad("Se reanudan las negociaciones.\n\n[[Compartir en Facebook Twitter WhatsApp]]\n", lang="es"),
        bad("Переговоры возобновятся.\n\n[[Читайте также: Забастовка в порту]]\n", lang="ru"),
        bad("استؤنفت المحادثات.\n\n[[اترك تعليقاً]]\n", lang="ar"),
        bad("谈判将于周一恢复。\n\n[[相关阅读：港口罢工进入第三天]]\n", lang="zh"),
        good("Facebook and Twitter were fined by the regulator on Monday."),
        good("Follow-up talks are planned.\n\nThe port reopened on Tuesday."),
        bad("Der Hafen ist wieder offen.\n\n[[Sie sind hier: Startseite > Politik]]\n", lang="de"),
        bad("The port reopened.\n\n[[Related: Dockers vote to end strike]]\n"),
        bad("O porto reabriu.\n\n[[Publicado em Política]]\n", lang="pt"),
        good("The port reopened.\n\nNote: the figures > last year's\n\nTalks resume on Monday."),
        good("O porto reabriu.\n\nPublicado em 12/03/2024\n\nAs negociações continuam.", lang="pt"),
        good("Telegram and X\n\nBoth networks were fined by the regulator."),
        bad(
            "[[Startseite > Sport > Mehr Sport > Schach]]\n\nDas Turnier beginnt am Montag.\n",
            lang="de",
            fixed="\nDas Turnier beginnt am Montag.\n",
        ),
        bad("[[首页 > 文化 > 演出资讯]]\n\n芭蕾舞团周一抵达。\n", lang="zh"),
        bad("The concert sold out.\n\n[[Views: 1 284]]\n"),
        bad("The concert sold out.\n\n[[Subscribe to our Telegram channel so you never miss the news]]\n"),
        bad("انتهت البطولة.\n\n[[شارك الخبر: فيسبوك تويتر واتساب]]\n", lang="ar"),
        bad("演出周一开始。\n\n[[扫一扫，关注我们的微信公众号]]\n", lang="zh"),
        good("Oil and gas\n\nPrices rose in Europe / Asia / America as demand grew."),
        good("Chapter 4\n\nThe next part of the story begins in the port."),
        bad(
            "Dock workers walked out on Monday. [[Read also: Port strike enters third day]] The "
            "governor said talks would resume.",
            fixed="Dock workers walked out on Monday. The governor said talks would resume.",
        ),
        bad(
            "Рабочие порта вышли на забастовку. [[Читайте также: Забастовка в порту.]] Переговоры продолжатся.",
            lang="ru",
        ),
        good("Read also the minister's letter, which the paper published on Monday."),
        bad(
            "Les discussions doivent reprendre la semaine prochaine à Genève. [[Publicité]] Aucun calendrier "
            "n'a été fixé.",
            lang="fr",
        ),
        bad("Sales rose 12 percent in the first half. [[Subscribe now for unlimited access.]]"),
        bad(
            "The suspect was arrested near the border [[Share on Facebook Share on X Share via WhatsApp]] and "
            "will appear before a judge."
        ),
        good("Users can share posts on Facebook and X, the company said. Share prices rose."),
        bad(
            "The council will vote next week.\n\n[[Do you support the new parking fees? Yes 62% No 31% Vote]]\n",
            fixed="The council will vote next week.\n\n",
        ),
        bad(
            "Обсуждение продолжится осенью.\n\n[[Опрос: Вы за перевод часов? Да Нет Проголосовать]]\n",
            lang="ru",
        ),
        bad("Exports rose 4 percent in the first two months.\n\n[[Source: Xinhua | Editor: Li Wei]]\n"),
        good(
            "Exports rose 4 percent in the first two months.\n\nUpdated: 14:07, 12.03.2024 | Published: 09:15\n"
        ),
        bad(
            "ستبدأ الامتحانات في منتصف يونيو.\n\n[[ارتفاع أسعار الوقود في الأردن للمرة الثالثة 1542]]\n",
            lang="ar",
        ),
        good("Death toll from Indonesia tsunami rises to 832\n\nRescuers are still searching the coast.\n"),
        bad(
            "[[Al-Masry Al-Youm Monday 03-06-2024 11:20]]Suez Canal revenues fell by a quarter in May.\n",
            fixed="Suez Canal revenues fell by a quarter in May.\n",
        ),
        bad(
            "[[كتب: محمد العليصحيفة الرياض10 مارس 2024 11:45 ص]]\n\nوافق مجلس الوزراء على النظام.\n",
            lang="ar",
        ),
        good("Baku, 12.03.2024, 11:20 (AFP)\n\nThe ceasefire held overnight.\n"),
        bad(
            "O IPMA prevê calor no Alentejo [[Publicidade]] até ao final da semana.",
            lang="pt",
            fixed="O IPMA prevê calor no Alentejo até ao final da semana.",
        ),
        good("Die Polizei hat die Anzeige aufgenommen und ermittelt.", lang="de"),
        bad("The committee approved the plan.\n\n[[Photo: John Smith / AFP]]\n"),
        bad("El pleno votará el lunes. [[Síguela en X: @marialopez]]", lang="es"),
        bad("The council will vote next week.\n\n[[Follow @CityDesk for the latest updates.]]\n"),
        good("Following the vote, @UN_News said the talks would resume. Write to press@un.org."),
        bad("The council will vote next week.\n\n[[Updated 3 hours ago]]\n"),
        bad("Der Rat stimmt nächste Woche ab.\n\n[[Bild vergrößern]]\n", lang="de"),
        bad("Le conseil votera la semaine prochaine.\n\n[[AFP via Getty Images]]\n", lang="fr"),
        bad("市议会下周投票。\n\n[[更新于3小时前]]\n", lang="zh"),
        good("El Grupo de Contacto internacional se reunió hace 3 horas en Ginebra.", lang="es"),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        flagged: list[tuple[int, int]] = []  # what is reported is not reported again inside a line
        for block in doc.blocks:
            line = doc.block_text(block)
            reason = residue_reason(line, ctx)
            if reason == COUNTED_REASON and doc.is_segment:
                reason = None  # a segment's one line is its text, whatever it ends on
            if reason is None:
                glued = _glued_stamp(line)
                if glued is not None:
                    end = block.start + glued
                    flagged.append((block.start, end))
                    yield self.finding(
                        doc,
                        block.start,
                        end,
                        "Page residue: a byline or publication stamp glued to the text, not part of the article.",
                        [
                            replace(block.start, end, "", 0.6, safe=False)
                            if end < block.end
                            else delete_line(doc, block.start, block.end)
                        ],
                    )
                continue
            flagged.append((block.start, block.end))
            yield self.finding(
                doc,
                block.start,
                block.end,
                f"Page residue: {reason}, not part of the article.",
                [delete_line(doc, block.start, block.end)],
            )
        related = list(self._inline_related(doc, ctx))
        yield from related
        flagged += [(f.start, f.end) for f in related]
        patterns = [*ctx.data.residue_patterns, *_extra_patterns(tuple(ctx.extra_residue))]
        yield from self._inline_furniture(doc, ctx, patterns, flagged)

    def _inline_furniture(
        self,
        doc: Document,
        ctx: CheckContext,
        patterns: Sequence[tuple[str, int]],
        flagged: list[tuple[int, int]],
    ) -> Iterator[Finding]:
        """Page furniture run into a paragraph, where the scraper lost the line breaks around it:
        a sentence of a longer paragraph that is a furniture line by itself ("… next year. Subscribe
        now for unlimited access."); in cased languages, the start of a sentence that is one,
        cut off before the capitalised word that opens the article's next sentence ("Publicité
        Aucun calendrier …", "Artikel teilen Kommentare (23)"); and a run of widget words naming
        two networks inside a sentence ("… border Share on Facebook Share on X and would …")."""
        data = ctx.data

        def furniture(piece: str) -> bool:
            piece = piece.strip()
            if not piece or len(piece) > 200:
                return False
            return (
                _matches_any(piece, patterns)
                or self._is_widget(piece, data.widget_words, data.widget_connectors, data.brands)
                or _is_labelled_fields(piece)
                or _is_handle_prompt(piece, data.widget_words, ctx.lang)
            )

        for block in doc.blocks:
            sentences = list(doc.block_sentences(block))
            if len(sentences) < 2:
                continue  # a one-sentence line is checked as a line
            for sentence in sentences:
                if any(sentence.start < b and a < sentence.end for a, b in flagged):
                    continue
                start = sentence.start
                words = [t for t in doc.sentence_tokens(sentence) if t.is_word]
                while start < sentence.end:
                    end = self._furniture_end(doc, ctx, words, start, sentence.end, furniture)
                    if end is None:
                        break
                    flagged.append((start, end))
                    yield self.finding(
                        doc,
                        start,
                        end,
                        "Page residue: page furniture run into the paragraph, not part of the article.",
                        [replace(start, end, "", 0.6, safe=False)],
                    )
                    rest = [w for w in words if w.start >= end]
                    if not rest:
                        break
                    start = rest[0].start
        yield from self._inline_widgets(doc, ctx, flagged)
        yield from self._inline_markers(doc, ctx, patterns, flagged)

    def _inline_markers(
        self,
        doc: Document,
        ctx: CheckContext,
        patterns: Sequence[tuple[str, int]],
        flagged: list[tuple[int, int]],
    ) -> Iterator[Finding]:
        """A one-word marker of the page ("Publicidade", "Реклама") dropped inside a sentence: a
        capitalised word between two words of the sentence, the next one lowercase, that is a line
        of furniture by itself. Only where a capital mid-sentence says something (not German, whose
        nouns are capitalised: "die Anzeige wurde erstattet")."""
        if not ctx.data.cased or ctx.data.spec.capitalised_nouns:
            return
        text = doc.text
        for sentence in doc.sentences:
            words = [t for t in doc.sentence_tokens(sentence) if t.is_word]
            long_words = [w for w in words if len(w.text) >= 4]
            if sum(is_capitalised(w.text) for w in long_words) * 2 >= len(long_words):
                continue  # a headline in title case: "Lilia Shevtsova's Comments on President Putin's Message"
            for before, word, after in zip(words, words[1:], words[2:], strict=False):
                if (
                    len(word.text) < INLINE_MARKER_MIN_CHARS
                    or not is_capitalised(word.text)
                    or not after.text[:1].islower()
                    or text[before.end : word.start] != " "
                    or text[word.end : after.start] != " "
                    or any(word.start < b and a < word.end for a, b in flagged)
                    or not _matches_any(word.text, patterns)
                ):
                    continue
                yield self.finding(
                    doc,
                    word.start,
                    word.end,
                    "Page residue: an advertisement or page marker inside the sentence, not part of the article.",
                    [replace(word.start, word.end + 1, "", 0.6, safe=False)],
                )

    @staticmethod
    def _furniture_end(
        doc: Document,
        ctx: CheckContext,
        words: list[Token],
        start: int,
        end: int,
        furniture: Callable[[str], bool],
    ) -> int | None:
        """Where furniture starting at `start` ends within its sentence: the whole rest of the
        sentence, or (cased languages) the longest stretch of up to twelve words that stops before
        a capitalised word."""
        text = doc.text
        if furniture(text[start:end]):
            return end
        if not ctx.data.cased:
            return None
        ahead = [w for w in words if w.start > start][:FURNITURE_MAX_WORDS]
        for word in reversed(ahead):
            if is_capitalised(word.text) and furniture(text[start : word.start]):
                return start + len(text[start : word.start].rstrip())
        return None

    def _inline_widgets(
        self, doc: Document, ctx: CheckContext, flagged: list[tuple[int, int]]
    ) -> Iterator[Finding]:
        """A run of widget words inside a paragraph that names two networks and holds a widget
        verb, opening with a capital in cased languages ("… border Share on Facebook Share on X
        and would …"); what is already reported is skipped."""
        data = ctx.data
        known = data.widget_words | data.widget_connectors | data.brands
        text = doc.text
        for block in doc.blocks:
            tokens = [
                t
                for sentence in doc.block_sentences(block)
                for t in doc.sentence_tokens(sentence)
                if t.is_word
            ]
            run: list[Token] = []
            for token in [*tokens, None]:
                if (
                    token is not None
                    and token.text.casefold() in known
                    and (not run or not text[run[-1].end : token.start].strip(" \u00a0:"))
                ):
                    run.append(token)
                    continue
                # Trim connectors at the ends: the run is widget words and networks.
                while run and run[-1].text.casefold() in data.widget_connectors:
                    run.pop()
                while run and run[0].text.casefold() in data.widget_connectors:
                    run.pop(0)
                actions = sum(t.text.casefold() in data.widget_words for t in run)
                networks = sum(t.text.casefold() in data.brands for t in run)
                opens = bool(run) and (not ctx.data.cased or is_capitalised(run[0].text))
                start, end = (run[0].start, run[-1].end) if run else (0, 0)
                if (
                    actions >= 1
                    and networks >= 2
                    and opens
                    and not any(start < b and a < end for a, b in flagged)
                ):
                    yield self.finding(
                        doc,
                        start,
                        end,
                        "Page residue: a share widget run into the paragraph, not part of the article.",
                        [replace(start, end, "", 0.6, safe=False)],
                    )
                run = [token] if token is not None and token.text.casefold() in known else []

    def _inline_related(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        """A related-article label and its headline run into a paragraph ("… the unions reject.
        Read also: Phosphate exports hit record The governor …"), where the scraper lost the line
        break. The label opens a sentence after the paragraph's first (`inline_labels` in
        `residue.toml`); the headline ends before the next sentence's opening word, a common word
        capitalised after a lowercase one, or else at the sentence's end."""
        labels = ctx.data.inline_labels
        if not labels:
            return
        text = doc.text
        for block in doc.blocks:
            for sentence in list(doc.block_sentences(block))[1:]:
                label = next((m for p in labels if (m := p.match(text, sentence.start, sentence.end))), None)
                if label is None:
                    continue
                end = self._headline_end(doc, ctx, sentence, label.end())
                # The deletion takes the spaces after the headline too, so no double space is left.
                after = end + len(text[end:]) - len(text[end:].lstrip(" \u00a0"))
                yield self.finding(
                    doc,
                    sentence.start,
                    end,
                    "Page residue: a related-article link run into the paragraph, not part of the article.",
                    [replace(sentence.start, after, "", 0.6, safe=False)],
                )

    @staticmethod
    def _headline_end(doc: Document, ctx: CheckContext, sentence: Sentence, after_label: int) -> int:
        words = [t for t in doc.sentence_tokens(sentence) if t.is_word and t.start >= after_label]
        if ctx.data.cased:
            for previous, word in itertools.pairwise(words[1:] if len(words) > 1 else []):
                if (
                    is_capitalised(word.text)
                    and previous.text[-1:].islower()
                    and not doc.text[previous.end : word.start].strip()
                    and zipf(word.text.lower(), ctx.lang) >= SENTENCE_OPENER_ZIPF
                ):
                    return previous.end
        return sentence.end

    @staticmethod
    def _is_widget(
        line: str, actions: frozenset[str], connectors: frozenset[str], brands: frozenset[str]
    ) -> bool:
        """A line made only of network names, widget verbs, connectors and counters ("Views: 1 284",
        "Facebook Twitter WhatsApp"); a line that opens with a widget verb and names a network
        ("Subscribe to our Telegram channel …"); a list of three networks with a short label
        ("Share the news: Facebook Twitter WhatsApp"); in unspaced scripts, a short line holding
        a widget verb and a network ("扫一扫，关注我们的微信公众号")."""
        tokens = [t.casefold() for t in WIDGET_TOKEN.findall(line)]
        known = actions | connectors | brands
        brand_count = sum(t in brands for t in tokens)
        if len(tokens) >= 2 and all(t in known or _is_count(t) for t in tokens):
            action = any(t in actions for t in tokens)
            counter = any(_is_count(t) for t in tokens)
            if brand_count >= 3 or (brand_count >= 1 and (action or counter)) or (action and counter):
                return True
        if brand_count >= 3 and len(tokens) - brand_count <= 3:
            return True
        if tokens and tokens[0] in actions and brand_count and len(tokens) <= 20:
            return True
        if len(tokens) <= 3 and len(line) <= 40 and not line.endswith(SENTENCE_END):
            folded = line.casefold()
            long_actions = [a for a in actions if len(a) >= 2 and not a.isascii()]
            return any(b in folded for b in brands if not b.isascii()) and any(
                a in folded for a in long_actions
            )
        return False


# A clock time ("11:20", "07h32") or a numeric date ("12.03.2024", "03-06-2024").
STAMP = regex.compile(r"(?<!\d)(?:\d{1,2}[:h]\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2})(?!\d)")
# Where a scraper glued a byline or a stamp to what follows: a figure or a closing bracket right
# before a capitalised word ("11:20Suez", "(aktualisiert: 15:01)Der"), or letters run into a
# figure or into a capitalised word ("Pernambuco15/04", "СмирноваГазета", "الرياض10").
GLUED_OPENING = regex.compile(r"(?<=[\d)])(?=\p{Lu}\p{Ll})")
GLUED_INSIDE = regex.compile(r"\p{L}{2}(?=\d)|\p{Ll}{3}(?=\p{Lu}\p{Ll})")
GLUED_MAX_CHARS = 120
# A sentence's end inside a line's opening (a point only before a space: dates hold points).
SENTENCE_INSIDE = regex.compile(r"[。！？!?؟]|\.\s")
# A poll left in the text: a question, then its answers with their shares ("Yes 62% No 31%") or,
# in cased scripts, as capitalised words alone ("Да Нет Проголосовать").
POLL_SHARES = regex.compile(
    r"(?:[\p{L}\p{M}][\p{L}\p{M}'’ -]{0,30}?\s*\(?\d{1,3}(?:[.,]\d+)?\s*[%٪]\)?[\s,;|/•·]*){2,}\s*\p{L}*"
)
POLL_WORDS = regex.compile(r"(?:\p{Lu}[\p{Ll}\p{M}'’-]*\s+){1,5}\p{Lu}[\p{Ll}\p{M}'’-]*")
# Fields of the page's metadata on one line, "Label: value" joined by a bar or a bullet
# ("Source: Xinhua | Editor: Li Wei"), where not every value is a date or a time (a publication
# stamp, which clean articles carry).
FIELD_SEPARATOR = regex.compile(r"\s+[|•·]\s+")
LABELLED_FIELD = regex.compile(r"[\p{L}][\p{L}\p{M} .]{0,25}?\s?[:：]\s*(\S.*)")
# A related article's headline with its counter of views: four words or more, no final stop, a
# bare figure of two digits or more at the end that is not a year ("… للمرة الثالثة 1542").
COUNTED_HEADLINE = regex.compile(r"(?:\S+\s+){3,}\S*\p{L}\s+(\d{1,3}(?:[  ,.]\d{3})+|\d{2,})")
YEARS = range(1900, 2101)
COUNTED_REASON = "a related article's headline with its counter"


def _is_poll(line: str, cased: bool) -> bool:
    """A question followed by its answers with shares, or by capitalised answer words alone."""
    question = max(line.rfind(mark) for mark in "?？؟")
    if question < 0:
        return False
    answers = line[question + 1 :].strip()
    if not answers or answers.endswith(SENTENCE_END):
        return False
    return POLL_SHARES.fullmatch(answers) is not None or (cased and POLL_WORDS.fullmatch(answers) is not None)


def _is_labelled_fields(line: str) -> bool:
    """Two or more "Label: value" fields joined by a bar or a bullet, not all dates or times."""
    parts = FIELD_SEPARATOR.split(line)
    values = [m.group(1) for part in parts if (m := LABELLED_FIELD.fullmatch(part))]
    return len(parts) >= 2 and len(values) == len(parts) and not all(regex.search(r"\d", v) for v in values)


# A social-media handle ("@marialopez", "@BBCNews"), not an e-mail address's second half.
HANDLE = regex.compile(r"(?<![\p{L}\p{N}_.@])@[\p{L}\p{N}_]{2,30}(?![\p{L}\p{N}_@])")
HANDLE_PROMPT_MAX_WORDS = 15
HANDLE_VERB_FORM_MAX_ZIPF = 3.0


def _is_handle_prompt(piece: str, actions: frozenset[str], lang: str) -> bool:
    """A prompt to follow an account: a short stretch that names a handle and opens (within its
    first two words) with a widget verb, or the verb with a pronoun attached ("Follow @BBCNews
    for the latest updates", "Síguela en X: @marialopez", "Suivez-nous sur X : @lemonde")."""
    if HANDLE.search(piece) is None:
        return False
    tokens = [fold(t) for t in WIDGET_TOKEN.findall(HANDLE.sub(" ", piece))]
    if not tokens or len(tokens) > HANDLE_PROMPT_MAX_WORDS:
        return False
    verbs = {fold(a) for a in actions}
    return any(
        token in verbs
        or (
            # A pronoun attached ("síguela"), not a compound ("follow-up") nor a word of its own
            # ("following").
            token.isalpha()
            and any(token.startswith(v) and len(v) >= 5 and len(token) - len(v) <= 3 for v in verbs)
            and zipf(token, lang) < HANDLE_VERB_FORM_MAX_ZIPF
        )
        for token in tokens[:2]
    )


def _is_counted_headline(line: str, ctx: CheckContext) -> bool:
    """A headline line that ends on a counter (views, comments): not on a year, not on a figure
    the headline's own small word leads to ("… rises to 832", "… steigt auf 832") nor on a day
    after its month ("… on May 27")."""
    if line.endswith(SENTENCE_END) or line.endswith((":", "،", ",")):
        return False
    match = COUNTED_HEADLINE.fullmatch(line)
    if match is None or int(regex.sub(r"\D", "", match.group(1))) in YEARS:
        return False
    before = line[: match.start(1)].split()
    if not before:
        return True
    last = before[-1].casefold()
    return last not in top_words(ctx.lang, 100) and last not in ctx.data.spec.calendar_words


def _glued_stamp(line: str) -> int | None:
    """Where a byline or a publication stamp glued to the text ends: the length of the line's
    opening that holds a date or a clock time and runs into a capitalised word without a space
    ("Al-Masry Al-Youm Monday 03-06-2024 11:20Suez Canal revenues …"), the whole line where a
    short line with a stamp has words glued inside it ("كتب: محمد العليصحيفة الرياض10 مارس 2024"),
    or None."""
    head = line[:GLUED_MAX_CHARS]
    for glue in GLUED_OPENING.finditer(head):
        opening = head[: glue.start()]
        if STAMP.search(opening) and not SENTENCE_INSIDE.search(opening):
            return glue.start()
    stripped = line.strip()
    if (
        len(stripped) <= GLUED_MAX_CHARS
        and not stripped.endswith(SENTENCE_END)
        and STAMP.search(stripped)
        and GLUED_INSIDE.search(stripped)
    ):
        return len(line.rstrip())
    return None


def residue_reason(line: str, ctx: CheckContext) -> str | None:
    """What kind of page furniture a whole line is (a widget, a breadcrumb trail, a line matching
    the residue patterns), or None for a line of the article. A dateline or publication stamp (a
    date and a clock time on a line) is not residue: clean articles carry them as part of the
    article (held-out counts, twice; docs/evaluation.md)."""
    stripped = line.strip()
    if not stripped or len(stripped) > 200:
        return None
    data = ctx.data
    if PageResidue._is_widget(stripped, data.widget_words, data.widget_connectors, data.brands):
        return "a share/follow widget"
    if _is_breadcrumb(stripped):
        return "the site's breadcrumb trail"
    if _is_poll(stripped, data.cased):
        return "a reader poll"
    if _is_labelled_fields(stripped):
        return "the page's metadata fields"
    if _is_handle_prompt(stripped, data.widget_words, ctx.lang):
        return "a prompt to follow an account"
    if _is_counted_headline(stripped, ctx):
        return COUNTED_REASON
    if not _matches_any(stripped, [*data.residue_patterns, *_extra_patterns(tuple(ctx.extra_residue))]):
        return None
    if any(t.casefold() in data.brands for t in WIDGET_TOKEN.findall(stripped)):
        return "a share/follow widget"
    return "a line of page furniture (comment prompt, related links, advertisement)"


@lru_cache(maxsize=32)
def _extra_patterns(patterns: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """The user's `--residue` patterns as (source, flags), each compiled once to check it."""
    return tuple((_pattern(p, regex.IGNORECASE).pattern, regex.IGNORECASE) for p in patterns)


@lru_cache(maxsize=1024)
def _pattern(source: str, flags: int) -> regex.Pattern[str]:
    return regex.compile(source, flags)


def _matches_any(line: str, patterns: Sequence[tuple[str, int]]) -> bool:
    """Whether one of the residue patterns (source, flags) matches the whole line: tried as one
    alternation (the inline check asks this of every sentence start), one by one where they
    cannot be joined."""
    flags = {f for _, f in patterns}
    # Patterns with other flags (a `--residue` pattern) keep their own reading.
    joined = joined_pattern(tuple(p for p, _ in patterns), flags.pop()) if len(flags) == 1 else None
    if joined is not None:
        return joined.fullmatch(line) is not None
    return any(_pattern(p, f).fullmatch(line) for p, f in patterns)


def _is_count(token: str) -> bool:
    return token.isdigit() or bool(regex.fullmatch(r"\d+(?:[.,]\d+)?[kKmM万千]?", token))


def _is_breadcrumb(line: str) -> bool:
    """Three or more short items joined by one navigation separator, nothing else on the line;
    or two or more after a short label ("You are here: Home › News", "Sie sind hier: Startseite
    > Politik"), joined by an arrow-like separator, which no sentence uses between two words."""
    if line.endswith(SENTENCE_END) or len(line) > 120:
        return False
    for separator in BREADCRUMB_SEPARATORS:
        items = [item.strip() for item in line.split(separator)]
        if len(items) >= 3 and all(BREADCRUMB_ITEM.fullmatch(item) for item in items):
            return True
    label = BREADCRUMB_LABEL.match(line)
    if label:
        rest = line[label.end() :]
        for separator in LABELLED_BREADCRUMB_SEPARATORS:
            items = [item.strip() for item in rest.split(separator)]
            # Sections are named with a capital ("the figures > last year" compares).
            if len(items) >= 2 and all(BREADCRUMB_ITEM.fullmatch(i) and not i[0].islower() for i in items):
                return True
    return False


class RepeatedTitle(Rule):
    """Flags the article's title repeated further down the page, usually with a counter ("… 2").

    ## What it does
    Compares every later line with the title (fuzzy match, 92% or more after dropping a trailing
    number) and flags the copies that carry a counter or stand at the end of the article.

    ## Why is this bad?
    Related-article carousels and pagination repeat the title with a number; the scraper keeps them.

    ## Fix safety
    Safe: the fix deletes the repeated line.
    """

    code = "TQ102"
    name = "repeated-title"
    category = Category.RESIDUE
    severity = Severity.MAJOR
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad(
            "Port strike ends after three weeks\n\nDockers voted to return.\n\n"
            "[[Port strike ends after three weeks 2]]\n",
            fixed="Port strike ends after three weeks\n\nDockers voted to return.\n\n",
        ),
        bad(
            "La grève du port prend fin\n\nLes dockers ont voté.\n\n[[La grève du port prend fin 3]]\n",
            lang="fr",
        ),
        bad("港口罢工结束\n\n码头工人投票复工。\n\n[[港口罢工结束 2]]\n", lang="zh"),
        good("Port strike ends\n\nDockers voted to return. Port strike ends, the union said.\n"),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        title = doc.title
        if title is None:
            return
        wanted = _normalise(doc.block_text(title))
        if len(wanted) < 5:  # too short to tell a repeated title from an ordinary phrase
            return
        last_index = doc.blocks[-1].index
        for block in doc.blocks[title.index + 1 :]:
            line = doc.block_text(block)
            counter = COUNTER.search(line)
            core = line[: counter.start()] if counter else line
            if fuzz.ratio(_normalise(core), wanted) < 92:
                continue
            if counter or block.index >= last_index - 2:
                suffix = f" with the counter “{counter.group(0).strip()}”" if counter else ""
                yield self.finding(
                    doc,
                    block.start,
                    block.end,
                    f"The title is repeated{suffix}: page residue.",
                    [delete_line(doc, block.start, block.end)],
                )
