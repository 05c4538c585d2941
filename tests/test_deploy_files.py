"""The deployment files agree with the code: docker-compose.yml, Dockerfile, Makefile, .ci/run,
and the environment variables config/settings.py reads are documented and passed on.

No Docker engine runs where the tests run, so the compose file is checked by its structure
(and by `docker-compose config -q` where Debian's docker-compose is installed).
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml", reason="PyYAML is not installed: compose file not parsed")

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
# Read by settings but meaningless in production.
DEV_ONLY_VARIABLES = {"DEMO_PASSWORD"}
# docker-compose substitutes these from .env; they must be set for it to start.
COMPOSE_REQUIRED = {"SECRET_KEY", "ALLOWED_HOSTS", "POSTGRES_PASSWORD"}


def settings_variables() -> set[str]:
    """Every environment variable config/settings.py reads (env("X"), env.int("X"), …)."""
    source = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"", source))


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def command_of(service) -> str:
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


def test_settings_variables_are_found():
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL"} <= settings_variables()


def test_compose_has_the_services_and_volumes(compose):
    services = compose["services"]
    assert set(services) == {*APP_SERVICES, "postgres", "redis"}
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert {"pgdata", "media", "static"} <= set(compose["volumes"])

    mounts = {
        name: {volume.split(":")[0] for volume in service.get("volumes", [])}
        for name, service in services.items()
    }
    assert {"static", "media"} <= mounts["web"]
    assert "media" in mounts["worker"]
    assert "pgdata" in mounts["postgres"]


def test_compose_commands(compose):
    services = compose["services"]
    web = command_of(services["web"])
    assert web.startswith("gunicorn config.wsgi")
    workers = int(re.search(r"--workers[ =](\d+)", web).group(1))
    assert 2 <= workers <= 4
    assert command_of(services["worker"]).startswith("celery -A config worker")
    beat = command_of(services["beat"])
    assert beat.startswith("celery -A config beat")
    assert "django_celery_beat.schedulers:DatabaseScheduler" in beat


def test_app_services_share_the_environment(compose):
    env = compose["x-env"]
    for name in APP_SERVICES:
        assert compose["services"][name]["environment"] == env, name
    assert env["DEBUG"] == "false"
    assert (
        env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
    )
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL"):
        assert env[name].startswith("redis://redis:6379/"), name
    missing = settings_variables() - DEV_ONLY_VARIABLES - set(env)
    assert not missing, f"add to x-env in docker-compose.yml: {sorted(missing)}"


def test_compose_validates_with_docker_compose(tmp_path):
    if shutil.which("docker-compose") is None:
        pytest.skip("docker-compose is not installed (apt-get install docker-compose)")
    result = subprocess.run(
        [
            "docker-compose",
            "--project-directory",
            str(tmp_path),
            "-f",
            str(ROOT / "docker-compose.yml"),
            "config",
            "-q",
        ],
        env={"PATH": "/usr/bin:/bin", **dict.fromkeys(COMPOSE_REQUIRED, "x")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_variables_are_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    for name in sorted(settings_variables()):
        assert f"`{name}`" in readme, f"document {name} in README.md Configuration"
    for name in sorted(settings_variables() | COMPOSE_REQUIRED):
        assert re.search(rf"^# {name}=", example, re.M), f"add {name} to .env.example"


def test_dockerfile():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("# ") and "\nFROM python:3.11-slim-bookworm\n" in dockerfile
    for package in ("libpango-1.0-0", "libharfbuzz-subset0", "fonts-noto-cjk"):
        assert package in dockerfile
    assert "pip install ." in dockerfile
    assert "collectstatic --noinput" in dockerfile
    user = re.findall(r"^USER (\S+)$", dockerfile, re.M)
    assert user and user[-1] not in {"root", "0"}
    assert "gunicorn" in dockerfile.rsplit("\nCMD", 1)[1]


def test_every_make_target_is_phony():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = set(re.search(r"^\.PHONY: (.+)$", makefile, re.M).group(1).split())
    targets = set()
    for line in re.findall(r"^([a-z][a-z -]*):(?!=)", makefile, re.M):
        targets.update(line.split())
    assert {
        "run",
        "test",
        "lint",
        "format",
        "migrations-check",
        "worker",
        "beat",
        "bench",
        "clean",
    } <= targets
    assert targets == phony


def test_ci_script_is_strict_bash():
    script = ROOT / ".ci" / "run"
    assert script.stat().st_mode & 0o111, ".ci/run must be executable"
    assert "set -euo pipefail" in script.read_text(encoding="utf-8")
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
