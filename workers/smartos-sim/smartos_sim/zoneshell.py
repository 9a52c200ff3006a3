"""The shell that runs commands inside a simulated zone.

zlogin joins its arguments into one string and has `su root -c` run it, so what reaches the
zone is shell text. This interpreter covers what build steps and prepare scripts use: command
lists (`;`, `&&`, `||`, newlines), pipelines (`|`), redirections (`>`, `>>`, `<`, `2>&1`,
`N>file`), quoting, `$VAR`/`${VAR}`/`$?` expansion, `VAR=value`, comments. Control structures
(if/for/while/case, functions), command substitution and globbing are not interpreted: such a
line fails with an "unsupported" message (exit 2) rather than doing something else silently.

Commands resolve as in the zone: a full path must exist in the zone (package binaries are
installed under /opt/local by pkgin), a bare name is looked up along PATH. Unknown commands
print "<cmd>: not found" and give 127.
"""
import io
import re
from pathlib import PurePosixPath

PATH = ("/usr/local/sbin", "/usr/local/bin", "/opt/local/sbin", "/opt/local/bin", "/usr/sbin",
        "/usr/bin", "/sbin")
SYSTEM_DIRS = ("/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/xpg4/bin")
UNSUPPORTED_WORDS = {"if", "then", "elif", "else", "fi", "for", "while", "until", "do", "done",
                     "case", "esac", "function", "{", "}", "select", "trap"}
OPERATORS = ("&&", "||", ";;", ";", "|", "&", "\n")


class Unsupported(Exception):
    pass


class ShellExit(Exception):
    def __init__(self, status):
        super().__init__(status)
        self.status = status


class Word:
    """A word: parts of (text, quoted?, expand?)."""

    def __init__(self):
        self.parts = []

    def add(self, text, quote):
        self.parts.append((text, quote))

    @property
    def raw(self):
        return "".join(t for t, _ in self.parts)


def tokenize(text):
    """-> list of tokens: ("word", Word) | ("op", str) | ("redir", (fd, op, Word|str))."""
    tokens = []
    i, n = 0, len(text)
    word = None

    def flush():
        nonlocal word
        if word is not None:
            tokens.append(("word", word))
            word = None

    while i < n:
        c = text[i]
        if c in " \t":
            flush()
            i += 1
        elif c == "\\" and i + 1 < n and text[i + 1] == "\n":
            i += 2
        elif c == "#" and word is None:
            while i < n and text[i] != "\n":
                i += 1
        elif c in "\n;&|":
            flush()
            two = text[i:i + 2]
            if two in ("&&", "||", ";;"):
                tokens.append(("op", two))
                i += 2
            else:
                tokens.append(("op", c))
                i += 1
        elif c in "<>":
            fd = None
            if word is not None and len(word.parts) == 1 and word.parts[0][1] is None \
                    and word.parts[0][0].isdigit():
                fd = int(word.parts[0][0])
                word = None
            flush()
            op = c
            i += 1
            if i < n and text[i] == ">" and c == ">":
                op = ">>"
                i += 1
            if i < n and text[i] == "&":
                i += 1
                m = re.match(r"\d+|-", text[i:])
                if not m:
                    raise Unsupported(f"bad redirection near {text[i - 2:i + 5]!r}")
                tokens.append(("redir", (fd if fd is not None else (1 if op != "<" else 0), op + "&",
                                         m.group(0))))
                i += len(m.group(0))
                continue
            tokens.append(("redir", (fd if fd is not None else (0 if op == "<" else 1), op, None)))
        elif c in "()`":
            raise Unsupported(f"{c!r} (subshells and command substitution) is not interpreted")
        elif c == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise Unsupported("unterminated quoted string")
            word = word or Word()
            word.add(text[i + 1:end], "'")
            i = end + 1
        elif c == '"':
            j = i + 1
            buf = []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n and text[j + 1] in '"\\$`\n':
                    buf.append(text[j + 1])
                    j += 2
                    continue
                if text[j] == "`" or text[j:j + 2] == "$(":
                    raise Unsupported("command substitution is not interpreted")
                buf.append(text[j])
                j += 1
            if j >= n:
                raise Unsupported("unterminated quoted string")
            word = word or Word()
            word.add("".join(buf), '"')
            i = j + 1
        elif c == "\\" and i + 1 < n:
            word = word or Word()
            word.add(text[i + 1], "'")
            i += 2
        else:
            if c == "$" and text[i:i + 2] == "$(":
                raise Unsupported("command substitution is not interpreted")
            j = i
            while j < n and text[j] not in " \t\n;&|<>'\"\\()`":
                j += 1
            word = word or Word()
            word.add(text[i:j], None)
            i = j
    flush()
    # attach redirection targets
    out = []
    k = 0
    while k < len(tokens):
        kind, value = tokens[k]
        if kind == "redir" and value[2] is None:
            if k + 1 >= len(tokens) or tokens[k + 1][0] != "word":
                raise Unsupported("redirection without a target")
            out.append(("redir", (value[0], value[1], tokens[k + 1][1])))
            k += 2
            continue
        out.append((kind, value))
        k += 1
    return out


def parse(text):
    """-> list of (connector, pipeline); pipeline = list of (words, redirs)."""
    items = []
    connector = ";"
    pipeline = []
    words, redirs = [], []

    def end_command():
        nonlocal words, redirs
        if words or redirs:
            if words and words[0][1].raw in UNSUPPORTED_WORDS and words[0][1].parts[0][1] is None:
                raise Unsupported(f"shell construct {words[0][1].raw!r} is not interpreted")
            pipeline.append(([w for _, w in words], redirs))
        words, redirs = [], []

    for kind, value in tokenize(text):
        if kind == "word":
            words.append((kind, value))
        elif kind == "redir":
            redirs.append(value)
        elif value == "|":
            end_command()
        elif value in ("&&", "||", ";", "\n"):
            end_command()
            if pipeline:
                items.append((connector, pipeline))
            elif value in ("&&", "||"):
                raise Unsupported(f"syntax error near {value!r}")
            pipeline = []
            connector = value if value in ("&&", "||") else ";"
        else:
            raise Unsupported(f"{value!r} is not interpreted")
    end_command()
    if pipeline:
        items.append((connector, pipeline))
    return items


class Shell:
    """Runs command text in a zone. `commands` maps a command name to a callable
    (shell, argv, stdin: bytes, stdout, stderr) -> status; `exists(path)` tells whether a
    path exists in the zone."""

    def __init__(self, commands, exists, env=None, zone_path=None):
        self.commands = commands
        self.exists = exists
        self.env = dict(env or {})
        self.status = 0
        self.zone_path = zone_path  # zone path -> host Path, for redirections

    def expand(self, word):
        out = []
        for text, quote in word.parts:
            if quote == "'":
                out.append(text)
                continue
            out.append(re.sub(r"\$(\?|\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)",
                              lambda m: self._var(m.group(1)), text))
        return "".join(out)

    def _var(self, name):
        if name == "?":
            return str(self.status)
        return self.env.get(name.strip("{}"), "")

    def resolve(self, name):
        """-> command key or None."""
        if "/" in name:
            path = str(PurePosixPath("/") / name)
            base = PurePosixPath(path).name
            if base in self.commands and (self.exists(path) or (
                    str(PurePosixPath(path).parent) in SYSTEM_DIRS and base in SYSTEM_COMMANDS)):
                return base
            return None
        if name in BUILTINS:
            return name
        for directory in PATH:
            candidate = f"{directory}/{name}"
            if name in self.commands and (self.exists(candidate) or (
                    directory in SYSTEM_DIRS and name in SYSTEM_COMMANDS)):
                return name
        return None

    def run(self, text, stdin=b"", stdout=None, stderr=None):
        try:
            items = parse(text)
        except Unsupported as err:
            stderr.write(f"sh: smartos-sim: unsupported shell syntax: {err}\n".encode())
            stderr.flush()
            self.status = 2
            return 2
        try:
            for connector, pipeline in items:
                if connector == "&&" and self.status != 0:
                    continue
                if connector == "||" and self.status == 0:
                    continue
                self.status = self.run_pipeline(pipeline, stdin, stdout, stderr)
        except ShellExit as done:
            self.status = done.status
        return self.status

    def run_pipeline(self, pipeline, stdin, stdout, stderr):
        data = stdin
        status = 0
        for index, (words, redirs) in enumerate(pipeline):
            last = index == len(pipeline) - 1
            out = stdout if last else io.BytesIO()
            status = self.run_command(words, redirs, data, out, stderr)
            if not last:
                data = out.getvalue()
        return status

    def run_command(self, words, redirs, stdin, stdout, stderr):
        argv = [self.expand(w) for w in words]
        assignments = {}
        while argv and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", argv[0]) and words[0].parts[0][1] is None:
            key, _, value = argv.pop(0).partition("=")
            assignments[key] = value
            words = words[1:]
        opened = []
        try:
            for fd, op, target in redirs:
                stream = None
                if op.endswith("&"):
                    source = {"1": stdout, "2": stderr}.get(target)
                    if target == "-":
                        stream = io.BytesIO()
                    elif source is None:
                        raise Unsupported(f"redirection to fd {target}")
                    stream = stream or source
                else:
                    path = self.expand(target)
                    if op == "<":
                        if path == "/dev/null":
                            stdin = b""
                        else:
                            host = self.zone_path(path) if self.zone_path else None
                            if host is None or not host.is_file():
                                stderr.write(f"sh: {path}: cannot open\n".encode())
                                return 1
                            stdin = host.read_bytes()
                        continue
                    if path == "/dev/null":
                        stream = io.BytesIO()
                    else:
                        host = self.zone_path(path) if self.zone_path else None
                        if host is None or not host.parent.is_dir():
                            stderr.write(f"sh: {path}: cannot create\n".encode())
                            return 1
                        stream = open(host, "ab" if op == ">>" else "wb")
                        opened.append(stream)
                if fd == 1:
                    stdout = stream
                elif fd == 2:
                    stderr = stream
            if not argv:
                self.env.update(assignments)
                return 0
            name = argv[0]
            key = self.resolve(name)
            if key is None:
                stderr.write(f"{name}: not found\n".encode())
                stderr.flush()
                return 127
            saved = dict(self.env)
            self.env.update(assignments)
            try:
                status = self.commands[key](self, argv, stdin, stdout, stderr)
            finally:
                if assignments:
                    self.env = saved
            stdout.flush()
            return status
        except Unsupported as err:
            stderr.write(f"sh: smartos-sim: unsupported shell syntax: {err}\n".encode())
            return 2
        finally:
            for stream in opened:
                stream.close()


# Commands of the zone's OS (in /usr/bin, /usr/sbin, ... : present in every zone); package
# commands (pkgin, pkg_info, ...) are found only where their package installed them.
SYSTEM_COMMANDS = set()
BUILTINS = {"exit", "export", "set", "cd", ":", "true", "false", "echo", "test", "[", "printf"}
