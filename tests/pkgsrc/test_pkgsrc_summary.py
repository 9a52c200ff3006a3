"""pkg_summary(5) reader and writer."""
import bz2
import gzip
import lzma

import pytest

from origin_ci.pkgsrc.summary import (
    SummaryError,
    SummaryRecord,
    parse_pkg_summary,
    render_pkg_summary,
)

# Shaped like a SmartOS 2021Q4 x86_64 repository's pkg_summary.
SAMPLE = b"""BUILD_DATE=2021-12-31 11:29:08 +0000
CATEGORIES=devel
COMMENT=GNU version of 'make' utility
DEPENDS=gettext-lib>=0.14.5
DESCRIPTION=GNU make is a program that controls the generation of executables
DESCRIPTION=and other non-source files of a program from the program's source files.
DESCRIPTION=
DESCRIPTION=Homepage:
FILE_NAME=gmake-4.3nb3.tgz
FILE_SIZE=501384
HOMEPAGE=https://www.gnu.org/software/make/make.html
LICENSE=gnu-gpl-v3
MACHINE_ARCH=x86_64
OPSYS=SunOS
OS_VERSION=5.11
PKGNAME=gmake-4.3nb3
PKGPATH=devel/gmake
PKGTOOLS_VERSION=20211115
REQUIRES=/usr/lib/amd64/libc.so.1
SIZE_PKG=1695744

BUILD_DATE=2021-12-31 09:01:12 +0000
CATEGORIES=devel
COMMENT=Internationalized Message Handling Library (libintl)
DESCRIPTION=libintl
MACHINE_ARCH=x86_64
OPSYS=SunOS
OS_VERSION=5.11
PKGNAME=gettext-lib-0.21
PKGPATH=devel/gettext-lib
PKGTOOLS_VERSION=20211115
PROVIDES=/opt/local/lib/libintl.so.8
SIZE_PKG=220000
"""


def test_fields_single_and_multi_valued():
    gmake, gettext = parse_pkg_summary(SAMPLE)
    assert (gmake.pkgname, gmake.pkgbase, gmake.version) == ("gmake-4.3nb3", "gmake", "4.3nb3")
    assert gmake.get("SIZE_PKG") == "1695744"
    assert gmake.get("BUILD_DATE") == "2021-12-31 11:29:08 +0000"
    assert gmake.getall("DEPENDS") == ["gettext-lib>=0.14.5"]
    assert gmake.get("DESCRIPTION").splitlines()[1].startswith("and other")
    assert gmake.getall("DESCRIPTION")[2] == ""
    assert gmake.get("CONFLICTS") is None and gmake.getall("CONFLICTS") == []
    assert gettext.pkgbase == "gettext-lib" and gettext.getall("PROVIDES") == ["/opt/local/lib/libintl.so.8"]


def test_value_keeps_later_equals_signs():
    (record,) = parse_pkg_summary(b"PKGNAME=a-1\nCOMMENT=x=y==z\n")
    assert record.get("COMMENT") == "x=y==z"


@pytest.mark.parametrize(
    "compress", [lambda d: d, gzip.compress, bz2.compress, lzma.compress], ids=["plain", "gz", "bz2", "xz"]
)
def test_compressions(compress):
    assert [r.pkgname for r in parse_pkg_summary(compress(SAMPLE))] == ["gmake-4.3nb3", "gettext-lib-0.21"]


@pytest.mark.parametrize("ending", [b"", b"\n", b"\n\n", b"\n\n\n"])
def test_last_record_with_or_without_trailing_blank_line(ending):
    data = SAMPLE.rstrip(b"\n") + ending
    assert len(parse_pkg_summary(data)) == 2


def test_several_blank_lines_between_records():
    assert len(parse_pkg_summary(b"PKGNAME=a-1\n\n\n\nPKGNAME=b-1\n")) == 2


def test_empty_input():
    assert parse_pkg_summary(b"") == []
    assert parse_pkg_summary(gzip.compress(b"")) == []


def test_bytes_safe_round_trip():
    data = b"PKGNAME=caf\xe9-1.0\nCOMMENT=Latin-1 \xe9 and UTF-8 \xc3\xa9 and junk \xff\xfe\n\n"
    (record,) = parse_pkg_summary(data)
    assert record.pkgbase.encode("utf-8", "surrogateescape") == b"caf\xe9"
    assert render_pkg_summary([record]) == data


def test_render_round_trip_of_sample():
    assert render_pkg_summary(parse_pkg_summary(SAMPLE)) == SAMPLE + b"\n"


def test_record_from_pairs():
    record = SummaryRecord([("PKGNAME", "foo-1.0"), ("DEPENDS", "a-[0-9]*"), ("DEPENDS", "b>=1")])
    assert record.getall("DEPENDS") == ["a-[0-9]*", "b>=1"]
    assert record.fields()[0] == ("PKGNAME", "foo-1.0")


def test_pkgname_without_version():
    (record,) = parse_pkg_summary(b"PKGNAME=noversion\n")
    assert (record.pkgbase, record.version) == ("noversion", "")


@pytest.mark.parametrize(
    "data,message",
    [
        (b"PKGNAME=a-1\nthis is not a field\n", "line 2"),
        (b"PKGNAME=a-1\n\nCOMMENT=orphan\n", "record 2 .* no PKGNAME"),
        (b"\x1f\x8b\x08\x00garbage", "corrupt"),
        (gzip.compress(SAMPLE)[:-20], "corrupt"),
        (b"BZh9garbage", "corrupt"),
        (b"\xfd7zXZ\x00garbage", "corrupt"),
    ],
)
def test_malformed(data, message):
    with pytest.raises(SummaryError, match=message):
        parse_pkg_summary(data)
