"""`origin-ci pkgsrc` commands: outputs and exit codes."""
import gzip
import io

import pytest

from origin_ci import cli
from origin_ci.pkgsrc.vulnerabilities import render_vulnerabilities

VULNS = render_vulnerabilities([
    ("openssl<1.1.1t", "denial-of-service", "https://example.org/CVE-2023-0286"),
    ("php{56,70}-[0-9]*", "eol", "https://www.php.net/eol.php"),
])
SUMMARY = b"""PKGNAME=openssl-1.1.1w
SIZE_PKG=3145728
DEPENDS=zlib>=1.2

PKGNAME=zlib-1.2.13
SIZE_PKG=104858

PKGNAME=nginx-1.21.4
SIZE_PKG=1048576
DEPENDS=openssl>=1.1.1
DEPENDS=pcre-[0-9]*
"""


@pytest.fixture
def files(tmp_path):
    (tmp_path / "pkg-vulnerabilities.gz").write_bytes(gzip.compress(VULNS))
    (tmp_path / "pkg_summary.gz").write_bytes(gzip.compress(SUMMARY))
    return tmp_path


def run(capsys, *argv):
    code = cli.main(["pkgsrc", *argv])
    out, err = capsys.readouterr()
    return code, out, err


class TestPmatch:
    def test_exit_codes(self, capsys):
        assert run(capsys, "pmatch", "foo>=1.0<2.0", "foo-2.0rc1")[0] == 0
        assert run(capsys, "pmatch", "foo", "foobar-1.0")[0] == 1

    def test_bad_pattern(self, capsys):
        code, _, err = run(capsys, "pmatch", "{foo,bar", "foo-1")
        assert code == 2 and "unbalanced" in err

    def test_batch(self, capsys, monkeypatch):
        lines = b"foo\tfoo-1.0\nfoo\tfoobar-1.0\n{a,b}-[0-9]*\tb-2\ncaf\xe9-*\tcaf\xe9-1"
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(lines)))
        assert run(capsys, "pmatch", "--batch") == (0, "1\n0\n1\n1\n", "")

    def test_batch_bad_line(self, capsys, monkeypatch):
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"foo\tfoo-1\nno tab here\n")))
        code, out, err = run(capsys, "pmatch", "--batch")
        assert code == 2 and "line 2" in err and out == ""

    def test_missing_arguments(self, capsys):
        assert run(capsys, "pmatch", "foo")[0] == 2


class TestAudit:
    def test_vulnerable(self, capsys, files):
        code, out, _ = run(capsys, "audit", "--vulns", str(files / "pkg-vulnerabilities.gz"),
                           "openssl-1.1.1s", "zlib-1.2.13", "php70-7.0.33")
        assert code == 1
        assert out.splitlines() == [
            "Package openssl-1.1.1s has a denial-of-service vulnerability, see https://example.org/CVE-2023-0286",
            "Package php70-7.0.33 has reached end-of-life (eol), see "
            "http://cdn.NetBSD.org/pub/NetBSD/packages/vulns/eol-packages",
        ]

    def test_clean(self, capsys, files):
        assert run(capsys, "audit", "--vulns", str(files / "pkg-vulnerabilities.gz"), "zlib-1.2.13") == (0, "", "")

    def test_no_eol(self, capsys, files):
        assert run(capsys, "audit", "--no-eol", "--vulns", str(files / "pkg-vulnerabilities.gz"),
                   "php70-7.0.33")[0] == 0

    def test_with_summary(self, capsys, files):
        code, out, _ = run(capsys, "audit", "--vulns", str(files / "pkg-vulnerabilities.gz"),
                           "--summary", str(files / "pkg_summary.gz"), "openssl-1.1.1s", "php70-7.0.33")
        assert code == 1
        first, second = out.splitlines()
        assert first.endswith(" -- fixed in the repository by openssl-1.1.1w")
        assert second.endswith(" -- not fixable: the package is not in the repository")

    @pytest.mark.parametrize(
        "content,message",
        [
            (None, "cannot read"),
            (VULNS[:-10], "missing newline"),
            (VULNS.replace(b"denial-of-service", b"denial-of-servic3"), "hash doesn't match"),
            (VULNS.replace(b"#FORMAT 1.1.0", b"#FORMAT 1.0.0"), "FORMAT"),
        ],
        ids=["missing", "truncated", "tampered", "wrong-format"],
    )
    def test_unusable_file(self, capsys, tmp_path, content, message):
        path = tmp_path / "pkg-vulnerabilities"
        if content is not None:
            path.write_bytes(content)
        code, out, err = run(capsys, "audit", "--vulns", str(path), "openssl-1.1.1s")
        assert code == 2 and out == "" and message in err


class TestSizePlan:
    def test_table(self, capsys, files):
        installed = files / "installed"
        installed.write_bytes(b"zlib-1.2.11  compression library\n")
        code, out, _ = run(capsys, "size-plan", "--summary", str(files / "pkg_summary.gz"),
                           "--installed", str(installed), "openssl", "nginx")
        lines = out.splitlines()
        assert code == 1  # pcre is nowhere
        assert lines[0].split() == ["REQUEST", "PACKAGE", "NEW", "INCREMENTAL", "CUMULATIVE"]
        assert lines[1].split() == ["openssl", "openssl-1.1.1w", "1", "3.0", "MiB", "3.0", "MiB"]
        assert lines[2].split() == ["nginx", "nginx-1.21.4", "1", "1.0", "MiB", "4.0", "MiB"]
        assert lines[3] == ("unresolved: nginx-1.21.4 needs 'pcre-[0-9]*' (for nginx): "
                            "nothing in the repository matches")

    def test_bytes(self, capsys, files):
        code, out, _ = run(capsys, "size-plan", "--bytes", "--summary", str(files / "pkg_summary.gz"), "openssl")
        assert code == 0 and out.splitlines()[1].split() == ["openssl", "openssl-1.1.1w", "2", "3250586", "3250586"]

    def test_bad_summary(self, capsys, tmp_path):
        (tmp_path / "s").write_bytes(b"not a summary\n")
        code, _, err = run(capsys, "size-plan", "--summary", str(tmp_path / "s"), "x")
        assert code == 2 and "VAR=VALUE" in err
