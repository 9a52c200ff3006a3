"""`origin-ci`: the operator's command line.

Each feature area owns a module exposing ``register(subparsers)``; this module only
assembles them, so adding a command never means editing another area's code.
"""
import argparse
import importlib
import sys

COMMAND_MODULES = [
    "origin_ci.flavours_cli",
    "origin_ci.imgapi.cli",
    "origin_ci.pkgsrc.cli",
    "origin_ci.sim_cli",
]


def build_parser():
    parser = argparse.ArgumentParser(prog="origin-ci", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
