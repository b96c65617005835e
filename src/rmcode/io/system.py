"""What the computer rmcode runs on says about its user: the local time zone."""

from __future__ import annotations

import os


def local_zone() -> str:
    """The IANA name of this computer's time zone, or UTC."""
    name = os.environ.get("TZ", "").lstrip(":")
    if "/" in name:
        return name
    try:
        target = os.readlink("/etc/localtime")
    except OSError:
        return "UTC"
    return target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else "UTC"
