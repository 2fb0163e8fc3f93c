from tests.config.helpers import run_python


def test_health_answers_ok_after_a_database_round_trip(db, client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_health_answers_503_when_the_database_is_unreachable():
    code = (
        "import django; django.setup();"
        "from django.test import Client; r = Client().get('/health/');"
        "print(r.status_code, r.content.decode())"
    )
    result = run_python(
        code,
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_SECRET_KEY": "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "testserver",
            # Nothing listens on port 1: the connection is refused at once.
            "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
        },
    )
    assert result.stdout.strip() == "503 database unavailable", result.stderr
