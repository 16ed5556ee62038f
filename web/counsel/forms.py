"""Forms for the counselling pages. They only read and type the input; the services decide."""

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from dolbom.counselling.models import Callback, CallLog, Inquiry, Referral, Topic

DT_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
DT_ERRORS = {"invalid": _("날짜와 시각을 확인해 주세요.")}

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _dt(label: "StrOrPromise") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=False, widget=DT_WIDGET, input_formats=DT_FORMATS, error_messages=DT_ERRORS
    )


class AskForm(forms.Form):
    topic = forms.ChoiceField(label=_("무엇에 관한 문의인가요?"), choices=Topic.choices)
    question = forms.CharField(label=_("문의 내용"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    reply_by = forms.ChoiceField(
        label=_("답변 받을 방법"),
        choices=Inquiry.ReplyBy.choices,
        initial=Inquiry.ReplyBy.MESSAGE,
        widget=forms.RadioSelect,
    )
    window_start = _dt(_("전화 받기 편한 시간 (시작)"))
    window_end = _dt(_("전화 받기 편한 시간 (끝)"))


class CitizenAskForm(AskForm):
    region_code = forms.CharField(
        label=_("사는 지역"),
        required=False,
        max_length=40,
        help_text=_("내 정보에 사는 곳을 등록했다면 비워 두세요. 예: 경기도 수원시"),
    )


class AnonymousAskForm(AskForm):
    name = forms.CharField(label=_("이름 (선택)"), required=False, max_length=50)
    phone = forms.CharField(label=_("휴대전화 번호"), max_length=30, help_text=_("답변 알림이나 전화 회신에만 씁니다."))
    region_code = forms.CharField(label=_("사는 지역"), max_length=40, help_text=_("예: 경기도 수원시 또는 4111000000"))
    consent = forms.BooleanField(
        label=_("상담을 위한 개인정보(이름, 휴대전화 번호, 문의 내용) 수집·이용에 동의합니다."),
        help_text=_("이 정보는 상담과 답변 알림에만 씁니다. 동의하지 않으면 비회원 문의를 남길 수 없습니다."),
        required=False,
    )


class MessageForm(forms.Form):
    body = forms.CharField(label=_("내용"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReplyForm(MessageForm):
    close = forms.BooleanField(label=_("답변 후 문의 종결"), required=False)


class CallForm(forms.Form):
    phone = forms.CharField(label=_("전화번호"), required=False, max_length=30)
    caller_name = forms.CharField(label=_("이름"), required=False, max_length=50)
    region_code = forms.CharField(label=_("지역 (새 상담자)"), required=False, max_length=40)
    direction = forms.ChoiceField(label=_("방향"), choices=CallLog.Direction.choices, initial=CallLog.Direction.INBOUND)
    topic = forms.ChoiceField(label=_("주제"), choices=Topic.choices)
    notes = forms.CharField(
        label=_("상담 내용"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    outcome = forms.ChoiceField(label=_("결과"), choices=CallLog.Outcome.choices)
    duration_minutes = forms.IntegerField(label=_("통화 시간(분)"), required=False, min_value=0, max_value=360)
    callback_window_start = _dt(_("회신 희망 (시작)"))
    callback_window_end = _dt(_("회신 희망 (끝)"))


class CallbackScheduleForm(forms.Form):
    topic = forms.ChoiceField(label=_("주제"), choices=Topic.choices)
    window_start = _dt(_("희망 시작"))
    window_end = _dt(_("희망 끝"))
    note = forms.CharField(label=_("메모"), required=False, max_length=500)


class CallbackCompleteForm(forms.Form):
    status = forms.ChoiceField(
        label=_("결과"),
        choices=[(v, label) for v, label in Callback.Status.choices if v != Callback.Status.SCHEDULED],
    )
    outcome = forms.ChoiceField(label=_("상담 결과"), choices=CallLog.Outcome.choices, initial=CallLog.Outcome.INFORMED)
    notes = forms.CharField(
        label=_("상담 내용"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    duration_minutes = forms.IntegerField(label=_("통화 시간(분)"), required=False, min_value=0, max_value=360)


class ReferralForm(forms.Form):
    agency_name = forms.CharField(label=_("연계 기관"), max_length=120, required=False)
    facility_id = forms.IntegerField(label=_("시설 번호 (돌봄지도의 시설)"), required=False, min_value=1)
    agency_contact = forms.CharField(label=_("기관 연락처"), max_length=60, required=False)
    reason = forms.CharField(label=_("연계 사유"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    consent_method = forms.ChoiceField(label=_("동의 방법"), choices=Referral.ConsentMethod.choices)
    consent = forms.BooleanField(label=_("보호자가 기관에 정보를 전달하는 데 동의했습니다."), required=False)


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Referral.Status.choices)
    note = forms.CharField(required=False, max_length=500)


class BenefitsForm(forms.Form):
    income_pct_of_median = forms.FloatField(
        label=_("소득 (기준중위소득 대비 %)"), required=False, min_value=0, max_value=1000
    )
    household_size = forms.IntegerField(label=_("가구원 수"), required=False, min_value=1, max_value=20)
    single_parent = forms.TypedChoiceField(
        label=_("한부모 가구"),
        required=False,
        choices=[("", _("모름")), ("1", _("예")), ("0", _("아니요"))],
        coerce=lambda v: v == "1",
        empty_value=None,
    )


class BookingForm(forms.Form):
    slot_ids = forms.TypedMultipleChoiceField(label=_("시간"), coerce=int, choices=[])
    child_ids = forms.TypedMultipleChoiceField(label=_("아이"), coerce=int, choices=[])

    def __init__(self, *args: object, slot_choices: list, child_choices: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["slot_ids"].choices = slot_choices  # type: ignore[attr-defined]
        self.fields["child_ids"].choices = child_choices  # type: ignore[attr-defined]


class FacilitySearchForm(forms.Form):
    child_id = forms.IntegerField(required=False)
    vacancy = forms.BooleanField(label=_("빈자리 있는 곳만"), required=False)


class HomeVisitForm(forms.Form):
    service = forms.ChoiceField(label=_("방문돌봄 종류"), choices=[])
    starts_at = forms.DateTimeField(
        label=_("방문 시작"), widget=DT_WIDGET, input_formats=DT_FORMATS, error_messages=DT_ERRORS
    )
    hours = forms.IntegerField(label=_("시간"), min_value=1, max_value=12, initial=4)
    needs = forms.MultipleChoiceField(
        label=_("필요한 돌봄"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[("infant", _("영아")), ("illness", _("아픈 아이")), ("special_needs", _("특별한 돌봄"))],
    )
    note = forms.CharField(label=_("돌보미에게 전할 말"), required=False, max_length=500)

    def __init__(self, *args: object, **kwargs: object) -> None:
        from dolbom.matching.models import VisitRequest

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["service"].choices = VisitRequest.Service.choices  # type: ignore[attr-defined]


class CloseForm(forms.Form):
    note = forms.CharField(label=_("종결 메모"), required=False, max_length=500)
