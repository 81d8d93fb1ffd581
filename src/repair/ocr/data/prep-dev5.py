"""Whole acts for development (dev5-*.jsonl): the opening of an act of dev4/ (trained on by no
model) as its paragraphs in order (`prep_common.paragraphs`: markup dropped), about 7,000
characters, « » written as ". Run from the repository root:
`python3 src/repair/ocr/data/prep-dev5.py ACT kaz.md|rus.md > ACT.txt`, then
`JOBS=2 REOCR=0 WIDTH=40-90 make-pairs.sh ACT.txt kk|ru ACT.jsonl 7` (../shared/ocr) for acts
155484, 156401, 165376 and 178002 (those of dev4 that define the most terms), concatenated in
that order."""
import sys

sys.path.insert(0, 'src/repair/ocr/data')
from prep_common import paragraphs  # noqa: E402

act, fname = sys.argv[1:3]
out, n = [], 0
for p in paragraphs(open(f'src/repair/ocr/data/dev4/{act}/{fname}').read()):
    if n > 7000:
        break
    out.append(p.replace('«', '"').replace('»', '"'))
    n += len(p)
print('\n'.join(out))
