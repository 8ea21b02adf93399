"""The appliance's ops files: docker-compose.yml, Dockerfile, .env.example, crontab.example, deploy/pi and the
scripts they use. Docker and systemd cannot run here, so these tests parse the files and check the properties
that matter, run every shell script through `bash -n` (and shellcheck when installed), and run the install
script in --dry-run and the helper scripts against stand-in commands."""

from __future__ import annotations

import configparser
import os
import pwd
import re
import shutil
import stat
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from scoutly.config import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
PI = ROOT / "deploy" / "pi"
SCRIPTS = sorted([*ROOT.glob("scripts/*.sh"), *PI.glob("*.sh"), *ROOT.glob("deploy/mongo-init/*.sh")])
ME = pwd.getpwuid(os.getuid()).pw_name


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


# --- docker-compose.yml ---------------------------------------------------------------------------------
def test_mongodb_is_bound_to_loopback_with_auth_healthcheck_and_capped_cache() -> None:
    mongodb = compose()["services"]["mongodb"]
    assert mongodb["image"].startswith("${MONGO_IMAGE:-mongo:")
    assert mongodb["ports"] and all(str(port).startswith("127.0.0.1:") for port in mongodb["ports"])
    env = mongodb["environment"]
    assert ":?" in env["MONGO_INITDB_ROOT_USERNAME"] and ":?" in env["MONGO_INITDB_ROOT_PASSWORD"]  # required
    command = mongodb["command"]
    assert command[command.index("--wiredTigerCacheSizeGB") + 1] == "${MONGO_CACHE_GB:-1}"  # 1 GB unless set
    assert _env_example()["MONGO_CACHE_GB"] == "1"
    health = mongodb["healthcheck"]
    assert "ping" in " ".join(health["test"]) and "mongosh" in " ".join(health["test"])
    assert mongodb["restart"] == "unless-stopped"
    volume = mongodb["volumes"][0].split(":")
    assert volume[1] == "/data/db" and volume[0] in compose()["volumes"]  # a named volume, not a bind mount


def test_scoutly_service_runs_the_processor_from_the_dockerfile_with_env_config() -> None:
    service = compose()["services"]["scoutly"]
    assert service["build"] == "."
    assert service["restart"] == "unless-stopped"
    assert service["command"] == ["process"]
    assert service["env_file"] == ".env"
    assert service["depends_on"]["mongodb"]["condition"] == "service_healthy"
    uri = service["environment"]["MONGODB_URI"]
    assert uri.startswith("mongodb://${MONGO_APP_USERNAME:-scoutly}:${MONGO_APP_PASSWORD:?")  # not root
    assert uri.endswith("@mongodb:27017/scoutly?authSource=scoutly")
    assert "ports" not in service  # the processor listens on nothing
    assert service["mem_limit"] == "2g" and service["shm_size"] == "1gb"


def test_compose_one_liners_cover_seed_enqueue_process_status_debug() -> None:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    for command in ("seed", "enqueue", "process --drain", "status", "debug doctor"):
        assert f"docker compose run --rm scoutly {command}" in text


# --- Dockerfile ---------------------------------------------------------------------------------------------
def _instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            rows.append((keyword.upper(), rest))
    return rows


def test_dockerfile_is_debian_with_debian_chromium_and_no_browser_download() -> None:
    rows = _instructions()
    assert rows[0][0] == "FROM" and "bookworm" in rows[0][1]
    runs = " ".join(rest for keyword, rest in rows if keyword == "RUN")
    assert re.search(r"apt-get install[^&]*\bchromium\b", runs)
    assert "playwright install" not in (ROOT / "Dockerfile").read_text(encoding="utf-8")
    env = " ".join(rest for keyword, rest in rows if keyword == "ENV")
    assert "SCOUTLY_CHROMIUM_PATH=/usr/bin/chromium" in env


def test_dockerfile_runs_as_a_non_root_user() -> None:
    users = [rest.strip() for keyword, rest in _instructions() if keyword == "USER"]
    assert users and users[-1] not in ("root", "0", "0:0")
    entry = [rest for keyword, rest in _instructions() if keyword == "ENTRYPOINT"]
    assert entry and '"scoutly"' in entry[-1]


def test_dockerignore_keeps_secrets_and_venv_out_of_the_image() -> None:
    lines = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".env", ".venv", ".git"} <= lines


# --- .env.example -------------------------------------------------------------------------------------------
def _env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def test_env_example_names_only_real_settings_and_holds_no_secret(tmp_path: Path) -> None:
    values = _env_example()
    assert {"MONGODB_URI", "GEMINI_API_KEY", "MONGO_ROOT_USERNAME", "MONGO_ROOT_PASSWORD"} <= values.keys()
    assert values["GEMINI_API_KEY"] == ""
    known = {f"SCOUTLY_{name.upper()}" for name in Settings.model_fields}
    for key in values:
        if key.startswith("SCOUTLY_"):
            assert key in known, f"{key} is not a Scoutly setting"
    # the example, copied as-is, is a valid configuration
    env_file = tmp_path / ".env"
    shutil.copy(ROOT / ".env.example", env_file)
    settings = load_settings(env_file)
    assert settings.mongodb_uri.startswith("mongodb://")


# --- crontab.example ----------------------------------------------------------------------------------------
_SCHEDULE = re.compile(r"^(@reboot|@hourly|@daily|(\S+\s+){4}\S+)\s+(?P<command>.+)$")


def _cron_entries() -> list[str]:
    entries = []
    for line in (ROOT / "crontab.example").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or re.match(r"^[A-Z_]+=", line):
            continue
        match = _SCHEDULE.match(line)
        assert match, f"not a crontab entry: {line}"
        entries.append(line)
    return entries


def test_crontab_has_hourly_enqueue_reboot_processor_and_mailed_daily_status() -> None:
    entries = _cron_entries()
    assert any(e.startswith("7 * * * *") and "scoutly enqueue" in e for e in entries)
    assert any(e.startswith("@reboot") and "scoutly process" in e and "--drain" not in e for e in entries)
    assert any(re.match(r"^\d+ \d+ \* \* \* ", e) and "scoutly status" in e for e in entries)
    text = (ROOT / "crontab.example").read_text(encoding="utf-8")
    assert re.search(r"^MAILTO=", text, re.MULTILINE)
    assert "logs/cron-" in text
    assert "anacron" in text and "scripts/catchup.sh" in text


# --- shell scripts ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_shell_script_parses_and_is_executable(script: Path) -> None:
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert script.stat().st_mode & stat.S_IXUSR
    if shutil.which("shellcheck"):
        check = subprocess.run(["shellcheck", "-S", "warning", str(script)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout


def _install_dry_run(*args: str) -> str:
    result = subprocess.run(
        ["bash", str(PI / "install.sh"), "--dry-run", "--user", ME, *args],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "nothing was installed or changed" in result.stdout
    return result.stdout


def test_install_dry_run_systemd_installs_rendered_units() -> None:
    out = _install_dry_run("--systemd", "--mongodb", "docker")
    assert "apt-get install -y -qq chromium python3-venv" in out
    assert f"pip install -q {ROOT}" in out
    assert f"docker compose --project-directory {ROOT} up -d mongodb" in out  # (through sudo unless root)
    for unit in ("scoutly-processor.service", "scoutly-enqueue.service", "scoutly-enqueue.timer"):
        assert f"+ write /etc/systemd/system/{unit}" in out
    assert f"ExecStart={ROOT}/.venv/bin/scoutly --env-file {ROOT}/.env process" in out
    assert f"User={ME}" in out
    assert "systemctl enable --now scoutly-processor.service scoutly-enqueue.timer" in out
    assert "@USER@" not in out and "@APP_DIR@" not in out and "@LOG_DIR@" not in out
    assert "crontab -u" not in out  # no mail asked for: cron untouched


def test_install_dry_run_cron_installs_the_crontab_block_with_paths_and_mailto() -> None:
    out = _install_dry_run("--cron", "--mongodb", "none", "--mailto", "me@example.org")
    assert "docker compose" not in out and "systemctl" not in out
    assert f"SCOUTLY={ROOT}" in out and 'MAILTO="me@example.org"' in out
    assert "scoutly enqueue >> logs/cron-enqueue.log" in out and "@reboot" in out
    assert "scripts/catchup.sh" not in out  # the laptop variant stays commented out
    assert f"{ROOT}/logs/cron-*.log {{" in out  # logrotate rendered


def test_install_merges_its_crontab_block_idempotently_and_keeps_the_users_lines(tmp_path: Path) -> None:
    """install.sh's real crontab merge (sourced, with `crontab` replaced by a stand-in that uses a file)."""
    table = tmp_path / "crontab"
    table.write_text("MAILTO=me@example.org\n0 3 * * * /home/me/backup-photos.sh\n", encoding="utf-8")
    script = f"""
        source {PI / "install.sh"}
        crontab() {{  # crontab -u USER -l | crontab -u USER -
            if [ "$3" = -l ]; then cat {table}; else cat > {table}; fi
        }}
        SUDO="" RUN_USER=me MAILTO=ops@example.org DRY_RUN=no
        set_user_crontab "$(crontab_block)"
        set_user_crontab "$(crontab_block)"
    """
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    text = table.read_text(encoding="utf-8")
    assert text.startswith("MAILTO=me@example.org\n0 3 * * * /home/me/backup-photos.sh\n")  # untouched
    assert text.count("# BEGIN scoutly") == 1 and text.count("# END scoutly") == 1
    block = text[text.index("# BEGIN scoutly"):]
    assert 'MAILTO="ops@example.org"' in block and f"SCOUTLY={ROOT}" in block
    assert block.count("scoutly enqueue") == 1 and block.count("@reboot") == 1


def test_install_rejects_unknown_options() -> None:
    result = subprocess.run(["bash", str(PI / "install.sh"), "--bogus"], capture_output=True, text=True)
    assert result.returncode == 2 and "unknown option --bogus" in result.stderr


def test_update_dry_run_backs_up_pulls_reinstalls_and_restarts() -> None:
    result = subprocess.run(["bash", str(PI / "update.sh"), "--dry-run", "--mongodb"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    steps = [line for line in result.stdout.splitlines() if line.startswith("+ ")]
    assert steps[0] == "+ scripts/backup-mongo.sh"
    assert steps[1] == f"+ git -C {ROOT} pull --ff-only"
    assert steps[2] == f"+ {ROOT}/.venv/bin/python -m pip install -q {ROOT}"
    assert any("scoutly process" in step or "restart scoutly-processor" in step for step in steps)
    assert [re.sub(r"^\+ (sudo )?", "+ ", step) for step in steps[-2:]] == [
        "+ docker compose pull mongodb", "+ docker compose up -d mongodb"
    ]


def test_uninstall_dry_run_removes_scheduling_but_keeps_data() -> None:
    result = subprocess.run(["bash", str(PI / "uninstall.sh"), "--dry-run", "--user", ME],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "systemctl disable --now scoutly-processor.service scoutly-enqueue.timer" in result.stdout
    assert "rm -f /etc/logrotate.d/scoutly" in result.stdout
    assert "down -v" not in result.stdout and "volume rm" not in result.stdout


def _units(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(PI / name, encoding="utf-8")
    return parser


def test_systemd_units_restart_on_failure_and_time_the_enqueue_hourly() -> None:
    processor = _units("scoutly-processor.service")
    assert processor["Service"]["Restart"] == "on-failure"
    assert processor["Service"]["ExecStart"].endswith(" process")
    assert processor["Install"]["WantedBy"] == "multi-user.target"
    assert int(processor["Service"]["TimeoutStopSec"]) >= 60  # room for the graceful SIGTERM drain
    enqueue = _units("scoutly-enqueue.service")
    assert enqueue["Service"]["Type"] == "oneshot" and enqueue["Service"]["ExecStart"].endswith(" enqueue")
    timer = _units("scoutly-enqueue.timer")
    assert timer["Timer"]["OnCalendar"] == "hourly" and timer["Timer"]["Persistent"] == "true"


def test_units_deny_private_addresses_but_what_install_allows() -> None:
    out = _install_dry_run("--systemd", "--mongodb", "docker")
    denied = re.findall(r"^\s*IPAddressDeny=(.*)$", out, re.MULTILINE)
    allowed = re.findall(r"^\s*IPAddressAllow=(.*)$", out, re.MULTILINE)
    assert len(denied) == len(allowed) == 2  # processor and enqueue
    for ranges in ("localhost", "link-local", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
                   "fc00::/7"):
        assert ranges in denied[0].split()
    assert "localhost" in allowed[0].split()  # MongoDB from compose listens on 127.0.0.1
    assert "@IP_ALLOW@" not in out


def test_egress_allow_names_mongodb_dns_servers_and_allowed_networks(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("MONGODB_URI=mongodb://app:pw@10.1.2.3:27017,[fd00::5]:27018/scoutly?authSource=scoutly\n"
                   'SCOUTLY_ALLOW_NETWORKS="10.9.0.0/16, 192.168.7.0/24"\n', encoding="utf-8")
    resolv = tmp_path / "resolv.conf"
    resolv.write_text("# from DHCP\nnameserver 192.168.1.1\nnameserver fe80::1%eth0\nsearch lan\n", encoding="utf-8")
    result = subprocess.run([str(PI / "egress-allow.sh"), str(env)], capture_output=True, text=True, timeout=30,
                            env={**os.environ, "EGRESS_RESOLV_CONF": str(resolv)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["10.1.2.3", "fd00::5", "192.168.1.1", "fe80::1", "10.9.0.0/16", "192.168.7.0/24"]
    assert "pw" not in result.stdout + result.stderr


def test_egress_allow_says_when_mongodbs_host_cannot_be_resolved(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("MONGODB_URI=mongodb://db.invalid:27017/scoutly\n", encoding="utf-8")
    resolv = tmp_path / "resolv.conf"
    resolv.write_text("nameserver 127.0.0.53\n", encoding="utf-8")
    result = subprocess.run([str(PI / "egress-allow.sh"), str(env)], capture_output=True, text=True, timeout=30,
                            env={**os.environ, "EGRESS_RESOLV_CONF": str(resolv)})
    assert result.returncode == 0
    assert result.stdout.split() == ["localhost"]  # the DNS server (127.0.0.53) is loopback
    assert "cannot resolve MongoDB's host db.invalid" in result.stderr


def test_systemd_accepts_the_rendered_units(tmp_path: Path) -> None:
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed")
    names = ["scoutly-processor.service", "scoutly-enqueue.service", "scoutly-enqueue.timer"]
    for name in names:
        text = (PI / name).read_text(encoding="utf-8").replace("@USER@", ME).replace("@APP_DIR@", str(ROOT))
        text = text.replace("@IP_ALLOW@", "localhost 192.168.1.1 fe80::1 10.9.0.0/16")
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", *(f"./{n}" for n in names)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    complaints = [line for line in (result.stdout + result.stderr).splitlines() if str(tmp_path) in line]
    assert result.returncode == 0 and not complaints, complaints


def test_logrotate_config_is_accepted_by_logrotate(tmp_path: Path) -> None:
    text = (PI / "logrotate.conf").read_text(encoding="utf-8")
    assert "copytruncate" in text and "@LOG_DIR@/cron-*.log" in text
    if not shutil.which("logrotate"):
        pytest.skip("logrotate is not installed")
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "cron-enqueue.log").write_text("x\n")
    conf = tmp_path / "scoutly"
    conf.write_text(text.replace("@LOG_DIR@", str(logs)).replace("@USER@", ME), encoding="utf-8")
    conf.chmod(0o644)
    state = tmp_path / "state"
    result = subprocess.run(["logrotate", "--debug", "--state", str(state), str(conf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "error" not in result.stderr.lower()


def test_guide_steps_are_each_backed_by_a_file() -> None:
    guide = (PI / "GUIDE.md").read_text(encoding="utf-8")
    mentioned = set(re.findall(r"`((?:deploy/pi|scripts)/[\w./-]+|docker-compose\.yml|crontab\.example|"
                               r"\.env\.example|scoutly-[\w.-]+\.(?:service|timer))`", guide))
    assert len(mentioned) >= 10
    for name in mentioned:
        path = PI / name if name.startswith("scoutly-") else ROOT / name
        assert path.is_file(), f"GUIDE.md mentions {name}, which does not exist"
    for topic in ("SSD", "swap", "Pi 4", "mongo:4.4", "mongodump", "Update", "scoutly status"):
        assert topic in guide


# --- helper scripts, run against stand-ins ----------------------------------------------------------------
def _fake_checkout(tmp_path: Path, script: str) -> Path:
    checkout = tmp_path / "checkout"
    (checkout / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / script, checkout / "scripts" / script)
    return checkout


def _stand_in(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/usr/bin/env bash\n" + body, encoding="utf-8")
    path.chmod(0o755)


def test_catchup_enqueues_then_drains_with_a_runtime_bound(tmp_path: Path) -> None:
    checkout = _fake_checkout(tmp_path, "catchup.sh")
    calls = tmp_path / "calls"
    _stand_in(checkout / ".venv" / "bin" / "scoutly", f'echo "$*" >> {calls}\n')
    result = subprocess.run([str(checkout / "scripts" / "catchup.sh")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert calls.read_text().splitlines() == ["enqueue", "process --drain --max-runtime 2h"]


def test_catchup_does_nothing_while_another_run_holds_the_lock(tmp_path: Path) -> None:
    checkout = _fake_checkout(tmp_path, "catchup.sh")
    calls = tmp_path / "calls"
    _stand_in(checkout / ".venv" / "bin" / "scoutly", f'echo "$*" >> {calls}\n')
    (checkout / "logs").mkdir()
    lock = checkout / "logs" / ".catchup.lock"
    holder = subprocess.Popen(["flock", str(lock), "sleep", "5"])
    try:
        for _ in range(100):  # wait until the holder has the lock
            if subprocess.run(["flock", "-n", str(lock), "true"]).returncode != 0:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the stand-in holder never took the lock")
        result = subprocess.run([str(checkout / "scripts" / "catchup.sh")], capture_output=True, text=True)
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 0 and "another run" in result.stderr
    assert not calls.exists()


def test_backup_writes_a_private_archive_and_keeps_the_newest(tmp_path: Path) -> None:
    checkout = _fake_checkout(tmp_path, "backup-mongo.sh")
    bin_dir = tmp_path / "bin"
    # stand-in for `docker compose exec -T mongodb sh -c 'mongodump …'`: prints an archive
    _stand_in(bin_dir / "docker", 'case "$*" in *mongodump*) printf "ARCHIVE";; *) exit 1;; esac\n')
    backups = checkout / "backups"
    backups.mkdir()
    for day in ("01", "02", "03"):
        (backups / f"scoutly-202611{day}-030000.archive.gz").write_text("old")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "KEEP": "2"}
    result = subprocess.run([str(checkout / "scripts" / "backup-mongo.sh")], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    kept = sorted(p.name for p in backups.iterdir())
    assert len(kept) == 2 and kept[0] == "scoutly-20261103-030000.archive.gz"
    newest = backups / kept[1]
    assert newest.read_text() == "ARCHIVE" and stat.S_IMODE(newest.stat().st_mode) == 0o600


def test_backup_keeps_nothing_when_the_dump_fails(tmp_path: Path) -> None:
    checkout = _fake_checkout(tmp_path, "backup-mongo.sh")
    bin_dir = tmp_path / "bin"
    _stand_in(bin_dir / "docker", "exit 1\n")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    result = subprocess.run([str(checkout / "scripts" / "backup-mongo.sh")], capture_output=True, text=True, env=env)
    assert result.returncode != 0
    assert list((checkout / "backups").iterdir()) == []


def test_restore_refuses_without_yes(tmp_path: Path) -> None:
    checkout = _fake_checkout(tmp_path, "restore-mongo.sh")
    archive = tmp_path / "b.archive.gz"
    archive.write_text("ARCHIVE")
    result = subprocess.run([str(checkout / "scripts" / "restore-mongo.sh"), str(archive)],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "--yes" in result.stderr


# --- deploy/pi/check-pi.sh against fake /proc trees ------------------------------------------------------
PI5_FEATURES = "fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp"
PI4_FEATURES = "fp asimd evtstrm crc32 cpuid"


def _fake_board(tmp_path: Path, *, model: str, features: str, mem_kb: int, swap_kb: int, rootdev: str) -> Path:
    root = tmp_path / "board"
    (root / "proc" / "device-tree").mkdir(parents=True)
    (root / "proc" / "device-tree" / "model").write_bytes(model.encode() + b"\0")
    (root / "proc" / "cpuinfo").write_text(f"processor\t: 0\nBogoMIPS\t: 108.00\nFeatures\t: {features}\n")
    (root / "proc" / "meminfo").write_text(f"MemTotal:       {mem_kb} kB\nSwapTotal:      {swap_kb} kB\n")
    (root / "arch").write_text("aarch64\n")
    (root / "rootdev").write_text(rootdev + "\n")
    return root


def _check_pi(root: Path, *args: str) -> str:
    result = subprocess.run([str(PI / "check-pi.sh"), *args], capture_output=True, text=True, timeout=30,
                            env={**os.environ, "CHECK_PI_ROOT": str(root)})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_check_pi_on_a_pi_5_with_an_ssd(tmp_path: Path) -> None:
    root = _fake_board(tmp_path, model="Raspberry Pi 5 Model B Rev 1.0", features=PI5_FEATURES,
                       mem_kb=8_245_000, swap_kb=524_284, rootdev="/dev/nvme0n1p2")
    out = _check_pi(root)
    assert "board: Raspberry Pi 5 Model B Rev 1.0, aarch64" in out
    assert "ok:   MongoDB image: mongo:8.0" in out
    assert "ok:   memory: 8 GB" in out and "ok:   swap: 511 MB" in out
    assert "on /dev/nvme0n1p2 (SSD/USB disk)" in out and "warn:" not in out
    assert _check_pi(root, "--mongo-image").strip() == "mongo:8.0"


def test_check_pi_on_a_pi_4_with_an_sd_card_and_no_swap(tmp_path: Path) -> None:
    root = _fake_board(tmp_path, model="Raspberry Pi 4 Model B Rev 1.4", features=PI4_FEATURES,
                       mem_kb=3_884_000, swap_kb=0, rootdev="/dev/mmcblk0p2")
    out = _check_pi(root)
    assert "MONGO_IMAGE=mongo:4.4" in out
    assert "warn: memory: 4 GB: use SCOUTLY_CONCURRENCY=2" in out
    assert "warn: no swap" in out
    assert "warn: MongoDB's data (/) is on the SD card (/dev/mmcblk0p2)" in out
    assert _check_pi(root, "--mongo-image").strip() == "mongo:4.4"
