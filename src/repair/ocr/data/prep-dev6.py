"""Whole acts for development (dev6-*.jsonl), of the amending kind our test seeds are: the opening
of an act of dev6/ (trained on by no model) as its paragraphs in order (`prep_common.paragraphs`:
markup dropped), about 7,000 characters, « » written as ". The acts (dev6/SOURCES.tsv): 142653
(an order that amends two orders, "Внести в некоторые приказы … следующие изменения … изложить в
новой редакции"), 152998 (suspends an order until a date) and 178474 (suspends a chapter of
Rules). The index of kazakhstan-law/ministerial holds no "o-vnesenii-izmenenii" folder.
Run from the repository root:
`python3 src/repair/ocr/data/prep-dev6.py ACT kaz.md|rus.md > ACT.txt`, then
`JOBS=2 REOCR=0 WIDTH=40-90 make-pairs.sh ACT.txt kk|ru ACT.jsonl 8` (../shared/ocr) for acts
142653, 152998 and 178474, concatenated in that order."""
import sys

sys.path.insert(0, 'src/repair/ocr/data')
from prep_common import paragraphs  # noqa: E402

act, fname = sys.argv[1:3]
out, n = [], 0
for p in paragraphs(open(f'src/repair/ocr/data/dev6/{act}/{fname}').read()):
    if n > 7000:
        break
    out.append(p.replace('«', '"').replace('»', '"'))
    n += len(p)
print('\n'.join(out))
