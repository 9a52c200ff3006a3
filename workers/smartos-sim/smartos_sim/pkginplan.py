"""What a pkgin install or upgrade changes: the packages to install, upgrade or refresh (with
their dependencies) and the order to install them in."""
from . import pkgmatch
from .pkgcommon import pkgbase, pkgversion


class Plan:
    def __init__(self):
        self.install, self.upgrade, self.refresh = [], [], []   # PKGNAMEs (new names)
        self.replaces = {}      # new PKGNAME -> installed PKGNAME it replaces
        self.keep = set()       # explicitly requested
        self.missing = []       # requested patterns that are not available
        self.unmet = []         # (dependency pattern, needed by)

    @property
    def all(self):
        return self.install + self.upgrade + self.refresh


def _deps_of(record):
    return record.getall("DEPENDS")


def plan_changes(db, available, requests, upgrade_all=False):
    """Work out what to install/upgrade for `requests` (patterns) -> Plan."""
    plan = Plan()
    installed = {pkgbase(n): n for n in db.installed()}
    names = list(available)
    chosen = {}       # base -> pkgname (planned)
    order = []

    def planned_or_installed(pattern):
        for base, name in list(chosen.items()) + list(installed.items()):
            if pkgmatch.pkg_match(pattern, chosen.get(base, name)):
                return True
        return False

    def want(pkgname, explicit):
        base = pkgbase(pkgname)
        if chosen.get(base) == pkgname:
            return
        current = installed.get(base)
        chosen[base] = pkgname
        if current == pkgname:
            # same version: refresh only if the repository rebuilt it (BUILD_DATE differs)
            info = db.info(current)
            record = available[pkgname][0]
            if upgrade_all and record.get("BUILD_DATE") and info.get("BUILD_DATE") \
                    and record.get("BUILD_DATE") != info.get("BUILD_DATE"):
                plan.refresh.append(pkgname)
                plan.replaces[pkgname] = current
        elif current:
            plan.upgrade.append(pkgname)
            plan.replaces[pkgname] = current
        else:
            plan.install.append(pkgname)
        for dep in _deps_of(available[pkgname][0]):
            if planned_or_installed(dep):
                continue
            match = pkgmatch.best_match(dep, names)
            if match is None:
                plan.unmet.append((dep, pkgname))
                continue
            want(match, False)
        order.append(pkgname)

    for request in requests:
        try:
            match = pkgmatch.best_match(request, names)
        except ValueError:
            match = None
        if match is None:
            plan.missing.append(request)
            continue
        plan.keep.add(match)
        want(match, True)
    if upgrade_all:
        for base, current in sorted(installed.items()):
            newest = pkgmatch.best_match(f"{base}-[0-9]*", [n for n in names if pkgbase(n) == base])
            if newest and (pkgmatch.dewey_cmp(pkgversion(newest), pkgversion(current)) > 0
                           or newest == current):
                want(newest, False)
    position = {name: i for i, name in enumerate(order)}
    for bucket in (plan.install, plan.upgrade, plan.refresh):
        bucket.sort(key=lambda n: position.get(n, 0))
    return plan


def install_order(available, names):
    """Dependencies before the packages that need them."""
    pending = list(names)
    done = []
    while pending:
        progressed = False
        for name in list(pending):
            deps = _deps_of(available[name][0])
            if all(not any(pkgmatch.pkg_match(d, other) for other in pending if other != name)
                   for d in deps):
                done.append(name)
                pending.remove(name)
                progressed = True
        if not progressed:
            done.extend(pending)
            break
    return done
