"""Size plan: dependency closure by best match, installed packages cost nothing."""
import pytest

from origin_ci.pkgsrc.sizeplan import SizePlanError, SizeStep, Unresolved, read_installed, size_plan
from origin_ci.pkgsrc.summary import SummaryRecord, parse_pkg_summary


def record(pkgname, size, *depends):
    return SummaryRecord([("PKGNAME", pkgname), ("SIZE_PKG", str(size))] + [("DEPENDS", d) for d in depends])


REPO = [
    record("nginx-1.20.2", 1000, "pcre-[0-9]*", "openssl>=1.1.1"),
    record("nginx-1.21.4", 1100, "pcre-[0-9]*", "openssl>=1.1.1"),
    record("pcre-8.45", 200),
    record("openssl-1.1.1k", 3000, "zlib>=1.2"),
    record("openssl-1.1.1w", 3100, "zlib>=1.2"),
    record("zlib-1.2.13", 50),
    record("haproxy-2.4.0", 900, "openssl>=1.1.1", "lua54-[0-9]*"),
    record("loop-a-1", 1, "loop-b-[0-9]*"),
    record("loop-b-1", 2, "loop-a-[0-9]*"),
]


def test_cumulative_and_incremental_in_request_order():
    steps = size_plan(["nginx", "haproxy"], REPO)
    assert steps[0] == SizeStep("nginx", "nginx-1.21.4", ("pcre-8.45", "zlib-1.2.13", "openssl-1.1.1w", "nginx-1.21.4"),
                                200 + 50 + 3100 + 1100, 4450, ())
    # haproxy's openssl is already there; lua54 is nowhere.
    assert steps[1] == SizeStep("haproxy", "haproxy-2.4.0", ("haproxy-2.4.0",), 900, 5350,
                                (Unresolved("haproxy-2.4.0", "lua54-[0-9]*"),))


def test_installed_packages_satisfy_dependencies():
    (step,) = size_plan(["nginx>=1.21"], REPO, installed=["openssl-1.1.1k", "zlib-1.2.11"])
    assert step.added == ("pcre-8.45", "nginx-1.21.4") and step.incremental == 1300


def test_installed_but_too_old_does_not_satisfy():
    (step,) = size_plan(["nginx"], REPO, installed=["openssl-1.0.2u", "zlib-1.2.13", "pcre-8.45"])
    assert step.added == ("openssl-1.1.1w", "nginx-1.21.4")


def test_request_already_installed_costs_nothing():
    assert size_plan(["pcre"], REPO, installed=["pcre-8.44"]) == [SizeStep("pcre", "pcre-8.44", (), 0, 0, ())]


def test_unknown_request():
    (step,) = size_plan(["emacs"], REPO)
    assert step.package is None and step.unresolved == (Unresolved(None, "emacs"),)


def test_dependency_cycle_terminates():
    (step,) = size_plan(["loop-a"], REPO)
    assert step.added == ("loop-b-1", "loop-a-1") and step.incremental == 3


def test_source_style_depends_with_path():
    repo = [record("a-1", 10, "b>=1:../../devel/b"), record("b-1", 5)]
    assert size_plan(["a"], repo)[0].added == ("b-1", "a-1")


def test_bad_size():
    with pytest.raises(SizePlanError, match="SIZE_PKG"):
        size_plan(["a"], [SummaryRecord([("PKGNAME", "a-1")])])


def test_read_installed_formats():
    summary = b"PKGNAME=zlib-1.2.13\nSIZE_PKG=1\n\nPKGNAME=pcre-8.45\nSIZE_PKG=2\n"
    assert read_installed(summary) == ["zlib-1.2.13", "pcre-8.45"]
    listing = b"zlib-1.2.13         General purpose data compression library\n\npcre-8.45\n"
    assert read_installed(listing) == ["zlib-1.2.13", "pcre-8.45"]


def test_plan_from_a_parsed_summary():
    text = b"".join(
        b"PKGNAME=%s\nSIZE_PKG=%d\n%s\n" % (r.pkgname.encode(), int(r.get("SIZE_PKG")),
                                          b"".join(b"DEPENDS=%s\n" % d.encode() for d in r.getall("DEPENDS")))
        for r in REPO
    )
    assert size_plan(["nginx"], parse_pkg_summary(text))[0].cumulative == 4450
