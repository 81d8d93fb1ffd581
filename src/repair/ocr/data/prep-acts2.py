import sys
from prep_common import sample, training_acts
# Training acts only (run from the repository root): leave out the acts the seeds amend (125804: seed 000,
# 142171: seed 003, 142971: seed 004), the clean-text test acts (141011, 97449) and the development act
# 105095 (dev pairs for tuning). Made kk-acts2.jsonl / ru-acts2.jsonl and, with other seeds, kk-acts3..5.jsonl
# (see README).
EXCL = {'105095', '125804', '142171', '142971', '141011', '97449'}
lang, fname, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
print(sample(training_acts(fname, EXCL), n, seed))
