"""A client's code carries the year of their enrolment or referral: never a year before the program."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from outreach import services
from outreach.models import Client, local_today
from tests.forms import keyed

pytestmark = pytest.mark.django_db


def test_a_referral_before_the_program_began_is_refused(client, peacekeeper, settings):
    settings.PROGRAM_START_YEAR = 2010
    client.force_login(peacekeeper)
    data = {"first_name": "Marcus", "last_name": "Reed", "risk_level": "high", "referral_source": "hospital"}
    response = client.post(reverse("outreach:client_create"), keyed({**data, "referred_on": "1925-03-01"}))
    assert "The program began in 2010: check the year." in response.content.decode()
    assert not Client.objects.exists()
    assert (
        client.post(reverse("outreach:client_create"), keyed({**data, "referred_on": "2010-01-01"})).status_code == 302
    )
    assert Client.objects.get().code.startswith("C-2010-")


def test_an_enrolment_before_the_program_began_is_refused(jamal, settings):
    settings.PROGRAM_START_YEAR = 2010
    jamal.referred_on = jamal.enrolled_on = datetime.date(2009, 12, 31)
    with pytest.raises(ValidationError) as error:
        jamal.full_clean()
    assert set(error.value.message_dict) == {"referred_on", "enrolled_on"}


def test_no_code_is_handed_out_for_a_year_before_the_program(settings):
    settings.PROGRAM_START_YEAR = 2010
    with pytest.raises(ValueError, match="the program began in 2010"):
        services.client_code_next(year=2009)
    assert services.client_code_next(year=local_today().year).startswith(f"C-{local_today().year}-")
