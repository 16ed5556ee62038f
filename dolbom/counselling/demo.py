"""Demo counselling: a queue that is not empty for the 수원 coordinator.

- 김보호 (`citizen`) asked online which benefits apply and wants a callback in the next working window;
  earlier the coordinator took a call from her about weekend care.
- 이보호 (`citizen2`) asked about booking yesterday; that question is now past its one-working-day timer.
- An anonymous caller from 수원 phoned about 방문형 긴급돌봄 and is waiting for a callback.
- The knowledge base holds the bundled FAQ entries.

Idempotent: each item is made once (found again by its question text or caller number). Items that should
look older than the moment of loading are moved back in time, timers included, as they would be had they
been written then.
"""

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from dolbom.accounts.models import User
from dolbom.households.models import Household
from dolbom.regions.models import Region

from . import services
from .knowledge import articles_load
from .models import Callback, CallLog, Case, Inquiry
from .phones import phone_hash
from .policies import first_reply_due
from .sla import WORK_END, next_working_start

Q_CITIZEN = "아기가 6개월이에요. 지금 받을 수 있는 지원이 뭐가 있는지, 아이돌봄서비스도 되는지 알고 싶어요."
Q_CITIZEN2 = "다음 주 토요일에 초등학생 아이를 맡길 수 있는 곳이 있을까요? 예약은 어떻게 하나요?"
ANON_PHONE = "01055550123"


def _callback_window(after: datetime) -> tuple[datetime, datetime]:
    """Two working hours starting on the next half hour at or after `after`, inside one working day."""
    start = next_working_start(after)
    if start.minute % 30 or start.second or start.microsecond:
        start = start.replace(second=0, microsecond=0) + timedelta(minutes=30 - start.minute % 30)
    closing = start.replace(hour=WORK_END.hour, minute=WORK_END.minute)
    if start + timedelta(hours=2) > closing:
        start = next_working_start(closing)
    return start, start + timedelta(hours=2)


def _age(inquiry: Inquiry) -> None:
    """Move a demo question back in time until its timer (as it would have run then) has passed."""
    now = timezone.now()
    for days in range(1, 15):
        asked = (now - timedelta(days=days)).replace(hour=1, minute=30)  # 10:30 in Seoul
        due = first_reply_due(topic=inquiry.topic, region=inquiry.case.region, asked_at=asked)
        if due < now - timedelta(hours=1):
            break
    Inquiry.objects.filter(pk=inquiry.pk).update(created_at=asked, due_at=due)
    inquiry.case.events.filter(object_type="counselling.inquiry", object_id=str(inquiry.pk)).update(at=asked)


def load(stdout: Any) -> list[str]:
    articles = articles_load()
    agent = User.objects.filter(username="coordinator").first()
    citizen = User.objects.filter(username="citizen").first()
    citizen2 = User.objects.filter(username="citizen2").first()
    if agent is None or citizen is None or citizen2 is None:
        return [f"상담: 자주 묻는 질문 {articles}건 (데모 계정이 없어 상담 사례는 만들지 않음)"]
    suwon = Region.objects.get(code="4111000000")
    now = timezone.now()

    # 김보호: an earlier call, then an online question asking for a callback.
    if not Inquiry.objects.filter(question=Q_CITIZEN).exists():
        call = services.call_log(
            actor=agent,
            caller_user_id=citizen.pk,
            topic="booking",
            outcome="informed",
            notes="주말 돌봄 문의. 언제나 어린이집 예약 마감(당일 15시, 야간은 전날 18시) 안내.",
            direction="inbound",
            started_at=now - timedelta(days=1),
            duration_seconds=240,
        )
        CallLog.objects.filter(pk=call.pk).update(created_at=now - timedelta(days=1))
        call.case.events.filter(object_type="counselling.calllog", object_id=str(call.pk)).update(
            at=now - timedelta(days=1)
        )
        start, end = _callback_window(now)
        services.inquiry_ask(
            actor=citizen,
            topic="benefits",
            question=Q_CITIZEN,
            reply_by="callback",
            window_start=start,
            window_end=end,
            consent=True,
        )

    # 이보호: a family in 수원 whose question from yesterday is now overdue.
    household, _ = Household.objects.get_or_create(guardian=citizen2)
    if household.home_region_id is None:
        household.home_region = suwon
        household.home_address = "경기도 수원시 (데모)"
        household.save(update_fields=["home_region", "home_address", "updated_at"])
    if not Inquiry.objects.filter(question=Q_CITIZEN2).exists():
        inquiry = services.inquiry_ask(actor=citizen2, topic="booking", question=Q_CITIZEN2)
        _age(inquiry)

    # An anonymous caller waiting for a callback about a home visit.
    if not Case.objects.filter(guardian__isnull=True, phone_hash=phone_hash(ANON_PHONE)).exists():
        start, end = _callback_window(now + timedelta(hours=2))
        services.call_log(
            actor=agent,
            phone=ANON_PHONE,
            caller_name="최엄마",
            region_code=suwon.code,
            topic="home_visit",
            outcome="callback",
            notes="아이가 장염으로 등원 못 함. 방문형 긴급돌봄 가능 여부 확인 후 회신 요청.",
            duration_seconds=180,
            callback_window_start=start,
            callback_window_end=end,
        )

    waiting = Inquiry.objects.filter(status__in=Inquiry.WAITING, case__region__code__startswith="4111").count()
    callbacks = Callback.objects.filter(status=Callback.Status.SCHEDULED, case__region__code__startswith="4111").count()
    return [
        f"상담: 자주 묻는 질문 {articles}건, 수원시 대기 문의 {waiting}건, 전화 회신 {callbacks}건 "
        "(coordinator 계정으로 /counsel/, citizen 계정으로 /my/inquiries/)"
    ]
