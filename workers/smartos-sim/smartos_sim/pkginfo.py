"""pkg_install's pkg_info inside a simulated zone, read from the zone's pkgdb."""
from .pkgcommon import write
from .pkgdb import PkgDb, summary_record


def cmd_pkg_info(sh, argv, stdin, out, err):
    db = PkgDb(sh.ctx.root)
    args = argv[1:]
    flags, names, query = set(), [], None
    while args:
        arg = args.pop(0)
        if arg == "-Q" and args:
            query = args.pop(0)
        elif arg in ("-e", "-E") and args:
            flags.add(arg[1])
            names.append(args.pop(0))
        elif arg.startswith("-") and len(arg) > 1:
            flags.update(arg[1:])
        else:
            names.append(arg)
    if "e" in flags or "E" in flags:
        found = []
        for pattern in names:
            found += db.match(pattern)
        if "q" not in flags:
            for name in (found[:1] if "E" in flags else found):
                write(out, name + "\n")
        return 0 if found else 1
    if not names or "a" in flags:
        targets = db.installed()
    else:
        targets = []
        for name in names:
            matches = db.match(name)
            if not matches:
                write(err, f"pkg_info: can't find package `{name}'\n")
                return 1
            targets += matches
    if query:
        for name in targets:
            value = db.info(name).get(query)
            if value is not None:
                write(out, (value if isinstance(value, str) else str(value)) + "\n")
        return 0
    if "X" in flags:
        for name in targets:
            write(out, summary_record(db.info(name)))
        return 0
    if not names or "a" in flags:
        for name in targets:
            write(out, f"{name:<19} {db.info(name)['COMMENT']}\n")
        return 0
    for name in targets:
        info = db.info(name)
        write(out, f"Information for {name}:\n\nComment:\n{info['COMMENT']}\n\n")
        if info["DEPENDS"]:
            write(out, "Requires:\n" + "\n".join(info["DEPENDS"]) + "\n\n")
        write(out, "Description:\n" + "\n".join(info["DESCRIPTION"]) + "\n\n")
    return 0
