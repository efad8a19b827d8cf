"""Repetition: doubled words, looping phrases, duplicated sentences."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from functools import cache

import regex
from rapidfuzz import fuzz, process

from tqcheck.context import CheckContext
from tqcheck.document import Document, Sentence, Token
from tqcheck.findings import Applicability, Category, Finding, FixAvailability, Severity, Suggestion
from tqcheck.rule import Rule, bad, delete_line, good, replace
from tqcheck.rules._text import SENTENCE_END
from tqcheck.rules.punctuation import _quotations, _quote_pairs

MAX_LOOP_WORDS = 8


def _words_in_blocks(doc: Document) -> Iterator[list[Token]]:
    """The word tokens of each block (repetition never spans a paragraph break)."""
    for block in doc.blocks:
        yield doc.block_words(block)


def _joined_only_by_separators(doc: Document, left: Token, right: Token, separators: str = r"\s") -> bool:
    gap = doc.text[left.end : right.start]
    return regex.fullmatch(rf"[{separators}]*", gap) is not None


class RepeatedWord(Rule):
    """Flags a word written twice in a row ("in the the spring").

    ## What it does
    Compares each word with the next one when only white space separates them; words that may
    legitimately stand twice ("had had", French "nous nous") come from `data/<lang>/doubles.txt`.
    Where a language reduplicates words on purpose (Chinese 研究研究, `doubled_word_max_chars`),
    a longer doubled word is flagged only when the segmenter tags it as a class that never
    reduplicates (`doubled_word_tags`: pronouns, conjunctions, adverbs... "其中其中"), or when it
    stands twice as a clause of its own, around a comma and outside a quotation ("表示，表示，").

    ## Why is this bad?
    Machine translation and hasty post-editing duplicate a token where segments join.

    ## Fix safety
    Safe: the fix keeps the first word and deletes the second.
    """

    code = "TQ202"
    name = "repeated-word"
    category = Category.FLUENCY
    severity = Severity.MINOR
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad("Paris in [[the the]] spring.", fixed="Paris in the spring."),
        bad(
            "Le ministre a annoncé [[que que]] le port rouvrira.",
            lang="fr",
            fixed="Le ministre a annoncé que le port rouvrira.",
        ),
        bad("Министр прибыл [[в в]] Москву.", lang="ru", fixed="Министр прибыл в Москву."),
        bad("وصل الوزير [[إلى إلى]] القاهرة.", lang="ar", fixed="وصل الوزير إلى القاهرة."),
        bad("The minister said [[the the]]", fixed="The minister said the"),  # at the very end of the text
        good("She had had enough of the talks."),
        bad("Die Regierung will [[die die]] Schuldenbremse lockern.", lang="de"),
        good("Die Ministerin, die die Rede hielt, und die Partei, für die die Wähler stimmten.", lang="de"),
        good("Nous nous sommes rencontrés à Lyon.", lang="fr"),
        good("The vote was 10 10 in the first round, a tie."),
        bad("该公司计划将欧洲销量提高到每年30万辆，[[其中其中]]约一半在当地生产。", lang="zh"),
        bad("新的地铁[[线路线路]]将于明年开通。", lang="zh", fixed="新的地铁线路将于明年开通。"),
        good("专家们要好好研究研究这个问题，大家都高高兴兴地回家了。", lang="zh"),
        good("救援人员一米一米地向前推进。", lang="zh"),
        bad("外交部发言人[[表示，表示]]，中方愿同各方加强沟通。", lang="zh"),
        good("他对队员们喊道：“加油，加油，我们一定能赢！”", lang="zh"),
        good("研究人员先对细胞进行改造，改造后的细胞能够识别肿瘤。", lang="zh"),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        allowed = ctx.data.doubles
        # Chinese reduplicates words on purpose (一米一米, 看看); only a doubled particle is an error.
        longest = int(ctx.data.locale.get("doubled_word_max_chars", 0)) or None

        @cache
        def quoted() -> list[tuple[int, int]]:  # the article's quotations, found when first asked
            return [(start, end) for _, start, end in _quotations(doc.text, _quote_pairs(ctx))]

        for words in _words_in_blocks(doc):
            for left, right in itertools.pairwise(words):
                if left.text.casefold() != right.text.casefold() or left.text.isdigit():
                    continue
                if _allowed_double(doc, left, allowed):
                    continue
                reduplicable = longest is not None and len(left.text) > longest
                if _joined_only_by_separators(doc, left, right):
                    if reduplicable and not _never_reduplicates(left.text, ctx):
                        continue
                elif not (
                    # "表示，表示，": a word the language reduplicates only without a comma, written
                    # twice as a clause of its own, outside a quotation ("谢谢，谢谢" may be speech).
                    # A clause that goes on is a figure of speech ("进行改造，改造后的细胞").
                    reduplicable
                    and doc.text[left.end : right.start] == "，"
                    and doc.text[right.end : right.end + 1] == "，"
                    and not any(start < left.start < end for start, end in quoted())
                ):
                    continue
                next_char = doc.text[right.end : right.end + 1]
                if next_char and next_char in "-‐‑":  # "что что-то": the second starts a compound
                    continue
                if source_repeats(ctx, left.start):
                    continue
                yield self.finding(
                    doc,
                    left.start,
                    right.end,
                    f"“{left.text}” is repeated.",
                    [replace(left.start, right.end, left.text, 0.95, safe=True)],
                )


def source_repeats(ctx: CheckContext, position: int) -> bool:
    """The source sentence aligned with the text at `position` repeats a word or a phrase back to
    back itself ("бла-бла-бла", "Take, take, take", a name written twice): the translation keeps
    a repetition the writer made, and the fix would drop what the source says."""
    source, alignment = ctx.source, ctx.alignment
    if source is None or alignment is None:
        return False
    for pair in alignment.pairs:
        if any(s.start <= position < s.end for s in pair.target):
            return any(_repeats_itself(source, sentence) for sentence in pair.source)
    return False


def _repeats_itself(doc: Document, sentence: Sentence) -> bool:
    folded = [t.text.casefold() for t in doc.sentence_tokens(sentence) if t.is_word]
    return any(
        folded[i : i + size] == folded[i + size : i + 2 * size]
        for size in range(1, MAX_LOOP_WORDS + 1)
        for i in range(len(folded) - 2 * size + 1)
    )


CLAUSE_LOOKBACK = regex.compile(r"(?:[\p{L}\p{M}]+\s*)?$")


def _allowed_double(doc: Document, left: Token, allowed: dict[str, str]) -> bool:
    """Whether the doubled word may stand twice here: it is in doubles.txt, and where the entry
    names marks, one of them opens the clause at most one word before ("…, die die", "…, für die
    die"), as a relative pronoun before an article of the same form."""
    marks = allowed.get(left.text.casefold())
    if marks is None:
        return False
    if not marks:
        return True
    before = doc.text[max(0, left.start - 80) : left.start].rstrip()
    before = before[: CLAUSE_LOOKBACK.search(before).start()].rstrip()
    return bool(before) and before[-1] in marks


def _never_reduplicates(word: str, ctx: CheckContext) -> bool:
    """Whether the segmenter tags `word` as a class that never reduplicates (`doubled_word_tags`)."""
    tags = ctx.data.spec.doubled_word_tags
    if not tags or ctx.data.spec.segmenter != "jieba":
        return False
    from tqcheck.rules.name_match import jieba_tag

    return jieba_tag(word) in tags


class LoopingPhrase(Rule):
    """Flags a phrase that loops: the same words three times in a row, or a phrase of three or more
    words twice in a row ("the talks, the talks, the talks").

    ## What it does
    Scans the words of each paragraph for a run of one to eight words repeated back to back,
    separated only by spaces, commas or dashes. A pair of words written twice with only spaces
    between ("of the of the") is a minor finding, unless a word that joins copies on purpose
    stands in it (`coordinators` in `locale.toml`: "and more and more") or the language
    reduplicates such short pairs (Chinese "一米一米"). With a source, a repetition its aligned
    source sentence makes too ("Encore, encore, encore!") is the writer's, kept on purpose.

    ## Why is this bad?
    Neural MT degenerates into loops on long or noisy input; the loop is obvious to readers and
    hides the missing translation.

    ## Fix safety
    Safe: the fix keeps one copy.
    """

    code = "TQ203"
    name = "looping-phrase"
    category = Category.FLUENCY
    severity = Severity.MAJOR
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad(
            "The minister called for [[the talks, the talks, the talks]] to resume.",
            fixed="The minister called for the talks to resume.",
        ),
        bad(
            "Officials said [[the port will reopen the port will reopen]] on Monday.",
            fixed="Officials said the port will reopen on Monday.",
        ),
        bad("El ministro pidió [[las negociaciones, las negociaciones, las negociaciones]] ya.", lang="es"),
        good("Again and again the talks stalled, and again they resumed."),
        good("It was a very, very long night."),
        bad("O Benfica venceu fora e [[o clube o clube]] segue em primeiro.", lang="pt"),
        bad("Переговоры [[прошли успешно прошли успешно]], заявил министр.", lang="ru"),
        bad("工人们[[修复了修复了]]受损的桥梁。", lang="zh"),
        good("And more and more families left the valley after the floods."),
        good("救援人员一米一米地向前推进。", lang="zh"),
        good("Le score était de 2 2 à la mi-temps, puis 3 3.", lang="fr"),
        good(
            "Die Menge rief: „Zugabe, Zugabe, Zugabe!“",
            lang="de",
            source="The crowd chanted: “Encore, encore, encore!”",
            source_lang="en",
        ),
        bad(
            "Die Regierung will [[die Gespräche, die Gespräche, die Gespräche]] fortsetzen.",
            lang="de",
            source="The government wants to continue the talks.",
            source_lang="en",
        ),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        coordinators = frozenset(w.casefold() for w in ctx.data.spec.coordinators)
        # Chinese reduplicates short pairs on purpose ("一米一米"): only longer ones are loops.
        shortest_pair = 2 * ctx.data.spec.doubled_word_max_chars
        for words in _words_in_blocks(doc):
            folded = [w.text.casefold() for w in words]
            i = 0
            while i < len(words):
                found = self._loop_at(doc, words, folded, i)
                if found is None and self._doubled_pair(doc, words, folded, i, coordinators, shortest_pair):
                    found = (2, 2)
                if found is None:
                    i += 1
                    continue
                size, copies = found
                start, end = words[i].start, words[i + size * copies - 1].end
                first_copy = doc.text[start : words[i + size - 1].end]
                i += size * copies
                if source_repeats(ctx, start):
                    continue
                yield self.finding(
                    doc,
                    start,
                    end,
                    f"The phrase “{first_copy}” repeats {copies} times in a row.",
                    [replace(start, end, first_copy, 0.9, safe=True)],
                    # A doubled pair is a slip of one joint, like a doubled word (TQ202): minor.
                    severity=Severity.MINOR if (size, copies) == (2, 2) else None,
                )

    @staticmethod
    def _doubled_pair(
        doc: Document,
        words: list[Token],
        folded: list[str],
        i: int,
        coordinators: frozenset[str],
        shortest: int,
    ) -> bool:
        """Two words written twice with nothing but spaces between ("a equipa a equipa", "of the of
        the"); not around a word that joins copies on purpose ("and more and more"), and not a
        pair a language reduplicates (`doubled_word_max_chars`: "一米一米")."""
        run = words[i : i + 4]
        if len(run) < 4 or folded[i : i + 2] != folded[i + 2 : i + 4] or folded[i] == folded[i + 1]:
            return False
        if any(w in coordinators for w in folded[i : i + 2]) or any(w.isdigit() for w in folded[i : i + 2]):
            return False
        if len(run[0].text) + len(run[1].text) <= shortest:
            return False
        return all(_joined_only_by_separators(doc, left, right) for left, right in itertools.pairwise(run))

    @staticmethod
    def _loop_at(doc: Document, words: list[Token], folded: list[str], i: int) -> tuple[int, int] | None:
        for size in range(MAX_LOOP_WORDS, 0, -1):
            copies = 1
            while folded[i + copies * size : i + (copies + 1) * size] == folded[i : i + size]:
                joint_left = words[i + copies * size - 1]
                joint_right = words[i + copies * size]
                if not _joined_only_by_separators(doc, joint_left, joint_right, r"\s,;،、，；–—-"):
                    break
                copies += 1
            if copies >= 3 or (copies == 2 and size >= 3):
                return size, copies
        return None


NOT_WORD = regex.compile(r"[^\p{L}\p{N}]+")


# A sentence this long (words; characters in unspaced scripts; shorter ones share their shape
# often: "A deal with the workers was signed.") that is at least this similar
# (rapidfuzz ratio of the keys) to one of the NEAR_DUPLICATE_WINDOW long sentences before it is a
# second translation of one sentence ("The government announced new economic measures on Monday"
# and "The government announced the new economic measures on Monday": 93).
NEAR_DUPLICATE_MIN_WORDS = 10
NEAR_DUPLICATE_MIN_CHARS = 20
NEAR_DUPLICATE_SIMILARITY = 90
NEAR_DUPLICATE_WINDOW = 20


def _sentence_key(text: str) -> str:
    return " ".join(NOT_WORD.sub(" ", text).casefold().split())


class DuplicateSentence(Rule):
    """Flags a sentence that repeats an earlier sentence of the article word for word.

    ## What it does
    Compares every sentence of five words or more (ten characters in Chinese) with the earlier
    ones, ignoring case and punctuation, and flags the later copy. A sentence of ten words or
    more (twenty characters) nearly the same as one of the twenty long sentences before it
    (rapidfuzz ratio 90 or more: a word added or changed) is a second translation of one
    sentence: a minor finding, whose fix (deleting the later one) is unsafe. A headline without a
    final stop is not compared (the lead often repeats it).

    ## Why is this bad?
    Segment-level MT pipelines duplicate sentences when segments overlap or a retry is appended.

    ## Fix safety
    Safe: the fix deletes the later copy.
    """

    code = "TQ204"
    name = "duplicate-sentence"
    category = Category.FLUENCY
    severity = Severity.MAJOR
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad(
            "The port reopened on Monday after a three-week strike. Trade resumed.\n\n"
            "[[The port reopened on Monday after a three-week strike.]]\n",
            fixed="The port reopened on Monday after a three-week strike. Trade resumed.\n\n",
        ),
        bad(
            "Le port a rouvert lundi après trois semaines de grève. Le trafic a repris. "
            "[[Le port a rouvert lundi après trois semaines de grève.]]",
            lang="fr",
        ),
        good("The port reopened. The port reopened, officials said, after three weeks."),
        bad(
            "The government announced new economic measures on Monday to curb inflation. The opposition "
            "objected. [[The government announced the new economic measures on Monday to curb inflation.]]"
        ),
        good(
            "The government announced new economic measures on Monday to curb inflation. The opposition "
            "announced its own economic measures on Tuesday to curb unemployment."
        ),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        seen: dict[str, int] = {}
        recent: list[str] = []  # the keys of the last NEAR_DUPLICATE_WINDOW long sentences
        for sentence in doc.sentences:
            block = doc.blocks[sentence.block]
            if block.is_heading:
                continue
            words = [t for t in doc.sentence_tokens(sentence) if t.is_word]
            text = doc.sentence_text(sentence)
            long_enough = len(words) >= 5 or (not ctx.data.spaced and len(text) >= 10)
            key = _sentence_key(text)
            if not long_enough or not key:
                continue
            if key not in seen:
                seen[key] = sentence.index
                # A headline repeated in the lead is no such copy: both sides end as sentences.
                near = (
                    len(words) >= NEAR_DUPLICATE_MIN_WORDS
                    or (not ctx.data.spaced and len(text) >= NEAR_DUPLICATE_MIN_CHARS)
                ) and text.rstrip("\"'”’»」』)）").endswith(SENTENCE_END)
                if near and process.extractOne(
                    key, recent, scorer=fuzz.ratio, score_cutoff=NEAR_DUPLICATE_SIMILARITY
                ):
                    yield self.finding(
                        doc,
                        sentence.start,
                        sentence.end,
                        "This sentence repeats an earlier one nearly word for word: one of the two "
                        "is probably a second translation of the same sentence.",
                        [self._deletion(doc, sentence, 0.5, safe=False)],
                        severity=Severity.MINOR,
                    )
                if near:
                    recent = [*recent[-(NEAR_DUPLICATE_WINDOW - 1) :], key]
                continue
            yield self.finding(
                doc,
                sentence.start,
                sentence.end,
                "This sentence repeats an earlier one word for word.",
                [self._deletion(doc, sentence, 0.9, safe=True)],
            )

    @staticmethod
    def _deletion(doc: Document, sentence: Sentence, confidence: float, safe: bool) -> Suggestion:
        """The sentence deleted: its whole line, or the sentence with the space before it (after
        it where it opens the block)."""
        block = doc.blocks[sentence.block]
        if block.start == sentence.start and block.end == sentence.end:
            line = delete_line(doc, sentence.start, sentence.end, confidence)
            return line if safe else dataclasses.replace(line, applicability=Applicability.UNSAFE)
        start, end = sentence.start, sentence.end
        if start > block.start and doc.text[start - 1] == " ":
            start -= 1
        elif end < block.end and doc.text[end] == " ":
            end += 1
        return replace(start, end, "", confidence, safe=safe)
