#!/usr/bin/env python3
"""Enables Debian source packages (`apt-get source`) by deriving a deb-src
entry from each binary entry of the machine's own apt sources, so no package
host is ever named here. Writes /etc/apt/sources.list.d/lamina-deb-src.sources
(deb822 entries) and lamina-deb-src.list (one-line entries); idempotent.
"""
import glob
import os
import re

SOURCES_DIR = "/etc/apt/sources.list.d"
OUT_DEB822 = os.path.join(SOURCES_DIR, "lamina-deb-src.sources")
OUT_LIST = os.path.join(SOURCES_DIR, "lamina-deb-src.list")


def deb822_entries(path):
    """Entries of a deb822 file whose Types have deb but not deb-src, as deb-src."""
    with open(path) as f:
        stanzas = re.split(r"\n\s*\n", f.read())
    for stanza in stanzas:
        lines = [line for line in stanza.splitlines() if not line.startswith("#")]
        types = next((line for line in lines if line.lower().startswith("types:")), None)
        if not types:
            continue
        kinds = types.split(":", 1)[1].split()
        if "deb" in kinds and "deb-src" not in kinds:
            yield "\n".join("Types: deb-src" if line is types else line for line in lines)


def one_line_entries(path):
    with open(path) as f:
        for line in f:
            if re.match(r"^\s*deb\s", line):
                yield re.sub(r"^\s*deb\s", "deb-src ", line, count=1).rstrip()


def main():
    deb822 = []
    for path in sorted(glob.glob(os.path.join(SOURCES_DIR, "*.sources"))):
        if path != OUT_DEB822:
            deb822.extend(deb822_entries(path))
    lists = []
    for path in ["/etc/apt/sources.list"] + sorted(glob.glob(os.path.join(SOURCES_DIR, "*.list"))):
        if path != OUT_LIST and os.path.exists(path):
            lists.extend(one_line_entries(path))
    if not deb822 and not lists:
        raise SystemExit("enable-deb-src: no binary apt sources to derive deb-src entries from")
    header = "# Derived by Lamina's scripts/enable-deb-src.py from this machine's binary entries.\n"
    for path, entries, sep in [(OUT_DEB822, deb822, "\n\n"), (OUT_LIST, lists, "\n")]:
        if entries:
            with open(path, "w") as f:
                f.write(header + sep.join(entries) + "\n")
        elif os.path.exists(path):
            os.remove(path)


if __name__ == "__main__":
    main()
