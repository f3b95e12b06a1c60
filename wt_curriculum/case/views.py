from flask import Blueprint

bp = Blueprint("case", __name__)
