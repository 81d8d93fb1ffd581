#!/usr/bin/env bash
# Rebuild the "fresh render" set (dvb) and the d3a/d3b halves of dev3 into /work/dev-tools (or OUT).
# dvb: the dev text (act 105095, same text as dev-*.jsonl) rendered with other make-pairs seeds:
#   kk seed 51 (484 lines), ru seed 52 (324 lines, as the README says). Decoded with model A (OUT6).
# Needs: apt-get install tesseract-ocr tesseract-ocr-eng fonts-freefont-ttf fonts-urw-base35
#        fonts-dejavu-core fonts-dejavu-extra   (with these, remaking dev-ru.jsonl, seed 32, is byte-identical)
set -euo pipefail
REPO=${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}
OUT=${OUT:-$(cd "$(dirname "$0")" && pwd)}
MP=${MP:-/work/shared/ocr/make-pairs.sh}
D=$REPO/src/repair/ocr/data
W=$(mktemp -d /tmp/mkdvb.XXXXXX); trap 'rm -rf "$W"' EXIT
(cd "$REPO" && python3 -B "$D/prep-dev.py" 105095 kaz.md 22000 5) > "$W/dev-kk.txt"
(cd "$REPO" && python3 -B "$D/prep-dev.py" 105095 rus.md 14000 6) > "$W/dev-ru.txt"
(cd "$W" && JOBS=2 REOCR=0 WIDTH=35-90 "$MP" dev-kk.txt kk "$OUT/dvb-kk.jsonl" 51)
(cd "$W" && JOBS=2 REOCR=0 WIDTH=35-90 "$MP" dev-ru.txt ru "$OUT/dvb-ru.jsonl" 52)
# d3a / d3b: dev3-LANG.jsonl is 147887's sample (seed 61 kk / 62 ru) then 99760's (71 / 72).
# As the README's figures were measured: d3a = the pairs whose clean line occurs in 99760's text
# (markup '*' '_' dropped, whitespace collapsed, as prep-dev.py --filter reads an act), d3b = the
# rest. This puts the 147887 lines that 99760 repeats word for word (8 ru, 15 kk) into d3a.
# (The split by position -- 147887 is dev3-LANG.txt lines 1-278 kk / 1-263 ru -- is in alt/*-pos-*.)
python3 - "$D" "$OUT" <<'PY'
import json, sys
d, out = sys.argv[1:3]
for lang, f in (('kk', 'kaz.md'), ('ru', 'rus.md')):
    t = open(f'{d}/dev3/99760/{f}', encoding='utf-8').read()
    t = ' '.join(t.replace('*', '').replace('_', '').split())
    a, b = [], []
    for x in open(f'{d}/dev3-{lang}.jsonl', encoding='utf-8'):
        (a if json.loads(x)['clean'] in t else b).append(x)
    open(f'{out}/d3a-{lang}.jsonl', 'w', encoding='utf-8').writelines(a)   # 99760
    open(f'{out}/d3b-{lang}.jsonl', 'w', encoding='utf-8').writelines(b)   # 147887
    print(lang, 'd3a', len(a), 'd3b', len(b), file=sys.stderr)
PY
