"""Every shipped flavour builds on the simulator, and the catalogue behind it is consistent as a
real pkgsrc branch is: every DEPENDS resolves in its repository, an origin's packages satisfy
each other, and after a full upgrade nothing is left to upgrade."""
import pytest
from origin_ci.flavours import load_flavours
from origin_ci.pkgsrc.match import best_match, pkg_match

from smartos_sim import catalog, origins, pkgcommon, pkgrepo

from .conftest import PKGIN, REPO

FLAVOURS = {flavour.origin_uuid: flavour for flavour in load_flavours(REPO / "config" / "flavours.yaml")}


@pytest.mark.parametrize("branch", catalog.BRANCHES.values(), ids=lambda b: f"{b.name}/{b.arch}")
def test_every_dependency_resolves_and_origins_satisfy_their_own(branch):
    names = [version.pkgname for version in branch.versions]
    for version in branch.versions:
        for pattern in version.depends:
            assert best_match(pattern, names), f"{pattern}, needed by {version.pkgname}"
    for pkgname in branch.origin_installed:
        for pattern in branch.version(pkgname).depends:
            assert any(pkg_match(pattern, other) for other in branch.origin_installed), \
                f"{pattern}, needed by {pkgname} in the origin"


def test_every_origin_has_a_shipped_flavour():
    assert sorted(FLAVOURS) == sorted(origin.uuid for origin in origins.ORIGINS)


@pytest.mark.parametrize("origin", origins.ORIGINS, ids=lambda o: o.title)
def test_every_shipped_flavour_installs_and_upgrades(simi, origin):
    flavour = FLAVOURS[origin.uuid]
    vm, installed = simi.build_flavour(origin.uuid, flavour.packages, flavour.upgrade)
    for pattern in flavour.packages:
        assert any(pkg_match(pattern, name) for name in installed), pattern
    if flavour.upgrade:
        available = [r["PKGNAME"] for r in pkgrepo.repository_records(simi.root, origin.branch, origin.arch)]
        stale = {name for name in installed
                 if best_match(f"{pkgcommon.pkgbase(name)}-[0-9]*", available) != name}
        assert not stale
        again = simi.run("zlogin", vm, PKGIN, "-y", "full-upgrade", check=True)
        assert "nothing to upgrade." in again.stdout
    else:
        assert set(flavour.packages) <= installed
