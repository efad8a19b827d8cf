"""Names cut apart by a sentence boundary or reordered around a noun."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import lru_cache

from tqcheck.context import CheckContext
from tqcheck.document import Document, Sentence, Token
from tqcheck.findings import Category, Finding, FixAvailability, Severity
from tqcheck.rule import Rule, bad, good, replace
from tqcheck.rules._text import is_capitalised, zipf

FINAL = {".", "。", "．"}
# A fragment word as frequent as this is an ordinary word ("Yes.", "Indeed."), not a name part.
NAME_MAX_ZIPF = 3.6
RARE_ZIPF = 3.0


class SplitEntity(Rule):
    """Flags a multiword name cut by a sentence boundary ("the disputed Nagorno region. Karabakh.")
    or reordered around a noun ("the Nagorno region Karabakh"), and proposes the joined name.

    ## What it does
    Looks for a "sentence" of one or two name-like words (capitalised in cased languages, rare per
    wordfreq in all) that follows a sentence ending in another name part, within the last three
    words; and for any sentence boundary between two words that the article writes as one name
    elsewhere ("in Port. Elizabeth" where the title says "Port Elizabeth"), with no name list. It proposes the joined forms ("Nagorno-Karabakh region.", "Nagorno Karabakh region.")
    and the plain merge; a joined form used elsewhere in the article ranks first, and with a
    language model the candidates are ranked by how much they improve the text.

    ## Why is this bad?
    Machine translation splits names that the source writes as one unit and moves the noun
    between the parts; the stray fragment reads as a broken sentence and the name is lost.

    ## Fix safety
    Unsafe without a model unless the joined name appears elsewhere in the article: which join is
    right (hyphen or space) depends on the name.
    """

    code = "TQ201"
    name = "split-entity"
    category = Category.FLUENCY
    severity = Severity.MAJOR
    fix_availability = FixAvailability.ALWAYS
    fluency_verdict = True
    examples = (
        bad(
            "Storms hit the south-western [[Baden region. Württemberg.]] Roads were closed.",
            fixed="Storms hit the south-western Baden-Württemberg region. Roads were closed.",
        ),
        bad(
            "Shelling resumed near the Nagorno-Karabakh border. Clashes in the [[Nagorno region. Karabakh.]]",
            fixed="Shelling resumed near the Nagorno-Karabakh border. Clashes in the Nagorno-Karabakh region.",
        ),
        bad(
            "Les combats ont repris dans la région du [[Haut. Karabagh.]]",
            lang="fr",
            fixed="Les combats ont repris dans la région du Haut-Karabagh.",
        ),
        bad("Бои возобновились в регионе [[Нагорный. Карабах.]]", lang="ru"),
        bad(
            "The floods hit the [[Tsuri region Kalo]], officials said.",
            fixed="The floods hit the Tsuri-Kalo region, officials said.",
        ),
        bad(
            "Port Elizabeth dock workers strike\n\nDock workers in [[Port. Elizabeth]] walked out on Monday.",
            fixed="Port Elizabeth dock workers strike\n\nDock workers in Port Elizabeth walked out on Monday.",
        ),
        good("The minister arrived in Paris. Yes. The talks went well."),
        good("El acuerdo con EE. UU. entrará en vigor en enero.", lang="es"),
        good("Officials met in Geneva. Brussels sent an envoy. Geneva and Brussels agreed."),
        good("He was born in Lyon. Paris came later in his life."),
        good("The vote was held in Bavaria. Turnout was high."),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        cased = ctx.data.cased
        joiners = list(ctx.data.locale.get("name_joiners", ["-", " "]))
        for block in doc.blocks:
            sentences = list(doc.block_sentences(block))
            for first, second in itertools.pairwise(sentences):
                finding = self._split(doc, ctx, first, second, cased, joiners)
                if finding is None:
                    finding = self._joined_elsewhere(doc, first, second, cased, joiners)
                if finding:
                    yield finding
        if cased and ctx.data.locale.get("entity_nouns"):
            yield from self._reordered(doc, ctx, joiners)

    def _fragment_words(self, doc: Document, sentence: Sentence, ctx: CheckContext) -> list[Token] | None:
        """The words of a stray fragment: one to three name-like words and a final period."""
        tokens = doc.sentence_tokens(sentence)
        if not tokens or tokens[-1].text not in FINAL:
            return None
        words = [t for t in tokens if t.is_word]
        if not 1 <= len(words) <= 3 or len(tokens) - len(words) > 1 + sum(t.is_space for t in tokens):
            return None
        standalone = {w.lower() for w in ctx.data.locale.get("standalone_words", [])}
        if any(w.text.isdigit() or w.text.lower() in standalone or _abbreviation(w.text) for w in words):
            return None
        if not ctx.data.cased:
            return words  # no capitals to go by: _split asks for a rare word instead
        capitalised = [w for w in words if is_capitalised(w.text)]
        # Small lowercase words may join the parts of a name ("Rita do Oeste", "Ville de Québec").
        if (
            not capitalised
            or not is_capitalised(words[0].text)
            or any(not is_capitalised(w.text) and len(w.text) > 3 for w in words)
        ):
            return None
        # A common word capitalised on its own ("Mountains.") can still end a name ("Qingya
        # Mountains"); several common words in a row make a real sentence ("Good Morning.").
        joined_by_connector = len(capitalised) < len(words)
        if (
            len(capitalised) > 1
            and not joined_by_connector
            and all(zipf(w.text.lower(), ctx.lang) >= NAME_MAX_ZIPF for w in capitalised)
        ):
            return None
        return words

    def _split(
        self,
        doc: Document,
        ctx: CheckContext,
        first: Sentence,
        second: Sentence,
        cased: bool,
        joiners: list[str],
    ) -> Finding | None:
        fragment = self._fragment_words(doc, second, ctx)
        if fragment is None:
            return None
        tokens = doc.sentence_tokens(first)
        if len(tokens) < 3 or tokens[-1].text not in FINAL:
            return None
        words = [t for t in tokens[:-1] if t.is_word]
        tail = words[-3:]
        # The first part of the name: the last word in uncased scripts, else the last capitalised
        # word of the tail that does not open the sentence.
        anchor_index = None
        for i in range(len(tail) - 1, -1, -1):
            if tail[i] is words[0]:
                break
            if not cased or is_capitalised(tail[i].text):
                anchor_index = i
                break
        if anchor_index is None:
            return None
        anchor = tail[anchor_index]
        if _abbreviation(anchor.text):
            return None  # "los EE. UU.": an abbreviation's periods, not a split name
        between = tail[anchor_index + 1 :]
        if cased and any(is_capitalised(t.text) for t in between):
            return None
        if not cased and not any(zipf(w.text, ctx.lang) < RARE_ZIPF for w in (anchor, *fragment)):
            return None  # without capitals, a name shows itself by a rare word
        text = doc.text
        name_tail = text[fragment[0].start : fragment[-1].end]
        final = text[second.end - 1 : second.end]
        noun = text[between[0].start : between[-1].end] if between else ""
        candidates: list[str] = []
        for joiner in joiners:
            joined = f"{anchor.text}{joiner}{name_tail}"
            candidates.append(f"{joined} {noun}{final}" if noun else f"{joined}{final}")
        merged = f"{text[anchor.start : tokens[-1].start].rstrip()} {name_tail}{final}"
        if merged not in candidates:
            candidates.append(merged)
        start, end = anchor.start, second.end
        suggestions = []
        for rank, candidate in enumerate(candidates):
            name = (
                candidate.removesuffix(final).removesuffix(f" {noun}")
                if noun
                else candidate.removesuffix(final)
            )
            used_elsewhere = rank < len(joiners) and _occurs_outside(text, name, start, end)
            # Safe only when the article itself writes the joined name: which join is right
            # (hyphen or space) depends on the name.
            confidence = 0.9 if used_elsewhere else max(0.3, 0.6 - 0.1 * rank)
            suggestions.append(replace(start, end, candidate, confidence, safe=used_elsewhere))
        suggestions.sort(key=lambda s: -s.confidence)
        message = (
            f"The name “{anchor.text} … {name_tail}” is split by a sentence boundary; "
            f"“{text[second.start : second.end]}” stands alone as a fragment."
        )
        return self.finding(doc, start, end, message, suggestions)

    def _joined_elsewhere(
        self, doc: Document, first: Sentence, second: Sentence, cased: bool, joiners: list[str]
    ) -> Finding | None:
        """A sentence boundary between the two parts of a name that the article writes whole
        elsewhere (in its title, in another paragraph): "… in Port. Elizabeth officials said" where
        "Port Elizabeth" appears too. No name list: the article is the evidence."""
        tokens = doc.sentence_tokens(first)
        if len(tokens) < 2 or tokens[-1].text not in FINAL or not tokens[-2].is_word:
            return None
        left = tokens[-2]
        right = next((t for t in doc.sentence_tokens(second) if not t.is_space), None)
        if right is None or not right.is_word or doc.text[left.end : tokens[-1].start]:
            return None
        if cased and not (is_capitalised(left.text) and is_capitalised(right.text)):
            return None
        text = doc.text
        for joiner in joiners if cased else ["", *joiners]:
            joined = f"{left.text}{joiner}{right.text}"
            if _occurs_outside(text, joined, left.start, right.end, whole_words=True):
                return self.finding(
                    doc,
                    left.start,
                    right.end,
                    f"The name “{joined}” is split by a sentence boundary; the article writes it "
                    "whole elsewhere.",
                    [replace(left.start, right.end, joined, 0.9, safe=True)],
                )
        return None

    def _reordered(self, doc: Document, ctx: CheckContext, joiners: list[str]) -> Iterator[Finding]:
        nouns = {n.lower() for n in ctx.data.locale.get("entity_nouns", [])}
        for sentence in doc.sentences:
            words = [t for t in doc.sentence_tokens(sentence) if not t.is_space]
            for i in range(1, len(words) - 2):
                left, noun, right = words[i], words[i + 1], words[i + 2]
                after = words[i + 3] if i + 3 < len(words) else None
                if noun.text.lower() not in nouns or not (left.is_word and right.is_word):
                    continue
                if not (is_capitalised(left.text) and is_capitalised(right.text)):
                    continue
                if after is not None and after.is_word:
                    continue
                if zipf(left.text.lower(), ctx.lang) >= 3.0 or zipf(right.text.lower(), ctx.lang) >= 3.0:
                    continue
                suggestions = [
                    replace(
                        left.start,
                        right.end,
                        f"{left.text}{joiner}{right.text} {noun.text}",
                        0.6 - 0.1 * rank,
                        safe=False,
                    )
                    for rank, joiner in enumerate(joiners)
                ]
                message = (
                    f"The name “{left.text} {right.text}” is split around “{noun.text}”; "
                    "the noun belongs after the whole name."
                )
                yield self.finding(doc, left.start, right.end, message, suggestions)


def _abbreviation(word: str) -> bool:
    """Capital letters only, at most three ("EE", "UU", "U"): a part of an abbreviation with
    periods ("EE. UU.", "FF. AA."), not a word of a name."""
    return word.isupper() and len(word) <= 3


def _occurs_outside(text: str, name: str, start: int, end: int, whole_words: bool = False) -> bool:
    """Whether `name` occurs in `text` outside [start, end), starting a word (and, with
    `whole_words`, not ending inside a longer one). Occurrences are looked up in an index of the
    text's words, built once per text: a scan of the whole text per candidate name was quadratic
    on a long article (10 MB: 26 of 48 seconds)."""
    lead = WORD_RUN.match(name)
    if lead is None:
        return False  # the names joined here start with a word
    for position in _word_starts(text).get(lead.group(0), ()):
        after = position + len(name)
        if not text.startswith(name, position) or not (after <= start or position >= end):
            continue
        if (
            not whole_words
            or after == len(text)
            or not text[after].isalnum()
            or not text[after - 1].isalpha()
        ):
            return True
    return False


WORD_RUN = re.compile(r"[^\W_]+")  # a maximal run of str.isalnum() characters


@lru_cache(maxsize=1)
def _word_starts(text: str) -> dict[str, list[int]]:
    """Where each word (a maximal alphanumeric run) of `text` starts."""
    index: dict[str, list[int]] = {}
    for match in WORD_RUN.finditer(text):
        index.setdefault(match.group(0), []).append(match.start())
    return index
