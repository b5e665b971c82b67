import pytest
from django.conf import settings as django_settings


@pytest.fixture(autouse=True)
def anchor_file(request, tmp_path):
    """Every trail test anchors to (and verify_trail reads) a file of its own, never the machine's."""
    if not django_settings.configured:  # pure-module tests run without Django (-p no:django)
        return None
    settings = request.getfixturevalue("settings")
    settings.TRAIL_ANCHOR_FILE = tmp_path / "anchors" / "trail-anchors.log"
    settings.TRAIL_ANCHOR_EMAILS = []
    return settings.TRAIL_ANCHOR_FILE
