"""What a build says about the image it made: audit findings, sizes against the USB key, and the
package diff against the last published version. Pure: the steps in `steps/report.py` feed it.

Every function returns JSON-able values, since the same data becomes build properties and the
`<name>-<version>.report.json` published beside the image.
"""
from origin_ci.pkgsrc.dewey import dewey_cmp
from origin_ci.pkgsrc.sizeplan import size_plan
from origin_ci.pkgsrc.summary import split_pkgname

# RFD 46: the whole set of images must fit on the headnode's 4 GB USB key.
DEFAULT_USB_KEY_BUDGET_BYTES = 4 * 1024 ** 3
SUCCESS, WARNINGS, FAILURE = "success", "warnings", "failure"


def human_bytes(count):
    for unit, scale in (("GiB", 1024 ** 3), ("MiB", 1024 ** 2), ("KiB", 1024)):
        if abs(count) >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} B"


# -- audit ------------------------------------------------------------------------------------
def audit_entries(findings):
    """`audit.Finding`s as the report lists them; `fixed_by` names the repository's newest
    version when that one is no longer vulnerable."""
    return [{"package": f.package, "pattern": f.pattern, "type": f.type, "url": f.url,
             "fixable": f.fixable, "fixed_by": f.newest_available if f.fixable else None}
            for f in findings]


def audit_outcome(entries, policy):
    """Any finding warns; a fixable one fails the build when the flavour's policy says so."""
    if not entries:
        return SUCCESS
    if policy == "fail" and any(entry["fixable"] for entry in entries):
        return FAILURE
    return WARNINGS


def describe_finding(entry):
    fix = {True: f"fixed by {entry['fixed_by']}", False: "no fix in the repository",
           None: "fixability unknown"}[entry["fixable"]]
    return f"{entry['package']}: {entry['type']} ({entry['url']}), {fix}"


# -- size -------------------------------------------------------------------------------------
def size_table(inventory_records, origin_packages, requests):
    """RFD 46's per-package table, from what the build really installed.

    One row per requested package in the flavour's order (what it and its dependencies add,
    `incremental_bytes`, and the running total), then one row per remaining package the image
    has and the origin did not, such as origin packages the full upgrade replaced
    (`requested` false). Sizes are the inventory's SIZE_PKG (installed bytes); the last
    row's `cumulative_bytes` is the installed size the image adds to its origin.
    """
    origin = set(origin_packages)
    new_packages = sorted(r.pkgname for r in inventory_records if r.pkgname not in origin)
    # The new packages as exact-name requests after the real ones: those the requests already
    # brought in resolve to nothing, the others get a row of their own.
    steps = size_plan(list(requests) + new_packages, inventory_records, installed=origin_packages)
    rows = []
    for position, step in enumerate(steps):
        requested = position < len(requests)
        if requested or step.added:
            rows.append({"package": step.request, "requested": requested, "installed": step.package,
                         "added": list(step.added), "incremental_bytes": step.incremental,
                         "cumulative_bytes": step.cumulative})
    return rows


def usb_key_total(images):
    """Bytes the newest image of every flavour and their origins take on the USB key; an origin
    shared by several images is there once. `images`: dicts with image_bytes, origin_uuid and
    origin_bytes."""
    origins = {image["origin_uuid"]: image["origin_bytes"] for image in images}
    return sum(image["image_bytes"] for image in images) + sum(origins.values())


def size_outcome(total_bytes, budget_bytes, policy):
    if total_bytes <= budget_bytes:
        return SUCCESS
    return FAILURE if policy == "fail" else WARNINGS


def describe_size_table(rows):
    lines = [f"{'PACKAGE':<28} {'CUMULATIVE_SIZE':>15} {'SIZE_DIFF':>12}  ADDS"]
    for row in rows:
        label = row["package"] if row["requested"] else f"{row['package']} *"
        lines.append(f"{label:<28} {row['cumulative_bytes']:>15} {row['incremental_bytes']:>12}  "
                     + " ".join(row["added"]))
    if not all(row["requested"] for row in rows):
        lines.append("* not requested: an origin package the upgrade replaced, or what such a "
                     "replacement brought in")
    return lines


# -- diff -------------------------------------------------------------------------------------
def package_diff(previous, packages):
    """What changed since the last published image of the same name.

    `previous`: (version, PKGNAMEs or None when its inventory was not recorded), or None when no
    image of this name was published. `summary` says it in words.
    """
    diff = {"previous_version": previous[0] if previous else None,
            "added": [], "removed": [], "upgraded": [], "downgraded": []}
    if previous is None:
        diff["summary"] = "first image of this name"
        return diff
    if previous[1] is None:
        diff["summary"] = f"{previous[0]} has no recorded inventory: nothing to compare"
        return diff
    before = dict(split_pkgname(name) for name in previous[1])
    after = dict(split_pkgname(name) for name in packages)
    diff["added"] = sorted(f"{base}-{after[base]}" for base in after.keys() - before.keys())
    diff["removed"] = sorted(f"{base}-{before[base]}" for base in before.keys() - after.keys())
    for base in sorted(before.keys() & after.keys()):
        order = dewey_cmp(after[base], before[base])
        if order:
            diff["upgraded" if order > 0 else "downgraded"].append(
                {"package": base, "from": before[base], "to": after[base]})
    diff["summary"] = _diff_summary(diff)
    return diff


def _diff_summary(diff):
    changes = [f"+{name}" for name in diff["added"]] + [f"-{name}" for name in diff["removed"]] + \
        [f"{c['package']} {c['from']} -> {c['to']}" for c in diff["upgraded"] + diff["downgraded"]]
    if not changes:
        return f"identical inventory to {diff['previous_version']}"
    return f"since {diff['previous_version']}: " + ", ".join(changes)


# -- the whole report ---------------------------------------------------------------------------
def report_document(image, packages, audit, audit_error, size, diff):
    """The `.report.json` published beside an image. `audit` is None when no audit could be
    done, and `audit_error` then says why: an empty list means audited and clean."""
    return {"image": image, "packages": sorted(packages), "audit": audit, "audit_error": audit_error,
            "size": size, "diff": diff}
