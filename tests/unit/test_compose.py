"""The production layout (compose.yaml, deploy/.env.example): a valid Compose file, shaped
as docs/deploy.md says, and an example environment that names every variable the settings
read, so that neither can drift from the code. No network and no container engine: the
Compose Specification's schema is vendored (tests/unit/compose_spec/)."""

import ast
import json
import re
import shlex
from itertools import pairwise
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator

from cms.settings.duties import TASK_DUTIES, duty_limit

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).parent / "compose_spec" / "compose-spec.json"
ENV_EXAMPLE = ROOT / "deploy" / ".env.example"
# The modules whose environment variables a production deployment sets.
SETTINGS = [
    ROOT / "cms" / "settings" / "base.py",
    ROOT / "cms" / "settings" / "production.py",
    ROOT / "cms" / "settings" / "duties.py",
    ROOT / "membership_forms" / "conf.py",
]
DEFAULT_TIME_LIMIT = 300  # CELERY_TASK_TIME_LIMIT's default (cms/settings/base.py)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def variables_read_by_settings() -> set[str]:
    """Every NAME in env.str("NAME", ...), env.db("NAME"), environ.Env().path("NAME")..."""
    names = set()
    for path in SETTINGS:
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            reader = node.func.value
            is_env = (isinstance(reader, ast.Name) and reader.id == "env") or (
                isinstance(reader, ast.Call) and getattr(reader.func, "attr", "") == "Env"
            )
            if is_env and node.args and isinstance(node.args[0], ast.Constant):
                names.add(node.args[0].value)
    return names


def example_variables() -> dict[str, int]:
    """{NAME: line number} of every variable in .env.example, set or commented out."""
    lines = ENV_EXAMPLE.read_text().splitlines()
    found = {}
    for number, line in enumerate(lines):
        match = re.match(r"^(?:# )?([A-Z][A-Z0-9_]*)=", line)
        if match:
            found[match.group(1)] = number
    return found


def test_compose_file_is_valid_against_the_compose_specification(compose):
    schema = json.loads(SCHEMA.read_text())
    errors = sorted(Draft7Validator(schema).iter_errors(compose), key=lambda e: e.path)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_every_variable_the_settings_read_is_in_the_example_environment():
    read = variables_read_by_settings()
    assert {"SECRET_KEY", "DATABASE_URL", "BROKER_URL", "SITE_URL"} <= read  # the parse works
    missing = read - set(example_variables())
    assert not missing, f"add to deploy/.env.example, with a comment: {sorted(missing)}"


def test_every_variable_in_the_example_is_explained():
    """Above each variable, or above the group of set variables it is in, a comment."""
    lines = ENV_EXAMPLE.read_text().splitlines()
    for name, number in example_variables().items():
        above = number - 1
        while re.match(r"^[A-Z][A-Z0-9_]*=", lines[above]):
            above -= 1
        assert lines[above].startswith("# "), f"{name}: no comment above it"


def test_what_the_compose_file_reads_from_the_environment_is_in_the_example(compose):
    """Containers' own variables ($$NAME in commands, {$NAME} in the Caddyfile)."""
    text = (ROOT / "compose.yaml").read_text() + (ROOT / "deploy" / "Caddyfile").read_text()
    used = set(re.findall(r"\$\$([A-Z][A-Z0-9_]*)|\{\$([A-Z][A-Z0-9_]*)\}", text))
    names = {a or b for a, b in used}
    assert {"S3_ACCESS_KEY_ID", "POSTGRES_USER", "SITE_HOST"} <= names
    assert names <= set(example_variables())
    for service in compose["services"].values():
        if "env_file" in service:
            assert service["env_file"] == "deploy/.env"


def site_services(compose) -> dict[str, dict]:
    return {
        name: service
        for name, service in compose["services"].items()
        if service.get("build", {}).get("dockerfile") == "Containerfile"
    }


def test_two_web_processes_a_worker_per_duty_one_beat_after_the_migrate_job(compose):
    services = site_services(compose)
    commands = {name: service.get("command") for name, service in services.items()}
    web = [name for name, command in commands.items() if command is None]  # the image's
    assert len(web) == 2
    beats = [name for name, command in commands.items() if command and "beat" in command]
    assert beats == ["beat"]  # a singleton
    assert commands["migrate"] == ["python", "manage.py", "migrate", "--noinput"]
    for name, service in services.items():
        if name != "migrate":
            condition = service["depends_on"]["migrate"]["condition"]
            assert condition == "service_completed_successfully", name
    read_queues = set()
    for duty in TASK_DUTIES:
        command = commands[f"worker-{duty}"]
        options = dict(pairwise(command))
        queues = options["-Q"].split(",")
        assert duty in queues
        read_queues.update(queues)
        limit = duty_limit(duty, DEFAULT_TIME_LIMIT)
        assert int(options["--time-limit"]) == limit, duty
        assert int(options["--soft-time-limit"]) == max(limit - 30, limit // 2), duty
        assert int(options["--concurrency"]) >= 1
    assert "coalition" in read_queues  # the default queue has a reader too


def test_redis_as_broker_never_evicts_and_persists(compose):
    command = compose["services"]["redis"]["command"]
    options = dict(pairwise(command))
    assert options["--maxmemory-policy"] == "noeviction"
    assert options["--appendonly"] == "yes"
    assert compose["services"]["redis"]["volumes"]


def test_only_the_proxy_is_published(compose):
    published = [name for name, service in compose["services"].items() if "ports" in service]
    assert published == ["proxy"]


def test_the_image_is_multi_stage_and_runs_as_a_user_without_privileges():
    containerfile = (ROOT / "Containerfile").read_text()
    stages = re.findall(r"^FROM (\S+)(?: AS (\w+))?", containerfile, re.MULTILINE)
    assert len(stages) == 2 and stages[0][1] == "builder"
    final = containerfile.split("\nFROM ")[-1]
    assert "USER coalition" in final
    assert "uv" not in final.replace("/app/.venv", "")  # no uv, no compiler in the final one
    assert "collectstatic" in containerfile.split("\nFROM ")[1]  # built once, in the builder
    command = json.loads(re.search(r"^CMD (.+)$", final, re.MULTILINE).group(1))
    assert "gunicorn cms.wsgi" in " ".join(shlex.split(command[-1]))
