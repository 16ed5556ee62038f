import pytest
from django.core.management import call_command

from dolbom.counselling import services
from dolbom.counselling.models import Article, Inquiry
from dolbom.counselling.tasks import sla_escalate_task

from .conftest import kst

pytestmark = pytest.mark.django_db


def test_escalation_task_marks_overdue_once(citizen, family, agent, clock):
    inquiry = services.inquiry_ask(actor=citizen, topic="complaint", question="불편 접수")
    assert inquiry.due_at == kst(2026, 11, 23, 14)  # complaints: half a working day
    assert sla_escalate_task() == 0
    clock.set(kst(2026, 11, 23, 15))
    assert sla_escalate_task() == 1
    assert sla_escalate_task() == 0
    assert Inquiry.objects.get().escalated_at == kst(2026, 11, 23, 15)


def test_load_knowledge_command(capsys):
    call_command("load_knowledge")
    assert Article.objects.count() >= 15
    assert "자주 묻는 질문" in capsys.readouterr().out
