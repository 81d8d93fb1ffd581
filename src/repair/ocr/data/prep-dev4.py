"""Development text written as Adilet's text exports write it, with straight quotes: paragraphs of
the 32 acts in dev4/ (copied like acts/, but trained on by no model), «» → ". Run from the
repository root. `prep-dev4.py FILE.md CHARS SEED` samples all paragraphs (dev4-*.jsonl);
`prep-dev4.py --quoted FILE.md CHARS SEED` only those with quotes (dev4q-*.jsonl)."""
import glob
import sys
from prep_common import paragraphs, sample

args = sys.argv[1:]
quoted = args[:1] == ['--quoted']
fname, n, seed = args[-3], int(args[-2]), int(args[-1])
paras = []
for d in sorted(glob.glob('src/repair/ocr/data/dev4/*/')):
    paras.extend(p for p in paragraphs(open(d + fname).read()) if not quoted or '«' in p)
print(sample(paras, n, seed).replace('«', '"').replace('»', '"'))
