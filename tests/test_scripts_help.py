"""Helper scripts: `--help`/`-h` prints usage and does nothing else; bootstrap waits for a busy apt lock."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted([*ROOT.glob("scripts/*.sh"), *ROOT.glob("deploy/pi/*.sh")])
# Commands a script could change the machine with; on PATH first, each records its call and succeeds.
RECORDED = ("apt-get", "sudo", "docker", "mongodump", "mongorestore", "systemctl", "crontab", "git", "logrotate",
            "pip", "python3", "python", "flock", "chown", "install", "useradd", "usermod", "loginctl", "curl")


def _stubs(directory: Path, log: Path, names: tuple[str, ...] = RECORDED) -> None:
    directory.mkdir()
    for name in names:
        stub = directory / name
        stub.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\n', encoding="utf-8")
        stub.chmod(0o755)


def _tree(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*")}


def test_every_helper_script_is_covered() -> None:
    names = {path.name for path in SCRIPTS}
    assert {"bootstrap.sh", "try.sh", "test.sh", "install.sh", "update.sh", "check-pi.sh"} <= names


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: str(path.relative_to(ROOT)))
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_prints_usage_and_does_nothing_else(tmp_path: Path, script: Path, flag: str) -> None:
    checkout = tmp_path / "checkout"
    copy = checkout / script.relative_to(ROOT)
    copy.parent.mkdir(parents=True)
    shutil.copy2(script, copy)
    log = tmp_path / "calls.log"
    _stubs(tmp_path / "bin", log)
    before = _tree(checkout)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin"}
    done = subprocess.run(["bash", str(copy), flag], cwd=checkout, env=env, capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip().splitlines()) >= 2 and done.stderr == ""
    assert script.name in done.stdout or "usage" in done.stdout.lower()
    assert not log.exists(), log.read_text(encoding="utf-8")  # no package manager, docker, git, ... call
    assert _tree(checkout) == before  # no .venv, logs/, backups/, .env


def _bootstrap_checkout(tmp_path: Path) -> tuple[Path, dict[str, str], Path]:
    """A checkout where the venv is already installed and chromium is missing, with apt-get, pgrep and sleep
    faked: apt-get reports the lock held twice (as apt does while unattended-upgrades runs), then succeeds."""
    checkout = tmp_path / "checkout"
    (checkout / "scripts").mkdir(parents=True)
    shutil.copy2(ROOT / "scripts" / "bootstrap.sh", checkout / "scripts" / "bootstrap.sh")
    (checkout / "pyproject.toml").write_text("", encoding="utf-8")
    venv = checkout / ".venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "python").write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    (venv / "python").chmod(0o755)
    (checkout / ".venv" / ".scoutly-installed").touch()
    os.utime(checkout / "pyproject.toml", (1, 1))

    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    tools = {
        "apt-get": f"""#!/bin/sh
echo "apt-get $*" >> "{log}"
count=$(grep -c '^apt-get' "{log}")
if [ "$count" -le 2 ]; then
  echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (unattended-upgr)" >&2
  exit 100
fi
""",
        "pgrep": '#!/bin/sh\necho "4242 /usr/bin/python3 /usr/bin/unattended-upgrade"\n',
        "sleep": f'#!/bin/sh\necho "sleep $*" >> "{log}"\n',
        "id": "#!/bin/sh\necho 0\n",
    }
    for name, body in tools.items():
        (bin_dir / name).write_text(body, encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    # Only what the script needs from the system: chromium must look absent.
    system = tmp_path / "system"
    system.mkdir()
    for tool in ("bash", "env", "grep", "mktemp", "rm", "cat", "dirname", "head", "tr", "sed", "touch"):
        found = shutil.which(tool)
        assert found, tool
        (system / tool).symlink_to(found)
    env = {"PATH": f"{bin_dir}:{system}", "HOME": str(tmp_path), "APT_LOCK_TIMEOUT": "60"}
    return checkout, env, log


def test_bootstrap_waits_for_the_apt_lock_and_says_what_holds_it(tmp_path: Path) -> None:
    checkout, env, log = _bootstrap_checkout(tmp_path)
    done = subprocess.run(["bash", "scripts/bootstrap.sh"], cwd=checkout, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert "apt/dpkg is busy (4242 /usr/bin/python3 /usr/bin/unattended-upgrade); waiting up to 60s" in done.stderr
    assert done.stderr.count("waiting for the apt lock: E: Could not get lock /var/lib/apt/lists/lock") == 2
    calls = log.read_text(encoding="utf-8").splitlines()
    assert calls[:5] == ["apt-get -o DPkg::Lock::Timeout=60 update -qq", "sleep 5",
                         "apt-get -o DPkg::Lock::Timeout=60 update -qq", "sleep 5",
                         "apt-get -o DPkg::Lock::Timeout=60 update -qq"]
    assert calls[5] == "apt-get -o DPkg::Lock::Timeout=60 install -y -qq chromium"


def test_bootstrap_gives_up_after_the_timeout_with_apts_message(tmp_path: Path) -> None:
    checkout, env, log = _bootstrap_checkout(tmp_path)
    env["APT_LOCK_TIMEOUT"] = "0"
    done = subprocess.run(["bash", "scripts/bootstrap.sh"], cwd=checkout, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode != 0
    assert done.stderr.strip().endswith("It is held by process 4242 (unattended-upgr)")
    assert "sleep" not in log.read_text(encoding="utf-8")
