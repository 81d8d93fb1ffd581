import re,glob,random,sys
# Training acts only (run from the repository root): leave out the acts the seeds amend (125804: seed 000,
# 142171: seed 003, 142971: seed 004), the clean-text test acts (141011, 97449) and the development act
# 105095 (dev pairs for tuning). Made kk-acts2.jsonl / ru-acts2.jsonl (see README).
EXCL={'105095','125804','142171','142971','141011','97449'}
lang,fname,n,seed=sys.argv[1],sys.argv[2],int(sys.argv[3]),int(sys.argv[4])
paras=[]
for d in sorted(glob.glob('corpus/acts/*')):
    if d.split('/')[-1] in EXCL: continue
    try: md=open(d+'/'+fname).read()
    except: continue
    for line in md.splitlines():
        l=line.strip()
        if l.startswith('|-') or l.startswith('|:') or l.startswith('| -'): continue
        for cell in l.split('|'):
            t=re.sub(r'<[^>]+>',' ',cell).lstrip('#> ').replace('*','').replace('_','')
            t=' '.join(t.split())
            if len(t)>=8 and re.search('[а-яА-ЯәғқңөұүһіӘҒҚҢӨҰҮҺІ]',t) and not re.search('[A-Za-z]',t): paras.append(t[:400])
random.seed(seed); random.shuffle(paras)
out=[];tot=0
for p in paras:
    out.append(p); tot+=len(p)
    if tot>n: break
print('\n'.join(out))
