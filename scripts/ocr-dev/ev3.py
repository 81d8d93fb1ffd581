#!/usr/bin/env python3
"""OCR development figures: `python3 ev3.py BIN LANG [label]`.

Runs `BIN eval ocr` on the eight development sets and prints repair CER / WER per set, one line
each, then the WER sum of the eight, then dev5 and dev6 (whole acts; not in the sum):

  dev    src/repair/ocr/data/dev-LANG.jsonl     model A  (M6, default /tmp/f6h: leaves out 105095)
  dev2   src/repair/ocr/data/dev2-LANG.jsonl    model B  (M7, default /tmp/f7h: leaves out 105095, 146415)
  dvb    scripts/ocr-dev/dvb-LANG.jsonl               model A  (fresh render of dev's text, seeds kk 51 / ru 52)
  d3a    scripts/ocr-dev/d3a-LANG.jsonl               shipped  (dev3's act 99760)
  d3b    scripts/ocr-dev/d3b-LANG.jsonl               shipped  (dev3's act 147887)
  dev4, dev4q, dev4n                            shipped  (src/repair/ocr/data)
  dev5                                          shipped  (not in the sum)
  dev6                                          shipped  (amending orders; not in the sum)

Environment: M6 / M7 override the dev model dirs; REPO (default: the repository this script is in) is where the data
files are read; JOBS (default 2) sets how many evals run at once. Every other variable (the
ZAN_OCR_* hooks) passes through to zan. ZAN_OCR_MODEL_DIR is set by this script: M6/M7 for the
dev-model sets, removed for the shipped-model sets.
"""
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    if len(sys.argv) < 3 or sys.argv[2] not in ('kk', 'ru'):
        sys.exit('usage: ev3.py BIN kk|ru [label]')
    binary, lang = os.path.abspath(sys.argv[1]), sys.argv[2]
    label = sys.argv[3] if len(sys.argv) > 3 else ''
    repo = os.environ.get('REPO', os.path.normpath(os.path.join(HERE, '..', '..')))
    data = os.path.join(repo, 'src/repair/ocr/data')
    m6 = os.environ.get('M6', '/tmp/f6h')
    m7 = os.environ.get('M7', '/tmp/f7h')
    jobs = int(os.environ.get('JOBS', '2'))
    sets = [  # name, file, model dir (None: shipped), in the sum
        ('dev', f'{data}/dev-{lang}.jsonl', m6, True),
        ('dev2', f'{data}/dev2-{lang}.jsonl', m7, True),
        ('dvb', f'{HERE}/dvb-{lang}.jsonl', m6, True),
        ('d3a', f'{HERE}/d3a-{lang}.jsonl', None, True),
        ('d3b', f'{HERE}/d3b-{lang}.jsonl', None, True),
        ('dev4', f'{data}/dev4-{lang}.jsonl', None, True),
        ('dev4q', f'{data}/dev4q-{lang}.jsonl', None, True),
        ('dev4n', f'{data}/dev4n-{lang}.jsonl', None, True),
        ('dev5', f'{data}/dev5-{lang}.jsonl', None, False),
        ('dev6', f'{data}/dev6-{lang}.jsonl', None, False),
    ]
    for _, f, m, _ in sets:
        if not os.path.exists(f):
            sys.exit(f'ev3.py: missing {f}')
        if m and not os.path.exists(os.path.join(m, f'{lang}.json.gz')):
            sys.exit(f'ev3.py: no model {m}/{lang}.json.gz')

    def run(s):
        name, f, m, _ = s
        env = dict(os.environ)
        env.pop('ZAN_OCR_MODEL_DIR', None)
        if m:
            env['ZAN_OCR_MODEL_DIR'] = m
        t = time.time()
        p = subprocess.run([binary, 'eval', 'ocr', f, '--lang', lang], env=env, cwd=repo,
                           capture_output=True, text=True)
        out = p.stdout + p.stderr
        g = re.search(r'^\s*repair\s+([\d.]+)%\s+([\d.]+)%', out, re.M)
        if p.returncode != 0 or not g:
            return name, None, None, time.time() - t, out
        return name, float(g.group(1)), float(g.group(2)), time.time() - t, out

    t0 = time.time()
    # longest first so two at a time finish together
    order = sorted(sets, key=lambda s: -os.path.getsize(s[1]))
    with ThreadPoolExecutor(jobs) as ex:
        res = {r[0]: r for r in ex.map(run, order)}
    pre = f'{label} ' if label else ''
    total, bad = 0.0, False
    for name, _, _, in_sum in sets:
        _, cer, wer, dt, out = res[name]
        if cer is None:
            bad = True
            print(f'{pre}{lang} {name:6s} FAILED\n{out}', file=sys.stderr)
            continue
        if not in_sum:
            continue
        total += wer
        print(f'{pre}{lang} {name:6s} {cer:5.2f} / {wer:5.2f}   ({dt:.1f} s)')
    print(f'{pre}{lang} sum of WER (8 sets): {total:.2f}')
    for name, _, _, in_sum in sets:
        _, cer, wer, dt, _ = res[name]
        if not in_sum and cer is not None:
            print(f'{pre}{lang} {name:6s} {cer:5.2f} / {wer:5.2f}   ({dt:.1f} s, not in the sum)')
    print(f'{pre}{lang} wall time {time.time() - t0:.1f} s')
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
