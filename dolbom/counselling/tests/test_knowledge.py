import pytest

from dolbom.counselling.knowledge import article_search, article_upsert, articles_load, bigrams, normalize
from dolbom.counselling.models import Article

pytestmark = pytest.mark.django_db


def test_normalize_drops_spaces_and_punctuation():
    assert normalize(" 아이돌봄 서비스! ") == "아이돌봄서비스"
    assert bigrams("아동수당") == {"아동", "동수", "수당"}


@pytest.fixture
def faq(db):
    return articles_load()


def questions(q, staff=False):
    return [h.article.slug for h in article_search(q=q, staff=staff)]


def test_bundled_faq_loads_idempotently(faq):
    assert faq >= 15
    assert articles_load() == faq
    assert Article.objects.count() == faq


def test_korean_search_ignores_spacing_and_particles(faq):
    assert questions("아동 수당은")[0] == "child-allowance-age"
    assert questions("아이돌봄서비스 지원")[0] == "idolbom-service-support"
    assert questions("언제나어린이집 예약 마감")[0] == "anytime-daycare-rules"
    assert "call-centre-hours" in questions("콜센터 몇 시")
    assert questions("첫만남")[0] == "first-meeting-voucher"


def test_unrelated_query_finds_nothing(faq):
    assert questions("자동차 보험료") == []


def test_staff_only_articles_are_hidden_from_citizens(faq):
    assert "staff-referral-checklist" in questions("기관 연계 동의", staff=True)
    assert "staff-referral-checklist" not in questions("기관 연계 동의", staff=False)


def test_unpublished_articles_are_hidden(db):
    article_upsert(slug="draft", question="초안 질문 부모급여", answer="초안", published=False)
    assert questions("부모급여 초안") == []


def test_empty_query_lists_articles(faq):
    assert len(questions("")) == min(faq - 1, 20)


def test_faq_links_point_at_real_programmes(faq):
    from dolbom.benefits.eligibility.catalogue import load_programme_specs

    keys = {spec.key for spec in load_programme_specs()}
    linked = {pid for a in Article.objects.all() for pid in a.programme_ids}
    assert linked and linked <= keys, linked - keys
