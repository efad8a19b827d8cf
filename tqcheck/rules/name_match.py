"""Matching a source's names in a translation, per script: Latin names by their rarity and a
spelling skeleton, Chinese people by surname and pinyin, Arabic people by their consonants."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import regex
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from tqcheck.rules._text import fold, zipf

NAME_WORD_MAX_ZIPF = 4.6  # "Lewis" (4.5) can be a name word; "Foreign" (5.1) is an ordinary word
RARE_NAME_ZIPF = 2.0  # rarer than this, a capitalised word is a proper name in any language
LOOSE_NAME_ZIPF = 3.0  # a word this rare may be a name that a translation misspelt ("Redcar" → "Redcliff")
NEAR_MISS_RATIO = 65  # "Redcar" → "Redcliff", "Valdoria" → "Valmoria"
SAME_SOUNDS_RATIO = 85  # "beluchistan"/"baluchistan" (91) are one name; "maria"/"mario" (80) two


def name_word(word: str, source_lang: str, target_lang: str) -> bool:
    """A word that a translation keeps as it is: very rare (a proper name), or about as frequent in
    the target language as in the source (names: "Burke", "Callaghan"). Ordinary words that a
    translation changes ("Danish", "University") are much rarer in the target language."""
    in_source = zipf(word.lower(), source_lang)
    if in_source < RARE_NAME_ZIPF:
        return True
    return in_source < NAME_WORD_MAX_ZIPF and zipf(word.lower(), target_lang) >= in_source - 1.0


@lru_cache(maxsize=1)
def _surnames() -> frozenset[str]:
    from tqcheck.resources import DATA

    text = DATA.joinpath("zh", "surnames.txt").read_text(encoding="utf-8")
    return frozenset(c for line in text.splitlines() if not line.startswith("#") for c in line.split())


def chinese_people(text: str) -> Iterator[tuple[str, str, str]]:
    """Names of people in Chinese text (jieba's part-of-speech tags), with their pinyin surname and
    given name; only names with a common Chinese surname, so foreign names in characters are skipped."""
    import logging

    import jieba
    import jieba.posseg
    from pypinyin import lazy_pinyin

    jieba.setLogLevel(logging.WARNING)
    tagged = list(jieba.posseg.cut(text))
    for (word, flag), (after, _) in zip(tagged, [*tagged[1:], ("", "")], strict=True):
        if flag == "nr" and 2 <= len(word) <= 3 and word[0] in _surnames():
            if after[:1].isdigit():
                continue  # a numeral's prefix, not a given name: "队史第3000场" (the team's 3000th)
            syllables = lazy_pinyin(word)
            yield word, syllables[0], "".join(syllables[1:])


@lru_cache(maxsize=10_000)
def jieba_tag(word: str) -> str:
    """jieba's part-of-speech tag of a word on its own ("" when it segments into several)."""
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    tagged = jieba.posseg.lcut(word)
    return tagged[0].flag if len(tagged) == 1 else ""


@lru_cache(maxsize=1)
def _arabic_name_data() -> dict:
    from tqcheck.resources import _load_toml

    return _load_toml("ar", "names.toml")


def arabic_people(text: str) -> Iterator[str]:
    """Names after a verb of saying and before a comma and a title: "قالت ليلى حداد، المتحدثة"."""
    data = _arabic_name_data()
    verbs, titles = set(data.get("speech_verbs", [])), set(data.get("titles", []))
    words = regex.findall(r"\p{Arabic}+|[،,]", text)
    for i, word in enumerate(words):
        if word not in verbs:
            continue
        for size in (1, 2, 3):
            name = words[i + 1 : i + 1 + size]
            after = words[i + 1 + size : i + 3 + size]
            # A name has no comma and no title word in it ("وكيل الوزارة" is a title, not a name).
            plain = not any(w in "،," or w in titles for w in name)
            if len(name) == size and plain and len(after) == 2 and after[0] in "،," and after[1] in titles:
                yield " ".join(name)
                break


# How Chinese transliterates a foreign name, by sound class: initials as Latin letters would spell
# them, voiced and voiceless alike (Chinese has no voicing contrast), l and r one sound.
PINYIN_INITIAL_SOUND = {
    "b": "b", "p": "b", "d": "d", "t": "d", "g": "g", "k": "g", "j": "s", "q": "s", "x": "s",
    "zh": "s", "ch": "s", "sh": "s", "z": "s", "c": "s", "s": "s", "l": "l", "r": "l",
    "m": "m", "n": "n", "f": "f", "h": "h", "w": "w", "y": "",
}  # fmt: skip
LATIN_SOUNDS = (
    ("sch", "s"), ("tch", "s"), ("ch", "s"), ("sh", "s"), ("th", "d"), ("ph", "f"), ("ck", "g"),
    ("qu", "g"), ("kh", "h"), ("gh", "g"), ("b", "b"), ("p", "b"), ("v", "w"), ("w", "w"),
    ("d", "d"), ("t", "d"), ("g", "g"), ("k", "g"), ("c", "g"), ("q", "g"), ("j", "s"),
    ("z", "s"), ("s", "s"), ("x", "s"), ("r", "l"), ("l", "l"), ("m", "m"), ("n", "n"),
    ("f", "f"), ("h", "h"),
)  # fmt: skip


def pinyin_sounds(syllables: list[str]) -> str:
    """The consonant classes of a Chinese transliteration of a foreign name ("韦瑟尔", wei se er →
    "wsl"): each syllable's initial, a final n or ng as "n", and "er" (尔, which transliterates a
    final l or r) as "l"."""
    out = []
    for syllable in syllables:
        initial = next((i for i in ("zh", "ch", "sh") if syllable.startswith(i)), syllable[:1])
        if initial in PINYIN_INITIAL_SOUND:
            out.append(PINYIN_INITIAL_SOUND[initial])
        if syllable == "er":
            out.append("l")
        elif syllable.endswith(("n", "ng")) and len(syllable) > 1:
            out.append("n")
    return _collapse("".join(out))


def latin_sounds(word: str) -> str:
    """The consonant classes of a Latin-script name, spelt the way `pinyin_sounds` hears Chinese
    ("Wesel" → "wsl"); an r before a consonant or at the end is dropped, as Chinese drops it
    ("Martin" → "mdn")."""
    plain = regex.sub(r"r(?=[^aeiouy]|$)", "", fold(word).lower())
    out = []
    i = 0
    while i < len(plain):
        for letters, sound in LATIN_SOUNDS:
            if plain.startswith(letters, i):
                out.append(sound)
                i += len(letters)
                break
        else:
            i += 1
    return _collapse("".join(out))


def sounds_alike(chinese_sounds: str, latin_word: str) -> bool:
    """A Latin name that a Chinese transliteration may stand for: the same consonant classes, or
    one class apart when there are at least three ("马拉卡纳" and "Maracana")."""
    latin = latin_sounds(latin_word)
    if len(chinese_sounds) < 2 or len(latin) < 2:
        return False
    if chinese_sounds == latin:
        return True
    return min(len(chinese_sounds), len(latin)) >= 3 and Levenshtein.distance(chinese_sounds, latin) <= 1


def _collapse(consonants: str) -> str:
    return regex.sub(r"(.)\1+", r"\1", consonants)


def arabic_skeleton(word: str) -> str:
    """Latin consonants of an Arabic word, attached particles and the article dropped."""
    letters = _arabic_name_data().get("letters", {})
    word = regex.sub(r"^(?:وال|ال|و|ف|ب|ل)(?=\p{Arabic}{3,})", "", word)
    return _collapse("".join(letters.get(ch, "") for ch in word))


LATIN_DIGRAPHS = (
    ("kh", "k"),
    ("sh", "s"),
    ("th", "t"),
    ("dh", "d"),
    ("gh", "g"),
    ("ph", "f"),
    ("q", "k"),
    ("c", "k"),
)


def latin_skeleton(word: str) -> str:
    """Consonants of a Latin-script name, with the sounds Arabic writes alike merged."""
    plain = regex.sub(r"^(?:al|el|ad|an|ar|as|at|az)-", "", fold(word).lower())  # the article: "al-Attar"
    for digraph, single in LATIN_DIGRAPHS:
        plain = plain.replace(digraph, single)
    return _collapse(regex.sub(r"[^bdfghjklmnprstvzx]", "", plain))


def contains_name(text: str, name: str) -> bool:
    """Each word of the name starts a word of the text, accents aside ("Andres" in "Andrés",
    "Hartmann" in "Hartmanns")."""
    folded = fold(text)
    return all(regex.search(rf"(?<![\p{{L}}]){regex.escape(fold(word))}", folded) for word in name.split())


def near_miss(
    text: str, word: str, source: str, target_lang: str, spellings: dict[str, str] | None = None
) -> tuple[int, int] | None:
    """A word of the text that looks like the name word but is not it: rare in the target language,
    not itself in the source ("Redcliff" for "Redcar", "Mehra" for "Mehta"), nor the name in the
    target language's own transliteration (`spellings`: German "Chorasan" for "Khorasan")."""
    best: tuple[float, int, int] | None = None
    folded_source = fold(source)
    for match in regex.finditer(r"\p{Lu}[\p{L}'’-]+", text):
        candidate = match.group(0)
        if fold(candidate) in folded_source or zipf(candidate.lower(), target_lang) >= RARE_NAME_ZIPF:
            continue
        if spellings is not None and same_sounds(candidate, word, spellings):
            continue
        ratio = fuzz.ratio(fold(candidate), fold(word))
        if fold(candidate)[:4] == fold(word)[:4] and min(len(candidate), len(word)) >= 5:
            ratio = max(ratio, NEAR_MISS_RATIO)  # same first four letters: "Redcar" → "Redcliff"
        if NEAR_MISS_RATIO <= ratio < 100 and (best is None or ratio > best[0]):
            best = (ratio, match.start(), match.end())
    return (best[1], best[2]) if best else None


# The shortest stem of a source's name word that counts when a translation derives from it.
DERIVED_STEM_MIN = 5


def derived_in(text: str, word: str, spellings: dict[str, str], suffixes: tuple[str, ...]) -> bool:
    """The source's word in the text as the target language writes and inflects it: a word of the
    text that opens with the source word, or with its stem once one or two of the source
    language's endings (`suffixes`) are taken off, after the target's own spellings are read the
    English way ("Algerians" → "Algeriern", "Communards" → "Kommunarden", "Maharaja" →
    "Maharadschas"). The stem keeps five letters at least."""
    from tqcheck.rules.names import spelling_key

    stems = {fold(word)}
    for _ in range(2):
        stems |= {s[: -len(x)] for s in stems for x in suffixes if s.endswith(x) and len(s) > len(x)}
    keys = {spelling_key(s) for s in stems if len(s) >= DERIVED_STEM_MIN}
    keys.discard("")
    if not keys:
        return False
    for match in regex.finditer(r"\p{L}[\p{L}'’-]+", text):
        candidate = respelled(match.group(0), spellings)
        key = spelling_key(candidate)
        if any(key.startswith(stem) for stem in keys):
            return True
    return False


def respelled(word: str, spellings: dict[str, str]) -> str:
    """A word folded, without hyphens, with the language's own spellings read the English way."""
    plain = fold(word).replace("-", "")
    if spellings:
        plain = _spellings_pattern(tuple(spellings)).sub(lambda m: spellings[m.group(0)], plain)
    return plain


@lru_cache(maxsize=16)
def _spellings_pattern(keys: tuple[str, ...]) -> regex.Pattern[str]:
    return regex.compile("|".join(regex.escape(k) for k in sorted(keys, key=len, reverse=True)))


def same_sounds(target_word: str, source_word: str, spellings: dict[str, str]) -> bool:
    """One name in two romanisations: the same consonants once the target language's own spellings
    are read the English way (`spellings`, in one pass, longest first: German "Mudschahed" is
    "Mujahed") and the common differences are merged (`spelling_key`), hyphens aside
    ("Jamaatul-Ahrar" and "Jamaat-ul-Ahrar"), with at most a vowel or two between them
    ("Belutschistan" and "Baluchistan"; "Hussein" is not "Hassan")."""
    from tqcheck.rules.names import consonants, spelling_key

    target_key = spelling_key(respelled(target_word, spellings))
    source_key = spelling_key(fold(source_word).replace("-", ""))
    if target_key == source_key:
        return True
    same_consonants = bool(consonants(target_key)) and consonants(target_key) == consonants(source_key)
    return same_consonants and fuzz.ratio(target_key, source_key) >= SAME_SOUNDS_RATIO
