"""What an image contains: the `pkg_info -X -a` output recorded in the build zone."""
from origin_ci.pkgsrc.match import pkg_match
from origin_ci.pkgsrc.summary import parse_pkg_summary


def installed_packages(pkg_info_output):
    """Sorted PKGNAMEs from `pkg_info -X -a` output (pkg_summary format, bytes)."""
    return sorted(record.pkgname for record in parse_pkg_summary(pkg_info_output))


def unmet_requests(requested, installed):
    """The requested names or patterns that no installed package satisfies."""
    return [pattern for pattern in requested
            if not any(pkg_match(pattern, pkgname) for pkgname in installed)]
