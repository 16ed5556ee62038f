"""The agents' workspace in English: flash messages and page errors raised in Python."""

import pytest
from django.conf import settings

from dolbom.counselling import services

pytestmark = pytest.mark.django_db


def test_assigning_a_case_in_english(client, citizen, family, agent, regions, coordinator_gangnam, clock):
    from tests.factories import UserFactory

    colleague = UserFactory(
        username="coord-gg", role="coordinator", scope_region=regions["gyeonggi"], first_name="도코디"
    )
    case = services.case_for_family(guardian=citizen, actor=agent)
    client.force_login(agent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    refused = client.post(f"/counsel/cases/{case.pk}/assign/", {"assignee_id": coordinator_gangnam.pk})
    assert refused.status_code == 422
    assert "It can only be assigned to an agent responsible for this region." in refused.content.decode()
    done = client.post(f"/counsel/cases/{case.pk}/assign/", {"assignee_id": colleague.pk}, follow=True)
    assert f"Assigned agent set to {colleague.display_name}." in done.content.decode()
