from datetime import date

from dolbom.benefits.alerts import benefit_alerts_send
from dolbom.benefits.models import AlertRun
from dolbom.core.models import Notification
from dolbom.households.models import Child, Household

TODAY = date(2026, 11, 23)


def _household(citizen, region, *, alerts=True, birth=date(2025, 11, 23)):
    household = Household.objects.create(guardian=citizen, home_region=region, benefit_alerts=alerts)
    child = Child.objects.create(household=household, name="하늘", birth_date=birth)
    return household, child


def test_a_child_turning_12_months_today_gets_one_alert_and_a_rerun_sends_nothing(citizen, regions, catalogue):
    _, child = _household(citizen, regions["jangan"])
    assert benefit_alerts_send(today=TODAY) >= 1
    alerts = Notification.objects.filter(kind="benefit_alert")
    parent = alerts.get(payload__programme="parent_benefit")
    assert parent.payload["child_id"] == child.pk
    assert parent.payload["amount"]["value"] == 500000
    assert "하늘" in parent.subject and "2026년 11월 23일" in parent.body
    count = alerts.count()
    assert benefit_alerts_send(today=TODAY) == 0
    assert Notification.objects.filter(kind="benefit_alert").count() == count


def test_a_skipped_day_is_caught_up_once(citizen, regions, catalogue):
    _household(citizen, regions["jangan"], birth=date(2025, 11, 22))  # 12 months on 2026-11-22
    AlertRun.objects.create(ran_for=date(2026, 11, 21))
    # nothing ran on the 22nd; the run on the 23rd covers it
    assert benefit_alerts_send(today=TODAY) >= 1
    assert Notification.objects.filter(kind="benefit_alert", payload__date="2026-11-22").exists()
    assert benefit_alerts_send(today=date(2026, 11, 24)) == 0


def test_no_alert_without_opt_in_or_without_a_crossing(citizen, other_citizen, regions, catalogue):
    _household(citizen, regions["jangan"], alerts=False)
    _household(other_citizen, regions["jangan"], birth=date(2025, 6, 2))  # nothing changes on 11-23
    assert benefit_alerts_send(today=TODAY) == 0
    assert not Notification.objects.filter(kind="benefit_alert").exists()


def test_turning_24_months_ends_parent_benefit_and_opens_home_care_allowance(citizen, regions, catalogue):
    _household(citizen, regions["jangan"], birth=date(2024, 11, 23))
    benefit_alerts_send(today=TODAY)
    programmes = set(Notification.objects.filter(kind="benefit_alert").values_list("payload__programme", flat=True))
    assert {"parent_benefit", "home_care_allowance"} <= programmes
