#!/usr/bin/env python3
"""Make sure Debian's chromium is there for the browser tests; install it with apt when missing.

Browser tests are skipped when chromium cannot be had, except with DOLBOM_REQUIRE_BROWSER=1 (CI).
"""

import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    if os.path.exists(CHROMIUM):
        return 0
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing chromium for the browser tests (apt-get)...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.call(["apt-get", "update", "-qq"], env=env)
        subprocess.call(["apt-get", "install", "-y", "-qq", "chromium", "fonts-noto-cjk"], env=env)
    if os.path.exists(CHROMIUM):
        return 0
    if os.environ.get("DOLBOM_REQUIRE_BROWSER") == "1":
        print("chromium is required (DOLBOM_REQUIRE_BROWSER=1) but could not be installed", file=sys.stderr)
        return 1
    print("chromium not available: browser tests will be skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
