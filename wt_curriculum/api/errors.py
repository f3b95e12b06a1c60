"""The one error shape of the JSON API: {"error": {"status": 404, "message": "..."}}."""
from flask import jsonify


def error_response(status: int, message: str, **details):
    body = {"error": {"status": status, "message": message}}
    if details:
        body["error"]["details"] = details
    return jsonify(body), status
