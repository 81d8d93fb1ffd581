#!/usr/bin/env python3
"""Dump a language's word frequencies from the wordfreq 3.1.1 wheel as `word<TAB>zipf` lines.

wordfreq (Robyn Speer et al., https://github.com/rspeer/wordfreq; code Apache-2.0, data CC-BY-SA
4.0, built from Wikipedia, subtitles, news, books, web text and social media, see the wheel's
METADATA "License" section) stores each language as a gzipped msgpack list: a header, then for
each centibel bin i = 0, 1, ... the words of frequency 10^(-i/100). Zipf = 9 - i/100 (log10 per billion).
Needs only the msgpack module:

    pip download wordfreq==3.1.1 --no-deps -d /tmp/wf && unzip -o /tmp/wf/wordfreq-3.1.1-py3-none-any.whl -d /tmp/wf
    python3 src/repair/ocr/data/wordfreq-dump.py /tmp/wf/wordfreq/data/large_ru.msgpack.gz > /tmp/ru.freq
"""
import gzip
import sys

import msgpack


def main():
    path = sys.argv[1]
    with gzip.open(path) as f:
        data = msgpack.load(f, raw=False)
    header, bins = data[0], data[1:]
    if header.get("format") != "cB":
        sys.exit(f"{path}: unknown format {header!r}")
    out = sys.stdout
    for i, words in enumerate(bins):
        zipf = 9 - i / 100
        for w in words:
            out.write(f"{w}\t{zipf:.2f}\n")


if __name__ == "__main__":
    main()
