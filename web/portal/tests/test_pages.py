from datetime import date

from dolbom.households.models import Child
from dolbom.households.services import child_register


def test_home_page_shows_life_stages(client, db):
    response = client.get("/")
    assert response.status_code == 200
    text = response.content.decode()
    for stage in ("청년·결혼", "임신·출산", "영유아", "초등", "일·생활균형"):
        assert stage in text
    assert "Content-Security-Policy" in response.headers


def test_signup_login_and_mypage(client, db):
    response = client.post(
        "/accounts/signup/",
        {"name": "김가족", "login_id": "010-5555-6666", "password": "a-long-passphrase", "agree": "on"},
    )
    assert response.status_code == 302
    page = client.get("/my/")
    assert page.status_code == 200 and "김가족" in page.content.decode()
    client.post("/accounts/logout/")
    assert client.get("/my/").status_code == 302
    ok = client.post("/accounts/login/", {"username": "01055556666", "password": "a-long-passphrase"})
    assert ok.status_code == 302


def test_child_add_page_refuses_future_birth(client, citizen):
    client.force_login(citizen)
    response = client.post("/my/children/add/", {"name": "미래", "birth_date": "2999-01-01"})
    assert response.status_code == 422
    assert "생년월일이 오늘 이후일 수 없습니다" in response.content.decode()
    assert Child.objects.count() == 0


def test_delete_child_needs_confirmation_and_ownership(client, citizen, other_citizen):
    child = child_register(actor=citizen, name="하늘", birth_date=date(2022, 5, 1))
    client.force_login(other_citizen)
    assert client.post(f"/my/children/{child.pk}/delete/").status_code == 404
    client.force_login(citizen)
    confirm = client.get(f"/my/children/{child.pk}/delete/")
    assert confirm.status_code == 200 and "삭제할까요" in confirm.content.decode()
    assert Child.objects.filter(pk=child.pk).exists()
    client.post(f"/my/children/{child.pk}/delete/")
    assert not Child.objects.filter(pk=child.pk).exists()


def test_staff_cannot_use_citizen_pages(client, provider_x):
    client.force_login(provider_x)
    assert client.get("/my/").status_code == 403


def test_export_download(client, citizen):
    client.force_login(citizen)
    response = client.get("/my/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_unknown_page_is_korean_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "찾으시는 페이지가 없습니다" in response.content.decode()


def test_identity_verification_page_flow(client, citizen):
    import re

    from dolbom.accounts.identity import FakeIdentityProvider

    client.force_login(citizen)
    page = client.post("/my/verify/", {"phone": "010-7777-8888"})
    assert page.status_code == 200
    transaction_id = re.search(r'name="transaction_id" value="([0-9a-f]+)"', page.content.decode()).group(1)
    wrong = client.post("/my/verify/", {"transaction_id": transaction_id, "code": "999999"})
    if FakeIdentityProvider.code_for(transaction_id) != "999999":
        assert wrong.status_code == 422
    done = client.post(
        "/my/verify/", {"transaction_id": transaction_id, "code": FakeIdentityProvider.code_for(transaction_id)}
    )
    assert done.status_code == 302
    citizen.refresh_from_db()
    assert citizen.identity_verified_at is not None


def test_password_reset_sends_mail_without_revealing_accounts(client, citizen):
    from django.core import mail

    assert client.post("/accounts/password-reset/", {"email": citizen.email}).status_code == 302
    assert client.post("/accounts/password-reset/", {"email": "nobody@example.kr"}).status_code == 302
    assert len(mail.outbox) == 1 and "비밀번호" in mail.outbox[0].subject + mail.outbox[0].body


def test_login_lands_each_role_in_its_place(client, citizen, provider_x):
    client.force_login(citizen)
    assert client.get("/start/")["Location"] == "/my/"
    client.force_login(provider_x)
    page = client.get("/start/")
    assert page.status_code == 200 and "시설 X" in page.content.decode()
