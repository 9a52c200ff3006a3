"""`python -m smartos_sim TOOL ARGS...`: TOOL is vmadm, imgadm, zlogin or setup."""
import sys


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    tools = ("setup", "vmadm", "imgadm", "zlogin")
    if not argv or argv[0] not in tools:
        sys.stderr.write(f"usage: python -m smartos_sim {{{','.join(tools)}}} [ARGS...]\n")
        return 2
    tool, args = argv[0], argv[1:]
    if tool == "setup":
        from .setupcmd import main as run
    elif tool == "vmadm":
        from .vmadm import main as run
    elif tool == "imgadm":
        from .imgadm import main as run
    else:
        from .zlogin import main as run
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
