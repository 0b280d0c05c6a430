"""The least a WSGI server can be asked: what the harness's own test (test_harness.py) serves."""


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]
