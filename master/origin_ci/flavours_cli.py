"""`origin-ci flavours`: list the flavour matrix as the master will build it."""
import sys

from origin_ci.configfile import ConfigFileError
from origin_ci.flavours import load_flavours
from origin_ci.paths import DEFAULT_CONFIG_DIR


def list_flavours(args):
    try:
        flavours = load_flavours(args.file)
    except ConfigFileError as error:
        print(error, file=sys.stderr)
        return 2
    rows = [("BUILDER", "ORIGIN", "ORIGIN UUID", "PKGSRC", "PACKAGES")]
    for flavour in flavours:
        packages = " ".join(flavour.packages) + (" +full-upgrade" if flavour.upgrade else "")
        rows.append((flavour.image_name, flavour.origin_ref, flavour.origin_uuid,
                     f"{flavour.pkgsrc_branch}/{flavour.pkgsrc_arch}", packages))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1])
    return 0


def register(subparsers):
    parser = subparsers.add_parser("flavours", help="list the flavour matrix (one builder each)")
    parser.add_argument("--file", default=f"{DEFAULT_CONFIG_DIR}/flavours.yaml",
                        help="flavour file (default: %(default)s)")
    parser.set_defaults(func=list_flavours)
