#!/usr/bin/env python3
"""A real OTLP/HTTP receiver for Sprite's tests and benchmarks, built on the official
`opentelemetry-proto` package: it decodes every request (protobuf or JSON, gzip or not) with the
generated message classes and records it.

    otlp_receiver.py PORT [--count-only]

With --count-only (benchmarks), requests are decoded but only their item counts are recorded.

GET  /records        all requests so far: [{"path", "content_type", "gzip", "bytes", "message": {...}}]
POST /control        {"fail": [503, 503], "retry_after": "1", "partial": 2} — answer the next requests
                     with these statuses (then 200); "partial" makes the next success report that many
                     items rejected (protobuf answers only); {"reset": true} clears records.
"""
import base64, gzip, json, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2 as logs
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2 as metrics
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2 as traces

SIGNALS = {
    "/v1/traces": (traces.ExportTraceServiceRequest, traces.ExportTraceServiceResponse, "rejected_spans"),
    "/v1/metrics": (metrics.ExportMetricsServiceRequest, metrics.ExportMetricsServiceResponse, "rejected_data_points"),
    "/v1/logs": (logs.ExportLogsServiceRequest, logs.ExportLogsServiceResponse, "rejected_log_records"),
}
lock = threading.Lock()
records, control = [], {"fail": [], "retry_after": None, "partial": 0}


ID_FIELDS = ("traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id")


def convert_ids(node, to_hex):
    """OTLP/JSON writes trace and span ids as hex, protobuf's JSON mapping as base64: convert."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ID_FIELDS and isinstance(v, str):
                node[k] = base64.b64decode(v).hex() if to_hex else base64.b64encode(bytes.fromhex(v)).decode()
            else:
                convert_ids(v, to_hex)
    elif isinstance(node, list):
        for v in node:
            convert_ids(v, to_hex)
    return node


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def reply(self, status, body=b"", ctype="application/json", headers=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with lock:
            self.reply(200, json.dumps(records).encode())

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/control":
            c = json.loads(body or b"{}")
            with lock:
                if c.get("reset"):
                    records.clear()
                for k in ("fail", "retry_after", "partial"):
                    if k in c:
                        control[k] = c[k]
            return self.reply(200, b"{}")
        if self.path not in SIGNALS:
            return self.reply(404, b'{"error":"unknown path"}')
        with lock:
            if control["fail"]:
                status = control["fail"].pop(0)
                headers = {"Retry-After": control["retry_after"]} if control["retry_after"] else {}
                return self.reply(status, b'{"error":"injected"}', headers=headers)
        request_type, response_type, rejected_field = SIGNALS[self.path]
        zipped = self.headers.get("Content-Encoding") == "gzip"
        raw = gzip.decompress(body) if zipped else body
        ctype = self.headers.get("Content-Type", "")
        msg = request_type()
        try:
            if ctype.startswith("application/x-protobuf"):
                msg.ParseFromString(raw)
            elif ctype.startswith("application/json"):
                json_format.ParseDict(convert_ids(json.loads(raw), to_hex=False), msg)
            else:
                return self.reply(415, b'{"error":"content type"}')
        except Exception as e:  # a malformed request is an error of the sender: record and refuse
            return self.reply(400, json.dumps({"error": str(e)}).encode())
        with lock:
            if COUNT_ONLY:
                items = sum(len(ss.spans) for rs in msg.resource_spans for ss in rs.scope_spans) if self.path == "/v1/traces" else 0
                records.append({"path": self.path, "gzip": zipped, "bytes": len(body), "items": items})
            else:
                records.append({"path": self.path, "content_type": ctype, "gzip": zipped, "bytes": len(body),
                                "message": convert_ids(json_format.MessageToDict(msg, preserving_proto_field_name=True), to_hex=True)})
            partial, control["partial"] = control["partial"], 0
        response = response_type()
        if partial:
            setattr(response.partial_success, rejected_field, partial)
            response.partial_success.error_message = "injected partial success"
        if ctype.startswith("application/x-protobuf"):
            self.reply(200, response.SerializeToString(), "application/x-protobuf")
        else:
            self.reply(200, json_format.MessageToJson(response).encode())


COUNT_ONLY = "--count-only" in sys.argv

if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    print(f"ready {server.server_address[1]}", flush=True)
    server.serve_forever()
