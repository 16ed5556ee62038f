import pytest
from django.core.management import call_command

from dolbom.accounts.models import User
from dolbom.counselling import selectors
from dolbom.counselling.demo import _callback_window
from dolbom.counselling.models import Article, Callback, CallLog, Case, Inquiry
from dolbom.counselling.sla import is_working_day

from .conftest import kst

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("after", "start"),
    [
        (kst(2026, 11, 23, 10, 5), kst(2026, 11, 23, 10, 30)),
        (kst(2026, 11, 23, 16, 30), kst(2026, 11, 24, 9)),  # would run past 18:00
        (kst(2026, 11, 27, 19), kst(2026, 11, 30, 9)),  # Friday evening → Monday
        (kst(2026, 10, 2, 17), kst(2026, 10, 6, 9)),  # 개천절 substitute holiday Monday
    ],
)
def test_demo_callback_windows_fall_in_working_hours(after, start):
    begin, end = _callback_window(after)
    assert begin == start and (end - begin).seconds == 7200
    assert is_working_day(begin.date()) and end.hour <= 18


def test_load_demo_fills_the_queue_and_is_idempotent(db):
    from dolbom.counselling import demo

    # The demo accounts and regions come from earlier steps; build just what this step needs.
    from tests.factories import RegionFactory, UserFactory

    gyeonggi = RegionFactory(code="4100000000", level="sido", name="경기도", full_name="경기도", parent=None)
    suwon = RegionFactory(code="4111000000", level="sigungu", name="수원시", full_name="경기도 수원시", parent=gyeonggi)
    agent = UserFactory(username="coordinator", role="coordinator", scope_region=suwon)
    citizen = UserFactory(username="citizen", role="citizen", phone="01012345678")
    UserFactory(username="citizen2", role="citizen", phone="01087654321")
    from dolbom.households.models import Household

    Household.objects.create(guardian=citizen, home_region=suwon)
    demo.load(None)
    counts = (Case.objects.count(), Inquiry.objects.count(), Callback.objects.count(), CallLog.objects.count())
    demo.load(None)
    assert (Case.objects.count(), Inquiry.objects.count(), Callback.objects.count(), CallLog.objects.count()) == counts
    assert counts == (3, 2, 2, 2)
    assert Article.objects.count() >= 15
    assert selectors.queue_inquiries(actor=agent).count() == 2
    assert selectors.callbacks_due(actor=agent).count() == 2
    # 이보호's question is past its timer; the queue shows it as overdue without any job having run.
    overdue = selectors.queue_inquiries(actor=agent, overdue_only=True)
    assert [i.case.guardian.username for i in overdue] == ["citizen2"]
    assert User.objects.get(username="citizen2").household.home_region == suwon


def test_the_load_demo_command_runs_counselling_after_what_it_acts_on():
    from dolbom.core.management.commands.load_demo import DEMO_STEPS

    position = DEMO_STEPS.index("dolbom.counselling.demo")
    for step in ("dolbom.households.demo", "dolbom.benefits.demo", "dolbom.booking.demo", "dolbom.matching.demo"):
        assert DEMO_STEPS.index(step) < position
    assert call_command  # the whole command runs twice in tests/test_demo.py
