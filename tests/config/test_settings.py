from tests.config.helpers import run_python

LOAD_SETTINGS = "import django; from django.conf import settings; print(settings.DEBUG)"
ANY_DB = {"DATABASE_URL": "postgres://postgres@127.0.0.1:1/unused"}


def test_debug_is_off_unless_asked_for():
    result = run_python(
        LOAD_SETTINGS, env={"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_SECRET_KEY": "k" * 50, **ANY_DB}
    )
    assert result.stdout.strip() == "False", result.stderr


def test_a_missing_secret_key_without_debug_is_a_clear_error():
    result = run_python(LOAD_SETTINGS, env={"DJANGO_SETTINGS_MODULE": "config.settings", **ANY_DB})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_runs_without_a_secret_key():
    result = run_python(LOAD_SETTINGS, env={"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "1", **ANY_DB})
    assert result.stdout.strip() == "True", result.stderr


def test_a_misspelt_boolean_is_refused_not_guessed():
    result = run_python(
        LOAD_SETTINGS, env={"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "ture", **ANY_DB}
    )
    assert result.returncode != 0
    assert "DJANGO_DEBUG='ture' is not a boolean" in result.stderr


def test_only_postgresql_is_accepted():
    result = run_python(
        LOAD_SETTINGS,
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": "mysql://u@localhost/db",
        },
    )
    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr


def test_the_program_time_zone_defaults_to_los_angeles(settings):
    assert settings.TIME_ZONE == "America/Los_Angeles"
    assert settings.USE_TZ
