#!/usr/bin/env python3
"""Signs requests with the OFFICIAL Huawei Cloud Python SDK signer (huaweicloudsdkcore).

Test-only oracle for the mock DCS server. Reads JSON on stdin: one request spec or a list of them:
  {
    "ak": "...", "sk": "...", "security_token": null | "...", "project_id": null | "...",
    "method": "GET", "scheme": "http", "host": "127.0.0.1:9000",
    "resource_path": "/v2/{project_id}/instances/{instance_id}/tasks",
    "path_params": {"project_id": "...", "instance_id": "..."},
    "query": [["offset", 0], ["limit", 10]],
    "headers": {"Content-Type": "application/json"},
    "body": "",
    "sdk_date": null | "20240101T000000Z"
  }
Prints JSON (one object or a list): {"uri": path?query as the SDK sends it, "headers": {...}}.

It follows the SDK's own request path: path parameters are quoted like
huaweicloudsdkcore.client.Client._parse_path_params (quote(str(v), safe='')), then
BasicCredentials.sign_request adds X-Project-Id and X-Security-Token and runs
signer.Signer.sign, which adds X-Sdk-Date, Host and Authorization and sets request.uri.
Header values come back as the SDK sends them (UTF-8 bytes re-read as latin-1 strings).
"""
import json
import sys
from urllib.parse import quote

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest


def sign_one(spec):
    path = spec["resource_path"]
    for k, v in (spec.get("path_params") or {}).items():
        path = path.replace("{%s}" % k, quote(str(v), safe=""))
    headers = dict(spec.get("headers") or {})
    if spec.get("sdk_date"):
        headers["X-Sdk-Date"] = spec["sdk_date"]
    query = [tuple(p) for p in (spec.get("query") or [])]
    req = SdkRequest(
        method=spec.get("method", "GET"),
        schema=spec.get("scheme", "http"),
        host=spec["host"],
        resource_path=path,
        query_params=query,
        header_params=headers,
        body=spec.get("body") or "",
    )
    cred = BasicCredentials(spec["ak"], spec["sk"], spec.get("project_id"))
    if spec.get("security_token"):
        cred = cred.with_security_token(spec["security_token"])
    req = cred.sign_request(req)
    return {"uri": req.uri, "headers": dict(req.header_params)}


def main():
    data = json.load(sys.stdin)
    out = [sign_one(s) for s in data] if isinstance(data, list) else sign_one(data)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
