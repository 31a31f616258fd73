#!/usr/bin/env python3
"""Differential-test cases for the Rust SDK-HMAC-SHA256 signer (src/sign.rs), signed by the
OFFICIAL Python signer (huaweicloudsdkcore.signer.signer.Signer fed an SdkRequest).

Usage: gen_cases.py OUT [N]   (N >= 200, default 400; fixed seed, so the output is reproducible)

Output: a line format the Rust test reads without a JSON parser. Lines starting with '#' are
comments; every other line is one case, 13 tab-separated fields, each the hex of UTF-8 bytes
except field 6 (decimal):
  0 method  1 url (as our HttpRequest carries it)  2 headers ("name\\nvalue\\n..." in order)
  3 ak  4 sk  5 security token ("" = none)  6 X-Sdk-Date instant, epoch ms  7 X-Sdk-Date
  8 body bytes  9 expected Authorization  10 expected uri (path?query as the SDK sends it)
  11 expected header names after signing (lower-case, sorted, ","-joined, without Host
     unless the request carried one)  12 expected canonical request (for diagnostics)

How the SdkRequest is built, following huaweicloudsdkcore's own request path:
- resource_path is the raw path of our URL (the SDK percent-decodes it itself when signing;
  path parameters are quoted like Client._parse_path_params: quote(str(v), safe=''));
- query_params are the DECODED (name, value) pairs, in URL order; the URL we give the Rust
  signer encodes them in varied but equivalent ways (raw where legal, %XX with upper- or
  lower-case hex, '+' raw as a literal plus); raw invalid escapes ('%zz', '%ff') are decoded
  with urllib.parse.unquote, the same leniency the SDK applies to paths;
- host is what fetch sends as Host: lower-case, without the scheme's default port;
- header_params get X-Sdk-Date and, for temporary credentials, X-Security-Token (as
  BasicCredentials.sign_request does) before Signer.sign.
"""
import random
import sys
from datetime import datetime, timezone
from urllib.parse import quote, unquote

from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

try:
    from importlib.metadata import version
    SDK_VERSION = version("huaweicloudsdkcore")
except Exception:  # pragma: no cover
    SDK_VERSION = "unknown"

R = random.Random(20240229)

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
TOKEN_CHARS = "!#$%&'*+-.^_`|~ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
# Characters for query names/values: ones needing encoding, reserved ones, non-ASCII.
QCHARS = list("abcXYZ019-_.~ +/%=&?#:@!$'()*,;[]{}|\\^`\"<>") + ["é", "ü", "中", "文", "😀", "\u00a0", "ß"]
PCHARS = list("abcXYZ019-_.~+!$'()*,;=:@") + ["é", "中", "😀"]
ALWAYS_RAW_Q = set("abcXYZ019-_.~/:@!$'()*,;?")  # may appear raw in a query part
CASE_HOSTS = ["dcs.cn-north-4.myhuaweicloud.com", "dcs.ap-southeast-1.myhuaweicloud.com",
              "127.0.0.1", "localhost", "[::1]", "mock-dcs.internal"]


def rstr(chars, lo, hi):
    return "".join(R.choice(chars) for _ in range(R.randint(lo, hi)))


def pct(ch):
    return "".join(("%%%02X" if R.random() < 0.7 else "%%%02x") % b for b in ch.encode("utf-8"))


def enc_query_part(s, is_key):
    out = []
    for ch in s:
        raw_ok = ch in ALWAYS_RAW_Q or ch == "+" or (ch == "=" and not is_key) or ord(ch) > 0x7f and ch != "\u00a0"
        out.append(ch if raw_ok and R.random() < 0.6 else pct(ch))
    return "".join(out)


def gen_query():
    """(raw query for our URL or None, decoded pairs for the SDK)."""
    n = R.choice([0, 0, 1, 2, 3, 4, 6])
    if n == 0:
        return (R.choice([None, None, "", "&"]), [])
    keys = ["offset", "limit", "start_time", "end_time", "a", "A", "b b", "k+", "x/y", "%", "ключ", "é", ""]
    pairs, raw = [], []
    for _ in range(n):
        if R.random() < 0.8:
            k = R.choice(keys)
        else:
            k = rstr(QCHARS, 1, 6)
        v = R.choice(["", "0", "10", "20200609160000", rstr(QCHARS, 0, 12), rstr(QCHARS, 1, 3)])
        if pairs and R.random() < 0.2:
            k = pairs[-1][0]  # duplicated key
        if R.random() < 0.08:
            # raw invalid escapes: decoded as unquote would (lenient, U+FFFD for bad UTF-8)
            piece_v = R.choice(["%zz", "%ff", "100%", "%C3", "%e2%82", "a%2"])
            pairs.append((k, unquote(piece_v)))
            raw.append(enc_query_part(k, True) + "=" + piece_v)
            continue
        pairs.append((k, v))
        if v == "" and k != "" and R.random() < 0.5:
            raw.append(enc_query_part(k, True))
        else:
            raw.append(enc_query_part(k, True) + "=" + enc_query_part(v, False))
    if R.random() < 0.1:
        raw.insert(R.randint(0, len(raw)), "")  # empty piece ("&&"), skipped
    return ("&".join(raw), pairs)


def gen_path():
    project = R.choice(["0123456789abcdef0123456789abcdef", "%032x" % R.getrandbits(128)])
    inst = R.choice(["3e5c8b1a-1111-2222-3333-444455556666", "%08x-aaaa-bbbb-cccc-%012x" % (R.getrandbits(32), R.getrandbits(48))])
    r = R.random()
    if r < 0.25:
        inst = rstr(QCHARS + PCHARS, 1, 10)
        while inst.strip(".") == "" or unquote(inst) in (".", ".."):
            inst = rstr(PCHARS, 1, 10)
        inst = quote(inst, safe="")  # like Client._parse_path_params
    elif r < 0.4:
        # raw (unencoded) characters legal in a path, non-ASCII and lenient escapes
        inst = "".join(R.choice(PCHARS) for _ in range(R.randint(1, 8))) + R.choice(["", "%zz", "%FF", "%", "%2F", "%2f", "%41"])
        if inst.lower().replace("%2e", ".") in (".", ".."):
            inst = "x" + inst
    tail = R.choice(["/tasks", "/tasks", "/tasks/" + rstr("abcdef0123456789", 8, 32), "/tasks/" + rstr("abcdef0123456789-", 4, 12) + "/progress", "/tasks/", "//tasks"])
    return "/v2/%s/instances/%s%s" % (project, inst, tail)


def gen_headers(project_in_header):
    hs = []
    names = set()

    def add(k, v):
        if k.lower() in names:
            return
        names.add(k.lower())
        hs.append((k, v))

    if R.random() < 0.5:
        add("Content-Type", R.choice(["application/json", "application/json;charset=UTF-8", "application/bson",
                                      "text/plain", "application/x-www-form-urlencoded", "application/octet-stream",
                                      "multipart/form-data; boundary=x"]))
    if project_in_header:
        add(R.choice(["X-Project-Id", "x-project-id", "X-PROJECT-ID"]), "%032x" % R.getrandbits(128))
    for _ in range(R.choice([0, 0, 1, 2, 3, 5])):
        name = R.choice(["X-Request-Id", "Accept", "User-Agent", "X-Language", "X_Underscore", "x_b",
                         "X-Custom-" + rstr("abcXYZ19", 1, 4), rstr(TOKEN_CHARS, 1, 12)])
        val = R.choice([
            "application/json", "dcs-tasks/0.1", "en-us", "",
            rstr("abc XYZ019-_=+/;,:\"'()", 0, 20),
            " " + rstr("abcdef", 1, 5) + "  ",
            "\t" + rstr("abc def", 1, 8) + "\t ",
            "\u00a0" + rstr("abc", 1, 3) + "\u3000",
            "é中文 " + rstr("abc", 0, 3),
            "a  b\tc",
        ])
        if name.lower() in ("host", "authorization", "x-sdk-date", "x-security-token", "content-type",
                            "x-sdk-content-sha256", "x-auth-token"):
            continue
        add(name, val)
    R.shuffle(hs)
    return hs


def gen_date_ms():
    special = [
        datetime(2024, 2, 29, 12, 34, 56, tzinfo=timezone.utc),
        datetime(2000, 2, 29, 0, 0, 0, tzinfo=timezone.utc),
        datetime(2024, 2, 29, 23, 59, 59, tzinfo=timezone.utc),
        datetime(2023, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
        datetime(1970, 1, 1, 0, 0, 0, tzinfo=timezone.utc),
        datetime(2099, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
    ]
    if R.random() < 0.15:
        ms = int(R.choice(special).timestamp()) * 1000
    else:
        ms = R.randint(946684800, 4102444799) * 1000  # 2000..2099
    return ms + R.randint(0, 999)  # milliseconds are dropped by X-Sdk-Date


class CapturingSigner(Signer):
    def _process_string_to_sign(self, canonical_request, t):
        self.canonical = canonical_request
        return super()._process_string_to_sign(canonical_request, t)


class Cred:
    def __init__(self, ak, sk):
        self.ak, self.sk = ak, sk


def gen_case(i):
    method = R.choice(["GET"] * 6 + ["DELETE"] * 3 + ["POST", "PUT", "get", "delete"])
    scheme = R.choice(["https", "http"])
    host = R.choice(CASE_HOSTS)
    url_host, sdk_host = host, host
    pr = R.random()
    if pr < 0.35:
        port = str(R.choice([1, 80, 443, 8080, 8443, 9000, 65535]))
        url_host = host + ":" + port
        default = (scheme == "https" and port == "443") or (scheme == "http" and port == "80")
        sdk_host = host if default else url_host
    if R.random() < 0.1 and not host.startswith("["):
        url_host = url_host.upper()  # fetch sends the host lower-cased
    path = gen_path()
    raw_q, pairs = gen_query()
    url = "%s://%s%s" % (scheme, url_host, path) + ("" if raw_q is None else "?" + raw_q)
    headers = gen_headers(R.random() < 0.85)
    if R.random() < 0.05:
        headers.append(("Host", "proxy.example.com:8080"))
    ak = rstr(B64.replace(",", ""), 8, 40)
    sk = rstr(B64, 1, R.choice([40, 64, 100]))
    token = rstr(B64, 20, R.choice([200, 2000])) if R.random() < 0.4 else ""
    date_ms = gen_date_ms()
    sdk_date = datetime.fromtimestamp(date_ms // 1000, tz=timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    body = b""
    if method in ("POST", "PUT") or R.random() < 0.05:
        body = R.choice([b"", b"{}", '{"name":"é"}'.encode(), bytes(R.getrandbits(8) for _ in range(R.randint(1, 300)))])

    hp = dict(headers)
    hp["X-Sdk-Date"] = sdk_date
    if token:
        hp["X-Security-Token"] = token
    req = SdkRequest(method=method, schema=scheme, host=sdk_host, resource_path=path,
                     query_params=list(pairs), header_params=hp, body=body)
    signer = CapturingSigner(Cred(ak, sk))
    out = signer.sign(req)
    given_host = any(k.lower() == "host" for k, _ in headers)
    names = sorted(k.lower() for k in out.header_params if given_host or k.lower() != "host")
    return [method, url, "".join("%s\n%s\n" % kv for kv in headers), ak, sk, token, str(date_ms), sdk_date,
            body, out.header_params["Authorization"], out.uri, ",".join(names), signer.canonical]


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    if n < 200:
        sys.exit("need at least 200 cases")
    with open(out, "w", encoding="ascii") as f:
        f.write("# dcs-tasks sign-oracle v1, huaweicloudsdkcore %s, %d cases\n" % (SDK_VERSION, n))
        for i in range(n):
            fields = gen_case(i)
            f.write("\t".join(x if j == 6 else (x if isinstance(x, bytes) else x.encode("utf-8")).hex()
                              for j, x in enumerate(fields)) + "\n")
    print("wrote %d cases to %s" % (n, out), file=sys.stderr)


if __name__ == "__main__":
    main()
