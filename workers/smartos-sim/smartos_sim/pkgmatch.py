"""The pkgsrc pattern matcher, version comparison and pkg_summary parser of this repository
(origin_ci.pkgsrc).

The simulator matches DEPENDS and command-line patterns with the same code the service uses,
as pkg_install's and pkgin's matchers are one and the same on SmartOS.
"""


def pkg_match(pattern, pkgname):
    from origin_ci.pkgsrc.match import pkg_match as match
    return match(pattern, pkgname)


def dewey_cmp(a, b):
    from origin_ci.pkgsrc.dewey import dewey_cmp as cmp
    return cmp(a, b)


def best_match(pattern, pkgnames):
    from origin_ci.pkgsrc.match import best_match as best
    return best(pattern, list(pkgnames))


def parse_pkg_summary(data):
    from origin_ci.pkgsrc.summary import parse_pkg_summary as parse
    return parse(data)


def pattern_error():
    from origin_ci.pkgsrc.match import PatternError
    return PatternError
