#!/usr/bin/env python3
"""Writes a brotli (.br, quality 11) and a gzip (.gz, level 9) copy beside each file, for the relay to serve to
callers that accept them (relay/http/content_coding.hpp). A folder stands for the files in it, recursively.
A copy is rewritten only when its file is newer.

usage: precompress.py <file or folder>...
"""
import gzip
import os
import sys

import brotli

MADE = (".br", ".gz")


def files(paths):
    for path in paths:
        if os.path.isdir(path):
            for folder, _, names in os.walk(path):
                for name in sorted(names):
                    if not name.endswith(MADE):
                        yield os.path.join(folder, name)
        else:
            yield path


def write(target: str, data: bytes) -> None:
    temporary = target + ".tmp"
    with open(temporary, "wb") as out:
        out.write(data)
    os.replace(temporary, target)


def main() -> int:
    for path in files(sys.argv[1:]):
        data = None
        for ending, pack in ((".br", lambda d: brotli.compress(d, quality=11)), (".gz", lambda d: gzip.compress(d, 9, mtime=0))):
            target = path + ending
            if os.path.exists(target) and os.path.getmtime(target) >= os.path.getmtime(path):
                continue
            if data is None:
                data = open(path, "rb").read()
            write(target, pack(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
