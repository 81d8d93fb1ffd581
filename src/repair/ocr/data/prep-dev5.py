"""Whole acts for development (dev5-*.jsonl, dev6-*.jsonl): the opening of an act (trained on by
no model) as its paragraphs in order (`prep_common.paragraphs`: markup dropped), about 7,000
characters, « » written as ". Run from the repository root:
`python3 src/repair/ocr/data/prep-dev5.py ACT kaz.md|rus.md [FOLDER] > ACT.txt`, then
`JOBS=2 REOCR=0 WIDTH=40-90 make-pairs.sh ACT.txt kk|ru ACT.jsonl SEED` (../shared/ocr), the
files concatenated in the order below.

dev5: FOLDER dev4 (the default), seed 7, acts 155484, 156401, 165376 and 178002 (those of dev4
that define the most terms).

dev6: FOLDER dev6, seed 8, acts 142653 (an order that amends two orders, "Внести в некоторые
приказы … следующие изменения … изложить в новой редакции"), 152998 (suspends an order until a
date) and 178474 (suspends a chapter of Rules); dev6/SOURCES.tsv. The index of
kazakhstan-law/ministerial holds no "o-vnesenii-izmenenii" folder, so these are the nearest to
the seeds' kind (amending orders) found there."""
import sys

sys.path.insert(0, 'src/repair/ocr/data')
from prep_common import paragraphs  # noqa: E402

act, fname = sys.argv[1:3]
folder = sys.argv[3] if len(sys.argv) > 3 else 'dev4'
out, n = [], 0
for p in paragraphs(open(f'src/repair/ocr/data/{folder}/{act}/{fname}').read()):
    if n > 7000:
        break
    out.append(p.replace('«', '"').replace('»', '"'))
    n += len(p)
print('\n'.join(out))
