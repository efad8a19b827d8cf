"""Words rendered in the wrong sense, from the confusion lexicons."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace as changed

import regex

from tqcheck.context import CheckContext
from tqcheck.document import Document
from tqcheck.findings import Category, Evidence, Finding, FixAvailability, Origin, Severity, Verdict
from tqcheck.resources import Confusion, language_data, pair_confusions
from tqcheck.rule import Rule, bad, good, replace
from tqcheck.rules._text import match_case

CONTEXT_WORD = regex.compile(r"[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}'’-]*")


def applicable_entries(ctx: CheckContext) -> list[Confusion]:
    """The target language's lexicon, plus the language pair's when the source language is known."""
    entries = list(ctx.data.confusions)
    if ctx.source_lang and ctx.source_lang != ctx.lang:
        entries.extend(pair_confusions(ctx.source_lang, ctx.lang))
    return entries


def cue_in(context: str, cues: frozenset[str], lang: str) -> str | None:
    """The first cue word found in the context: a word starting with a cue, or a multiword cue.
    "First" is by position in the text, never by the set's order (which varies with the hash seed)."""
    lowered = context.casefold()
    if not language_data(lang).spaced:  # no word boundaries to rely on
        return _earliest(lowered, cues)
    words = CONTEXT_WORD.findall(lowered)
    # Elided articles stay on their word ("l'armée"); the word after the apostrophe counts too.
    words += [part for word in words for part in regex.split(r"['’]", word)[1:] if part]
    # "stem*" matches the words that start with the stem; a plain cue only the word itself (so
    # "war" is no cue in "warning", nor "firefight" in "firefighters").
    stems = sorted(c[:-1] for c in cues if c.endswith("*") and " " not in c)
    exact = {c for c in cues if not c.endswith("*") and " " not in c}
    for word in words:
        if word in exact:
            return word
        for stem in stems:
            if word.startswith(stem):
                return stem
    return _earliest(lowered, frozenset(c for c in cues if " " in c))


def _earliest(text: str, cues: frozenset[str]) -> str | None:
    """The cue that occurs first in the text (the longer one where two start at the same place)."""
    found = [(text.find(cue), -len(cue), cue) for cue in cues if cue in text]
    return min(found)[2] if found else None


# The message opens hedged; a model's confirmation states it ("A literal rendering: …").
HEDGED = "Possibly a literal rendering:"
CONFIRMED = "A literal rendering:"


class LiteralSense(Rule):
    """Flags a word or calque that MT chose in the wrong sense ("an accident between the two sides"),
    from the confusion lexicon of the target language and, with --source-lang, of the language pair.

    ## What it does
    Each lexicon entry (`data/<lang>/confusions.tsv`, `data/pairs/<src>-<tgt>/confusions.tsv`)
    names the wrong forms ("accident|accidents"), the alternatives of each form, and the cue set
    that decides: "accident" is flagged only when the sentence, its paragraph or (for a heading)
    its section speaks of fighting.
    Entries whose context is `model` ("actuellement", "aktuell": right as "currently", wrong as
    "actually") are checked only with a language model, and reported only when it confirms them.
    Without a language model the finding is a minor "possible" one with the alternatives as
    suggestions; with a model, the engine confirms it only when an alternative improves the text
    by the entry's threshold, and ranks the alternatives by that gain. An entry whose measured
    precision (`tqcheck eval --lexicon-precision` on the dev corpus) is below 0.5 on five findings
    or more is treated as model-only.

    ## Why is this bad?
    Ambiguous source words ("حادث", "incident", "Zwischenfall") have several translations; a
    literal choice changes the meaning a reader takes away ("accident" says nobody meant it).

    ## Fix safety
    Unsafe without a model: the alternatives keep the meaning, but which fits is a judgement.
    """

    code = "TQ301"
    name = "literal-sense"
    category = Category.ACCURACY
    severity = Severity.MINOR
    fluency_verdict = True
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad(
            "Troops exchanged fire on the border in an [[accident]] between the two sides.",
            fixed="Troops exchanged fire on the border in an incident between the two sides.",
        ),
        bad(
            "Frequent [[accidents]]\n\nSoldiers on both sides of the border have reported firefights.\n",
            fixed="Frequent incidents\n\nSoldiers on both sides of the border have reported firefights.\n",
        ),
        bad(
            "Patrols were stepped up at the border's [[hot points]].",
            fixed="Patrols were stepped up at the border's flashpoints.",
        ),
        good("A traffic accident closed the motorway for two hours."),
        # Cues are whole words unless written "stem*": "firefight" is no cue in "firefighters".
        good("Firefighters reached the accident on the motorway after a storm warning."),
        good("The accident at the chemical plant injured four workers."),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        text = doc.text
        starts = {t.start for t in doc.tokens}
        ends = {t.end for t in doc.tokens}
        found: list[Finding] = []
        for entry in applicable_entries(ctx):
            for match in entry.pattern.finditer(text):
                if match.start() not in starts or match.end() not in ends:
                    continue  # inside a longer word ("事故" in "交通事故" as one word)
                finding = self._judge(doc, ctx, entry, match.start(), match.end())
                if finding is not None:
                    found.append(finding)
        # One finding per wrong word: with --source-lang the pair's lexicon and the target's may both
        # match it ("supporte la résolution", "supporte"); the pair's entry knows the source, so it wins.
        paired = [f for f in found if f.evidence.pair]
        for finding in found:
            if finding.evidence.pair or not any(
                p.start < finding.end and finding.start < p.end for p in paired
            ):
                yield finding

    def judged(self, finding: Finding, verdict: Verdict) -> Finding | None:
        kept = super().judged(finding, verdict)
        if kept is None or verdict != Verdict.CONFIRMED:
            return kept
        return changed(kept, message=CONFIRMED + kept.message.removeprefix(HEDGED))

    def _judge(
        self, doc: Document, ctx: CheckContext, entry: Confusion, start: int, end: int
    ) -> Finding | None:
        block = doc.block_at(start)
        if entry.heading_only and (block is None or not block.is_heading):
            return None
        cue = None
        if entry.model_only:
            if ctx.scorer is None:
                return None  # the right sense is as common as the wrong one: only a model can tell
        elif entry.context:
            cue = cue_in(doc.context_of(start, end), entry.cues, ctx.lang)
            if cue is None:
                return None
        found = doc.text[start:end]
        # In a heading or at a sentence start the first letter is capitalised by position only.
        # Unsafe without a model: the alternatives keep the meaning, but which fits is a judgement.
        suggestions = [
            replace(
                start,
                end,
                match_case(found, alternative),
                round(0.6 - 0.05 * rank, 2),
                safe=False,
                origin=Origin.LEXICON,
            )
            for rank, alternative in enumerate(entry.alternatives)
        ]
        where = f" (context: “{cue}”)" if cue else ""
        if entry.source_word:
            where += f", for the source's “{entry.source_word}”"
        note = f" {entry.note}" if entry.note else ""
        alternatives = " or ".join(f"“{a}”" for a in entry.alternatives[:3])
        message = f"{HEDGED} “{found}”{where}; consider {alternatives}.{note}"
        evidence = Evidence(
            entry=entry.wrong,
            threshold=entry.threshold,
            model_only=entry.model_only,
            pair=f"{entry.source_lang}-{ctx.lang}" if entry.source_lang else None,
        )
        return self.finding(
            doc,
            start,
            end,
            message,
            suggestions,
            severity=Severity(entry.severity),
            category=Category(entry.category),
            evidence=evidence,
        )
