"""Korean search over the knowledge base.

Korean words change form with particles (아동수당은, 아동수당을) and are written with or without spaces
(아이돌봄 서비스 / 아이돌봄서비스), so both sides are normalised (lower case, no spaces or punctuation) and
matched on character bigrams: a document scores by the share of the query's bigrams it contains. Exact
phrase hits and hits in the question rank higher. The knowledge base is small (hundreds of rows), so the
candidate set from one OR-ed `icontains` query is ranked in Python; this works the same on SQLite and
PostgreSQL.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import reduce
from operator import or_
from pathlib import Path

from django.db.models import Q, QuerySet

from .models import Article

_NON_WORD = re.compile(r"[^0-9a-z\uac00-\ud7a3\u3131-\u318e]+")
MAX_QUERY = 100


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "").lower()
    return _NON_WORD.sub("", text)


def bigrams(text: str) -> set[str]:
    norm = normalize(text)
    if len(norm) < 2:
        return {norm} if norm else set()
    return {norm[i : i + 2] for i in range(len(norm) - 1)}


def search_text_for(article: Article) -> str:
    parts = [article.question, article.tags, article.answer, " ".join(article.care_services or [])]
    return normalize(" ".join(parts))


@dataclass
class Hit:
    article: Article
    score: float


def article_search(*, q: str, staff: bool, limit: int = 20) -> list[Hit]:
    """Published articles matching `q`, best first. Staff also see staff-only articles."""
    qs: QuerySet[Article] = Article.objects.filter(published=True)
    if not staff:
        qs = qs.filter(audience=Article.Audience.PUBLIC)
    q = (q or "")[:MAX_QUERY]
    grams = bigrams(q)
    if not grams:
        return [Hit(a, 0.0) for a in qs.order_by("topic", "question")[:limit]]
    candidates = qs.filter(reduce(or_, (Q(search_text__contains=g) for g in grams)))
    words = [normalize(w) for w in q.split() if normalize(w)]
    hits = []
    for article in candidates:
        text = article.search_text
        question = normalize(article.question + article.tags)
        share = sum(1 for g in grams if g in text) / len(grams)
        if share < 0.5:
            continue
        score = share
        score += sum(0.5 for w in words if w in text) + sum(0.5 for w in words if w in question)
        hits.append(Hit(article, round(score, 3)))
    hits.sort(key=lambda h: (-h.score, h.article.question))
    return hits[:limit]


FAQ_FILE = Path(__file__).resolve().parent / "data" / "faq.yaml"


def article_upsert(
    *,
    slug: str,
    question: str,
    answer: str,
    topic: str = "other",
    tags: str = "",
    programme_ids: list[str] | None = None,
    care_services: list[str] | None = None,
    source: str = "",
    audience: str = Article.Audience.PUBLIC,
    published: bool = True,
) -> Article:
    article = Article.objects.filter(slug=slug).first() or Article(slug=slug)
    article.question, article.answer, article.topic = question.strip(), answer.strip(), topic
    article.tags, article.source, article.audience, article.published = tags, source, audience, published
    article.programme_ids = list(programme_ids or [])
    article.care_services = list(care_services or [])
    article.search_text = search_text_for(article)
    article.save()
    return article


def articles_load(*, path: Path | None = None) -> int:
    """Load (or refresh) the bundled FAQ entries. Idempotent: entries are keyed by slug."""
    import yaml

    rows = yaml.safe_load((path or FAQ_FILE).read_text(encoding="utf-8"))
    for row in rows:
        tags = row.get("tags", "")
        article_upsert(
            slug=row["slug"],
            question=row["question"],
            answer=row["answer"],
            topic=row.get("topic", "other"),
            tags=", ".join(tags) if isinstance(tags, list) else str(tags),
            programme_ids=row.get("programme_ids"),
            care_services=row.get("care_services"),
            source=row.get("source", ""),
            audience=row.get("audience", Article.Audience.PUBLIC),
        )
    return len(rows)
