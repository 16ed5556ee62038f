from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("아이디 (휴대전화 또는 이메일)"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("비밀번호"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    error_messages = {
        "invalid_login": _("아이디 또는 비밀번호가 올바르지 않습니다."),
        "inactive": _("사용할 수 없는 계정입니다."),
    }


class SignupForm(forms.Form):
    name = forms.CharField(label=_("이름"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    login_id = forms.CharField(
        label=_("휴대전화 번호 또는 이메일"),
        max_length=254,
        help_text=_("예: 010-1234-5678 또는 name@example.com"),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("비밀번호"),
        help_text=_("8자 이상, 숫자만으로 된 비밀번호는 쓸 수 없습니다."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    agree = forms.BooleanField(label=_("개인정보 수집·이용(이름, 연락처, 아동 생년월일)에 동의합니다."))


class ChildForm(forms.Form):
    name = forms.CharField(label=_("이름(또는 태명)"), max_length=50)
    birth_date = forms.DateField(
        label=_("생년월일"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("날짜를 YYYY-MM-DD 형식으로 입력해 주세요.")},
    )
    due_date = forms.DateField(
        label=_("출산 예정일 (출생 전이면)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("날짜를 YYYY-MM-DD 형식으로 입력해 주세요.")},
    )
    health_notes = forms.CharField(
        label=_("건강 특이사항 (선택, 암호화 보관)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    allergies = forms.CharField(label=_("알레르기 (선택, 암호화 보관)"), required=False, max_length=1000)
    disability_notes = forms.CharField(
        label=_("장애 관련 사항 (선택, 암호화 보관)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HomeForm(forms.Form):
    home_region = forms.CharField(
        label=_("사는 곳 (시군구 이름 또는 코드)"),
        max_length=100,
        help_text=_("예: 수원시 장안구, 서울특별시 강남구, 41111"),
    )
    benefit_alerts = forms.BooleanField(
        label=_("아이 나이에 따라 새로 받을 수 있는 지원을 알림으로 받기"), required=False
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("비밀번호 확인"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    confirm = forms.BooleanField(label=_("계정과 아동 정보가 삭제되며 되돌릴 수 없음을 확인했습니다."))


class VerifyStartForm(forms.Form):
    phone = forms.CharField(
        label=_("휴대전화 번호"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "tel"})
    )


class VerifyConfirmForm(forms.Form):
    transaction_id = forms.CharField(widget=forms.HiddenInput, max_length=64)
    code = forms.CharField(
        label=_("인증번호 6자리"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
