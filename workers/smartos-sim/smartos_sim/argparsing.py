"""Option parsers that behave like the libraries the real tools use.

- imgadm: node-dashdash under cmdln (global options before the subcommand; subcommand options
  interspersed with arguments; unknown options are errors).
- vmadm: nopt (options after the command word; unknown options are *not* rejected and swallow
  the next token, as the real vmadm does).
- zlogin: POSIX getopt(3C) (options before the zone name; everything after it is the command).
"""
from .errors import ToolError


class OptionError(Exception):
    """A dashdash parse error; imgadm prints it with the code "Option"."""


def _key(spec):
    longs = [n[2:] for n in spec["names"] if n.startswith("--")]
    name = longs[0] if longs else spec["names"][0].lstrip("-")
    return name.replace("-", "_")


def dashdash_parse(specs, argv, interspersed=True):
    """Parse `argv` against dashdash option specs -> (opts, args).

    opts maps each option's key (first long name, dashes as underscores, else its letter) to
    its value; arrayOfString options accumulate. Raises OptionError like dashdash.
    """
    by_name = {}
    for spec in specs:
        for name in spec["names"]:
            by_name[name] = spec
    opts, args = {}, []
    i = 0

    def store(spec, value):
        key = _key(spec)
        kind = spec.get("type", "bool")
        if kind == "arrayOfString":
            opts.setdefault(key, []).append(value)
        elif kind == "positiveInteger":
            if not value.isdigit():
                raise OptionError(f'arg for "{name}" is not a positive integer: "{value}"')
            opts[key] = int(value)
        else:
            opts[key] = value

    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg == "--":
            args.extend(argv[i:])
            break
        if arg.startswith("--") and len(arg) > 2:
            name, eq, value = arg.partition("=")
            spec = by_name.get(name)
            if spec is None:
                raise OptionError(f'unknown option: "{name}"')
            if not spec.get("takes_arg"):
                if eq:
                    raise OptionError(f'argument given to "{name}" option that does not take one: "{arg}"')
                opts[_key(spec)] = True
                continue
            if not eq:
                if i >= len(argv):
                    raise OptionError(f'do not have enough args for "{name}" option')
                value = argv[i]
                i += 1
            store(spec, value)
        elif arg.startswith("-") and len(arg) > 1:
            j = 1
            while j < len(arg):
                name = "-" + arg[j]
                spec = by_name.get(name)
                if spec is None:
                    raise OptionError(f'unknown option: "{name}"')
                j += 1
                if spec.get("takes_arg"):
                    if j < len(arg):
                        value = arg[j:]
                    elif i < len(argv):
                        value = argv[i]
                        i += 1
                    else:
                        raise OptionError(f'do not have enough args for "{name}" option')
                    store(spec, value)
                    break
                opts[_key(spec)] = True
        else:
            args.append(arg)
            if not interspersed:
                args.extend(argv[i:])
                break
    return opts, args


def nopt_parse(specs, argv):
    """Parse like nopt as vmadm calls it -> (opts, remain).

    Known boolean options take no value; known string/number options take the next token (or
    `--name=value`); an unknown `--opt`/`-x` takes the next token as its value unless that is
    "--" (so `vmadm stop -Q UUID` loses its UUID, as on SmartOS).
    """
    longs, shorts = {}, {}
    for spec in specs:
        for name in spec["names"]:
            if name.startswith("--"):
                longs[name[2:]] = spec
            else:
                shorts[name[1:]] = spec
    opts, remain = {}, []
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg == "--":
            remain.extend(argv[i:])
            break
        if not arg.startswith("-") or arg == "-":
            remain.append(arg)
            continue
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            spec = longs.get(name)
            if spec is None:
                matches = [n for n in longs if n.startswith(name)]
                spec = longs[matches[0]] if len(matches) == 1 else None
        else:
            body = arg[1:]
            name, eq, value = body.partition("=")
            spec = shorts.get(name)
            if spec is None and len(body) > 1 and all(
                    c in shorts and not shorts[c].get("takes_arg") for c in body):
                for c in body:
                    opts[_key(shorts[c])] = True
                continue
        if spec is None:
            # nopt keeps unknown options, taking the next token as the value
            if not eq and i < len(argv) and argv[i] != "--" :
                value = argv[i]
                i += 1
            opts[name] = value if (eq or value) else True
            continue
        key = _key(spec)
        if not spec.get("takes_arg"):
            opts[key] = True if not eq else value not in ("false", "0", "")
            continue
        if not eq:
            if i < len(argv):
                value = argv[i]
                i += 1
            else:
                value = ""
        opts[key] = value
    return opts, remain


def getopt_parse(optstring, argv, prog):
    """POSIX getopt: options stop at the first non-option or "--" -> (opts list, rest).

    Raises ToolError with the tool's usage status (2) on an unknown option or missing value.
    """
    takes = {}
    for index, char in enumerate(optstring):
        if char == ":":
            continue
        takes[char] = index + 1 < len(optstring) and optstring[index + 1] == ":"
    opts = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            i += 1
            break
        if not arg.startswith("-") or arg == "-":
            break
        i += 1
        j = 1
        while j < len(arg):
            char = arg[j]
            j += 1
            if char not in takes:
                raise ToolError(f"{prog}: illegal option -- {char}", 2)
            if takes[char]:
                if j < len(arg):
                    value = arg[j:]
                elif i < len(argv):
                    value = argv[i]
                    i += 1
                else:
                    raise ToolError(f"{prog}: option requires an argument -- {char}", 2)
                opts.append((char, value))
                break
            opts.append((char, None))
    return opts, argv[i:]
