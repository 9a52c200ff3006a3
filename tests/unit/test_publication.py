from origin_ci.publication import skip_reason, targets_for

PACKAGES = ["curl-8.11.0", "sudo-1.9.16"]


def test_dry_run_never_publishes():
    assert skip_reason(True, False, PACKAGES, None) == "dry run: nothing published"


def test_only_if_changed_with_identical_inventory_is_unchanged():
    assert skip_reason(False, True, PACKAGES, ("1.0.4", list(reversed(PACKAGES)))) == \
        "unchanged: same packages as 1.0.4, nothing published"


def test_only_if_changed_with_changed_inventory_publishes():
    assert skip_reason(False, True, PACKAGES, ("1.0.4", ["curl-8.10.0", "sudo-1.9.16"])) is None
    assert skip_reason(False, True, PACKAGES, None) is None
    assert skip_reason(False, True, PACKAGES, ("1.0.4", None)) is None


def test_forced_builds_publish_even_when_unchanged():
    assert skip_reason(False, False, PACKAGES, ("1.0.4", PACKAGES)) is None


class Target:
    def __init__(self, name, has_channels):
        self.name, self.has_channels = name, has_channels


def test_try_images_only_go_where_channels_exist():
    local, updates = Target("local", False), Target("updates", True)
    assert targets_for([local, updates], "dev") == [local, updates]
    assert targets_for([local, updates], "experimental") == [updates]
    assert targets_for([local], "experimental") == []
