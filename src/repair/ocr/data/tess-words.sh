#!/bin/sh
# tess-words.sh LANG [all] > WORDS: the word list of tesseract's LSTM model for LANG (kaz or rus;
# Debian packages tesseract-ocr and tesseract-ocr-kaz / tesseract-ocr-rus, tessdata_fast,
# Apache-2.0), as extra dictionary forms for `zan train ocr --words`. Only words of six or more
# letters written in lower or Title case are kept: the list's short words and abbreviations
# (`ип`, `ри`, `ОАО`) made more near-word errors than they fixed on the development pairs.
# With `all`, every word in any case, for `zan train ocr --common-words` (the dictionary forms a
# web crawl found; `ЖАҚСЫ` counts for жақсы).
set -eu
lang=$1
data=$(ls -d /usr/share/tesseract-ocr/*/tessdata | head -n 1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
combine_tessdata -u "$data/$lang.traineddata" "$tmp/$lang." >/dev/null 2>&1
dawg2wordlist "$tmp/$lang.lstm-unicharset" "$tmp/$lang.lstm-word-dawg" "$tmp/words" >/dev/null 2>&1
python3 -c '
import sys
for w in open(sys.argv[1], encoding="utf-8"):
    w = w.strip()
    cased = w.islower() or (w[0].isupper() and w[1:].islower())
    if sys.argv[2] == "all" and w.isalpha() or len(w) >= 6 and w.isalpha() and cased:
        print(w)
' "$tmp/words" "${2:-}"
