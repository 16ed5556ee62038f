"""The step-by-step benefit check form (works without JavaScript)."""

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

CHILD_ROWS = 4
TRI = [("", _("모름")), ("yes", _("예")), ("no", _("아니오"))]
INCOME_BANDS = [
    ("", _("모름 (입력하지 않음)")),
    ("50", _("기준중위소득 50% 이하")),
    ("75", _("50% 초과 ~ 75% 이하")),
    ("100", _("75% 초과 ~ 100% 이하")),
    ("120", _("100% 초과 ~ 120% 이하")),
    ("150", _("120% 초과 ~ 150% 이하")),
    ("200", _("150% 초과 ~ 200% 이하")),
    ("250", _("200% 초과 ~ 250% 이하")),
    ("251", _("250% 초과")),
]
LOW_INCOME = [("", _("해당 없음 또는 모름")), ("수급자", _("기초생활 수급자")), ("차상위", _("차상위계층"))]
FETUSES = [(str(n), format_lazy(_("{n}명"), n=n)) for n in range(1, 6)]


def _tri(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class BenefitCheckForm(forms.Form):
    region = forms.CharField(
        label=_("사는 곳"),
        max_length=60,
        help_text=_("시·군·구 이름이나 동 이름 (예: 수원시 장안구, 광주 북구, 서초구)"),
        widget=forms.TextInput(attrs={"list": "region-options", "autocomplete": "off", "data-region-search": ""}),
    )
    as_of = forms.DateField(
        label=_("기준일"), required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text=_("비우면 오늘")
    )
    pregnant = forms.BooleanField(label=_("임신 중입니다"), required=False)
    due_date = forms.DateField(label=_("출산 예정일"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    fetuses = forms.ChoiceField(label=_("태아 수"), choices=FETUSES, required=False, initial="1")
    income_band = forms.ChoiceField(label=_("소득 구간"), choices=INCOME_BANDS, required=False)
    income_pct = forms.IntegerField(
        label=_("정확한 비율(%)을 알면"),
        required=False,
        min_value=0,
        max_value=1000,
        help_text=_("입력하면 구간보다 우선"),
    )
    household_size = forms.IntegerField(label=_("가구원 수"), required=False, min_value=1, max_value=20)
    single_parent = forms.ChoiceField(label=_("한부모 가구"), choices=TRI, required=False)
    multicultural = forms.ChoiceField(label=_("다문화 가구"), choices=TRI, required=False)
    disability_in_household = forms.ChoiceField(label=_("장애가 있는 가족"), choices=TRI, required=False)
    low_income_status = forms.ChoiceField(label=_("수급·차상위"), choices=LOW_INCOME, required=False)
    parent1_employed = forms.ChoiceField(label=_("보호자 1 재직(고용보험 가입)"), choices=TRI, required=False)
    parent2_employed = forms.ChoiceField(label=_("보호자 2 재직(고용보험 가입)"), choices=TRI, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for i in range(1, CHILD_ROWS + 1):
            self.fields[f"child_{i}_birth"] = forms.DateField(
                label=format_lazy(_("자녀 {i} 생년월일"), i=i),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )
            self.fields[f"child_{i}_daycare"] = forms.ChoiceField(
                label=format_lazy(_("자녀 {i} 어린이집·유치원 이용"), i=i), choices=TRI, required=False
            )
            self.fields[f"child_{i}_order"] = forms.IntegerField(
                label=format_lazy(_("자녀 {i} 출생순위"), i=i),
                required=False,
                min_value=1,
                max_value=20,
                help_text=_("모르면 비워 두세요"),
            )

    def child_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "n": i,
                "birth": self[f"child_{i}_birth"],
                "daycare": self[f"child_{i}_daycare"],
                "order": self[f"child_{i}_order"],
            }
            for i in range(1, CHILD_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("pregnant") and not data.get("due_date"):
            self.add_error("due_date", _("임신 중이면 출산 예정일을 입력해 주세요."))
        return data

    def check_input(self) -> dict[str, Any]:
        """The benefit-check input (DESIGN.md shape) from the cleaned form."""
        d = self.cleaned_data
        out: dict[str, Any] = {"region_code": d["region"]}
        if d.get("as_of"):
            out["as_of"] = d["as_of"]
        income = d.get("income_pct") if d.get("income_pct") is not None else d.get("income_band")
        if income not in (None, ""):
            out["income_pct_of_median"] = float(str(income))
        if d.get("household_size"):
            out["household_size"] = d["household_size"]
        for name in ("single_parent", "multicultural", "disability_in_household"):
            value = _tri(d.get(name, ""))
            if value is not None:
                out[name] = value
        if d.get("low_income_status"):
            out["low_income_status"] = d["low_income_status"]
        parents = [_tri(d.get("parent1_employed", "")), _tri(d.get("parent2_employed", ""))]
        if any(p is not None for p in parents):
            out["parents"] = [{"employed": p} for p in parents if p is not None]
        children = []
        for i in range(1, CHILD_ROWS + 1):
            birth = d.get(f"child_{i}_birth")
            if birth:
                child: dict[str, Any] = {"birth_date": birth}
                daycare = _tri(d.get(f"child_{i}_daycare", ""))
                if daycare is not None:
                    child["attends_daycare"] = daycare
                if d.get(f"child_{i}_order"):
                    child["birth_order"] = d[f"child_{i}_order"]
                children.append(child)
        out["children"] = children
        if d.get("pregnant") or d.get("due_date"):
            out["pregnancy"] = {"due_date": d["due_date"], "fetuses": int(d.get("fetuses") or 1)}
        return out


#: engine field names → form field names, to show an engine error beside its input
def form_field_for(name: str) -> str | None:
    if name.startswith("children[") and "]" in name:
        index = int(name[len("children[") : name.index("]")])
        attr = name.split(".", 1)[1] if "." in name else "birth_date"
        return {"birth_date": f"child_{index + 1}_birth", "birth_order": f"child_{index + 1}_order"}.get(attr)
    if name.startswith("children."):
        parts = name.split(".")
        if len(parts) >= 3 and parts[1].isdigit():
            return {"birth_date": f"child_{int(parts[1]) + 1}_birth"}.get(parts[2])
    return {
        "region_code": "region",
        "pregnancy.due_date": "due_date",
        "pregnancy.fetuses": "fetuses",
        "income_pct_of_median": "income_pct",
        "household_size": "household_size",
        "as_of": "as_of",
        "children": None,
    }.get(name)
