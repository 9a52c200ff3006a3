"""ImageStore: seeding origins, atomic files, upload spools."""
import json
import os

import pytest

from origin_ci.imgapi.errors import ImgapiError
from origin_ci.imgapi.store import ImageStore
from tests.imgapi.conftest import (
    IMAGE_UUID, ORIGIN_UUID, built_manifest, make_image_file, origin_manifest)


def test_add_an_upstream_origin(tmp_path, origin):
    store = ImageStore(tmp_path / "store")
    added = store.add(origin.manifest, origin.file_path)
    image = store.get(ORIGIN_UUID)
    assert image.manifest == added
    assert added["channels"] == ["experimental", "dev", "staging", "release", "support"]
    assert image.file_path.read_bytes() == origin.file_path.read_bytes()
    assert image.content_md5
    assert os.listdir(store.root / "tmp") == []


def test_add_is_idempotent_and_refuses_another_file(tmp_path, origin):
    store = ImageStore(tmp_path / "store")
    first = store.add(origin.manifest, origin.file_path)
    assert store.add(origin.manifest, origin.file_path) == first
    other_path, sha1, size = make_image_file(tmp_path / "other.gz", seed=b"other")
    with pytest.raises(ImgapiError) as error:
        store.add(origin_manifest(sha1, size), other_path)
    assert error.value.code == "ImageUuidAlreadyExists"


def test_add_fills_in_what_imgapi_sets_and_checks_the_file(tmp_path, origin):
    store = ImageStore(tmp_path / "store")
    store.add(origin.manifest, origin.file_path)
    file_path, sha1, size = make_image_file(tmp_path / "built.gz", seed=b"built")
    added = store.add(built_manifest(sha1, size), file_path, channels=["staging"])
    assert added["state"] == "active" and added["owner"] == "00000000-0000-0000-0000-000000000000"
    assert added["public"] is False and added["published_at"].endswith("Z")
    assert added["channels"] == ["staging"]

    wrong = built_manifest("0" * 40, size, uuid="3d74d0fb-8402-4e10-a145-86864b14bca7")
    with pytest.raises(ImgapiError, match="do not match the manifest"):
        store.add(wrong, file_path)
    assert store.get(wrong["uuid"]) is None
    assert os.listdir(store.root / "tmp") == []


def test_add_validates_and_needs_the_origin(tmp_path):
    store = ImageStore(tmp_path / "store")
    file_path, sha1, size = make_image_file(tmp_path / "built.gz")
    with pytest.raises(ImgapiError) as error:
        store.add(built_manifest(sha1, size), file_path)
    assert error.value.code == "OriginDoesNotExist"
    with pytest.raises(ImgapiError) as error:
        store.add(dict(built_manifest(sha1, size), name="bad:name"), file_path)
    assert error.value.code == "ValidationFailed" and error.value.errors[0]["field"] == "name"


def test_seed_dir_adds_origins_before_incremental_images(tmp_path, origin):
    file_path, sha1, size = make_image_file(origin.directory / f"{IMAGE_UUID}.zfs.gz")
    # Named so that it sorts before its origin.
    (origin.directory / f"{IMAGE_UUID}.imgmanifest").write_text(
        json.dumps(built_manifest(sha1, size)))
    assert IMAGE_UUID < ORIGIN_UUID
    store = ImageStore(tmp_path / "store")
    added = store.seed_dir(origin.directory)
    assert [m["uuid"] for m in added] == [ORIGIN_UUID, IMAGE_UUID]
    assert len(store.seed_dir(origin.directory)) == 2  # again: already there, no error


def test_seed_dir_needs_the_file_beside_each_manifest(tmp_path, origin):
    origin.file_path.unlink()
    with pytest.raises(FileNotFoundError, match="zfs"):
        ImageStore(tmp_path / "store").seed_dir(origin.directory)


def test_spool_is_created_lazily_and_removed_unless_claimed(tmp_path):
    store = ImageStore(tmp_path / "store")
    spool = store.new_spool()
    spool.seek(0)
    assert spool.read() == b"" and os.listdir(store.root / "tmp") == []
    spool.write(b"hello ")
    spool.write(b"world")
    assert (spool.size, spool.tell()) == (11, 11)
    assert spool.sha1 == "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"
    spool.seek(0)
    assert spool.read() == b"hello world"
    spool.close()
    assert os.listdir(store.root / "tmp") == []


def test_spool_stops_writing_past_its_maximum(tmp_path):
    store = ImageStore(tmp_path / "store")
    spool = store.new_spool(max_size=4)
    spool.write(b"1234")
    spool.write(b"5678")
    assert spool.too_large and spool.size == 8
    with pytest.raises(ValueError):
        spool.claim(tmp_path / "file")
    spool.close()
    assert os.listdir(store.root / "tmp") == []


def test_unknown_or_malformed_uuid(tmp_path):
    store = ImageStore(tmp_path / "store")
    assert store.get(IMAGE_UUID) is None
    assert store.get("../../etc") is None
