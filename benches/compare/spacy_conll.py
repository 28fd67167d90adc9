"""CoNLL side by side with spaCy (not run by `cargo bench`: it needs Python).

Tokenizes and tags the same documents Marginalia exports, the way a spaCy
user would: `spacy.blank("fr")` + `offsets_to_biluo_tags`, outermost
annotation kept where two overlap (Marginalia's default), space tokens left
out, one "token TAG" line per token.

    python3 -m venv /tmp/spacyenv && /tmp/spacyenv/bin/pip install spacy
    marginalia export sample_projects/karabakh/karabakh.ron --format jsonl -o sample.jsonl
    python3 benches/compare/spacy_conll.py --make-corpus sample.jsonl corpus.jsonl 1000
    marginalia import --format jsonl corpus.jsonl -o proj/corpus.ron
    time marginalia export proj/corpus.ron --format conll -o m.conll
    /tmp/spacyenv/bin/python benches/compare/spacy_conll.py corpus.jsonl s.conll
"""

import json
import sys
import time


def make_corpus(sample, out, n):
    docs = [json.loads(line) for line in open(sample, encoding="utf-8")]
    with open(out, "w", encoding="utf-8") as f:
        for i in range(n):
            d = dict(docs[i % len(docs)])
            d["id"] = f"{d['id']}-{i}"
            d.pop("relations", None)
            f.write(json.dumps(d, ensure_ascii=False) + "\n")


def tag(corpus, out):
    import spacy
    from spacy.training import offsets_to_biluo_tags

    t0 = time.perf_counter()
    nlp = spacy.blank("fr")
    docs = [json.loads(line) for line in open(corpus, encoding="utf-8")]
    t1 = time.perf_counter()
    lines = []
    misaligned = 0
    for d in docs:
        doc = nlp.make_doc(d["text"])
        kept = []
        for s, e, label in sorted(d["label"], key=lambda x: (-(x[1] - x[0]), x[0])):
            if all(e <= ks or s >= ke for ks, ke, _ in kept):
                kept.append((s, e, label))
        tags = offsets_to_biluo_tags(doc, sorted(kept))
        misaligned += tags.count("-")
        lines.append("-DOCSTART- O\n\n")
        for token, t in zip(doc, tags):
            if not token.is_space:
                lines.append(f"{token.text} {t}\n")
        lines.append("\n")
    with open(out, "w", encoding="utf-8") as f:
        f.write("".join(lines))
    t2 = time.perf_counter()
    print(f"spaCy: read {t1 - t0:.2f} s, tokenize + tag + write {t2 - t1:.2f} s; {misaligned} tokens of misaligned entities")


if __name__ == "__main__":
    if sys.argv[1] == "--make-corpus":
        make_corpus(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        tag(sys.argv[1], sys.argv[2])
