from django.urls import reverse

from accounts.middleware import LAST_SEEN_KEY


def test_keepalive_restarts_the_idle_timer(client, peacekeeper):
    client.force_login(peacekeeper)
    client.get("/")
    session = client.session
    session[LAST_SEEN_KEY] = 1
    session.save()
    assert client.post(reverse("keepalive")).status_code == 204
    assert client.session[LAST_SEEN_KEY] > 1


def test_keepalive_needs_a_post_and_a_login(client):
    assert client.post(reverse("keepalive")).status_code == 302


def test_pages_tell_the_browser_how_long_a_session_lasts(client, peacekeeper, settings):
    client.force_login(peacekeeper)
    page = client.get("/").content.decode()
    assert f'data-session-seconds="{settings.SESSION_COOKIE_AGE}"' in page
    assert 'id="session-warning"' in page


def test_sessions_end_after_thirty_idle_minutes_and_at_browser_close(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
