#!/usr/bin/env python3
# gen.py: regenerates parse.json with CppNix 2.26 (reference-nix). Run by hand from
# this directory; tests only read the committed output.
#
# Each case runs `nix hash convert` (Hash::parseAny, or Hash::parseSRI with
# --from sri) and records the SRI result or the first line of the error.
import base64, hashlib, json, os, subprocess

R = os.environ.get("REFERENCE_NIX", "/work/shared/tools/reference-nix")

def run(func, algo, inp):
    cmd = [R, "nix", "hash", "convert", "--to", "sri"]
    if func == "sri":
        cmd += ["--from", "sri"]
    if algo:
        cmd += ["--hash-algo", algo]
    cmd += ["--", inp]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode == 0:
        return {"func": func, "algo": algo, "input": inp, "sri": p.stdout.strip()}
    err = p.stderr.strip().splitlines()[0]
    assert err.startswith("error: "), p.stderr
    return {"func": func, "algo": algo, "input": inp, "error": err[len("error: "):]}

NIX32 = "0123456789abcdfghijklmnpqrsvwxyz"
def nix32(b):
    n = (len(b) * 8 - 1) // 5 + 1
    out = []
    for k in range(n - 1, -1, -1):
        bit = k * 5; i, j = bit // 8, bit % 8
        c = b[i] >> j
        if i + 1 < len(b):
            c |= b[i + 1] << (8 - j)
        out.append(NIX32[c & 31])
    return "".join(out)

cases = []
for algo in ["md5", "sha1", "sha256", "sha512"]:
    d = hashlib.new(algo, b"nixgo").digest()
    hx, n32, b64 = d.hex(), nix32(d), base64.b64encode(d).decode()
    for inp in [hx, hx.upper(), n32, b64, algo + ":" + hx, algo + ":" + n32, algo + ":" + b64, algo + "-" + b64]:
        cases += [("any", algo, inp), ("any", "", inp)]
    cases += [
        ("any", algo, hx[:-1]),                 # wrong length
        ("any", algo, hx[:-1] + "g"),           # bad base16
        ("any", algo, "e" + n32[1:]),           # bad nix32 char
        ("any", algo, "z" + n32[1:]),           # nix32 leftover bits (or valid for sha1)
        ("any", algo, "!" + b64[1:]),           # bad base64 char
        ("any", algo, b64[:-2] + "=="),         # base64 padding too early
        ("any", algo, b64.rstrip("=")),         # unpadded base64 without SRI
        ("sri", "", algo + "-" + b64.rstrip("=")),           # SRI without padding
        ("sri", "", algo + "-" + b64 + "trailing"),          # ignored after '='
        ("sri", "", algo + "-" + b64[:8] + "\n" + b64[8:]),  # newline skipped
        ("sri", "", algo + "-" + b64[:-4]),                  # too short
        ("sri", "", algo + ":" + hx),                        # not SRI
        ("sri", "", algo + "-" + b64[:-4] + "////"),         # too long
        ("any", "", algo + "-" + hx),                        # SRI must be base64
    ]
# CppNix ignores nonzero leftover bits of base 64.
d = hashlib.sha256(b"").digest()
b64 = base64.b64encode(d).decode()
cases += [
    ("sri", "", "sha256-" + b64[:42] + "V="),
    ("any", "sha256", b64[:42] + "V="),
    ("any", "", "foo:abc"),
    ("any", "", "sha256-abc:def"),
    ("any", "sha1", "sha256:" + d.hex()),
    ("any", "", "abc"),
    ("any", "", ""),
    ("sri", "", "blake3-" + b64),
    ("sri", "", "nodash"),
    ("any", "sha256", ":" + d.hex()),
    ("any", "sha256", "sha256:"),
]
with open("parse.json", "w") as f:
    json.dump([run(*c) for c in cases], f, indent=1)
    f.write("\n")
