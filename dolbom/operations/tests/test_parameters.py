from datetime import date, timedelta

import pytest
from django.utils import timezone

from dolbom.benefits.eligibility.parameters import load_parameters, with_dated_values
from dolbom.benefits.services import benefit_check
from dolbom.core.errors import InvalidInput, PermissionDenied, TransitionNotAllowed
from dolbom.core.models import AuditEntry
from dolbom.operations import services
from dolbom.operations.models import ParameterChange


def _next_january() -> date:
    return date(timezone.localdate().year + 1, 1, 1)


def _parent_benefit(as_of: date) -> int:
    # a child born 3 months before the date asked: 부모급여 for 0~11 months
    born = as_of - timedelta(days=90)
    answer = benefit_check(
        data={"region_code": "4111100000", "as_of": as_of.isoformat(), "children": [{"birth_date": born.isoformat()}]}
    )
    row = next(r for r in answer["results"] if r["key"] == "parent_benefit")
    return row["amount"]["value"]


def test_overlay_is_pure_and_keeps_earlier_values():
    base = load_parameters()
    merged = with_dated_values(base, {"parent_benefit": {"amount_under_12m": {date(2030, 1, 1): 1200000}}})
    p = merged["parent_benefit"]["amount_under_12m"]
    assert p.at(date(2029, 12, 31)) == 1000000
    assert p.at(date(2030, 1, 1)) == 1200000
    assert base["parent_benefit"]["amount_under_12m"].at(date(2030, 1, 1)) == 1000000  # base untouched


def test_new_parent_benefit_amount_applies_only_from_its_date(catalogue, province_gyeonggi, regions):
    january = _next_january()
    before = _parent_benefit(january - timedelta(days=1))
    assert _parent_benefit(january) == before
    change = services.parameter_change_propose(
        actor=province_gyeonggi,
        programme_key="parent_benefit",
        parameter="amount_under_12m",
        value="1,200,000",
        effective_from=january,
        reason="예산 확정",
    )
    assert change.status == ParameterChange.Status.APPROVED
    assert change.previous_value == before
    assert _parent_benefit(january - timedelta(days=1)) == before
    assert _parent_benefit(january) == 1200000
    assert _parent_benefit(january + timedelta(days=40)) == 1200000
    actions = set(AuditEntry.objects.filter(object_type="operations.parameterchange").values_list("action", flat=True))
    assert actions == {"parameter.propose", "parameter.approve"}

    services.parameter_change_withdraw(actor=province_gyeonggi, change_id=change.pk)
    assert _parent_benefit(january) == before


def test_city_proposal_waits_for_province_approval(catalogue, city_suwon, province_gyeonggi, regions):
    january = _next_january()
    change = services.parameter_change_propose(
        actor=city_suwon,
        programme_key="gyeonggi_home_visit",
        parameter=next(iter(load_parameters()["gyeonggi_home_visit"])),
        value=5,
        effective_from=january,
        reason="도 지침 변경",
    )
    assert change.status == ParameterChange.Status.PROPOSED
    with pytest.raises(PermissionDenied):
        services.parameter_change_decide(actor=city_suwon, change_id=change.pk, approve=True)
    services.parameter_change_decide(actor=province_gyeonggi, change_id=change.pk, approve=True)
    with pytest.raises(TransitionNotAllowed):
        services.parameter_change_decide(actor=province_gyeonggi, change_id=change.pk, approve=False)


def test_refusals(catalogue, city_suwon, city_gangnam, citizen, provider_x, regions):
    january = _next_january()
    kwargs = dict(parameter="amount_under_12m", value=1, effective_from=january, reason="x")
    for user in (citizen, provider_x):
        with pytest.raises(PermissionDenied):
            services.parameter_change_propose(actor=user, programme_key="parent_benefit", **kwargs)
    with pytest.raises(PermissionDenied):  # national amounts: province officials and administrators
        services.parameter_change_propose(actor=city_suwon, programme_key="parent_benefit", **kwargs)
    home_visit = next(iter(load_parameters()["gyeonggi_home_visit"]))
    with pytest.raises(PermissionDenied):  # a 경기 programme is not 강남's
        services.parameter_change_propose(
            actor=city_gangnam,
            programme_key="gyeonggi_home_visit",
            parameter=home_visit,
            value=1,
            effective_from=january,
            reason="x",
        )
    assert not ParameterChange.objects.exists()


def test_bad_input(catalogue, province_gyeonggi, regions):
    today = timezone.localdate()
    base = dict(programme_key="parent_benefit", parameter="amount_under_12m", reason="x")
    for bad in (
        dict(value=1, effective_from=today),  # not in the future
        dict(value="many", effective_from=_next_january()),
        dict(value=-5, effective_from=_next_january()),
        dict(value=1, effective_from=_next_january(), parameter="nope"),
    ):
        with pytest.raises(InvalidInput):
            services.parameter_change_propose(actor=province_gyeonggi, **{**base, **bad})
    assert not ParameterChange.objects.exists()


def test_parameters_page(client, catalogue, province_gyeonggi, city_gangnam, regions):
    client.force_login(province_gyeonggi)
    assert client.get("/console/parameters/").status_code == 200
    january = _next_january()
    r = client.post(
        "/console/parameters/",
        {
            "parameter": "parent_benefit.amount_under_12m",
            "value": "1200000",
            "effective_from": january.isoformat(),
            "reason": "예산",
        },
    )
    assert r.status_code == 302
    assert ParameterChange.objects.get().value == 1200000
    r = client.post(
        "/console/parameters/",
        {"parameter": "parent_benefit.amount_under_12m", "value": "1", "effective_from": "bad", "reason": "x"},
    )
    assert r.status_code == 422
    client.force_login(city_gangnam)
    change = ParameterChange.objects.get()
    assert client.post(f"/console/parameters/{change.pk}/decide/", {"action": "withdraw"}).status_code == 403
