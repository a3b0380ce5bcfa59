#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz targets (tests/fuzz/) into this folder.

Inputs kept because they once crashed or broke an invariant live beside the
seeds, named crash-<target>-<what>; this script never touches them.
Run from anywhere: python3 tests/data/fuzz/make_seeds.py
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(HERE, target, name), "wb") as f:
        f.write(data)


# --- icr stats -----------------------------------------------------------
write("stats_csv", "seed-long.csv", "unit,coder,value\nu1,alice,a\nu1,bob,a\nu2,alice,b\nu2,bob,\n")
write("stats_csv", "seed-wide.csv", "unit,alice,bob,carol\nu1,1,2,1\nu2,3,3,\nu3,,2,2\n")
write("stats_csv", "seed-sets.csv", "unit,alice,bob\nu1,a;b,a\nu2,,b;c\nu3,c,c\n")
write("stats_csv", "seed-quoted.csv",
      '\ufeffunit,coder,value\n"u,1",alice,"x ""y"""\n"u,1",bob,"multi\nline"\r\nu2,alice,z\n')
write("stats_csv", "seed-long-sets.csv", "unit,coder,value\nu1,a,x\nu1,a,y\nu1,b,x\n")
write("stats_csv", "seed-numbers.csv", "unit,a,b\n1,1e3,-2.5\n2,0,0\n3,nan,inf\n")

# --- icr coding submit ---------------------------------------------------
write("coding_csv", "seed-segment.csv", "document,code,segment\nint-01,c1,0\nint-01,c2,3\n")
write("coding_csv", "seed-span.csv", "document,code,start,end,memo\nd,c1,0,5,\"a, memo\"\nd,c2,7,9,\n")
write("coding_csv", "seed-coder.csv", "document,code,segment,coder\nd,c1,0,alice\nd,c1,0,bob\n")
write("coding_csv", "seed-bad-span.csv", "document,code,start,end\nd,c1,5,5\n")
write("coding_csv", "seed-numbers.csv",
      "document,code,start,end\nd,c1,-1,2\nd,c1,9223372036854775807,9223372036854775808\n")
write("coding_csv", "seed-header-only.csv", "document,code,segment\n")

# --- document text -------------------------------------------------------
write("text", "seed-paragraphs.txt", "first paragraph\nstill first\n\n \t\nsecond\r\n\r\nthird\rline\n")
write("text", "seed-emoji.txt", "Zoë said 👋🏽 to her mentor\n\n𝄞 ΣΣ e\u0301\n")
write("text", "seed-crlf.txt", "\r\n\r\n\r\r\n\n\n")
write("text", "seed-bmp-edges.txt", "\u007f\u0080\u07ff\u0800\uffff\U00010000\U0010ffff")
write("text", "seed-overlong.bin", b"\xc0\xaf\xe0\x80\xaf\xed\xa0\x80\xf4\x90\x80\x80")
write("text", "seed-probes.txt", "\x00\x05\x00\x09\x00\x0d\x00\x20 text with probes\n\nnext")


# --- requests --------------------------------------------------------------
# Byte 0 picks the RPC (tests/fuzz/request_input.cc, Dispatch), byte 1 the
# flags (1: as coder alice, 2: pin project p, round r, document d), the rest
# is the request message in protobuf wire format.
def varint(n):
    out = b""
    n &= (1 << 64) - 1
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def field(number, value):
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    if isinstance(value, str):
        value = value.encode("utf-8")
    return varint(number << 3 | 2) + varint(len(value)) + value


def request(method, flags, *fields):
    return bytes([method, flags]) + b"".join(fields)


CREATE_CODE, MERGE_CODE, CREATE_DOCUMENT, GET_DOCUMENT = 10, 12, 16, 17
CREATE_ROUND, SUBMIT, IMPORT, LIST_CODINGS, COMPUTE = 19, 23, 24, 26, 32
write("request", "seed-create-code",
      request(CREATE_CODE, 2, field(2, field(1, "c3") + field(2, "C3") + field(7, "c1"))))
write("request", "seed-create-code-cycle",
      request(CREATE_CODE, 2, field(2, field(1, "c1") + field(2, "C1") + field(7, "c2"))))
write("request", "seed-merge-code", request(MERGE_CODE, 2, field(2, "c2"), field(3, "c1")))
write("request", "seed-create-document",
      request(CREATE_DOCUMENT, 2, field(2, "d2"), field(4, "a\r\n\r\nb 👋\n"), field(5, 3)))
write("request", "seed-create-document-given-segments",
      request(CREATE_DOCUMENT, 2, field(2, "d3"), field(4, "abcdef"),
              field(6, field(1, 0) + field(2, 3)), field(6, field(1, 2) + field(2, 9))))
write("request", "seed-create-document-bad-utf8",
      request(CREATE_DOCUMENT, 2, field(2, "d4"), field(4, b"\xff\xfe"), field(5, 1)))
write("request", "seed-get-document-utf16", request(GET_DOCUMENT, 2, field(3, 1), field(4, 1)))
write("request", "seed-create-round",
      request(CREATE_ROUND, 2, field(2, "r2"), field(4, "d"), field(5, "alice")))
write("request", "seed-submit-span",
      request(SUBMIT, 3, field(3, field(1, "d") + field(2, "c2") +
                                  field(4, field(1, 3) + field(2, 12)) + field(5, "memo ✓"))))
write("request", "seed-submit-segment-out-of-range",
      request(SUBMIT, 3, field(3, field(1, "d") + field(2, "c1") + field(3, 99))))
write("request", "seed-import",
      request(IMPORT, 3, field(4, field(1, "d") + field(2, "c1") + field(3, 1))) + b"\xff" +
      field(4, field(1, "d") + field(2, "c2") + field(4, field(1, 0) + field(2, 2))))
write("request", "seed-list-codings-page-token",
      request(LIST_CODINGS, 2, field(7, 1), field(8, b"\x00\xffnot a token")))
write("request", "seed-compute-agreement", request(COMPUTE, 2))
write("request", "seed-list-events-huge-page", request(27, 2, field(2, 2**31 - 1)))
write("request", "seed-inclusion-proof-negative", request(29, 2, field(2, -5), field(3, 2**62)))
