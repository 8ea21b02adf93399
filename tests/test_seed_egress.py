"""Seeding warns about careers URLs the egress policy will refuse (internal addresses and names), and seeds them:
the user may mean to allow that network with SCOUTLY_ALLOW_NETWORKS."""

from __future__ import annotations

from ipaddress import ip_network
from pathlib import Path

import pytest

from scoutly.acquire.egress import EgressPolicy
from scoutly.seeding import seed_files
from tests.helpers.cli import run_cli

ROWS = (
    "slug,name,careers_url\n"
    "public,Public,https://jobs.example.com/careers\n"
    "router,Router,http://router.lan/admin\n"
    "metadata,Metadata,http://169.254.169.254/latest/meta-data/\n"
    "office,Office,http://10.0.0.5/jobs\n"
    "hex,Hex,http://0x7f000001/\n"
)


def companies_file(tmp_path: Path) -> Path:
    path = tmp_path / "companies.csv"
    path.write_text(ROWS, encoding="utf-8")
    return path


async def test_internal_careers_urls_are_seeded_with_one_warning_each(db, tmp_path: Path) -> None:
    path = companies_file(tmp_path)
    report = await seed_files(db, companies=path, egress=EgressPolicy())
    assert report.companies.created == 5
    assert [line.split(": will not be fetched: ")[0] for line in report.warnings] == [
        f"{path}:3: careers_url", f"{path}:4: careers_url", f"{path}:5: careers_url", f"{path}:6: careers_url",
    ]
    assert "local-network name" in report.warnings[0]
    assert "169.254.169.254 is a link-local address" in report.warnings[1]
    assert "10.0.0.5 is a private address" in report.warnings[2]
    assert "127.0.0.1 is a loopback address" in report.warnings[3]  # 0x7f000001 spelled out


async def test_allowed_networks_are_not_warned_about(db, tmp_path: Path) -> None:
    policy = EgressPolicy((ip_network("10.0.0.0/8"),))
    report = await seed_files(db, companies=companies_file(tmp_path), egress=policy)
    assert not any("10.0.0.5" in line for line in report.warnings)
    # with an allow list, a local-network name is judged by what it resolves to, at fetch time
    assert [line.split(": will not be fetched: ")[1].split(":")[0] for line in report.warnings] == [
        "http", "http"]
    assert "169.254.169.254" in report.warnings[0] and "0x7f000001" in report.warnings[1]


@pytest.mark.egress_strict
def test_seed_command_prints_the_warnings_and_the_hint(monkeypatch, capsys, db_uri: str, tmp_path: Path) -> None:
    monkeypatch.setenv("MONGODB_URI", db_uri)
    code, out, err = run_cli(monkeypatch, capsys, "seed", "companies", str(companies_file(tmp_path)))
    assert code == 0, err
    assert out.strip().startswith("seeded: companies: 5 new")
    warnings = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert len([line for line in warnings if "will not be fetched" in line]) == 4
    assert "SCOUTLY_ALLOW_NETWORKS" in err
