"""`make run`'s address, port, SITE_URL and log format, read from `make -n` (which prints the
commands without running them)."""

import os

from tests.site.checkout import run_in_checkout

# What the developer's shell or an enclosing `make test` might set, which these tests set alone.
UNSET = ("SITE_URL", "ADDRESS", "PORT", "DJANGO_LOG_FORMAT", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")


def make_run(*arguments: str, **environment: str) -> dict[str, str]:
    """The command `make run` would run for each of load_demo_content, db_worker, runserver."""
    env = {key: value for key, value in os.environ.items() if key not in UNSET} | environment
    printed = run_in_checkout(["make", "--no-print-directory", "-n", "run", *arguments], env)
    commands = {}
    for line in printed.splitlines():
        for name in ("load_demo_content", "db_worker", "runserver"):
            if f"manage.py {name}" in line:
                commands[name] = line
    assert set(commands) == {"load_demo_content", "db_worker", "runserver"}, printed
    return commands


def test_make_run_serves_on_127_0_0_1_port_8000_by_default():
    commands = make_run()

    assert commands["runserver"].endswith("manage.py runserver 127.0.0.1:8000")
    for command in commands.values():
        assert command.startswith("SITE_URL=http://127.0.0.1:8000 ")


def test_make_run_port_moves_the_server_and_site_url_together():
    commands = make_run("PORT=8100")

    assert commands["runserver"].endswith("manage.py runserver 127.0.0.1:8100")
    for command in commands.values():
        assert command.startswith("SITE_URL=http://127.0.0.1:8100 ")


def test_make_run_address_moves_the_server_and_site_url_together():
    commands = make_run("ADDRESS=0.0.0.0", "PORT=8100")

    assert commands["runserver"].endswith("manage.py runserver 0.0.0.0:8100")
    assert commands["db_worker"].startswith("SITE_URL=http://0.0.0.0:8100 ")


def test_an_explicit_site_url_wins_over_the_address_and_port():
    from_environment = make_run("PORT=8100", SITE_URL="https://dev.unity.example")
    from_command_line = make_run("PORT=8100", "SITE_URL=https://dev.unity.example")

    for commands in (from_environment, from_command_line):
        assert commands["runserver"].endswith("manage.py runserver 127.0.0.1:8100")
        for command in commands.values():
            assert command.startswith("SITE_URL=https://dev.unity.example ")


def test_make_run_logs_plain_lines_unless_the_environment_asks_for_json():
    plain = make_run()
    json = make_run(DJANGO_LOG_FORMAT="json")

    for command in plain.values():
        assert " DJANGO_LOG_FORMAT=plain " in command
    for command in json.values():
        assert " DJANGO_LOG_FORMAT=json " in command
