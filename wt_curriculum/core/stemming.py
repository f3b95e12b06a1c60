"""Dutch words as search sees them: split like PostgreSQL's parser, PostgreSQL's `dutch.stop` stop words
dropped, the rest stemmed with Snowball's Dutch (Porter) stemmer ("dutch_porter", the algorithm PostgreSQL's
'dutch' configuration ships). Lesson search (lessons/search_index.py) and the search in reference frameworks
share it."""
import re
from functools import lru_cache
from pathlib import Path

import snowballstemmer

WORD = re.compile(r"[^\W_]+")
STOP_WORDS = frozenset(
    line.strip() for line in (Path(__file__).with_name("dutch.stop")).read_text(encoding="utf-8").splitlines()
    if line.strip()
)
_stemmer = snowballstemmer.stemmer("dutch_porter")


def words(value: str) -> list[str]:
    """The lower-case words of a text, as PostgreSQL's parser finds them for letters and digits."""
    return [w.lower() for w in WORD.findall(value or "")]


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """One lower-case word stemmed like PostgreSQL's dutch_stem dictionary (numbers stay as they are)."""
    return word if word.isdigit() else _stemmer.stemWord(word)


def is_stop_word(word: str) -> bool:
    return word.lower() in STOP_WORDS


def stemmed_text(value: str) -> str:
    """A text as the index holds it: its words without stop words, stemmed, separated by spaces."""
    return " ".join(stem(w) for w in words(value) if w not in STOP_WORDS)
