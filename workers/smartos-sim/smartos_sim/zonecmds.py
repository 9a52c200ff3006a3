"""Commands of a simulated zone's operating system, and the shell that runs them.

System commands (echo, cat, rm, mdata-get, shutdown, ...) behave as their SmartOS counterparts
do for the simple uses a build makes of them; pkgsrc's tools are added from `pkgtools.COMMANDS`.
"""
import re
import shutil
import time
from pathlib import Path, PurePosixPath

from . import pkgtools, zoneshell
from .pkgcommon import read_stdin
from .zoneshell import ShellExit


class ZoneContext:
    """A zone as seen from inside: its root, its VM object and the stores behind them."""

    def __init__(self, state, zones, vm):
        self.state = state
        self.zones = zones
        self.vm = vm
        self.root = zones.root(vm["uuid"])
        self.shutdown_requested = False

    def host_path(self, path, cwd="/root"):
        """Zone path -> host path inside the zone root (never outside it)."""
        pure = PurePosixPath(cwd) / path
        parts = []
        for part in pure.parts[1:]:
            if part == "..":
                if parts:
                    parts.pop()
            elif part not in (".", ""):
                parts.append(part)
        return self.root.joinpath(*parts) if parts else self.root

    def exists(self, path):
        return self.host_path(path).exists()

    def update_vm(self, change):
        """Apply change(vm) to the stored VM object under the zone's lock."""
        with self.state.lock(f"zone-{self.vm['uuid']}"):
            vm = self.zones.get(self.vm["uuid"])
            if vm is None:
                return None
            change(vm)
            self.zones.save(vm)
            self.vm = vm
            return vm


def _w(stream, text):
    stream.write(text.encode() if isinstance(text, str) else text)


def cmd_echo(sh, argv, stdin, out, err):
    args = argv[1:]
    newline = True
    if args and args[0] == "-n":
        newline, args = False, args[1:]
    _w(out, " ".join(args) + ("\n" if newline else ""))
    return 0


def cmd_printf(sh, argv, stdin, out, err):
    if len(argv) < 2:
        _w(err, "printf: usage: printf format [arguments]\n")
        return 2
    fmt = argv[1].replace("\\n", "\n").replace("\\t", "\t")
    args = argv[2:]
    try:
        _w(out, re.sub(r"%[sd]", lambda m: args.pop(0) if args else "", fmt))
    except IndexError:
        pass
    return 0


def cmd_true(sh, argv, stdin, out, err):
    return 0


def cmd_false(sh, argv, stdin, out, err):
    return 1


def cmd_exit(sh, argv, stdin, out, err):
    raise ShellExit(int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else sh.status)


def cmd_export(sh, argv, stdin, out, err):
    for arg in argv[1:]:
        key, eq, value = arg.partition("=")
        if eq:
            sh.env[key] = value
    return 0


def cmd_set(sh, argv, stdin, out, err):
    return 0  # options such as -e/-o errexit are accepted; lists stop only on exit


def cmd_cd(sh, argv, stdin, out, err):
    return 0


def cmd_test(sh, argv, stdin, out, err):
    args = argv[1:]
    if argv[0] == "[":
        if not args or args[-1] != "]":
            _w(err, "[: missing ]\n")
            return 2
        args = args[:-1]
    negate = bool(args) and args[0] == "!"
    if negate:
        args = args[1:]
    ctx = sh.ctx
    result = False
    if len(args) == 1:
        result = args[0] != ""
    elif len(args) == 2 and args[0] in ("-e", "-f", "-d", "-n", "-z", "-s", "-x", "-r", "-w"):
        op, value = args
        if op in ("-n", "-z"):
            result = (value != "") if op == "-n" else (value == "")
        else:
            path = ctx.host_path(value)
            result = {"-e": path.exists(), "-f": path.is_file(), "-d": path.is_dir(),
                      "-s": path.is_file() and path.stat().st_size > 0}.get(op, path.exists())
    elif len(args) == 3 and args[1] in ("=", "!=", "-eq", "-ne", "-gt", "-lt", "-ge", "-le"):
        a, op, b = args
        if op in ("=", "!="):
            result = (a == b) == (op == "=")
        else:
            try:
                x, y = int(a), int(b)
            except ValueError:
                _w(err, f"test: {a}: bad number\n")
                return 2
            result = {"-eq": x == y, "-ne": x != y, "-gt": x > y, "-lt": x < y, "-ge": x >= y,
                      "-le": x <= y}[op]
    return 0 if result != negate else 1


def cmd_cat(sh, argv, stdin, out, err):
    if len(argv) == 1:
        _w(out, read_stdin(stdin))
        return 0
    status = 0
    for name in argv[1:]:
        path = sh.ctx.host_path(name)
        if path.is_file():
            _w(out, path.read_bytes())
        else:
            _w(err, f"cat: cannot open {name}: No such file or directory\n")
            status = 2
    return status


def cmd_rm(sh, argv, stdin, out, err):
    flags = "".join(a[1:] for a in argv[1:] if a.startswith("-") and a != "-")
    status = 0
    for name in (a for a in argv[1:] if not a.startswith("-")):
        path = sh.ctx.host_path(name)
        if path == sh.ctx.root:
            _w(err, f"rm: cannot remove {name}\n")
            status = 2
        elif path.is_dir() and not path.is_symlink():
            if "r" in flags.lower():
                shutil.rmtree(path)
            else:
                _w(err, f"rm: {name} is a directory\n")
                status = 2
        elif path.exists() or path.is_symlink():
            path.unlink()
        elif "f" not in flags:
            _w(err, f"rm: {name}: No such file or directory\n")
            status = 2
    return status


def cmd_mkdir(sh, argv, stdin, out, err):
    parents = "-p" in argv
    for name in (a for a in argv[1:] if not a.startswith("-")):
        try:
            sh.ctx.host_path(name).mkdir(parents=parents, exist_ok=parents)
        except (FileExistsError, FileNotFoundError) as error:
            _w(err, f"mkdir: Failed to make directory \"{name}\"; {error.strerror}\n")
            return 2
    return 0


def cmd_touch(sh, argv, stdin, out, err):
    for name in (a for a in argv[1:] if not a.startswith("-")):
        path = sh.ctx.host_path(name)
        if not path.parent.is_dir():
            _w(err, f"touch: {name} cannot create\n")
            return 1
        path.touch()
    return 0


def cmd_ls(sh, argv, stdin, out, err):
    names = [a for a in argv[1:] if not a.startswith("-")] or ["."]
    status = 0
    for name in names:
        path = sh.ctx.host_path(name)
        if path.is_dir():
            for child in sorted(p.name for p in path.iterdir()):
                _w(out, child + "\n")
        elif path.exists():
            _w(out, name + "\n")
        else:
            _w(err, f"{name}: No such file or directory\n")
            status = 2
    return status


def cmd_grep(sh, argv, stdin, out, err):
    args = argv[1:]
    flags = set()
    while args and args[0].startswith("-") and len(args[0]) > 1:
        flags.update(args.pop(0)[1:])
    if not args:
        _w(err, "usage: grep [-c|-l|-q] -bhinsvw pattern_list [filename...]\n")
        return 2
    pattern, files = args[0], args[1:]
    regex = re.compile(re.escape(pattern) if "F" in flags else pattern, re.I if "i" in flags else 0)
    sources = [(None, read_stdin(stdin))] if not files else [(f, sh.ctx.host_path(f).read_bytes()
                                                  if sh.ctx.host_path(f).is_file() else None) for f in files]
    found = 0
    for name, data in sources:
        if data is None:
            _w(err, f"grep: can't open {name}\n")
            continue
        for line in data.decode(errors="replace").splitlines():
            if bool(regex.search(line)) != ("v" in flags):
                found += 1
                if "q" not in flags and "c" not in flags:
                    _w(out, line + "\n")
    if "c" in flags:
        _w(out, f"{found}\n")
    return 0 if found else 1


def cmd_wc(sh, argv, stdin, out, err):
    stdin = read_stdin(stdin)
    lines = stdin.count(b"\n")
    _w(out, f"{lines:>8}\n" if "-l" in argv else f"{lines:>8} {len(stdin.split()):>7} {len(stdin):>7}\n")
    return 0


def cmd_sleep(sh, argv, stdin, out, err):
    try:
        time.sleep(float(argv[1]))
    except (IndexError, ValueError):
        _w(err, "usage: sleep seconds\n")
        return 2
    return 0


def cmd_uname(sh, argv, stdin, out, err):
    values = {"-s": "SunOS", "-r": "5.11", "-v": "joyent_" + sh.ctx.vm.get("platform_buildstamp", ""),
              "-n": sh.ctx.vm.get("hostname", ""), "-m": "i86pc", "-p": "i386"}
    if "-a" in argv:
        _w(out, " ".join(values[k] for k in ("-s", "-n", "-r", "-v", "-m", "-p")) + " i86pc Solaris\n")
    else:
        _w(out, " ".join(values.get(a, "") for a in (argv[1:] or ["-s"])) + "\n")
    return 0


def cmd_hostname(sh, argv, stdin, out, err):
    _w(out, sh.ctx.vm.get("hostname", "") + "\n")
    return 0


def cmd_zonename(sh, argv, stdin, out, err):
    _w(out, sh.ctx.vm.get("zonename", "") + "\n")
    return 0


def _metadata_value(vm, key):
    if key.startswith("sdc:"):
        sdc = {"sdc:uuid": vm.get("uuid"), "sdc:alias": vm.get("alias"),
               "sdc:hostname": vm.get("hostname"), "sdc:zonename": vm.get("zonename"),
               "sdc:image_uuid": vm.get("image_uuid"), "sdc:server_uuid": vm.get("server_uuid"),
               "sdc:owner_uuid": vm.get("owner_uuid"), "sdc:max_physical_memory": vm.get("max_physical_memory"),
               "sdc:quota": vm.get("quota")}
        if key.startswith("sdc:operator-script"):
            return vm.get("internal_metadata", {}).get("operator-script")
        value = sdc.get(key)
        return None if value is None else str(value)
    return vm.get("customer_metadata", {}).get(key)


def cmd_mdata_get(sh, argv, stdin, out, err):
    if len(argv) != 2:
        _w(err, "Usage: mdata-get <keyname>\n")
        return 2
    value = _metadata_value(sh.ctx.vm, argv[1])
    if value is None:
        _w(err, f"No metadata for '{argv[1]}'\n")
        return 1
    _w(out, str(value) + "\n")
    return 0


def cmd_mdata_put(sh, argv, stdin, out, err):
    if len(argv) not in (2, 3):
        _w(err, "Usage: mdata-put <keyname> [ <value> ]\n")
        return 2
    value = argv[2] if len(argv) == 3 else read_stdin(stdin).decode(errors="replace")
    sh.ctx.update_vm(lambda vm: vm.setdefault("customer_metadata", {}).__setitem__(argv[1], value))
    return 0


def cmd_mdata_delete(sh, argv, stdin, out, err):
    if len(argv) != 2:
        _w(err, "Usage: mdata-delete <keyname>\n")
        return 2
    sh.ctx.update_vm(lambda vm: vm.setdefault("customer_metadata", {}).pop(argv[1], None))
    return 0


def cmd_mdata_list(sh, argv, stdin, out, err):
    for key in sorted(sh.ctx.vm.get("customer_metadata", {})):
        _w(out, key + "\n")
    return 0


def cmd_shutdown(sh, argv, stdin, out, err):
    """shutdown/poweroff/halt/init 5: the zone stops once the running command list is done."""
    sh.ctx.shutdown_requested = True
    return 0


def cmd_svcadm(sh, argv, stdin, out, err):
    return 0


COMMANDS = {
    "echo": cmd_echo, "printf": cmd_printf, "true": cmd_true, "false": cmd_false, ":": cmd_true,
    "exit": cmd_exit, "export": cmd_export, "set": cmd_set, "cd": cmd_cd, "test": cmd_test,
    "[": cmd_test, "cat": cmd_cat, "rm": cmd_rm, "mkdir": cmd_mkdir, "touch": cmd_touch,
    "ls": cmd_ls, "grep": cmd_grep, "wc": cmd_wc, "sleep": cmd_sleep, "uname": cmd_uname,
    "hostname": cmd_hostname, "zonename": cmd_zonename, "mdata-get": cmd_mdata_get,
    "mdata-put": cmd_mdata_put, "mdata-delete": cmd_mdata_delete, "mdata-list": cmd_mdata_list,
    "shutdown": cmd_shutdown, "poweroff": cmd_shutdown, "halt": cmd_shutdown, "init": cmd_shutdown,
    "svcadm": cmd_svcadm,
}
zoneshell.SYSTEM_COMMANDS.update(COMMANDS)
COMMANDS.update(pkgtools.COMMANDS)


def make_shell(ctx):
    shell = zoneshell.Shell(COMMANDS, ctx.exists, env={
        "PATH": ":".join(zoneshell.PATH), "HOME": "/root", "LOGNAME": "root", "SHELL": "/usr/bin/bash",
        "MAIL": "/var/mail/root"}, zone_path=ctx.host_path)
    shell.ctx = ctx
    return shell
