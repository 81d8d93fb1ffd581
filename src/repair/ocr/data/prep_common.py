"""Shared by prep-acts.py, prep-acts2.py and prep-dev.py: the Cyrillic paragraphs of a corpus act
(table cells one by one, markup dropped) and a seeded sample of them up to a size."""
import random
import re


def paragraphs(md):
    out = []
    for line in md.splitlines():
        l = line.strip()
        if l.startswith('|-') or l.startswith('|:') or l.startswith('| -'):
            continue
        for cell in l.split('|'):
            t = re.sub(r'<[^>]+>', ' ', cell).lstrip('#> ').replace('*', '').replace('_', '')
            t = ' '.join(t.split())
            if len(t) >= 8 and re.search('[а-яА-ЯәғқңөұүһіӘҒҚҢӨҰҮҺІ]', t) and not re.search('[A-Za-z]', t):
                out.append(t[:400])
    return out


def sample(paras, n, seed):
    """Shuffled with `seed`, up to the first paragraph past `n` characters."""
    random.seed(seed)
    random.shuffle(paras)
    out, tot = [], 0
    for p in paras:
        out.append(p)
        tot += len(p)
        if tot > n:
            break
    return '\n'.join(out)


def training_acts(fname, excluded):
    """Paragraphs of every corpus act (run from the repository root) but `excluded`."""
    import glob
    paras = []
    for d in sorted(glob.glob('corpus/acts/*')):
        if d.split('/')[-1] in excluded:
            continue
        try:
            md = open(d + '/' + fname).read()
        except OSError:
            continue
        paras.extend(paragraphs(md))
    return paras
