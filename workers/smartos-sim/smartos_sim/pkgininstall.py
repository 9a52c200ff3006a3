"""pkgin install, upgrade and full-upgrade: plan, print the plan in pkgin's style, ask, fetch
the package tarballs into pkgin's cache and install them into the zone's pkgdb."""
import os
import time

from .pkgcommon import read_stdin, write
from .pkginplan import install_order, plan_changes
from .pkginrepos import PKGIN_DB


def _human(size):
    size = float(size)
    for unit in ("B", "K", "M", "G"):
        if size < 1024 or unit == "G":
            return f"{size:.0f}{unit}" if unit == "B" else f"{size:.{0 if size >= 10 else 1}f}{unit}"
        size /= 1024


def install(ctx, db, remote, requests, upgrade_all, flags, stdin, out, err, style):
    if style == "modern":
        write(out, "reading local summary...\nprocessing local summary...\n")
    available = remote.records(out, style)
    write(out, "calculating dependencies..." + ("done.\n" if style == "modern" else " done.\n"))
    plan = plan_changes(db, available, requests, upgrade_all=upgrade_all)
    if plan.missing:
        where = "on" if style == "legacy" else "in"
        for request in plan.missing:
            write(err, f"{request} is not available {where} the repository\n")
        return 1
    if plan.unmet:
        for dep, needed_by in plan.unmet:
            write(err, f"{dep}, needed by {needed_by} is not present in this system.\n")
        write(err, "the following packages have unmet requirements: "
              + " ".join(sorted({n for _, n in plan.unmet})) + "\n")
        return 1
    if not plan.all:
        for name in sorted(plan.keep):
            if name in db.installed() and db.info(name)["automatic"]:
                db.set_automatic(name, False)
                write(out, f"marking {name} as non auto-removable\n")
        write(out, "nothing to upgrade.\n" if upgrade_all else "nothing to do.\n")
        return 0
    download = sum(int(available[n][0].get("FILE_SIZE") or 0) for n in plan.all)
    disk = sum(int(available[n][0].get("SIZE_PKG") or 0) for n in plan.all) - sum(
        int(db.info(old)["SIZE_PKG"] or 0) for old in plan.replaces.values())
    if style == "modern":
        for label, bucket in (("refresh", plan.refresh), ("upgrade", plan.upgrade),
                              ("install", plan.install)):
            if bucket:
                write(out, f"{len(bucket)} package{'s' if len(bucket) != 1 else ''} to {label}:\n  "
                      + " ".join(sorted(bucket)) + "\n")
        write(out, f"0 to remove, {len(plan.refresh)} to refresh, {len(plan.upgrade)} to upgrade, "
                   f"{len(plan.install)} to install\n")
        write(out, f"{_human(download)} to download, {_human(max(disk, 0))} of additional disk space "
                   "will be used\n")
    else:
        if plan.upgrade or plan.refresh:
            write(out, f"\n{len(plan.upgrade) + len(plan.refresh)} packages to be upgraded: "
                  + " ".join(sorted(plan.upgrade + plan.refresh)) + "\n")
        write(out, f"\n{len(plan.all)} packages to be installed ({_human(download)} to download, "
                   f"{_human(max(disk, 0))} to install):\n\n" + " ".join(sorted(plan.all)) + "\n\n")
    if "n" in flags:
        return 0
    if "y" not in flags:
        write(out, "proceed ? [Y/n] ")
        answer = read_stdin(stdin).decode(errors="replace").strip().lower()[:1]
        if answer == "n":
            write(out, "user aborted.\n")
            return 1
    slow = float(os.environ.get("SMARTOS_SIM_SLOW_SECONDS") or 0)
    cache = ctx.host_path(PKGIN_DB + "/cache")
    cache.mkdir(parents=True, exist_ok=True)
    total = len(plan.all)
    ordered = plan.all
    tarballs = {}
    if style == "legacy":
        write(out, "downloading packages...\n")
    for index, name in enumerate(ordered, 1):
        record, url = available[name]
        data = remote.fetch(f"{url}/{record.get('FILE_NAME') or name + '.tgz'}")
        if data is None:
            write(err, f"download error: {url}/{name}.tgz not found\n")
            return 1
        (cache / f"{name}.tgz").write_bytes(data)
        tarballs[name] = data
        write(out, f"[{index}/{total}] downloading {name}.tgz done.\n" if style == "modern"
              else f"downloading {name}.tgz done.\n")
    if style == "legacy":
        write(out, "installing packages...\n")
    for index, name in enumerate(install_order(available, ordered), 1):
        if slow:
            time.sleep(slow)
        verb = "upgrading" if name in plan.upgrade else "refreshing" if name in plan.refresh else "installing"
        write(out, f"[{index}/{total}] {verb} {name}...\n" if style == "modern" else f"{verb} {name}...\n")
        if name in plan.replaces:
            db.replace(plan.replaces[name], tarballs[name])
            if name in plan.keep:
                db.set_automatic(name, False)
        else:
            db.install(tarballs[name], automatic=name not in plan.keep)
    write(out, "pkg_install warnings: 0, errors: 0\nreading local summary...\nprocessing local summary...\n")
    if style == "legacy":
        for name in sorted(plan.keep):
            write(out, f"marking {name} as non auto-removable\n")
    return 0
