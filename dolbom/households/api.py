from django.http import HttpRequest
from ninja import Router, Status

from dolbom.core.api_auth import AUTH_REQUIRED, actor_of

from .ages import age_in_months
from .models import Child
from .schemas import ChildIn, ChildOut, ConsentIn, ConsentOut
from .selectors import child_get, children_of, citizen_data_export, consents_of
from .services import child_delete, child_register, consent_grant, consent_withdraw, today

router = Router(tags=["가구·아동"], auth=AUTH_REQUIRED)


def _child_out(child: Child) -> dict:
    return {
        "id": child.pk,
        "name": child.name,
        "birth_date": child.birth_date,
        "due_date": child.due_date,
        "age_months": age_in_months(child.birth_date, today()) if child.birth_date else None,
        "health_notes": child.health_notes,
        "allergies": child.allergies,
        "disability_notes": child.disability_notes,
    }


@router.get("/children", response=list[ChildOut], summary="내 아동 목록 (사전 아동등록)")
def list_children(request: HttpRequest) -> list:
    return [_child_out(c) for c in children_of(user=actor_of(request))]


@router.post("/children", response={201: ChildOut}, summary="아동 등록")
def register_child(request: HttpRequest, payload: ChildIn) -> Status:
    child = child_register(actor=actor_of(request), **payload.dict())
    return Status(201, _child_out(child))


@router.get("/children/{child_id}", response=ChildOut, summary="아동 정보")
def get_child(request: HttpRequest, child_id: int) -> dict:
    return _child_out(child_get(actor=actor_of(request), child_id=child_id))


@router.delete("/children/{child_id}", response={204: None}, summary="아동 삭제")
def delete_child(request: HttpRequest, child_id: int) -> Status:
    child_delete(actor=actor_of(request), child_id=child_id)
    return Status(204, None)


@router.get("/consents", response=list[ConsentOut], summary="동의 내역")
def list_consents(request: HttpRequest) -> list:
    return [
        {
            "purpose": c.purpose,
            "purpose_label": c.get_purpose_display(),
            "recipient": c.recipient,
            "granted_at": c.granted_at,
            "withdrawn_at": c.withdrawn_at,
        }
        for c in consents_of(user=actor_of(request))
    ]


@router.post("/consents", response={200: dict}, summary="동의 또는 철회")
def set_consent(request: HttpRequest, payload: ConsentIn) -> dict:
    actor = actor_of(request)
    if payload.granted:
        consent_grant(actor=actor, purpose=payload.purpose, recipient=payload.recipient)
    else:
        consent_withdraw(actor=actor, purpose=payload.purpose, recipient=payload.recipient)
    return {"purpose": payload.purpose, "granted": payload.granted}


@router.get("/export", response=dict, summary="내 정보 내려받기 (JSON)")
def export(request: HttpRequest) -> dict:
    return citizen_data_export(user=actor_of(request))
