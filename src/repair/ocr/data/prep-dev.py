import json,sys
from prep_common import paragraphs, sample
# Development pairs (run from the repository root): paragraphs of one act (105095), for tuning weights
# against a model that leaves the act out of the LM, lexicon and channel (see README).
# `prep-dev.py --filter PAIRS.jsonl ACT FILE.md`: the pairs whose clean line is not from the act (the
# development model's channel pairs).
if sys.argv[1]=='--filter':
    t=open('corpus/acts/%s/%s'%(sys.argv[3],sys.argv[4])).read()
    t=' '.join(t.replace('*','').replace('_','').split())
    for line in open(sys.argv[2]):
        if json.loads(line)['clean'] not in t: sys.stdout.write(line)
    sys.exit(0)
act,fname,n,seed=sys.argv[1],sys.argv[2],int(sys.argv[3]),int(sys.argv[4])
md=open('corpus/acts/%s/%s'%(act,fname)).read()
print(sample(paragraphs(md), n, seed))
