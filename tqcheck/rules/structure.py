"""Names cut apart by a sentence boundary or reordered around a noun."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from functools import lru_cache

import regex

from tqcheck.context import CheckContext
from tqcheck.document import Document, Sentence, Token
from tqcheck.findings import NO_EVIDENCE, Category, Evidence, Finding, FixAvailability, Severity
from tqcheck.resources import data_path_setting
from tqcheck.rule import Rule, bad, good, replace
from tqcheck.rules._text import is_capitalised, main_script, zipf
from tqcheck.rules.names import _stems, _vowels
from tqcheck.rules.places import BREAK, HYPHEN, NAME_WORD_SPLIT, SPACES, canonical, find_forms, name_forms
from tqcheck.rules.residue import residue_reason
from tqcheck.wordlists import top_words

FINAL = {".", "。", "．"}
# A word of Latin capitals and consonants before a stop is an abbreviation ("St.", "Mt.").
VOWELLESS_ABBREVIATION = regex.compile(r"(?<![\p{L}\p{M}])\p{Lu}[b-df-hj-np-tv-xz]{0,3}\.")
# A fragment word as frequent as this is an ordinary word ("Yes.", "Indeed."), not a name part.
NAME_MAX_ZIPF = 3.6
RARE_ZIPF = 3.0
# A word two sides of a sentence boundary make when joined must be this common to be evidence.
JOINED_MIN_ZIPF = 1.0
UNCASED_JOINED_MIN_ZIPF = 2.0
# Characters read on each side of a stop in unspaced text.
JOINED_MAX_CHARS = 4
HYPHENS = {"-", "‐", "‑"}
HYPHENATED_WORD = regex.compile(r"[\p{L}\p{M}\p{N}'’]+(?:[-‐‑][\p{L}\p{M}\p{N}'’]+)*")
# A Roman numeral of a regnal or ordinal name ("Mohammed VI", "Benedikt XVI").
ROMAN_NUMERAL = regex.compile(r"(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})")
# The word a line ends on (with a hyphen that breaks a compound) and the word the next one opens on.
LAST_WORD = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}'’]*-?$")
FIRST_WORD = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}'’-]*")
# Words a line needs to be read as a sentence cut by a line break, not a label or a title.
SHORTEST_BROKEN_LINE = 6
# Words across a line break this rare (Zipf; given names and surnames reach about 4) are name parts
# even where the line before is short.
BROKEN_NAME_MAX_ZIPF = 4.5
TITLE_CASE_MIN_WORDS = 4
BREAK_CONTEXT = 8  # characters on each side of a line break that the segmenter reads together
# A transliterated name's pieces as the segmenter cuts them are rarer than this ("克里斯蒂": 3.15;
# "球星", star, 3.72).
NAME_PIECE_MAX_ZIPF = 3.5
# A dateline's place is followed by a dash or the agency in brackets: "Brüssel – Die …", "Paris (AFP)".
DATELINE_AFTER = regex.compile(r"\s*(?:[–—]|-\s|\()")
# ... and the word after the break, a name's last part, is rarer than an everyday word
# ("Ramaphosa"; not "Astronomers" after a byline's "… Science Correspondent").
BROKEN_SURNAME_MAX_ZIPF = 2.8
# A line that ends like this ends its sentence (or is a label): no name runs on past it.
LINE_END = (".", "!", "?", ":", ";", ",", "。", "！", "？", "：", "؟", "»", "”", '"', ")", "）", "…")


class SplitEntity(Rule):
    """Flags a multiword name cut by a sentence boundary ("the disputed Nagorno region. Karabakh.")
    or reordered around a noun ("the Nagorno region Karabakh"), and proposes the joined name.

    ## What it does
    Looks for a "sentence" of one or two name-like words (capitalised in cased languages, rare per
    wordfreq in all) that follows a sentence ending in another name part, within the last three
    words; and for any sentence boundary between two words that the article writes as one name
    elsewhere ("in Port. Elizabeth" where the title says "Port Elizabeth"; in another case of an
    inflected language, "в Нижнем. Новгороде" beside "Нижний Новгород"; in unspaced text, a stop
    inside a run of characters written whole elsewhere, "德布勒。森" beside "德布勒森"), with no name list. It proposes the joined forms ("Nagorno-Karabakh region.", "Nagorno Karabakh region.")
    and the plain merge; a joined form used elsewhere in the article ranks first, and with a
    language model the candidates are ranked by how much they improve the text.

    ## Why is this bad?
    Machine translation splits names that the source writes as one unit and moves the noun
    between the parts; the stray fragment reads as a broken sentence and the name is lost.

    It also finds a name cut by a line break in a text that puts a paragraph on a line ("… the
    pianist Lucía" / "Echeverría will play …"; a shorter line too where it ends on a hyphen or
    a name particle, "… coopération du" / "Golfe …", or where two rare capitalised words meet
    across the break, "President Cyril" / "Ramaphosa said …"; not after a line of page residue,
    a related article's headline, a title-case headline or byline, nor before a paragraph that
    opens on a common word or a dateline: "… envoyée spéciale à Odessa" / "Le port …"; in
    unspaced text, where the segmenter reads a word across the break, "塞格" / "德的大学", or the
    line ends on a foreign name's separator, "克里斯蒂亚诺·"), and a boundary inside one word that wordfreq knows
    whole ("Khar. Kiv", "哈尔。滨"), when the joined word is commoner than the second part alone
    or one part is too rare to be a word of its own ("Chen. Nai"); a stop after a particle that
    opens or joins names (`name_particles`: "Rio de. Janeiro", "عبد. الله", or before one or a
    few in a row, "Santiago. de los Caballeros"), after a hyphen
    ("Sachsen-. Anhalt") or before a Roman numeral ("Mohammed. VI"). A "sentence" of a few words
    that ends on a rare capitalised word after a title or an adjective, before a rare
    capitalised word that goes on ("Le président salvadorien Nayib. Bukele a été investi"; in a
    spaced script without case, two rare words: "قال المدرب الإسباني تشابي. ألونسو إن …"), is a
    given name cut from its surname: a minor finding, where the model is not there to weigh it
    and the language data does not know the name.
    In a script that writes foreign names by their sounds (`foreign_name_characters`), a
    "sentence" of only nouns and names (`nominal_tags`: a title, no verb) ending in two or more
    of those characters, before a sentence opening with two or more others, is one name cut by
    a stop ("印度总理纳伦德拉。莫迪宣布…"): minor, with the name's separator as the fix.

    A name the language data knows (`places.tsv`, `bodies.tsv`: the target's own forms and
    every other language's) is reported wherever a stop or a line break falls between its words
    ("Addis. Ababa", "Den" / "Haag") or its words stand in another order ("the Mountains
    Atlas", "la Banque européenne centrale"), with the known form as the fix.

    With a language model, any other stop between two capitalised words (not a function word
    after it, not a sentence's only word before it) is put to the model, and reported only where
    the joined name reads better by 2 nats or more ("the port of Kota. Kinabalu"); on the
    development data split names gained 3.8–25.7 nats and other boundaries at most 0.6. So is a
    name reordered around its noun while the sentence goes on after it ("the Nagorno region
    Karabakh overnight"), which the rules alone cannot tell from two names beside a noun ("the
    Amhara region Fano fighters").

    ## Fix safety
    Unsafe without a model unless the joined name appears elsewhere in the article or the
    language data knows it: which join is right (hyphen or space) depends on the name. A line
    break inside a name is safe to join; a known name's words put back in order are not (the
    order may be a quotation's).
    """

    code = "TQ201"
    name = "split-entity"
    category = Category.FLUENCY
    severity = Severity.MAJOR
    fix_availability = FixAvailability.ALWAYS
    fluency_verdict = True
    examples = (
        bad("Le président salvadorien [[Nayib. Bukele]] a été investi pour un second mandat.", lang="fr"),
        good("The meeting was held in Baku. Aliyev said the talks had gone well."),
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
        bad(
            "The African Union summit opened in [[Addis. Ababa]] with calls for a ceasefire.",
            fixed="The African Union summit opened in Addis Ababa with calls for a ceasefire.",
        ),
        bad(
            "Der Internationale Strafgerichtshof in [[Den\nHaag]] hat einen Haftbefehl erlassen.",
            lang="de",
            fixed="Der Internationale Strafgerichtshof in Den Haag hat einen Haftbefehl erlassen.",
        ),
        bad(
            "La [[Banque européenne centrale]] a maintenu ses taux directeurs jeudi.",
            lang="fr",
            fixed="La Banque centrale européenne a maintenu ses taux directeurs jeudi.",
        ),
        good("The minister arrived in Paris. Yes. The talks went well."),
        good("El acuerdo con EE. UU. entrará en vigor en enero.", lang="es"),
        good("Officials met in Geneva. Brussels sent an envoy. Geneva and Brussels agreed."),
        good("He was born in Lyon. Paris came later in his life."),
        good(
            "Falou de tudo o que se tem passado no Supremo Tribunal. Vamos ver. Gosto de esperar.", lang="pt"
        ),
        good(
            "Los Giants perdieron contra el Dundee Los Dundee Stars ganaron. Jugaron en Dundee. Los Giants volvieron.",
            lang="es",
        ),
        good("The vote was held in Bavaria. Turnout was high."),
        bad(
            "After three concerts in Buenos Aires and one in Montevideo, the orchestra will be joined on "
            "Friday by the Chilean violinist [[Marisol\nTapia]] and two soloists from Lima.\n"
            "Tickets sold out within an hour of going on sale.",
            fixed="After three concerts in Buenos Aires and one in Montevideo, the orchestra will be joined "
            "on Friday by the Chilean violinist Marisol Tapia and two soloists from Lima.\n"
            "Tickets sold out within an hour of going on sale.",
        ),
        bad(
            "Après deux jours de réunions à Lyon avec les industriels de la région, la délégation a "
            "ensuite pris le train pour [[Saint-\nÉtienne]] où l’attendait le maire.\n"
            "La visite s’est achevée mardi.",
            lang="fr",
        ),
        bad(
            "Rupee forward premiums fell for a third session as traders waited for the Reserve Bank [[of\n"
            "India]], whose monetary policy committee meets on Thursday.\nAnalysts expect no change.",
            fixed="Rupee forward premiums fell for a third session as traders waited for the Reserve Bank of "
            "India, whose monetary policy committee meets on Thursday.\nAnalysts expect no change.",
        ),
        bad("Die Messe findet im Frühjahr in [[Chem. Nitz]] statt.", lang="de"),
        bad("代表团抵达[[哈尔。滨]]后参观了冰雪大世界。", lang="zh"),
        good("Er wohnt in Berlin. Er arbeitet seit Jahren in Potsdam.", lang="de"),
        bad("O navio chegou a [[Vila do. Conde]] na segunda-feira.", lang="pt"),
        good("O navio partiu ontem. Conde disse que voltará.", lang="pt"),
        good("The minister arrived in Paris on Monday morning\nand left on Tuesday."),
        good(
            "The port reopened on Tuesday after the strike.\nRead also: Strike talks resume in Hamburg\n"
            "Dock workers returned to work on Wednesday."
        ),
        bad(
            "Der Streik dauert an.\nDie Landesregierung von [[Nordrhein-\nWestfalen]] will am Montag verhandeln.",
            lang="de",
            fixed="Der Streik dauert an.\nDie Landesregierung von Nordrhein-Westfalen will am Montag verhandeln.",
        ),
        bad(
            "La réunion a été reportée.\nLes ministres du Conseil de coopération [[du\nGolfe]] se réuniront "
            "dimanche à Riyad.",
            lang="fr",
        ),
        good(
            "Le rapport sera publié demain.\nLa Banque centrale et le Fonds de\ngarantie ont signé.",
            lang="fr",
        ),
        bad("Der Großmeister aus [[Chen. Nai]] war an Nummer sieben gesetzt.", lang="de"),
        good("Er wohnt seit Jahren in Berlin. Er arbeitet in Potsdam.", lang="de"),
        bad(
            "Турнир в Нижнем Новгороде начался в пятницу. Матч в [[Нижнем. Новгороде]] собрал 7 850 зрителей.",
            lang="ru",
            fixed="Турнир в Нижнем Новгороде начался в пятницу. Матч в Нижнем Новгороде собрал 7 850 зрителей.",
        ),
        bad(
            "我们选择在[[德布勒。森]]设厂。首批在德布勒森生产的车型将于明年交付。",
            lang="zh",
            fixed="我们选择在德布勒森设厂。首批在德布勒森生产的车型将于明年交付。",
        ),
        good("他说。他们明天出发，他说他们会准时到达。", lang="zh"),
        bad(
            "中国与阿联酋在[[阿布。扎比]]签署多项合作协议。",
            lang="zh",
            fixed="中国与阿联酋在阿布扎比签署多项合作协议。",
        ),
        good("他说。好的，我们明天见。", lang="zh"),
        bad(
            "Hundreds marched in the centre of [[San. Salvador]] to protest against the new law.",
            fixed="Hundreds marched in the centre of San Salvador to protest against the new law.",
        ),
        good("The envoy met Prince Abu. Talks went well."),
        bad("O ministro reuniu-se com o homólogo da [[Costa. do Marfim]] para discutir.", lang="pt"),
        bad("La conférence s’est achevée à [[Charm. el-Cheikh]] sur un accord.", lang="fr"),
        bad("El alcalde de Santa [[Cruz de la. Sierra]] rechazó la fecha.", lang="es"),
        bad(
            "El delantero llegó desde [[Santiago. de los Caballeros]] el lunes.",
            lang="es",
            fixed="El delantero llegó desde Santiago de los Caballeros el lunes.",
        ),
        good("Apple Inc. said sales rose. Corp. results follow.", lang="en"),
        bad(
            "Die Wahl in [[Sachsen-. Anhalt]] findet im Juni statt.",
            lang="de",
            fixed="Die Wahl in Sachsen-Anhalt findet im Juni statt.",
        ),
        bad(
            "The speech by King [[Mohammed. VI]] opened the session.",
            fixed="The speech by King Mohammed VI opened the session.",
        ),
        good("The report has two parts. II covers the budget."),
        good("I spoke to Judge Kavanaugh. I called him after this happened."),
        bad("بحضور رئيس الوزراء [[عبد. الله]] الفايز في مقر الحكومة.", lang="ar"),
        bad(
            "Премьер-министр [[Новой. Зеландии]] объявила о выборах.",
            lang="ru",
            fixed="Премьер-министр Новой Зеландии объявила о выборах.",
        ),
        good("Он встретился с Зеленским. Затем делегация уехала.", lang="ru"),
        good("Договор подписан в Москве. Стороны обсудили поставки.", lang="ru"),
        good("وقال إنه ابن. وأضاف أن العائلة تعيش في عمان.", lang="ar"),
        bad(
            "Talks ended on Monday.\nPresident [[Cyril\nRamaphosa]] said the country would not take sides.",
            fixed="Talks ended on Monday.\nPresident Cyril Ramaphosa said the country would not take sides.",
        ),
        good(
            "Talks ended on Monday.\nPar Claire Dubois, envoyée spéciale à Odessa\nLe port a repris ses exportations.",
            lang="fr",
        ),
        good(
            "Markets\nChina Posts Slowest Growth in Decades\nChina's economy grew 3% last year, data showed."
        ),
        good("Von Anna Schmidt und Lukas Weber\nBrüssel – Die Kommission will die Zölle erhöhen.", lang="de"),
        bad(
            "工厂明年投产。\n公司正在与匈牙利南部城市[[塞格\n德]]的大学合作，培养工程师。",
            lang="zh",
            fixed="工厂明年投产。\n公司正在与匈牙利南部城市塞格德的大学合作，培养工程师。",
        ),
        bad("比赛昨晚结束。\n葡萄牙球星[[克里斯蒂亚诺·\n罗纳尔多]]在联赛中完成帽子戏法。", lang="zh"),
        good("长江流域迎来新一轮强降雨\n国家气候中心预计，未来三天将有大到暴雨。", lang="zh"),
        bad(
            "新西兰总理[[克里斯托弗。拉克森]]宣布了新的移民政策。",
            lang="zh",
            fixed="新西兰总理克里斯托弗·拉克森宣布了新的移民政策。",
        ),
        good("法国总统马克龙会见了德国总理朔尔茨。朔尔茨表示，两国将加强合作。", lang="zh"),
        good("图为法国总统马克龙。马克龙表示将继续支持乌克兰。", lang="zh"),
        bad("قال المدرب الإسباني [[تشابي. ألونسو]] إن الفريق لعب بشكل جيد طوال الموسم.", lang="ar"),
        good("وصل الوفد الرسمي إلى بغداد. وقال المتحدث إن الزيارة كانت ناجحة.", lang="ar"),
        good("أطلقت الشركة منتجات ماركات مثل ريفلون ودي آر. بوبو لأول مرة.", lang="ar"),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        cased = ctx.data.cased
        joiners = list(ctx.data.locale.get("name_joiners", ["-", " "]))
        pairs = [pair for block in doc.blocks for pair in itertools.pairwise(doc.block_sentences(block))]
        # Every joined name a boundary could stand for, looked up in one pass over the text:
        # searching the text once per boundary is quadratic on a long article.
        names = (
            f"{left.text}{joiner}{right.text}"
            for first, second in pairs
            if (words := _boundary_words(doc, first, second, cased)) is not None
            for left, right in [words]
            for joiner in (joiners if cased else ["", *joiners])
        )
        occurrences = _NameOccurrences(doc.text, names)
        written_whole = _adjacent_name_stems(doc, ctx, joiners) if cased else {}
        cut: set[int] = set()
        spans: list[tuple[int, int]] = []  # what is reported, for the known names' shapes below
        guesses: list[Finding] = []
        for first, second in pairs:
            finding = self._split(doc, ctx, first, second, cased, joiners, occurrences)
            if finding is None:
                finding = self._joined_elsewhere(doc, ctx, first, second, joiners, occurrences, written_whole)
            if finding is None:
                finding = self._joined_word(doc, ctx, first, second, cased)
            if finding is None:
                finding = self._dangling_particle(doc, ctx, first, second)
            if finding is None:
                finding = self._hyphen_before_stop(doc, ctx, first, second)
            if finding is None:
                finding = self._name_opener(doc, ctx, first, second)
            if finding is None and cased:
                finding = self._regnal_number(doc, first, second)
            if finding is None and cased:
                finding = self._agreeing_adjective(doc, ctx, first, second)
            if finding is None and not cased:
                finding = self._name_after_title(doc, ctx, first, second)
            if finding is None and (cased or ctx.data.spaced) and ctx.scorer is None:
                # With a model, the boundary is put to it below instead. A guess from the
                # sentence's shape gives way to a name the language data knows (below).
                guess = self._short_sentence_before_name(doc, ctx, first, second, cased)
                if guess:
                    guesses.append(guess)
                    continue
            if finding is None and cased and ctx.scorer is not None:
                finding = self._for_the_model(doc, ctx, first, second, joiners)
            if finding:
                cut.add(finding.start)
                spans.append((finding.start, finding.end))
                yield finding
        reported: list[Finding] = list(self._broken_line(doc, ctx))
        if cased:
            # A stop the boundary checks above already reported is not reported twice.
            reported += [f for f in self._stop_before_particle(doc, ctx) if f.start not in cut]
        if cased and ctx.data.locale.get("entity_nouns"):
            reported += self._reordered(doc, ctx, joiners)
        yield from reported
        spans += [(f.start, f.end) for f in reported]
        known = [
            finding
            for finding in self._known_name_shapes(doc, ctx)
            if not any(finding.start < end and start < finding.end for start, end in spans)
        ]
        yield from known
        spans += [(f.start, f.end) for f in known]
        for guess in guesses:
            if not any(guess.start < end and start < guess.end for start, end in spans):
                yield guess

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
            # No capitals to go by: _split asks for a rare word instead. The rest of a name holds
            # no everyday word but its particles ("بوبو لأول مرة." is "Bobo for the first time.").
            particles = set(ctx.data.spec.name_particles)
            if any(zipf(w.text, ctx.lang) >= EVERYDAY_ZIPF and w.text not in particles for w in words[1:]):
                return None
            return words
        capitalised = [w for w in words if is_capitalised(w.text)]
        # Small lowercase words may join the parts of a name ("Rita do Oeste", "Ville de Québec"):
        # the locale's name particles where it lists them ("Vamos ver." is a sentence).
        particles = {p.lower() for p in ctx.data.spec.name_particles}
        if (
            not capitalised
            or not is_capitalised(words[0].text)
            or any(
                not is_capitalised(w.text)
                and (len(w.text) > 3 or (particles and w.text.lower() not in particles))
                for w in words
            )
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
        occurrences: _NameOccurrences,
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
        if len(anchor.text) <= 3 and main_script(anchor.text) not in ctx.data.scripts:
            return None  # "Dr. PawPaw" in Russian: a foreign title's abbreviation the tokenizer does not know
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
            used_elsewhere = rank < len(joiners) and occurrences.anywhere_outside(name, start, end)
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
        self,
        doc: Document,
        ctx: CheckContext,
        first: Sentence,
        second: Sentence,
        joiners: list[str],
        occurrences: _NameOccurrences,
        written_whole: dict[tuple[str, str], list[tuple[str, int, int]]],
    ) -> Finding | None:
        """A sentence boundary between the two parts of a name that the article writes whole
        elsewhere (in its title, in another paragraph): "… in Port. Elizabeth officials said" where
        "Port Elizabeth" appears too. No name list: the article is the evidence. A function word
        after the stop ("Dundee. Los Giants" beside a slip "el Dundee Los Dundee Stars") opens a
        sentence, not the rest of a name."""
        cased = ctx.data.cased
        words = _boundary_words(doc, first, second, cased)
        if words is None:
            return None
        left, right = words
        if cased and right.text.lower() in top_words(ctx.lang, 100):
            return None
        for joiner in joiners if cased else ["", *joiners]:
            joined = f"{left.text}{joiner}{right.text}"
            if occurrences.outside(joined, left.start, right.end):
                return self._whole_elsewhere(doc, left.start, right.end, joined)
        if not ctx.data.spaced:
            return self._glued_elsewhere(doc, ctx, left, right)
        if not cased:
            return None
        # An inflected language writes the name whole elsewhere in another case ("в Нижнем.
        # Новгороде" where the title says "Нижний Новгород"): the same two stems side by side.
        for joiner, start, end in written_whole.get(self._stem_pairs(left.text, right.text, ctx), ()):
            if end <= left.start or start >= right.end:
                return self._whole_elsewhere(doc, left.start, right.end, f"{left.text}{joiner}{right.text}")
        return None

    def _whole_elsewhere(self, doc: Document, start: int, end: int, joined: str) -> Finding:
        return self.finding(
            doc,
            start,
            end,
            f"The name “{joined}” is split by a sentence boundary; the article writes it whole elsewhere.",
            [replace(start, end, joined, 0.9, safe=True)],
        )

    def _glued_elsewhere(self, doc: Document, ctx: CheckContext, left: Token, right: Token) -> Finding | None:
        """Unspaced text: a stop inside a name that the article writes whole elsewhere ("德布勒。森设厂"
        beside "德布勒森"). The tokenizer cuts an unknown name anywhere ("德|布勒", "森设厂"), so the
        name's two sides are read from the characters: a rare run of two to four before the stop
        ("说。他" joins by chance: "他说" is common), and the longest start of the word after it."""
        text = doc.text
        for size in range(2, 5):
            start = left.end - size
            head = text[max(start, 0) : left.end]
            if start < 0 or not head.isalpha() or zipf(head, ctx.lang) >= RARE_ZIPF:
                continue
            for end in range(right.end, right.start, -1):
                joined = head + text[right.start : end]
                if _occurs_outside(text, joined, start, end):
                    return self._whole_elsewhere(doc, start, end, joined)
        return None

    @staticmethod
    def _stem_pairs(left: str, right: str, ctx: CheckContext) -> tuple[str, str]:
        return _name_stem(left, ctx), _name_stem(right, ctx)

    def _joined_word(
        self, doc: Document, ctx: CheckContext, first: Sentence, second: Sentence, cased: bool
    ) -> Finding | None:
        """A sentence boundary inside one word: the two sides joined are a word the language knows
        (one token to wordfreq, "Khar. Kiv" → "Kharkiv", "哈尔。滨" → "哈尔滨"), and a commoner one than
        the word after the boundary alone. No name list: word frequencies are the evidence."""
        words = _boundary_words(doc, first, second, cased)
        if words is None:
            return None
        left, right = words
        if _abbreviation(left.text) or _abbreviation(right.text):
            return None  # "EE. UU." is an abbreviation's periods, though "EEUU" is a word
        if not ctx.data.spaced:
            return self._joined_characters(doc, ctx, left.end, right.start)
        minimum = JOINED_MIN_ZIPF if cased else UNCASED_JOINED_MIN_ZIPF
        piece = right.text
        joined = left.text + (piece.lower() if cased else piece)
        # "Berlin. Er …" joins into "Berliner", but "Er" alone is far more common: a sentence
        # opening with it is no evidence. A side too rare to be a word of its own ("Chen. Nai"
        # → "Chennai") is evidence enough when the joined word is a known one.
        joined_zipf = zipf(joined.lower(), ctx.lang)
        rare_side = min(zipf(left.text.lower(), ctx.lang), zipf(piece.lower(), ctx.lang)) < RARE_ZIPF
        if joined_zipf < max(minimum, zipf(piece.lower(), ctx.lang)) and not (
            rare_side and joined_zipf >= UNCASED_JOINED_MIN_ZIPF
        ):
            return None
        if not _one_token(joined.lower(), ctx.lang):
            return None
        return self.finding(
            doc,
            left.start,
            right.end,
            f"“{left.text}” and “{piece}” are one word, “{joined}”, split by a sentence boundary.",
            [replace(left.start, right.end, joined, 0.7, safe=False)],
        )

    def _joined_characters(
        self, doc: Document, ctx: CheckContext, stop: int, after: int, line_break: bool = False
    ) -> Finding | None:
        """Unspaced text: a stop inside a word that wordfreq knows whole ("阿布。扎比" → "阿布扎比"),
        read from the characters on both sides (the segmenter cuts an unknown word anywhere:
        "里|约|热。内卢"). Two sides that are each a word join by chance ("说。好" → "说好"), so the
        joined word must then be the commoner, except across a `line_break` that no punctuation
        ends, which already says the line runs on ("塞格" / "德的大学": "塞格德")."""
        text = doc.text
        best = None
        for left_size in range(1, JOINED_MAX_CHARS + 1):
            head = text[max(stop - left_size, 0) : stop]
            if len(head) < left_size or not head.isalpha():
                break
            for right_size in range(1, JOINED_MAX_CHARS + 1):
                tail = text[after : after + right_size]
                if len(tail) < right_size or not tail.isalpha():
                    break
                joined = head + tail
                joined_zipf = zipf(joined, ctx.lang)
                if joined_zipf < UNCASED_JOINED_MIN_ZIPF or not _one_token(joined, ctx.lang):
                    continue
                sides_are_words = all(
                    _one_token(side, ctx.lang) and zipf(side, ctx.lang) >= RARE_ZIPF for side in (head, tail)
                )
                if (
                    sides_are_words
                    and not line_break
                    and joined_zipf < max(zipf(head, ctx.lang), zipf(tail, ctx.lang))
                ):
                    continue
                if best is None or len(joined) > len(best[2]):
                    best = (stop - left_size, after + right_size, joined)
        if best is None:
            return None
        start, end, joined = best
        return self.finding(
            doc,
            start,
            end,
            f"“{joined}” is one word, split by a {'line break' if line_break else 'sentence boundary'}.",
            [replace(start, end, joined, 0.7, safe=False)],
        )

    def _name_opener(
        self, doc: Document, ctx: CheckContext, first: Sentence, second: Sentence
    ) -> Finding | None:
        """A "sentence" that ends on a word that opens names and never ends one (`name_openers`:
        "San", "Abu", "Los", "Saint") after a lowercase word, before a word that goes on: "in
        San. Salvador", "of Abu. Dhabi"."""
        openers = set(ctx.data.spec.name_openers)
        tokens = [t for t in doc.sentence_tokens(first) if not t.is_space]
        if not openers or len(tokens) < 3 or tokens[-1].text not in FINAL:
            return None
        opener, before = tokens[-2], tokens[-3]
        if opener.text not in openers or doc.text[opener.end : tokens[-1].start]:
            return None
        if ctx.data.cased and is_capitalised(before.text):
            return None  # "Prince Abu.": the word may end a name that opened before it
        right = next((t for t in doc.sentence_tokens(second) if not t.is_space), None)
        if right is None or not right.is_word:
            return None
        # The rest of the name runs on over hyphens ("Charm. el-Cheikh").
        rest = HYPHENATED_WORD.match(doc.text, right.start)
        if rest is None:
            return None  # a "word" the tokenizer made of marks or symbols: no name goes on
        end = rest.end()
        joined = f"{opener.text} {doc.text[right.start : end]}"
        return self.finding(
            doc,
            opener.start,
            end,
            f"The name “{joined}” is split by a sentence boundary after “{opener.text}”.",
            [replace(opener.start, end, joined, 0.7, safe=False)],
        )

    def _agreeing_adjective(
        self, doc: Document, ctx: CheckContext, first: Sentence, second: Sentence
    ) -> Finding | None:
        """A stop between a capitalised common adjective in an oblique case and a capitalised noun
        that agrees with it (`adjective_agreement`: "в Нижнем. Новгороде", "Новой. Зеландии"). The
        adjective is not its sentence's first word, and the noun is not one of the language's
        thousand commonest words ("Затем", "Этом"), which open sentences."""
        agreement = ctx.data.spec.adjective_agreement
        words = _boundary_words(doc, first, second, cased=True) if agreement else None
        if words is None:
            return None
        left, right = words
        if _one_word(doc, first):
            return None
        adjective, noun = left.text.lower(), right.text.lower()
        ending = max((e for e in agreement if adjective.endswith(e)), key=len, default=None)
        if (
            ending is None
            or len(adjective) < len(ending) + 3
            or not noun.isalpha()
            or len(noun) < 4
            or not any(noun.endswith(e) for e in agreement[ending])
            or zipf(adjective, ctx.lang) < 3.0
            or noun in top_words(ctx.lang, 1000)
        ):
            return None
        return self._joined_across(
            doc, left, right, "is split by a sentence boundary between an adjective and its noun.", 0.7
        )

    def _short_sentence_before_name(
        self, doc: Document, ctx: CheckContext, first: Sentence, second: Sentence, cased: bool
    ) -> Finding | None:
        """A stop between two rare words (capitalised, where the script has case) after a
        "sentence" of a few words that the first of them ends ("Le président salvadorien Nayib.
        Bukele a été investi …", "Kölns Oberbürgermeisterin Henriette. Reker hat …", "قال
        المدرب الإسباني تشابي. ألونسو إن …"): a news sentence that short ending on
        a name part after a title or an adjective (not after a small word: "It was held in Baku.")
        is a given name cut from the surname that goes on as the next sentence's subject. Both
        words rarer than NAME_MAX_ZIPF (not "den Bericht. Jedoch"), neither an abbreviation, the
        next sentence going on for SHORT_SENTENCE_MIN_WORDS words or more. Minor, without a
        model to weigh the join: two names may meet at a stop."""
        words = _boundary_words(doc, first, second, cased=cased)
        if words is None:
            return None
        left, right = words
        first_words = [t for t in doc.sentence_tokens(first) if t.is_word]
        second_words = [t for t in doc.sentence_tokens(second) if t.is_word]
        if not (
            SHORT_SENTENCE_MIN_WORDS <= len(first_words) <= SHORT_SENTENCE_MAX_WORDS
            and len(second_words) >= SHORT_SENTENCE_MIN_WORDS
            and left.text.isalpha()
            and right.text.isalpha()
            and len(left.text) >= 3
            and not _abbreviation(left.text)
            and not _vowelless(left.text)
            and zipf(left.text.lower(), ctx.lang) < NAME_MAX_ZIPF
            and zipf(right.text.lower(), ctx.lang) < NAME_MAX_ZIPF
            and right.text.lower() not in {w.lower() for w in ctx.data.spec.standalone_words}
            # After a title or its adjective, not after a preposition: "was held in Baku." ends
            # on a whole place.
            and first_words[-2].text.lower() not in top_words(ctx.lang, 100)
        ):
            return None
        return self._joined_across(
            doc,
            left,
            right,
            f"may be split by a sentence boundary: “{doc.sentence_text(first)}” is too short a sentence "
            "to end on a name.",
            0.4,
            Severity.MINOR,
        )

    def _name_after_title(
        self, doc: Document, ctx: CheckContext, first: Sentence, second: Sentence
    ) -> Finding | None:
        """A "sentence" of a title and a foreign name's first part, cut off the rest of the name by
        a stop ("印度总理纳伦德拉。莫迪宣布…": "Indian Prime Minister Narendra. Modi announced…"):
        where a script writes foreign names in characters of their own (`foreign_name_characters`),
        a sentence that ends in two or more of them after only nouns and names (the segmenter's
        `nominal_tags`: no verb, so no clause) and is followed by a sentence that opens with two or
        more others is one name. Not where the second run repeats the first ("马克龙。马克龙表示":
        a name ending one sentence and opening the next). Minor: the stop may end a caption."""
        spec = ctx.data.spec
        letters = _char_set(spec.foreign_name_characters)
        if not letters or not spec.nominal_tags:
            return None
        separators = _char_set("".join(spec.foreign_name_separators))
        end = first.end
        while end > first.start and doc.text[end - 1].isspace():
            end -= 1
        if end <= first.start or doc.text[end - 1] not in FINAL:
            return None
        stop = end - 1
        start = stop
        while start > first.start and (doc.text[start - 1] in letters or doc.text[start - 1] in separators):
            start -= 1
        while start < stop and doc.text[start] in separators:
            start += 1
        opening = second.start
        while opening < second.end and doc.text[opening].isspace():
            opening += 1
        if opening != stop + 1:
            return None  # only a stop between the two parts, not a line break
        close = opening
        while close < second.end and doc.text[close] in letters:
            close += 1
        left, right = doc.text[start:stop], doc.text[opening:close]
        prefix = doc.text[first.start : start].strip()
        if (
            sum(c in letters for c in left) < NAME_PART_MIN_CHARS
            or len(right) < NAME_PART_MIN_CHARS
            or second.end - close < NAME_PART_MIN_CHARS
            or len(prefix) > TITLE_MAX_CHARS
            or right.startswith(left[-NAME_PART_MIN_CHARS:])
            or left.endswith(right[:NAME_PART_MIN_CHARS])
            or not _all_nominal(prefix, spec.segmenter, tuple(spec.nominal_tags))
        ):
            return None
        joiner = spec.foreign_name_separators[0] if spec.foreign_name_separators else ""
        joined = f"{left}{joiner}{right}"
        return self.finding(
            doc,
            start,
            close,
            f"The name “{joined}” may be cut by a stop: “{doc.text[first.start : end].strip()}” holds no "
            "verb, only a title and the first part of a name.",
            [replace(start, close, joined, 0.4, safe=False)],
            severity=Severity.MINOR,
        )

    def _joined_across(
        self,
        doc: Document,
        left: Token,
        right: Token,
        what: str,
        confidence: float,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding for two words a stop keeps apart, with the two joined by a space as the fix."""
        joined = f"{left.text} {right.text}"
        return self.finding(
            doc,
            left.start,
            right.end,
            f"The name “{joined}” {what}",
            [replace(left.start, right.end, joined, confidence, safe=False)],
            severity=severity,
        )

    def _for_the_model(
        self, doc: Document, ctx: CheckContext, first: Sentence, second: Sentence, joiners: list[str]
    ) -> Finding | None:
        """With a model, any other boundary between two capitalised words is put to it: the
        finding stands only where the joined name reads better by MODEL_JOIN_GAIN nats or more
        (`model_only`: ranking.judge withdraws it otherwise)."""
        candidate = boundary_candidate(doc, ctx, first, second, joiners)
        if candidate is None:
            return None
        left, right, joined = candidate
        return self.finding(
            doc,
            left.start,
            right.end,
            f"The name “{joined[-1]}” may be split by a sentence boundary; the model reads it as one.",
            [
                replace(left.start, right.end, form, 0.5 - 0.1 * rank, safe=False)
                for rank, form in enumerate(joined)
            ],
            evidence=Evidence(threshold=MODEL_JOIN_GAIN, model_only=True),
        )

    def _stop_before_particle(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        """A stop between a capitalised word and a particle of names that goes on with a
        capitalised word, inside a sentence ("Costa. do Marfim", "Charm. el-Cheikh"): no
        sentence opens with a lowercase particle, so the stop cuts a name."""
        particles = set(ctx.data.spec.name_particles)
        if not particles:
            return
        text = doc.text
        tokens = [t for t in doc.tokens if not t.is_space]
        for i in range(len(tokens) - 3):
            left, stop, particle = tokens[i : i + 3]
            if stop.text not in FINAL or particle.text not in particles or not particle.text.islower():
                continue
            if not (left.is_word and is_capitalised(left.text)) or _abbreviation(left.text):
                continue
            if text[left.end : stop.start] or not text[stop.end : particle.start].isspace():
                continue
            # Particles may come in a row: "Palacio. de la Moneda", "Bellen" after "van der".
            last, n = particle, i + 3
            while (
                n < len(tokens) - 1
                and n - i < 3 + MAX_EXTRA_PARTICLES
                and tokens[n].text in particles
                and tokens[n].text.islower()
                and text[last.end : tokens[n].start] == " "
            ):
                last, n = tokens[n], n + 1
            nxt = tokens[n]
            # The name goes on: "do Marfim", or "el-Cheikh" with the particle hyphened to it.
            hyphened = nxt.text in HYPHENS and nxt.start == last.end and n + 1 < len(tokens)
            after = tokens[n + 1] if hyphened else nxt
            if hyphened and after.start != nxt.end:
                continue
            if not hyphened and not text[last.end : after.start].isspace():
                continue
            if not (after.is_word and is_capitalised(after.text)):
                continue
            joined = f"{left.text} {text[particle.start : after.end]}"
            yield self.finding(
                doc,
                left.start,
                after.end,
                f"The name “{joined}” is cut by a stop before “{particle.text}”.",
                [replace(left.start, after.end, joined, 0.7, safe=False)],
            )

    def _dangling_particle(
        self, doc: Document, ctx: CheckContext, first: Sentence, second: Sentence
    ) -> Finding | None:
        """A "sentence" that ends on a particle of names (`name_particles` in `locale.toml`: "de",
        "do", "von"), after a capitalised word and before one: a name cut in two ("Póvoa de.
        Varzim", "Rio de. Janeiro"). Only particles that never end a sentence are listed (not
        German "an", a separable verb prefix)."""
        particles = set(ctx.data.spec.name_particles)
        if not particles:
            return None
        tokens = doc.sentence_tokens(first)
        if len(tokens) < 4 or tokens[-1].text not in FINAL or not tokens[-2].is_word:
            return None
        # Particles may come in a row ("Santa Cruz de la. Sierra"): the name part is before them all.
        particle = tokens[-2]
        before = next((t for t in reversed(tokens[:-2]) if not t.is_space and t.text not in particles), None)
        right = next((t for t in doc.sentence_tokens(second) if not t.is_space), None)
        cased = ctx.data.cased
        if before is None or right is None or not right.is_word or (cased and not is_capitalised(right.text)):
            return None
        if doc.text[particle.end : tokens[-1].start] or particle.text not in particles:
            return None
        if cased and not is_capitalised(before.text):
            return None  # a name's particle stands between two capitalised parts
        if not cased:
            before = particle  # without case, the particle opens the name ("عبد. الله")
        joined = f"{doc.text[before.start : particle.end]} {right.text}"
        return self.finding(
            doc,
            before.start,
            right.end,
            f"The name “{joined}” is split by a sentence boundary after “{particle.text}”.",
            [replace(before.start, right.end, joined, 0.7, safe=False)],
        )

    def _hyphen_before_stop(
        self, doc: Document, ctx: CheckContext, first: Sentence, second: Sentence
    ) -> Finding | None:
        """A "sentence" that ends on a hyphen glued to a word ("in Sachsen-. Anhalt wurde"): a
        compound name cut after its hyphen; no sentence ends on one."""
        tokens = [t for t in doc.sentence_tokens(first) if not t.is_space]
        if len(tokens) < 3 or tokens[-1].text not in FINAL or tokens[-2].text[-1:] not in HYPHENS:
            return None
        text = doc.text
        # The tokenizer keeps the hyphen on the word ("Sachsen-") or apart from it ("Sachsen", "-").
        left = tokens[-2] if len(tokens[-2].text) > 1 else tokens[-3]
        if not left.is_word or text[left.end : tokens[-1].start].strip("".join(HYPHENS)):
            return None
        right = next((t for t in doc.sentence_tokens(second) if not t.is_space), None)
        if right is None or not right.is_word or (ctx.data.cased and not is_capitalised(right.text)):
            return None
        joined = f"{text[left.start : tokens[-1].start]}{right.text}"
        return self.finding(
            doc,
            left.start,
            right.end,
            f"The name “{joined}” is split by a sentence boundary after its hyphen.",
            [replace(left.start, right.end, joined, 0.8, safe=True)],
        )

    def _regnal_number(self, doc: Document, first: Sentence, second: Sentence) -> Finding | None:
        """A sentence that opens on a Roman numeral after one that ends on a name ("King Mohammed.
        VI said"): a regnal or ordinal number cut from its name."""
        tokens = doc.sentence_tokens(first)
        if len(tokens) < 3 or tokens[-1].text not in FINAL or not tokens[-2].is_word:
            return None
        left = tokens[-2]
        after = [t for t in doc.sentence_tokens(second) if not t.is_space]
        # Two letters at least: "I" is also the English pronoun ("Kavanaugh. I called him").
        numeral = after[0].text if after else ""
        if (
            len(after) < 2
            or len(numeral) < 2
            or not ROMAN_NUMERAL.fullmatch(numeral)
            or after[1].text in FINAL
        ):
            return None
        if not is_capitalised(left.text) or _abbreviation(left.text) or doc.text[left.end : tokens[-1].start]:
            return None
        joined = f"{left.text} {after[0].text}"
        return self.finding(
            doc,
            left.start,
            after[0].end,
            f"“{joined}” is cut by a sentence boundary before its number.",
            [replace(left.start, after[0].end, joined, 0.8, safe=True)],
        )

    def _broken_line(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        """A line break inside a name, in a text that puts a paragraph on a line: the line before
        stops mid-sentence (a paragraph of several words, no final punctuation) on a name part
        ("… the Chilean pianist Lucía" / "Echeverría will …"), and the next line goes on with the
        rest of the name. A line that ends on a hyphen ("Saint-" / "Pétersbourg") or on a particle
        that joins names (`name_particles`: "… du Conseil de coopération du" / "Golfe …") before a
        capitalised word cannot end a sentence, so a shorter line counts too."""
        cased = ctx.data.cased
        particles = set(ctx.data.spec.name_particles)
        text = doc.text
        for block, after in itertools.pairwise(doc.blocks):
            if (
                block.is_heading
                or after.is_heading
                or text[block.end : after.start] not in ("\n", "\r\n", "\r")
            ):
                continue
            line = text[block.start : block.end]
            separators = tuple(ctx.data.spec.foreign_name_separators)
            if separators and line.endswith(separators) and FIRST_WORD.match(text, after.start):
                # A foreign name's parts joined by its separator cannot end a line: "克里斯蒂亚诺·" / "罗纳尔多".
                yield self._separator_break(doc, ctx, block.end, after.start, after.end)
                continue
            left = LAST_WORD.search(line)
            right = FIRST_WORD.match(text, after.start)
            if line.endswith(LINE_END) or left is None or right is None:
                continue  # a sentence's end or a label: no sentence runs on
            if not ctx.data.spaced:
                # Without spaces a headline ends on a word like any line: only a word that the
                # break cuts in two ("约翰内斯" / "堡") says the line runs on.
                joined = self._word_across_break(doc, ctx, block.start, block.end, after.start, after.end)
                if joined is not None and residue_reason(line, ctx) is None:
                    yield joined
                continue
            hyphen = left.group(0).endswith("-")
            particle = cased and left.group(0) in particles and is_capitalised(right.group(0))
            shortest = SHORTEST_BROKEN_LINE if not (hyphen or particle) else SHORTEST_BROKEN_LINE // 2
            # Two name-like words across the break (rare, capitalised) may end a short line too
            # ("President Cyril" / "Ramaphosa said …"); a line that ends on a place before a
            # paragraph that opens on a common word is a byline ("… correspondent in Odessa" / "The …").
            if (
                cased
                and len(line.split()) >= 2
                and all(is_capitalised(w) for w in (left.group(0), right.group(0)))
                and zipf(left.group(0).lower(), ctx.lang) < BROKEN_NAME_MAX_ZIPF
                and zipf(right.group(0).lower(), ctx.lang) < BROKEN_SURNAME_MAX_ZIPF
            ):
                shortest = min(shortest, 2)
            if cased and (
                right.group(0).lower() in top_words(ctx.lang, 100)
                or right.group(0).isupper()
                or DATELINE_AFTER.match(text, right.end())
            ):
                continue  # the paragraph opens on an article ("Le port …") or a dateline ("AMMAN, …", "Brüssel – …")
            if cased and not ctx.data.spec.capitalised_nouns and _title_case(line):
                continue  # a headline or a byline of names: "China Posts Slowest Growth in Decades"
            if len(line.split()) < shortest if ctx.data.spaced else len(line) < 10:
                continue  # a short line is a label as often as a broken sentence
            if residue_reason(line, ctx) or residue_reason(text[after.start : after.end], ctx):
                continue  # a related-article headline or a follow prompt ends on its own
            if (
                cased
                and not (hyphen or particle)
                and not (is_capitalised(left.group(0)) and is_capitalised(right.group(0)))
            ):
                continue
            start, end = block.start + left.start(), right.end()
            joiner = "" if hyphen or not ctx.data.spaced else " "
            joined = f"{left.group(0)}{joiner}{right.group(0)}"
            yield self.finding(
                doc,
                start,
                end,
                f"The name “{joined}” is split by a line break in the middle of a sentence.",
                [replace(start, end, joined, 0.8, safe=True)],
            )

    def _word_across_break(
        self, doc: Document, ctx: CheckContext, low: int, stop: int, after: int, high: int
    ) -> Finding | None:
        """Unspaced text: a word that a line break cuts in two, as the language's segmenter reads the
        characters on both sides together ("塞格" / "德的大学" → "塞格德"); without a segmenter of its
        own, a word wordfreq knows whole."""
        if ctx.data.spec.segmenter != "jieba":
            return self._joined_characters(doc, ctx, stop, after, line_break=True)
        from tqcheck.document.segment import import_jieba

        text = doc.text
        head, tail = (
            text[max(low, stop - BREAK_CONTEXT) : stop],
            text[after : min(high, after + BREAK_CONTEXT)],
        )
        for word, start, end in import_jieba().tokenize(head + tail):
            if start < len(head) < end and word.isalpha():
                first, last = stop - (len(head) - start), after + (end - len(head))
                return self.finding(
                    doc,
                    first,
                    last,
                    f"“{word}” is one word, split by a line break.",
                    [replace(first, last, word, 0.7, safe=False)],
                )
        return None

    def _separator_break(self, doc: Document, ctx: CheckContext, stop: int, after: int, high: int) -> Finding:
        """A line break right after a foreign name's separator (`stop` is the line's end, just after
        the separator): the name part before it and the one after the break, joined."""
        text = doc.text
        head, tail = (
            text[max(0, stop - 1 - BREAK_CONTEXT) : stop - 1],
            text[after : min(high, after + BREAK_CONTEXT)],
        )
        if ctx.data.spec.segmenter == "jieba":
            from tqcheck.document.segment import import_jieba

            jieba = import_jieba()
            # The segmenter cuts a foreign name into pieces ("克里斯蒂|亚诺"): rare pieces in a row.
            left_words = [w for w, _, _ in jieba.tokenize(head)]
            right_words = [w for w, _, _ in jieba.tokenize(tail)]
            left_part = "".join(_rare_run(reversed(left_words), ctx.lang)[::-1])
            right_part = "".join(_rare_run(right_words, ctx.lang))
        else:
            left_match, right_match = LAST_WORD.search(head), FIRST_WORD.match(tail)
            left_part = left_match.group(0) if left_match else ""
            right_part = right_match.group(0) if right_match else ""
        first, last = stop - 1 - len(left_part), after + len(right_part)
        joined = f"{left_part}{text[stop - 1]}{right_part}"
        return self.finding(
            doc,
            first,
            last,
            f"The name “{joined}” is split by a line break after its separator.",
            [replace(first, last, joined, 0.8, safe=True)],
        )

    def _known_name_shapes(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        """A name the language data knows (`places.tsv`, `bodies.tsv`: the target's forms and the
        other languages') broken by a stop or a line break ("Addis. Ababa", "Den" / "Haag"), or
        with its words in another order ("the Fund Monetary International")."""
        setting = data_path_setting()
        table = name_forms(ctx.lang, setting)
        text = doc.text
        for named, match in find_forms(text, ctx.lang, setting, table.forms, "broken"):
            written = match.text
            if VOWELLESS_ABBREVIATION.search(written):
                continue  # "St. Petersburg": the stop ends an abbreviation
            joined = _rejoined(written, named.form)
            yield self.finding(
                doc,
                match.start,
                match.end,
                f"The name “{named.form}” is broken by "
                + ("a line break" if "\n" in written and "." not in written else "a sentence boundary")
                + ".",
                [replace(match.start, match.end, joined, 0.8, safe=True)] if joined else [],
            )
        for named, match in find_forms(text, ctx.lang, setting, table.forms, "reordered"):
            if canonical(match.text) in table.known:
                continue  # another form of a name, in its own order
            same_words = sorted(match.text.split()) == sorted(NAME_WORD_SPLIT.split(named.form))
            yield self.finding(
                doc,
                match.start,
                match.end,
                f"The words of the name “{named.form}” stand in another order.",
                [replace(match.start, match.end, named.form, 0.6, safe=False)] if same_words else [],
            )

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
                # Words going on after the name ("the Nagorno region Karabakh clashes") leave the
                # order to the model: on its own, "the Amhara region Fano militia" reads alike.
                for_the_model = after is not None and after.is_word
                if for_the_model and ctx.scorer is None:
                    continue
                rare = REORDER_MODEL_MAX_ZIPF if for_the_model else REORDER_MAX_ZIPF
                if zipf(left.text.lower(), ctx.lang) >= rare or zipf(right.text.lower(), ctx.lang) >= rare:
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
                evidence = (
                    Evidence(threshold=MODEL_JOIN_GAIN, model_only=True) if for_the_model else NO_EVIDENCE
                )
                yield self.finding(doc, left.start, right.end, message, suggestions, evidence=evidence)


def _rejoined(written: str, form: str) -> str | None:
    """A broken name's words joined again with the form's own separators, their endings kept
    ("Нижнем. Новгороде" → "Нижнем Новгороде"); None where the words do not line up."""
    words = [w for w in regex.split(f"{BREAK.pattern}|{SPACES.pattern}|{HYPHEN.pattern}", written) if w]
    separators = regex.findall(r"[ \-‐‑]+", form)
    if len(words) != len(separators) + 1:
        return None
    return "".join(word + separator for word, separator in zip(words, [*separators, ""], strict=True))


def _rare_run(words: Iterable[str], lang: str) -> list[str]:
    """The words from the first on while they are rare (a transliterated name's pieces), at least one."""
    run: list[str] = []
    for word in words:
        if run and (not word.isalpha() or zipf(word, lang) >= NAME_PIECE_MAX_ZIPF):
            break
        run.append(word)
    return run


def _title_case(line: str) -> bool:
    """Every word of four letters or more capitalised, four of them at least: a headline in title
    case, not a sentence broken off ("Президент Кении Уильям" has three)."""
    long_words = [w for w in regex.findall(r"[\p{L}\p{M}'’-]+", line) if len(w) >= 4]
    return len(long_words) >= TITLE_CASE_MIN_WORDS and all(is_capitalised(w) for w in long_words)


def _one_word(doc: Document, sentence: Sentence) -> bool:
    """A sentence of one word ("Paris."): its word opens it, so its capital says nothing."""
    return sum(t.is_word for t in doc.sentence_tokens(sentence)) < 2


def boundary_candidate(
    doc: Document, ctx: CheckContext, first: Sentence, second: Sentence, joiners: list[str]
) -> tuple[Token, Token, list[str]] | None:
    """A sentence boundary between two capitalised words that only a language model can judge
    ("in the disputed Nagorno. Karabakh region"): the last word of a sentence that it does not open
    and the next sentence's first word, not a function word or a word that stands alone. With the
    joined forms ("Nagorno-Karabakh", "Nagorno Karabakh") as the candidates to weigh."""
    words = _boundary_words(doc, first, second, cased=True)
    if words is None:
        return None
    left, right = words
    if _one_word(doc, first):
        return None
    if not (left.text.isalpha() and right.text.isalpha()) or _abbreviation(left.text) or len(left.text) < 2:
        return None
    standalone = {w.lower() for w in ctx.data.spec.standalone_words}
    if right.text.lower() in top_words(ctx.lang, 100) or right.text.lower() in standalone:
        return None
    return left, right, [f"{left.text}{joiner}{right.text}" for joiner in joiners]


def _name_stem(word: str, ctx: CheckContext) -> str:
    """A name part's shortest stem after one inflectional ending (`inflection_suffixes`), folded:
    "Нижнем" and "Нижний" share "нижн"."""
    stems = _stems(word, tuple(ctx.data.locale.get("inflection_suffixes", [])), ())
    return min(stems, key=lambda stem: (len(stem), stem))


def _adjacent_name_stems(
    doc: Document, ctx: CheckContext, joiners: list[str]
) -> dict[tuple[str, str], list[tuple[str, int, int]]]:
    """Every two capitalised words the article writes side by side within a sentence (joined by
    one of the locale's name joiners), by their stems: where the name stands whole."""
    text = doc.text
    found: dict[tuple[str, str], list[tuple[str, int, int]]] = {}
    for sentence in doc.sentences:
        words = [t for t in doc.sentence_tokens(sentence) if t.is_word]
        for left, right in itertools.pairwise(words):
            joiner = text[left.end : right.start]
            if joiner in joiners and is_capitalised(left.text) and is_capitalised(right.text):
                key = (_name_stem(left.text, ctx), _name_stem(right.text, ctx))
                found.setdefault(key, []).append((joiner, left.start, right.end))
    return found


def _one_token(word: str, lang: str) -> bool:
    """Whether wordfreq reads `word` as one token: a multi-token string has a combined frequency
    that says nothing about whether it is one word."""
    from tqcheck.wordlists import wordfreq_module

    return len(wordfreq_module(lang).tokenize(word, lang)) == 1


def _abbreviation(word: str) -> bool:
    """Capital letters only, at most three ("EE", "UU", "U"): a part of an abbreviation with
    periods ("EE. UU.", "FF. AA."), not a word of a name."""
    return word.isupper() and len(word) <= 3


def _boundary_words(
    doc: Document, first: Sentence, second: Sentence, cased: bool
) -> tuple[Token, Token] | None:
    """The last word of a sentence ending in a period and the first word of the next, when the
    boundary between them could cut a name."""
    tokens = doc.sentence_tokens(first)
    if len(tokens) < 2 or tokens[-1].text not in FINAL or not tokens[-2].is_word:
        return None
    left = tokens[-2]
    right = next((t for t in doc.sentence_tokens(second) if not t.is_space), None)
    if right is None or not right.is_word or doc.text[left.end : tokens[-1].start]:
        return None
    if cased and not (is_capitalised(left.text) and is_capitalised(right.text)):
        return None
    return left, right


# Particles after the first that may stand in a row inside a name ("de la", "van der").
MAX_EXTRA_PARTICLES = 2
# A sentence of this many words at most that ends on a rare capitalised word, before one that
# goes on for at least SHORT_SENTENCE_MIN_WORDS, is a title and a given name cut off a surname.
SHORT_SENTENCE_MAX_WORDS = 6
SHORT_SENTENCE_MIN_WORDS = 3


# The name parts of _name_after_title: each at least this many characters, after a title of at most
# TITLE_MAX_CHARS ("亚美尼亚总理", "土耳其外交部长").
NAME_PART_MIN_CHARS = 2
TITLE_MAX_CHARS = 10


@lru_cache(maxsize=16)
def _char_set(chars: str) -> frozenset[str]:
    """A locale's string of characters as a set, built once per string, not once per boundary."""
    return frozenset(chars)


@lru_cache(maxsize=1024)
def _all_nominal(text: str, segmenter: str, tags: tuple[str, ...]) -> bool:
    """Whether the segmenter tags every word of `text` as one of `tags` (spaces and marks aside)."""
    if segmenter != "jieba":
        return False  # the only segmenter with part-of-speech tags
    from tqcheck.document.segment import import_jieba

    import_jieba()  # quiet, and reading its dictionary caches whole
    import jieba.posseg

    return all(flag in tags for word, flag in jieba.posseg.lcut(text) if word.strip() and flag != "x")


def _vowelless(word: str) -> bool:
    """A word without a vowel letter of the Latin or Cyrillic script: an abbreviation ("St", "Св")."""
    return main_script(word) in ("Latin", "Cyrillic") and _vowels().search(word.lower()) is None


# Nats the model must gain by joining two words across a stop before a split name is reported on
# its word alone: on corpora/dev and the external dev half, split names gained 3.8–25.7 and the
# 265 other boundaries at most 0.6.
MODEL_JOIN_GAIN = 2.0
# How rare both parts of a name reordered around a noun must be: on the rules' word alone, and
# where the model judges the order (the sentence goes on after the name).
REORDER_MAX_ZIPF = 3.0
REORDER_MODEL_MAX_ZIPF = 4.0
# An everyday word ("مرة", 5.5): never inside the rest of a name in a script without case.
EVERYDAY_ZIPF = 4.5


# A run of letters and digits: a whole-word occurrence of a name starts where one starts.
WORD_RUN = regex.compile(r"[\p{L}\p{N}]+")


class _NameOccurrences:
    """Answers "does this name occur outside this span?" on a long text without searching all of
    it per question (what `_occurs_outside` would answer). As whole words, for a known set of
    names, from one pass over the text; anywhere, by searching each name once.

    A whole-word occurrence starts a run of letters and digits, and that run is the name's own
    first run (or the whole name, when the name is one run); the pass records where the first
    runs of the wanted names start, and each name's occurrences are confirmed from there once."""

    def __init__(self, text: str, names: Iterable[str]) -> None:
        self.text = text
        wanted = {key for name in names if (key := self._key(name)) is not None}
        self._starts: dict[str, list[int]] = {}
        for run in WORD_RUN.finditer(text):
            if run.group() in wanted:
                self._starts.setdefault(run.group(), []).append(run.start())
        self._found: dict[str, list[int]] = {}
        self._anywhere: dict[str, list[int]] = {}

    @staticmethod
    def _key(name: str) -> str | None:
        """The run a whole-word occurrence of `name` starts with, or None where runs cannot say
        (a name not starting with a letter or digit, or one run ending in a digit, which may
        continue)."""
        first = WORD_RUN.match(name)
        if first is None or (first.end() == len(name) and not name[-1].isalpha()):
            return None
        return first.group()

    def outside(self, name: str, start: int, end: int) -> bool:
        key = self._key(name)
        if key is None:
            return _occurs_outside(self.text, name, start, end, whole_words=True)
        if name not in self._found:
            self._found[name] = [
                position
                for position in self._starts.get(key, ())
                if self.text.startswith(name, position) and _bounded(self.text, name, position)
            ]
        return any(p + len(name) <= start or p >= end for p in self._found[name])

    def anywhere_outside(self, name: str, start: int, end: int) -> bool:
        """Whether `name` occurs anywhere outside [start, end), even inside a word. Each name's
        occurrences are searched once and kept: a search per question is quadratic when the
        same name is asked about all along a long text."""
        if name not in self._anywhere:
            positions, position = [], self.text.find(name)
            while position != -1:
                positions.append(position)
                position = self.text.find(name, position + 1)
            self._anywhere[name] = positions
        return any(p + len(name) <= start or p >= end for p in self._anywhere[name])


def _bounded(text: str, name: str, position: int) -> bool:
    """Whether `name` at `position` stands as whole words, not inside a longer word."""
    after = position + len(name)
    return (position == 0 or not text[position - 1].isalnum()) and (
        after == len(text) or not text[after].isalnum() or not text[after - 1].isalpha()
    )


def _occurs_outside(text: str, name: str, start: int, end: int, whole_words: bool = False) -> bool:
    """Whether `name` occurs in `text` outside [start, end) (as whole words, not inside a longer
    word, with `whole_words`), without copying the text (a copy per finding is quadratic on a long
    article)."""
    position = text.find(name)
    while position != -1:
        after = position + len(name)
        outside = after <= start or position >= end
        if outside and (not whole_words or _bounded(text, name, position)):
            return True
        position = text.find(name, position + 1)
    return False
