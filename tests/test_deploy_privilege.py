"""Least privilege in the appliance's ops files. Docker cannot run here, so: the compose file is checked as data, the
MongoDB init script's JavaScript runs in Node against a stand-in `db`, and the shell scripts run against stand-in
`docker`/`mongosh`/`mongodump`/`mongorestore` commands that record their arguments, so the tests can show that no
password reaches a command line and that every file with one is private (0600) from the start."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scoutly.config import load_settings
from scoutly.credentials import placeholder_problems

ROOT = Path(__file__).resolve().parents[1]
PI = ROOT / "deploy" / "pi"
INIT = ROOT / "deploy" / "mongo-init" / "10-scoutly-app-user.sh"
ROOT_PW = 'r00t"pa\\ss'  # a quote and a backslash: the escaping must hold
APP_PW = "0123456789abcdef0123456789abcdef"


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- docker-compose.yml ---------------------------------------------------------------------------------------
def test_both_services_drop_every_capability_and_new_privileges() -> None:
    for name, service in compose()["services"].items():
        assert "no-new-privileges:true" in service["security_opt"], name
        assert service["cap_drop"] == ["ALL"], name
    assert "cap_add" not in compose()["services"]["scoutly"]  # non-root image: needs none back


def test_mongodb_gets_back_only_what_its_entrypoint_needs_and_says_why() -> None:
    assert set(compose()["services"]["mongodb"]["cap_add"]) == {"CHOWN", "DAC_OVERRIDE", "SETUID", "SETGID"}
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    for reason in ("chown", "gosu", "CHOWN", "DAC_OVERRIDE", "SETUID", "SETGID"):
        assert reason in text


def test_mongodb_creates_the_app_user_from_the_init_script_and_the_processor_never_sees_root() -> None:
    mongodb, scoutly = compose()["services"]["mongodb"], compose()["services"]["scoutly"]
    assert "./deploy/mongo-init:/docker-entrypoint-initdb.d:ro" in mongodb["volumes"]
    assert INIT.is_file() and INIT.name.endswith(".sh")  # the entrypoint sources *.sh files in that directory
    assert mongodb["environment"]["MONGO_APP_PASSWORD"].startswith("${MONGO_APP_PASSWORD:?")
    env = scoutly["environment"]
    assert "ROOT" not in env["MONGODB_URI"] and "authSource=scoutly" in env["MONGODB_URI"]
    assert env["MONGO_ROOT_PASSWORD"] == "" and env["MONGO_ROOT_USERNAME"] == ""  # overrides env_file's .env


def test_nothing_tells_the_user_to_join_the_docker_group() -> None:
    for path in (PI / "GUIDE.md", PI / "install.sh", ROOT / "docker-compose.yml", ROOT / "README.md"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"usermod\s+-aG\s+docker", text), path
        assert not re.search(r"add \S+ to the docker group", text), path
    guide = (PI / "GUIDE.md").read_text(encoding="utf-8")
    assert "root without a password" in guide and "sudo docker" in guide


# --- stand-ins --------------------------------------------------------------------------------------------------
def stand_in(bin_dir: Path, name: str, body: str) -> None:
    bin_dir.mkdir(parents=True, exist_ok=True)
    path = bin_dir / name
    path.write_text("#!/usr/bin/env bash\n" + body, encoding="utf-8")
    path.chmod(0o755)


# a stand-in for a MongoDB tool: records its argv (one JSON list per line), the mode and text of its --config
# file, and prints ARCHIVE (mongodump) or reads its stdin (mongorestore)
TOOL = r"""
log="$LOG_DIR/$(basename "$0").log"
python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@" >> "$log"
while [ $# -gt 0 ]; do
  if [ "$1" = --config ]; then stat -c %a "$2" >> "$LOG_DIR/config.mode"; cat "$2" >> "$LOG_DIR/config.text"
    echo "$2" >> "$LOG_DIR/config.path"; fi
  shift
done
case "$(basename "$0")" in mongodump) printf ARCHIVE ;; *) cat > "$LOG_DIR/restored" ;; esac
"""

# a stand-in for `docker`: records its argv; `docker compose exec -T [-e K=V] mongodb CMD...` runs CMD here with the
# container's environment (root credentials; the app password as compose would take it from ./.env) and the
# init directory mounted where compose mounts it, so the in-container scripts really run
DOCKER = r"""
python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@" >> "$LOG_DIR/docker.log"
[ "$1" = inspect ] && { echo healthy; exit 0; }
[ "$1 $2" = "compose exec" ] || exit 0
shift 2
extra=()
while [ $# -gt 0 ] && [ "$1" != mongodb ]; do
  if [ "$1" = -e ]; then extra+=("$2"); shift; fi
  shift
done
shift
args=()
for arg in "$@"; do args+=("${arg/#\/docker-entrypoint-initdb.d/$INITDB_DIR}"); done
app_pw="$CONTAINER_APP_PW"
[ -f .env ] && grep -q '^MONGO_APP_PASSWORD=' .env && app_pw="$(grep '^MONGO_APP_PASSWORD=' .env | cut -d= -f2-)"
exec env MONGO_INITDB_ROOT_USERNAME=root MONGO_INITDB_ROOT_PASSWORD="$CONTAINER_ROOT_PW" \
  MONGO_APP_USERNAME=scoutly MONGO_APP_PASSWORD="$app_pw" "${extra[@]}" "${args[@]}"
"""

# a stand-in for the mongo shell: records its argv and the script it was given on stdin
MONGOSH = r"""
python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@" >> "$LOG_DIR/mongosh.log"
cat >> "$LOG_DIR/mongosh.stdin"
"""


@pytest.fixture
def tools(tmp_path: Path) -> dict[str, str]:
    bin_dir, logs = tmp_path / "bin", tmp_path / "logs"
    logs.mkdir()
    for name in ("mongodump", "mongorestore"):
        stand_in(bin_dir, name, TOOL)
    stand_in(bin_dir, "docker", DOCKER)
    stand_in(bin_dir, "mongosh", MONGOSH)
    # python3 (the stand-ins' logging, the scripts' password generation) straight to an interpreter: a version
    # manager's shim on PATH costs a tenth of a second per call
    (bin_dir / "python3").symlink_to(os.path.realpath(sys.executable))
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "LOG_DIR": str(logs),
            "INITDB_DIR": str(INIT.parent),
            "CONTAINER_ROOT_PW": ROOT_PW, "CONTAINER_APP_PW": APP_PW}


def calls(env: dict[str, str], tool: str) -> list[list[str]]:
    log = Path(env["LOG_DIR"]) / f"{tool}.log"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def logged(env: dict[str, str], name: str) -> str:
    return (Path(env["LOG_DIR"]) / name).read_text()


def checkout(tmp_path: Path, *scripts: str, env_text: str | None = None) -> Path:
    root = tmp_path / "checkout"
    (root / "scripts").mkdir(parents=True)
    for script in scripts:
        shutil.copy(ROOT / "scripts" / script, root / "scripts" / script)
    if env_text is not None:
        (root / ".env").write_text(env_text)
        (root / ".env").chmod(0o600)
    return root


def no_secret_in_any_argv(env: dict[str, str], *secrets: str) -> None:
    for tool in ("docker", "mongodump", "mongorestore", "mongosh"):
        for argv in calls(env, tool):
            for secret in secrets:
                assert all(secret not in arg for arg in argv), f"{tool} got a password on its command line"


def run(cmd: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env, **kwargs)


# --- backups ----------------------------------------------------------------------------------------------------
def test_backup_in_the_container_passes_the_password_in_a_private_config_file(
    tmp_path: Path, tools: dict[str, str]
) -> None:
    root = checkout(tmp_path, "backup-mongo.sh")
    result = run([str(root / "scripts" / "backup-mongo.sh")], {**tools, "UMASK_BEFORE": "022"})
    assert result.returncode == 0, result.stderr
    [archive] = (root / "backups").iterdir()
    assert archive.read_text() == "ARCHIVE" and mode(archive) == 0o600 and mode(root / "backups") == 0o700
    [argv] = calls(tools, "mongodump")
    assert argv[argv.index("--username") + 1] == "root" and "--config" in argv and "--db" in argv
    no_secret_in_any_argv(tools, ROOT_PW, "r00t")
    assert logged(tools, "config.mode").split() == ["600"]
    assert logged(tools, "config.text") == 'password: "r00t\\"pa\\\\ss"\n'  # YAML double-quoted escapes
    assert yaml.safe_load(logged(tools, "config.text")) == {"password": ROOT_PW}
    assert not Path(logged(tools, "config.path").strip()).exists()  # removed afterwards


def test_local_backup_reads_the_uri_from_a_private_config_file(tmp_path: Path, tools: dict[str, str]) -> None:
    uri = f"mongodb://scoutly:{APP_PW}@localhost:27017/scoutly?authSource=scoutly"
    root = checkout(tmp_path, "backup-mongo.sh", env_text=f"MONGODB_URI={uri}\n")
    result = run([str(root / "scripts" / "backup-mongo.sh"), "--local"], tools)
    assert result.returncode == 0, result.stderr
    no_secret_in_any_argv(tools, APP_PW)
    assert logged(tools, "config.mode").split() == ["600"]
    assert yaml.safe_load(logged(tools, "config.text")) == {"uri": uri}
    assert not Path(logged(tools, "config.path").strip()).exists()
    [archive] = (root / "backups").iterdir()
    assert mode(archive) == 0o600


def test_restore_in_the_container_and_locally_keeps_passwords_off_the_command_line(
    tmp_path: Path, tools: dict[str, str]
) -> None:
    uri = f"mongodb://scoutly:{APP_PW}@localhost:27017/scoutly?authSource=scoutly"
    root = checkout(tmp_path, "restore-mongo.sh", env_text=f"MONGODB_URI={uri}\n")
    archive = tmp_path / "b.archive.gz"
    archive.write_text("ARCHIVE")
    for extra in ([], ["--local"]):
        result = run([str(root / "scripts" / "restore-mongo.sh"), str(archive), "--yes", *extra], tools)
        assert result.returncode == 0, result.stderr
        assert logged(tools, "restored") == "ARCHIVE"
    no_secret_in_any_argv(tools, ROOT_PW, "r00t", APP_PW)
    assert logged(tools, "config.mode").split() == ["600", "600"]
    configs = [yaml.safe_load(doc) for doc in logged(tools, "config.text").replace("\nuri", "\n---\nuri").split("---")]
    assert configs == [{"password": ROOT_PW}, {"uri": uri}]
    for path in logged(tools, "config.path").split():
        assert not Path(path).exists()


# --- the MongoDB init script ------------------------------------------------------------------------------------
def node() -> str | None:
    import playwright

    bundled = Path(playwright.__file__).parent / "driver" / "node"
    return str(bundled) if bundled.is_file() else shutil.which("node")


# a stand-in `db` for the mongo shell's JavaScript: records auth/createUser/updateUser
FAKE_SHELL = """
const calls = []; const users = new Set(JSON.parse(process.env.EXISTING || "[]"));
function database(name) {
  return {
    getName: () => name,
    auth: (user, pwd) => { calls.push(["auth", name, user, pwd]); return pwd === process.env.ROOT_PW ? 1 : 0; },
    getUser: (user) => (users.has(name + "." + user) ? { user } : null),
    createUser: (spec) => calls.push(["createUser", name, spec]),
    updateUser: (user, spec) => calls.push(["updateUser", name, user, spec]),
  };
}
const db = { getSiblingDB: database };
const print = (text) => calls.push(["print", String(text)]);
const quit = (code) => { console.log(JSON.stringify(calls)); process.exit(code); };
try { eval(require("fs").readFileSync(0, "utf8")); } catch (e) { calls.push(["uncaught", e.message]); }
console.log(JSON.stringify(calls));
"""


def run_init(tmp_path: Path, *, existing: list[str] = (), **env: str) -> tuple[subprocess.CompletedProcess, list, list]:
    """The init script with a stand-in `mongosh` that hands its stdin to Node with the stand-in `db`."""
    node_bin = node()
    if node_bin is None:
        pytest.skip("no Node.js (Playwright's driver bundles one)")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    (tmp_path / "shell.js").write_text(FAKE_SHELL)
    stand_in(bin_dir, "mongosh", f"""
python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@" >> {tmp_path}/mongosh.log
exec {node_bin} {tmp_path}/shell.js
""")
    environment = {"PATH": f"{bin_dir}:/usr/bin:/bin", "ROOT_PW": ROOT_PW, "EXISTING": json.dumps(list(existing)),
                   "MONGO_INITDB_ROOT_USERNAME": "root", "MONGO_INITDB_ROOT_PASSWORD": ROOT_PW, **env}
    result = subprocess.run(["bash", str(INIT)], capture_output=True, text=True, timeout=60, env=environment)
    argv = [json.loads(line) for line in (tmp_path / "mongosh.log").read_text().splitlines()] if (
        tmp_path / "mongosh.log").exists() else []
    lines = result.stdout.strip().splitlines()
    shell_calls = json.loads(lines[-1]) if lines else []
    return result, argv, shell_calls


def test_init_script_creates_a_read_write_user_of_the_scoutly_database_only(tmp_path: Path) -> None:
    result, argv, shell = run_init(tmp_path, MONGO_APP_PASSWORD=APP_PW)
    assert result.returncode == 0, result.stderr
    assert shell[0] == ["auth", "admin", "root", ROOT_PW]  # the escaped root password arrived intact
    assert shell[1] == ["createUser", "scoutly",
                        {"user": "scoutly", "pwd": APP_PW, "roles": [{"role": "readWrite", "db": "scoutly"}]}]
    assert all(ROOT_PW not in arg and APP_PW not in arg for call in argv for arg in call)  # stdin, not argv


def test_init_script_is_idempotent_and_refuses_placeholders_and_missing_values(tmp_path: Path) -> None:
    result, _, shell = run_init(tmp_path / "a", existing=["scoutly.scoutly"], MONGO_APP_PASSWORD=APP_PW)
    assert result.returncode == 0 and shell[1][:3] == ["updateUser", "scoutly", "scoutly"]
    assert shell[1][3] == {"pwd": APP_PW, "roles": [{"role": "readWrite", "db": "scoutly"}]}
    result, _, _ = run_init(tmp_path / "b", MONGO_APP_PASSWORD="change-me-app-password")
    assert result.returncode == 1 and "placeholder" in result.stderr
    result, _, _ = run_init(tmp_path / "c")
    assert result.returncode == 1 and "MONGO_APP_PASSWORD" in result.stderr
    result, _, shell = run_init(tmp_path / "d", MONGO_APP_PASSWORD=APP_PW, MONGO_INITDB_ROOT_PASSWORD="wrong")
    assert result.returncode == 1 and ["print", "scoutly: no app user: Error: root login failed"] in shell
    assert not any(call[0] == "createUser" for call in shell)


def test_init_script_stops_the_entrypoint_when_sourced_and_it_fails(tmp_path: Path) -> None:
    """The image's entrypoint sources it under `set -Eeuo pipefail`: a failure must stop the initialisation."""
    script = f"set -Eeuo pipefail; source {INIT}; echo initialisation-continues"
    env = {"PATH": "/usr/bin:/bin", "MONGO_INITDB_ROOT_USERNAME": "root", "MONGO_INITDB_ROOT_PASSWORD": ROOT_PW}
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30, env=env)
    assert result.returncode == 1 and "initialisation-continues" not in result.stdout


# --- .env: install.sh and the migration of an existing install ----------------------------------------------
def test_install_writes_env_private_from_the_start_with_two_fresh_passwords(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    shutil.copy(ROOT / ".env.example", app / ".env.example")
    script = f"""
        umask 022
        source {PI / "install.sh"}
        APP_DIR={app} SUDO="" RUN_USER="$(id -un)" MONGO_IMAGE=mongo:4.4 LOG_DIR={app}/logs
        write_env
        umask
    """
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0022"  # the caller's umask is left as it was
    env_file = app / ".env"
    assert mode(env_file) == 0o600
    text = env_file.read_text()
    settings_lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert not any("change-me" in line for line in settings_lines)
    assert "MONGO_IMAGE=mongo:4.4" in text and f"SCOUTLY_LOG_DIR={app}/logs" in text
    settings = load_settings(env_file)
    assert placeholder_problems(settings) == []
    root_pw = settings.mongo_root_password.get_secret_value()
    app_pw = settings.mongo_app_password.get_secret_value()
    assert re.fullmatch(r"[0-9a-f]{48}", root_pw) and re.fullmatch(r"[0-9a-f]{48}", app_pw) and root_pw != app_pw
    assert settings.mongodb_uri == f"mongodb://scoutly:{app_pw}@localhost:27017/scoutly?authSource=scoutly"
    assert "write_env" in (PI / "install.sh").read_text() and "chmod 600" not in (PI / "install.sh").read_text()


OLD_ENV = """# an install from before the app user
MONGO_ROOT_USERNAME=scoutly
MONGO_ROOT_PASSWORD=oldrootpassword1234
MONGODB_URI=mongodb://scoutly:oldrootpassword1234@localhost:27017/scoutly?authSource=admin
GEMINI_API_KEY=
"""


def test_mongo_app_user_moves_an_existing_install_off_root(tmp_path: Path, tools: dict[str, str]) -> None:
    root = checkout(tmp_path, "mongo-app-user.sh", env_text=OLD_ENV)
    result = run([str(root / "scripts" / "mongo-app-user.sh")], tools, cwd=root)
    assert result.returncode == 0, result.stderr
    env_file = root / ".env"
    assert mode(env_file) == 0o600
    values = dict(line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line and line[0] != "#")
    password = values["MONGO_APP_PASSWORD"]
    assert re.fullmatch(r"[0-9a-f]{48}", password) and values["MONGO_APP_USERNAME"] == "scoutly"
    assert values["MONGODB_URI"] == f"mongodb://scoutly:{password}@localhost:27017/scoutly?authSource=scoutly"
    assert values["MONGO_ROOT_PASSWORD"] == "oldrootpassword1234"  # compose still needs root for MongoDB itself
    backup = root / ".env.before-app-user"
    assert backup.read_text() == OLD_ENV and mode(backup) == 0o600
    docker = calls(tools, "docker")
    assert ["compose", "up", "-d", "mongodb"] in docker
    assert docker[-1][-2:] == ["bash", "/docker-entrypoint-initdb.d/10-scoutly-app-user.sh"]
    script = logged(tools, "mongosh.stdin")  # the init script ran "in the container" with the new password
    assert f'target.createUser({{ user: name, pwd: "{password}", roles: roles }})' in script
    no_secret_in_any_argv(tools, password, "oldrootpassword1234", ROOT_PW)
    assert (env_file.stat().st_uid, env_file.stat().st_gid) == (backup.stat().st_uid, backup.stat().st_gid)
    # again: the password is kept, not regenerated
    again = run([str(root / "scripts" / "mongo-app-user.sh")], tools, cwd=root)
    assert again.returncode == 0, again.stderr
    assert f"MONGO_APP_PASSWORD={password}\n" in env_file.read_text()


def test_mongo_app_user_dry_run_changes_nothing(tmp_path: Path, tools: dict[str, str]) -> None:
    root = checkout(tmp_path, "mongo-app-user.sh", env_text=OLD_ENV)
    result = run([str(root / "scripts" / "mongo-app-user.sh"), "--dry-run"], tools, cwd=root)
    assert result.returncode == 0, result.stderr
    assert (root / ".env").read_text() == OLD_ENV and calls(tools, "docker") == []
    assert "mongodb://scoutly:***@localhost:27017/scoutly?authSource=scoutly" in result.stdout


# --- check-pi.sh: can Chromium keep its sandbox? --------------------------------------------------------------
@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"sys/user/max_user_namespaces": "31457"}, "ok:   user namespaces: on"),
        ({"sys/user/max_user_namespaces": "0"}, "warn: user namespaces are off"),
        ({"sys/user/max_user_namespaces": "31457", "sys/kernel/unprivileged_userns_clone": "0"},
         "warn: user namespaces are off"),
    ],
)
def test_check_pi_says_whether_chromium_can_keep_its_sandbox(tmp_path: Path, files: dict, expected: str) -> None:
    proc = tmp_path / "proc"
    for name, value in files.items():
        (proc / name).parent.mkdir(parents=True, exist_ok=True)
        (proc / name).write_text(value + "\n")
    (proc / "meminfo").write_text("MemTotal: 8245000 kB\nSwapTotal: 524284 kB\n")
    result = subprocess.run([str(PI / "check-pi.sh")], capture_output=True, text=True, timeout=30,
                            env={**os.environ, "CHECK_PI_ROOT": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can hand a file to another user")
def test_mongo_app_user_run_through_sudo_leaves_env_with_its_owner(tmp_path: Path, tools: dict[str, str]) -> None:
    root = checkout(tmp_path, "mongo-app-user.sh", env_text=OLD_ENV)
    os.chown(root / ".env", 65534, 65534)  # the Scoutly user's file; the script runs as root
    result = run([str(root / "scripts" / "mongo-app-user.sh")], tools, cwd=root)
    assert result.returncode == 0, result.stderr
    assert ((root / ".env").stat().st_uid, (root / ".env").stat().st_gid) == (65534, 65534)
    assert mode(root / ".env") == 0o600
