"""API tokens: made by an organiser and shown once, stored as a keyed hash, limited to a role and a date,
revoked by their owner or the security administrator, and audited as their owner through the token."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from kaohe.accounts import tokens
from kaohe.accounts.models import ApiToken, Role
from kaohe.audit.models import AuditEntry
from kaohe.org.models import Unit

TOKENS = "/accounts/tokens/"


def issue(user, role=Role.ORGANISER, days=30, name="同步脚本"):
    return tokens.token_create(
        actor=user, name=name, role=role, expires_at=timezone.now() + timedelta(days=days)
    )


def bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", enforce_csrf_checks=True)


def test_the_organiser_makes_a_token_on_the_page_and_sees_its_secret_once(client_for, cast):
    client = client_for("organiser")
    day = timezone.localdate() + timedelta(days=30)
    response = client.post(TOKENS, {"name": "同步脚本", "role": "committee", "expires_on": day.isoformat()})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = response.context["issued"].secret
    assert secret.startswith("kh.") and secret in response.content.decode()
    token = ApiToken.objects.get()
    assert (token.name, token.owner, token.role) == ("同步脚本", cast["organiser"], "committee")
    assert secret.split(".")[2] not in token.digest and token.digest.startswith("hmac-sha256:v1:")
    assert timezone.localtime(token.expires_at).date() == day + timedelta(days=1)
    again = client.get(TOKENS).content.decode()
    assert "同步脚本" in again and secret not in again
    entry = AuditEntry.objects.get(action="api_token.create")
    assert entry.actor == cast["organiser"] and "kh." not in str(entry.after)


def test_a_token_is_hashed_under_the_crypto_mode_and_still_admits_after_a_switch(cast, roster, settings):
    settings.CRYPTO_MODE = "guomi"
    issued = issue(cast["organiser"])
    assert issued.token.digest.startswith("hmac-sm3:v1:")
    settings.CRYPTO_MODE = "standard"
    assert bearer(issued.secret).get("/api/accounts/me").json()["username"] == "organiser"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "role": "organiser", "days": 30}, "name", "请填写令牌名称"),
        ({"name": "x", "role": "sysadmin", "days": 30}, "role", "不能超过本账号"),
        ({"name": "x", "role": "assessor", "days": 30}, "role", "不能超过本账号"),
        ({"name": "x", "role": "leader", "days": 30}, "role", "不能超过本账号"),  # leaders rate units
        ({"name": "x", "role": "organiser", "days": 400}, "expires_at", "最长有效 366 天"),
        ({"name": "x", "role": "organiser", "days": -1}, "expires_at", "已过"),
    ],
)
def test_a_token_beyond_the_rules_is_refused_naming_the_field(cast, data, field, message):
    with pytest.raises(ValidationError) as refused:
        issue(cast["organiser"], role=data["role"], days=data["days"], name=data["name"])
    assert message in " ".join(refused.value.message_dict[field])
    assert not ApiToken.objects.exists() and not AuditEntry.objects.exists()


def test_a_second_token_of_the_same_name_is_refused(cast):
    issue(cast["organiser"])
    with pytest.raises(ValidationError, match="已有名为“同步脚本”的令牌"):
        issue(cast["organiser"])
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize("name", ["committee", "leader", "assessor", "sysadmin", "secadmin", "cadre"])
def test_only_organisers_make_tokens(client_for, cast, name):
    assert client_for(name).get(TOKENS).status_code == 403
    with pytest.raises(ValidationError, match="无权创建"):
        issue(cast[name])


def test_a_token_acts_as_its_owner_within_its_role_and_needs_no_csrf(cast, roster):
    organiser_token = issue(cast["organiser"], name="写")
    committee_token = issue(cast["organiser"], role=Role.COMMITTEE, name="只读")
    unit = {"code": "DW09", "name": "南湖街道", "category_id": roster["categories"]["towns"].pk}
    created = bearer(organiser_token.secret).post("/api/org/units", unit, content_type="application/json")
    assert created.status_code == 201
    entry = AuditEntry.objects.get(action="unit.create")
    assert entry.actor == cast["organiser"]
    assert entry.actor_name == "organiser（令牌 写）"
    # The committee's scope reads the roster but may not write it, although the owner may.
    read_only = bearer(committee_token.secret)
    assert read_only.get("/api/org/units").status_code == 200
    refused = read_only.post("/api/org/units", {**unit, "code": "DW10"}, content_type="application/json")
    assert refused.status_code == 403
    assert not Unit.objects.filter(code="DW10").exists()
    assert read_only.get("/api/accounts/me").json()["role"] == "committee"
    assert cast["organiser"].__class__.objects.get(pk=cast["organiser"].pk).role == "organiser"


def test_a_session_still_needs_its_csrf_token(client, cast, roster):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["organiser"])
    unit = {"code": "DW09", "name": "南湖街道", "category_id": roster["categories"]["towns"].pk}
    assert client.post("/api/org/units", unit, content_type="application/json").status_code == 403
    assert not Unit.objects.filter(code="DW09").exists()


def test_a_confidential_read_through_a_token_is_audited_as_a_persons_is(cast, roster):
    from kaohe.audit.reads import audit_read

    user = tokens.token_authenticate(issue(cast["organiser"], name="报表").secret)
    from django.db import transaction

    with transaction.atomic():
        audit_read(user, "results.api", roster["units"]["a"])
    entry = AuditEntry.objects.get(action="read.results.api")
    assert (entry.actor, entry.actor_name) == (cast["organiser"], "organiser（令牌 报表）")


def test_the_token_user_is_never_saved_with_the_tokens_role(cast):
    user = tokens.token_authenticate(issue(cast["organiser"], role=Role.COMMITTEE).secret)
    with pytest.raises(ValueError, match="不能修改账号"):
        user.save()
    assert not user.has_perm("ballots.type_paper_ballots")


def refusal(secret: str) -> tuple[int, dict]:
    response = bearer(secret).get("/api/accounts/me")
    return response.status_code, response.json()


def test_expired_revoked_unknown_and_malformed_tokens_are_401_in_the_one_error_shape(cast, roster):
    expired = issue(cast["organiser"], name="旧")
    past = timezone.now() - timedelta(days=2)
    ApiToken.objects.filter(pk=expired.token.pk).update(created_at=past, expires_at=past + timedelta(days=1))
    status, body = refusal(expired.secret)
    assert status == 401 and "令牌“旧”已于" in body["detail"] and "过期" in body["detail"]
    revoked = issue(cast["organiser"], name="泄露")
    tokens.token_revoke(actor=cast["organiser"], token=revoked.token)
    assert refusal(revoked.secret) == (401, {"detail": "令牌“泄露”已吊销。"})
    forged = revoked.secret[:-4] + "AAAA"
    assert refusal(forged) == (401, {"detail": "令牌无效。"})
    assert refusal("not-a-token") == (401, {"detail": "令牌格式不正确。"})


def test_a_token_stops_when_its_owner_is_deactivated_or_loses_the_role(cast):
    issued = issue(cast["organiser"])
    assert refusal(issued.secret)[0] == 200
    cast["organiser"].role = Role.LEADER
    cast["organiser"].save()
    assert refusal(issued.secret)[0] == 401
    cast["organiser"].role = Role.ORGANISER
    cast["organiser"].is_active = False
    cast["organiser"].save()
    assert refusal(issued.secret)[0] == 401


def test_last_use_is_stamped_at_most_once_a_minute(cast):
    issued = issue(cast["organiser"])
    refusal(issued.secret)
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    refusal(issued.secret)
    assert ApiToken.objects.get().last_used_at == first


def test_the_owner_revokes_on_the_page_and_another_organiser_cannot(client_for, cast):
    issued = issue(cast["organiser"])
    other = cast["organiser"].__class__.objects.create_user(username="organiser2", role=Role.ORGANISER)
    url = f"/accounts/tokens/{issued.token.pk}/revoke/"
    client = client_for("organiser")
    client.force_login(other)
    assert client.post(url).status_code == 404
    assert ApiToken.objects.get().revoked_at is None
    client = client_for("organiser")
    assert client.post(url).status_code == 302
    token = ApiToken.objects.get()
    assert token.revoked_at is not None and token.revoked_by == cast["organiser"]
    assert AuditEntry.objects.filter(action="api_token.revoke", actor=cast["organiser"]).count() == 1


def test_the_security_administrator_sees_and_revokes_any_token(client_for, cast):
    issued = issue(cast["organiser"])
    client = client_for("secadmin")
    page = client.get("/accounts/security/tokens/").content.decode()
    assert "同步脚本" in page and "organiser" in page
    assert client.post(f"/accounts/security/tokens/{issued.token.pk}/revoke/").status_code == 302
    assert ApiToken.objects.get().revoked_by == cast["secadmin"]
    assert refusal(issued.secret)[0] == 401
    again = client.post(f"/accounts/security/tokens/{issued.token.pk}/revoke/", follow=True)
    assert "已于" in again.content.decode()


@pytest.mark.parametrize("name", ["sysadmin", "auditadmin", "organiser", "committee"])
def test_nobody_else_sees_every_token(client_for, cast, name):
    assert client_for(name).get("/accounts/security/tokens/").status_code == 403


def test_the_page_names_a_refused_field_and_shows_no_secret(client_for, cast):
    issue(cast["organiser"])
    client = client_for("organiser")
    day = (timezone.localdate() + timedelta(days=30)).isoformat()
    again = client.post(TOKENS, {"name": "同步脚本", "role": "organiser", "expires_on": day})
    assert again.status_code == 200 and again.context["issued"] is None
    assert again.context["form"].errors["name"] == ["已有名为“同步脚本”的令牌，请换一个名称。"]
    late = (timezone.localdate() + timedelta(days=400)).isoformat()
    too_long = client.post(TOKENS, {"name": "长期", "role": "organiser", "expires_on": late})
    assert "最长有效 366 天" in too_long.context["form"].errors["expires_on"][0]
    assert ApiToken.objects.count() == 1
