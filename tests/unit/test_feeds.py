import gzip
from types import SimpleNamespace

import pytest
import pytest_twisted

from origin_ci import feeds as feeds_module
from origin_ci.feeds import PkgsrcFeeds
from origin_ci.fetch import FetchError
from origin_ci.pkgsrc.vulnerabilities import (VulnerabilitiesError, VulnerabilityEntry,
                                              render_vulnerabilities)

PLAN = {"pkgsrc_branch": "2024Q4", "pkgsrc_arch": "x86_64"}


class Clock:
    now = 1000.0

    def __call__(self):
        return self.now


def write_vulns(path, *patterns):
    path.write_bytes(gzip.compress(render_vulnerabilities(
        [VulnerabilityEntry(p, "remote-code-execution", "https://example.org/advisory") for p in patterns])))


@pytest.fixture
def world(tmp_path):
    clock = Clock()
    repo = tmp_path / "pkgsrc" / "2024Q4" / "x86_64" / "All"
    repo.mkdir(parents=True)
    (repo / "pkg_summary.gz").write_bytes(gzip.compress(
        b"PKGNAME=curl-8.11.0\nSIZE_PKG=1\n\nPKGNAME=sudo-1.9.16p2\nSIZE_PKG=2\n"))
    write_vulns(tmp_path / "vulns.gz", "curl<8.11.1")
    return SimpleNamespace(
        feeds=PkgsrcFeeds(f"file://{tmp_path}/vulns.gz", f"file://{tmp_path}/pkgsrc", max_age=60, clock=clock),
        clock=clock, vulns_file=tmp_path / "vulns.gz")


@pytest_twisted.inlineCallbacks
def test_copies_are_shared_until_they_are_old(world):
    first = yield world.feeds.vulnerabilities()
    write_vulns(world.vulns_file, "curl<8.11.1", "sudo<1.9.16p3")
    assert (yield world.feeds.vulnerabilities()) is first
    world.clock.now += 61
    assert len((yield world.feeds.vulnerabilities()).entries) == 2


@pytest_twisted.inlineCallbacks
def test_refresh_fetches_now(world):
    yield world.feeds.vulnerabilities()
    write_vulns(world.vulns_file, "curl<8.11.1", "sudo<1.9.16p3")
    assert len((yield world.feeds.vulnerabilities(refresh=True)).entries) == 2


@pytest_twisted.inlineCallbacks
def test_repository_of_a_plan(world):
    records = yield world.feeds.repository(PLAN)
    assert [r.pkgname for r in records] == ["curl-8.11.0", "sudo-1.9.16p2"]
    assert world.feeds.repository_url(PLAN).endswith("/pkgsrc/2024Q4/x86_64/All/pkg_summary.gz")


@pytest_twisted.inlineCallbacks
def test_a_bad_file_is_an_error_and_never_replaces_the_good_copy(world):
    good = yield world.feeds.vulnerabilities()
    (world.vulns_file).write_bytes(b"#FORMAT 1.1.0\ncurl<9 x https://e/\n#CHECKSUM SHA1 00\n")
    with pytest.raises(VulnerabilitiesError):
        yield world.feeds.vulnerabilities(refresh=True)
    assert (yield world.feeds.vulnerabilities()) is good
    (world.vulns_file).unlink()
    with pytest.raises(FetchError):
        yield world.feeds.vulnerabilities(refresh=True)


@pytest_twisted.inlineCallbacks
def test_concurrent_callers_share_one_fetch(world, monkeypatch):
    fetched = []
    original = feeds_module.fetch_bytes

    def counting_fetch(url):
        fetched.append(url)
        return original(url)

    monkeypatch.setattr(feeds_module, "fetch_bytes", counting_fetch)
    first, second = world.feeds.vulnerabilities(refresh=True), world.feeds.vulnerabilities(refresh=True)
    assert (yield first) is (yield second)
    assert len(fetched) == 1
