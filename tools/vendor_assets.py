"""Copy the front-end libraries installed by npm into the package's static folder.

They are served by filet itself (``/static/vendor/...``): border posts work offline, so no page
may load anything from a CDN.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULES = ROOT / "node_modules"
TARGET = ROOT / "src/filet/web/static/vendor"

FILES = {
    "htmx.org/dist/htmx.min.js": "htmx.min.js",
    "chart.js/dist/chart.umd.min.js": "chart.umd.min.js",
    "cytoscape/dist/cytoscape.min.js": "cytoscape.min.js",
    "leaflet/dist/leaflet.js": "leaflet.js",
    "leaflet/dist/leaflet.css": "leaflet.css",
    "leaflet/dist/images": "images",
}


def main() -> int:
    TARGET.mkdir(parents=True, exist_ok=True)
    for source, name in FILES.items():
        origin = MODULES / source
        if not origin.exists():
            print(f"missing {origin}: run `npm ci` first", file=sys.stderr)
            return 1
        destination = TARGET / name
        if origin.is_dir():
            shutil.copytree(origin, destination, dirs_exist_ok=True)
        else:
            shutil.copy2(origin, destination)
    print(f"front-end assets copied to {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
