"""`zlogin [-dinCEINQS] [-e c] [-l user] zonename [command [args ...]]` for simulated zones.

As the real zlogin: options before the zone name (getopt), the zone must exist and be running,
the arguments are joined into one command string for the zone's shell (an argument holding a
space or tab is single-quoted when there are several), and the exit status is the command's.
With no command and a non-tty stdin, stdin is run as a script.
"""
import sys

from . import argparsing, clidata
from .errors import SetupError, ToolError
from .state import State
from .zonecmds import ZoneContext, make_shell
from .zones import ZoneStore

USAGE = "usage: zlogin [-dinCEINQS] [-e cmdchar] [-l user] zonename [command [args ...] ]"


class _Stdin:
    """The caller's stdin, read only if a command in the zone reads it."""

    def __init__(self, stream):
        self.stream = stream
        self.data = None

    def read(self):
        if self.data is None:
            try:
                self.data = self.stream.read() if self.stream is not None else b""
            except (OSError, ValueError):
                self.data = b""
        return self.data


def assemble(args):
    if len(args) == 1:
        return args[0]
    return " ".join(f"'{a}'" if (" " in a or "\t" in a) else a for a in args)


def main(argv, stdin=None, out=None, err=None):
    stdin = stdin if stdin is not None else getattr(sys.stdin, "buffer", None)
    out = out or sys.stdout.buffer
    err = err or sys.stderr.buffer
    try:
        opts, rest = argparsing.getopt_parse(clidata.zlogin_getopt_string(), argv, "zlogin")
    except ToolError as error:
        err.write(f"{error.message}\n{USAGE}\n".encode())
        return 2
    if not rest:
        err.write(f"{USAGE}\n".encode())
        return 2
    zonename, command = rest[0], rest[1:]
    flags = {flag for flag, _ in opts}
    try:
        state = State.from_env()
    except SetupError as error:
        err.write(f"zlogin: smartos-sim: {error}\n".encode())
        return 1
    if zonename == "global":
        err.write(b"zlogin: 'zlogin' not applicable to the global zone\n")
        return 1
    zones = ZoneStore(state)
    vm = zones.find(zonename)
    if vm is None:
        err.write(f"zlogin: zone '{zonename}' unknown\n".encode())
        return 1
    if "C" in flags:
        err.write(b"zlogin: smartos-sim does not emulate the zone console (-C)\n")
        return 1
    if vm.get("state") != "running":
        err.write(f"zlogin: login allowed only to running zones ({zonename} is "
                  f"'{vm.get('zone_state', 'installed')}').\n".encode())
        return 1
    ctx = ZoneContext(state, zones, vm)
    shell = make_shell(ctx)
    lazy = _Stdin(stdin)
    if command:
        text, script_stdin = assemble(command), lazy
    else:
        text, script_stdin = lazy.read().decode(errors="replace"), b""
    status = shell.run(text, script_stdin, out, err)
    out.flush()
    if ctx.shutdown_requested:
        with state.lock(f"zone-{vm['uuid']}"):
            current = zones.get(vm["uuid"])
            if current is not None:
                zones.set_running(current, False)
    return status
